import type { Logger } from '../../lib/logger';
import type { Db } from '../db';
import { sealPending } from './audit-log';

/** Rows sealed per transaction: large enough for a burst, small enough to keep the lock short. */
const SEAL_BATCH = 500;

/**
 * Seals audit rows onto the hash chain off the request path. Every commit that
 * wrote audit rows calls `kick()`; kicks that arrive while a pass runs coalesce
 * into one more pass, so a burst of commits costs a few sealing transactions,
 * not one lock wait each. A pass that fails (database hiccup) is logged and left
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
    }
  }
}
