import { BoundedRunner } from '../../../src/lib/bounded-runner';
import { captureLogger } from '../../helpers/logger';

describe('BoundedRunner', () => {
  it('runs at most `concurrency` tasks at once, in order, and drain waits for all', async () => {
    const { logger } = captureLogger('silent');
    const runner = new BoundedRunner(2, logger);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const releases: Array<() => void> = [];
    for (let i = 0; i < 5; i++) {
      runner.run(`task ${i}`, async () => {
        running++;
        most = Math.max(most, running);
        order.push(i);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
      });
    }
    expect(order).toEqual([0, 1]);
    expect(runner.pending).toBe(5);
    let drained = false;
    const draining = runner.drain().then(() => (drained = true));
    while (releases.length > 0 || running > 0) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await draining;
    expect(drained).toBe(true);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(runner.pending).toBe(0);
  });

  it('logs a failed task and goes on with the next', async () => {
    const { logger, lines } = captureLogger('error');
    const runner = new BoundedRunner(1, logger);
    const done: string[] = [];
    runner.run('fails', async () => {
      throw new Error('boom');
    });
    runner.run('works', async () => void done.push('works'));
    await runner.drain();
    expect(done).toEqual(['works']);
    expect(lines.some((l) => l.includes('background task failed') && l.includes('"what":"fails"'))).toBe(true);
  });
});
