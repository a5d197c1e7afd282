import { eachBounded } from '../src/lib/each-bounded';

/** Runs `task(0..count-1)` with at most `concurrency` in flight; the first failure rejects. */
export function forEachLimited(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  return eachBounded(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    task,
  );
}

/** Fails with the response's text unless Slack's request was acknowledged. */
export async function expectAck(response: Response, what: string): Promise<void> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
}
