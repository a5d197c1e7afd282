import type { Logger } from './logger';

/**
 * Runs background tasks a few at a time, in the order given. The revoke worker leaves a
 * grant's follow-ups here (verification, DMs, card updates) so that in a burst of expiries
 * the next revoke runs first and the follow-ups catch up behind it. A failed task is logged;
 * `drain()` (shutdown, tests) waits until every task given so far has run.
 */
export class BoundedRunner {
  private readonly waiting: Array<{ what: string; task: () => Promise<void> }> = [];
  private active = 0;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly logger: Logger,
  ) {}

  run(what: string, task: () => Promise<void>): void {
    this.waiting.push({ what, task });
    this.pump();
  }

  /** Tasks given but not finished. */
  get pending(): number {
    return this.waiting.length + this.active;
  }

  drain(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.active < this.concurrency && this.waiting.length > 0) {
      const { what, task } = this.waiting.shift()!;
      this.active++;
      void task()
        .catch((err: unknown) => this.logger.error({ err, what }, 'background task failed'))
        .finally(() => {
          this.active--;
          this.pump();
          if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
        });
    }
  }
}
