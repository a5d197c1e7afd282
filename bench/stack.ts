import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { SlackRequestSigner } from '../src/sandbox/signed-requests';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database';
import { JitbotProcess } from '../test/helpers/jitbot-process';
import { deleteQueueKeys, TEST_REDIS_URL } from '../test/helpers/redis';
import { ChildScript } from './child';
import { BENCH_POLICY_YAML } from './policy';

export const SIGNING_SECRET = 'bench-signing-secret';
export const BOT_TOKEN = 'xoxb-bench';

/**
 * Everything one bench run needs, owned by it: a fresh Postgres database, a queue
 * prefix of its own on the shared Redis, the fake Slack API, and jitbot's web and
 * worker processes. `close()` stops and removes all of it, whatever failed before.
 */
export class BenchStack {
  private readonly cleanups: Array<() => Promise<unknown>> = [];
  db!: TestDatabase;
  /** The bench's own client for the figures it reads from Postgres. */
  pg!: postgres.Sql;
  readonly prefix = `jit-bench-${randomBytes(4).toString('hex')}`;
  readonly redisUrl = TEST_REDIS_URL;
  slackApiUrl!: string;
  web!: JitbotProcess;
  worker!: JitbotProcess;
  signer!: SlackRequestSigner;
  eventsUrl!: string;

  /** Starts the stack; on failure, stops what was started and rethrows. */
  /** `env`: more of jitbot's environment (the backstop phase sweeps every few seconds). */
  static async start(env: Record<string, string> = {}): Promise<BenchStack> {
    const stack = new BenchStack(env);
    try {
      await stack.up();
      return stack;
    } catch (e) {
      await stack.close();
      throw e;
    }
  }

  private constructor(private readonly extraEnv: Record<string, string>) {}

  private async up(): Promise<void> {
    this.db = await createTestDatabase('postgres');
    this.cleanups.push(() => this.db.destroy());
    this.pg = postgres(this.db.url!, { max: 2, onnotice: () => undefined });
    this.cleanups.push(() => this.pg.end({ timeout: 5 }));
    this.cleanups.push(() => deleteQueueKeys(this.prefix, this.redisUrl));
    const dir = mkdtempSync(path.join(tmpdir(), 'jitbot-bench-'));
    this.cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const policyFile = path.join(dir, 'policy.yaml');
    writeFileSync(policyFile, BENCH_POLICY_YAML);

    const slack = await ChildScript.start('bench/children/fake-slack.ts');
    this.cleanups.push(() => slack.proc.stop());
    this.slackApiUrl = slack.url;

    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: this.db.url!,
      REDIS_URL: this.redisUrl,
      JIT_QUEUE_PREFIX: this.prefix,
      JIT_POLICY_FILE: policyFile,
      JIT_DATA_DIR: dir,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: this.slackApiUrl,
      // The figures are of the queue path; the reconciler (the safety net) would end
      // late grants itself and hide how late the queue is.
      JIT_RECONCILE_EVERY: '1h',
      PORT: '0',
      ...this.extraEnv,
    };
    // BENCH_CPU_PROF=1 writes a V8 CPU profile of each process on exit (open it in Chrome DevTools).
    const nodeArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(__dirname, 'results/profiles')}`] : [];
    // Started one after the other: both apply migrations at start.
    this.web = await JitbotProcess.start('web', env, nodeArgs);
    this.cleanups.push(() => this.web.stop('SIGTERM'));
    this.worker = await JitbotProcess.start('worker', env, nodeArgs);
    this.cleanups.push(() => this.worker.stop('SIGTERM'));
    this.eventsUrl = `${this.web.url}/slack/events`;
    this.signer = new SlackRequestSigner(this.eventsUrl, SIGNING_SECRET);
  }

  /** Makes the fake Slack answer like an outage (every method but auth.test), or ends it. */
  async slackOutage(outage: { status: 503 } | undefined): Promise<void> {
    const res = await fetch(this.slackApiUrl.replace(/api\/$/, 'control/outage'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outage: outage ?? null }),
    });
    if (!res.ok) throw new Error(`fake Slack outage control: HTTP ${res.status}`);
  }

  /** A response_url the bot can post to. */
  responseUrl(id: string): string {
    return this.slackApiUrl.replace(/api\/$/, `response/${id}`);
  }

  async close(): Promise<void> {
    for (const cleanup of this.cleanups.reverse()) {
      await cleanup().catch((e: Error) => process.stderr.write(`bench cleanup: ${e.message}\n`));
    }
    this.cleanups.length = 0;
  }
}
