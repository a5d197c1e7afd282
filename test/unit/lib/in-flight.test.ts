import { InFlight } from '../../../src/lib/in-flight';

describe('InFlight', () => {
  it('passes results and errors through, and counts only what has not settled', async () => {
    const inFlight = new InFlight();
    let finish!: (v: string) => void;
    const slow = inFlight.track(new Promise<string>((resolve) => (finish = resolve)));
    await expect(inFlight.track(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(inFlight.count).toBe(1);
    finish('done');
    await expect(slow).resolves.toBe('done');
    await inFlight.drain(1000);
    expect(inFlight.count).toBe(0);
  });

  it('drain waits for work started while it waits, and gives up after its bound with what is left', async () => {
    const inFlight = new InFlight();
    let finishFirst!: () => void;
    void inFlight.track(new Promise<void>((resolve) => (finishFirst = resolve)));
    const draining = inFlight.drain(60_000);
    let finishSecond!: () => void;
    void inFlight.track(new Promise<void>((resolve) => (finishSecond = resolve)));
    finishFirst();
    await Promise.resolve();
    finishSecond();
    await expect(draining).resolves.toBe(0);

    void inFlight.track(new Promise<void>(() => undefined));
    await expect(inFlight.drain(20)).resolves.toBe(1);
  });
});
