import { spawn, spawnSync } from 'node:child_process';
import IORedis from 'ioredis';
import { freeLoopbackPort } from '../lib/ports';

/** What went wrong reaching Redis, in words; undefined when it answered PING. */
export async function redisProblem(url: string, timeoutMs = 2000): Promise<string | undefined> {
  // One attempt, no retries: start-up wants the real cause (ECONNREFUSED, ENOTFOUND, NOAUTH), in seconds.
  const probe = new IORedis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    enableOfflineQueue: false,
  });
  let firstError: Error | undefined;
  probe.on('error', (e: Error) => (firstError ??= e));
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch (e) {
    const cause = firstError ?? (e as Error);
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return 'ECONNREFUSED: nothing listens there';
    if (code === 'ENOTFOUND') return `ENOTFOUND: no such host`;
    if (code === 'ETIMEDOUT' || /timeout/i.test(cause.message)) return `no answer within ${timeoutMs / 1000} s`;
    return code ? `${code}: ${cause.message}` : cause.message;
  } finally {
    probe.disconnect();
  }
}

/** How to get a Redis, for the message when there is none. */
export const INSTALL_REDIS = [
  'jitbot queues its work in Redis. Install and start one:',
  '  Debian/Ubuntu: sudo apt-get install -y redis-server   (it starts by itself)',
  '  macOS:         brew install redis && brew services start redis',
  '  Docker:        docker run -d --name jitbot-redis -p 6379:6379 redis:7',
  'or set REDIS_URL to yours. With redis-server installed and REDIS_URL unset, npm start runs a private one by itself.',
].join('\n');

/** True when a `redis-server` binary is on PATH. */
export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface PrivateRedisServer {
  url: string;
  stop(): void;
}

/**
 * A redis-server of this process's own, for `npm start` on a machine with Redis installed
 * but not running: loopback only, on a free port (so two jitbots never share queues),
 * nothing kept on disk, stopped when jitbot stops (or exits any other way but SIGKILL).
 */
export async function startPrivateRedis(timeoutMs = 10_000): Promise<PrivateRedisServer> {
  const port = await freeLoopbackPort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const stop = () => void (child.exitCode === null && child.kill('SIGTERM'));
  process.once('exit', stop);
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}) as it started on port ${port}`);
    if ((await redisProblem(url, 500)) === undefined) return { url, stop };
    if (Date.now() > deadline) {
      stop();
      throw new Error(`redis-server did not answer on port ${port} within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
