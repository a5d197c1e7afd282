import type { Logger } from '../../lib/logger';
import type { Db } from '../db';
import { sealPending } from './audit-log';

/** Rows sealed per transaction: large enough for a burst, small enough to keep the lock short. */
const SEAL_BATCH = 500;
/**
 * A pass that follows another waits this long: in a burst (thousands of revokes in a
 * minute) each pass then seals many rows at once, instead of a few rows per pass and
 * six statements each. An idle sealer starts at once.
 */
const SEAL_SPACING_MS = 50;

/**
 * Seals audit rows onto the hash chain off the request path. Every commit that
 * wrote audit rows calls `kick()`; kicks that arrive while a pass runs coalesce
 * into one more pass, spaced a little after the last, so a burst of commits costs
 * a few sealing transactions, not one each. A pass that fails (database hiccup) is logged and left
 * to the next kick or to the reconciler's sweep, which calls `sealAll()`.
 */
export class AuditSealer {
  private again = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger?: Logger,
  ) {}

  kick(): void {
    this.again = true;
    this.running ??= this.loop().finally(() => (this.running = undefined));
  }

  /** Seals everything committed so far (and anything kicked meanwhile). */
  async sealAll(): Promise<void> {
    this.kick();
    await this.drain();
  }

  /** Waits for the pass under way, if any (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    while (this.again) {
      this.again = false;
      try {
        while ((await sealPending(this.db, SEAL_BATCH)) === SEAL_BATCH);
      } catch (err) {
        this.logger?.warn({ err }, 'could not seal audit rows onto the hash chain; the next commit or the reconciler retries');
        return;
      }
      if (this.again) await new Promise((resolve) => setTimeout(resolve, SEAL_SPACING_MS));
    }
  }
}
