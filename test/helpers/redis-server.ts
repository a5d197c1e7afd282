import { spawn, type ChildProcess } from 'node:child_process';
import IORedis from 'ioredis';
import { freePort } from './ports';
import { waitFor } from './wait';

/**
 * A private, real redis-server for tests that flush, stop or restart Redis, so
 * they never disturb other test files (or other checkouts) sharing the machine's Redis.
 */
export class PrivateRedis {
  private child?: ChildProcess;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts) the server on the same port. */
  async up(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--hz', '50'],
      { stdio: 'ignore' },
    );
    await waitFor(async () => {
      const probe = new IORedis(this.url, { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } finally {
        probe.disconnect();
      }
    }, `redis-server on port ${this.port}`);
  }

  async flush(): Promise<void> {
    const client = new IORedis(this.url);
    await client.flushall();
    client.disconnect();
  }

  /** Stops the server (SIGKILL: an outage, not a shutdown). */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
