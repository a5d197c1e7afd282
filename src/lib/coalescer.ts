interface Waiting<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Runs calls that arrive close together as one batch. A call made while fewer than
 * `maxInFlight` batches run goes out at once (with any other call of the same turn of the
 * event loop); calls made while the batches are all busy wait and go out together when
 * one finishes. So a lone call pays nothing, and a burst pays one database round trip
 * per batch instead of one per call (the revoke path: thousands of grants may expire in
 * the same minute). `run` answers every item in order; if it throws, every call of the
 * batch rejects with its error.
 */
export class Coalescer<I, O> {
  private readonly waiting: Array<Waiting<I, O>> = [];
  private inFlight = 0;
  private flushQueued = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly limits: { maxBatch: number; maxInFlight: number } = { maxBatch: 200, maxInFlight: 2 },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => {
          this.flushQueued = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    while (this.inFlight < this.limits.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.limits.maxBatch);
      this.inFlight++;
      void this.settle(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  private async settle(batch: Array<Waiting<I, O>>): Promise<void> {
    try {
      const outs = await this.run(batch.map((w) => w.item));
      if (outs.length !== batch.length) throw new Error(`a batch of ${batch.length} was answered with ${outs.length} results`);
      batch.forEach((w, i) => w.resolve(outs[i] as O));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
}
