import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock';
import { selectRows, type Db } from './db';

/** A machine clock further than this from the database's is reported as wrong. */
export const CLOCK_SKEW_WARNING_MS = 2000;
/** How often the offset is measured again (clocks drift; NTP steps them back). */
const REMEASURE_EVERY_MS = 60_000;
/** Round trips per measurement: the fastest one bounds the error best. */
const SAMPLES = 3;

/**
 * The time every jitbot process agrees on: the database server's, read through the
 * machine clock plus a measured offset (no query per reading). Grant start and end
 * times, expiries and the reconciler's "due" all come from here, so a worker whose own
 * clock is 30 s off still grants and ends access for exactly the time granted.
 */
export class DatabaseClock implements Clock {
  private offsetMs = 0;
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  /** Measures the offset once (start-up waits for it) and again every minute. */
  static async start(db: Db, logger: Logger): Promise<DatabaseClock> {
    const clock = new DatabaseClock(db, logger);
    await clock.measure();
    clock.timer = setInterval(() => {
      clock
        .measure()
        .catch((err: unknown) => logger.debug({ err }, 'could not measure the clock offset to the database; keeping the last one'));
    }, REMEASURE_EVERY_MS);
    clock.timer.unref();
    return clock;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Database time minus this machine's, in ms (positive: this machine is behind). */
  get offset(): number {
    return this.offsetMs;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async measure(): Promise<void> {
    let best: { roundTripMs: number; offsetMs: number } | undefined;
    for (let i = 0; i < SAMPLES; i++) {
      const sentAt = Date.now();
      const [row] = await selectRows<{ ms: number }>(this.db, sql`select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms`);
      const answeredAt = Date.now();
      const dbMs = Number(row!.ms);
      const sample = { roundTripMs: answeredAt - sentAt, offsetMs: dbMs - (sentAt + answeredAt) / 2 };
      if (!best || sample.roundTripMs < best.roundTripMs) best = sample;
    }
    const wasOff = Math.abs(this.offsetMs) > CLOCK_SKEW_WARNING_MS;
    this.offsetMs = Math.round(best!.offsetMs);
    const isOff = Math.abs(this.offsetMs) > CLOCK_SKEW_WARNING_MS;
    if (isOff) {
      const seconds = (Math.abs(this.offsetMs) / 1000).toFixed(1);
      this.logger.warn(
        { clockOffsetMs: this.offsetMs },
        `this machine's clock is ${seconds} s ${this.offsetMs > 0 ? 'behind' : 'ahead of'} the database's: jitbot keeps time by the database, so grants still last what was granted, but fix the clock (NTP) — logs and Slack timestamps from this process are off`,
      );
    } else if (wasOff) this.logger.info({ clockOffsetMs: this.offsetMs }, "this machine's clock agrees with the database's again");
  }
}
