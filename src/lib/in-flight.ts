/**
 * Work that was acknowledged and is still running (a Slack listener after its ack). On
 * shutdown the process waits for it, up to a bound, before it closes the database and
 * the chat clients that work needs: a requester whose command was acknowledged gets
 * their answer.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Runs `work`, counted until it settles; its result or error passes through. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return work;
  }

  get count(): number {
    return this.running.size;
  }

  /** Waits until nothing is running or `withinMs` passed; resolves with how many are left. */
  async drain(withinMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs)));
    const allDone = (async () => {
      while (this.running.size > 0) await Promise.all([...this.running]);
    })();
    await Promise.race([allDone, timeUp]);
    clearTimeout(timer);
    return this.running.size;
  }
}
