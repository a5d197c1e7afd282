import { Coalescer } from '../../../src/lib/coalescer';

/** A batch function whose batches the test sees and releases one by one. */
function heldBatches() {
  const batches: Array<{ items: number[]; release: (fail?: Error) => void }> = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ items, release: (fail) => (fail ? reject(fail) : resolve(items.map((i) => `answer ${i}`))) });
    });
  return { batches, run };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('Coalescer', () => {
  it('sends a lone call at once, alone', async () => {
    const { batches, run } = heldBatches();
    const coalescer = new Coalescer(run, { maxBatch: 10, maxInFlight: 1 });
    const answer = coalescer.submit(1);
    await turn();
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    batches[0]!.release();
    await expect(answer).resolves.toBe('answer 1');
  });

  it('batches the calls of one turn, and those that wait while every batch is busy', async () => {
    const { batches, run } = heldBatches();
    const coalescer = new Coalescer(run, { maxBatch: 3, maxInFlight: 1 });
    const first = [coalescer.submit(1), coalescer.submit(2)];
    await turn();
    const waiting = [3, 4, 5, 6].map((i) => coalescer.submit(i));
    await turn();
    // One batch in flight: the later calls wait, and then go out at most three at a time.
    expect(batches.map((b) => b.items)).toEqual([[1, 2]]);
    batches[0]!.release();
    await expect(Promise.all(first)).resolves.toEqual(['answer 1', 'answer 2']);
    await turn();
    expect(batches.map((b) => b.items)).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    batches[1]!.release();
    await turn();
    expect(batches.map((b) => b.items)).toEqual([[1, 2], [3, 4, 5], [6]]);
    batches[2]!.release();
    await expect(Promise.all(waiting)).resolves.toEqual(['answer 3', 'answer 4', 'answer 5', 'answer 6']);
  });

  it('runs up to maxInFlight batches side by side', async () => {
    const { batches, run } = heldBatches();
    const coalescer = new Coalescer(run, { maxBatch: 10, maxInFlight: 2 });
    void coalescer.submit(1);
    await turn();
    void coalescer.submit(2);
    await turn();
    void coalescer.submit(3);
    await turn();
    expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
    batches[0]!.release();
    await turn();
    expect(batches.map((b) => b.items)).toEqual([[1], [2], [3]]);
  });

  it('rejects every call of a failed batch with its error, and goes on with the next', async () => {
    const { batches, run } = heldBatches();
    const coalescer = new Coalescer(run, { maxBatch: 10, maxInFlight: 1 });
    const failed = [coalescer.submit(1), coalescer.submit(2)];
    await turn();
    const later = coalescer.submit(3);
    batches[0]!.release(new Error('connection reset'));
    await expect(Promise.all(failed.map((p) => p.catch((e: Error) => e.message)))).resolves.toEqual([
      'connection reset',
      'connection reset',
    ]);
    await turn();
    batches[1]!.release();
    await expect(later).resolves.toBe('answer 3');
  });

  it('rejects a batch answered with the wrong number of results', async () => {
    const coalescer = new Coalescer(async (items: number[]) => items.slice(1), { maxBatch: 10, maxInFlight: 1 });
    const calls = [coalescer.submit(1), coalescer.submit(2)];
    await expect(calls[0]).rejects.toThrow('a batch of 2 was answered with 1 results');
    await expect(calls[1]).rejects.toThrow('a batch of 2 was answered with 1 results');
  });
});
