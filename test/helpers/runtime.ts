import { parseEnv } from '../../src/config/env';
import type { Clock } from '../../src/lib/clock';
import { FakeSlackApi } from '../../src/sandbox/fake-slack-api';
import { SlackRequestSigner } from '../../src/sandbox/signed-requests';
import { startRuntime, type ProcessRole, type Runtime, type RuntimeOptions } from '../../src/runtime';
import { createTestDatabase, type DbKind, type TestDatabase } from './database';
import { captureLogger } from './logger';
import type { Policy } from '../../src/access/policy';
import { FakeBotFramework, TEAMS_APP_ID, TEAMS_TENANT_ID } from './teams/bot-framework';
import { TeamsChannel } from './teams/activities';
import { testPolicy } from './policy';
import { deleteQueueKeys, TEST_REDIS_URL, testQueuePrefix } from './redis';
import { PrivateRedis } from './redis-server';

export const SIGNING_SECRET = 'test-signing-secret';

export interface TestRuntime {
  runtime: Runtime;
  slackApi: FakeSlackApi;
  signer: SlackRequestSigner;
  /** Set when started with `teams: true`: Microsoft's side, and the channel that sends activities. */
  botFramework?: FakeBotFramework;
  teams?: TeamsChannel;
  logLines: string[];
  prefix: string;
  /** The runtime's own redis-server, when started with `privateRedis: true`. */
  redis?: PrivateRedis;
  /** The environment the runtime was started with (child processes join it with the same values). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface TestRuntimeOptions {
  kind?: DbKind;
  role?: ProcessRole;
  clock?: Clock;
  /** Run on a redis-server of its own (for tests that flush or stop Redis). */
  privateRedis?: boolean;
  reconcileEvery?: string;
  sandboxHook?: RuntimeOptions['sandboxHook'];
  logLevel?: string;
  /** Postgres server to create the test database on (default: TEST_DATABASE_URL). */
  postgresServerUrl?: string;
  /** A policy of the test's own; default: the shared test policy. */
  policy?: Policy;
  /** More environment (cloud endpoints of local fakes). */
  env?: Record<string, string>;
  /** Fixed cloud credentials for the fakes. */
  cloud?: RuntimeOptions['cloud'];
  /** The token the runtime's Microsoft Graph calls carry (a fake Graph's). */
  graphCredential?: RuntimeOptions['graphCredential'];
  /** Enables Teams against a local token signer and fake Bot Connector. */
  teams?: boolean;
  httpTimeouts?: RuntimeOptions['httpTimeouts'];
  /** Slack over Socket Mode: the fake Slack hands out this WebSocket URL (a FakeSocketMode's). */
  socketModeUrl?: string;
}

/**
 * The real runtime (HTTP server, Bolt, Postgres or PGlite, BullMQ on real Redis)
 * with only Slack's Web API faked, on its own database and queue prefix.
 */
export async function startTestRuntime(opts: TestRuntimeOptions = {}): Promise<TestRuntime> {
  const kind = opts.kind ?? 'postgres';
  const slackApi = new FakeSlackApi();
  slackApi.socketModeUrl = opts.socketModeUrl;
  await slackApi.start();
  const botFramework = opts.teams ? new FakeBotFramework() : undefined;
  await botFramework?.start();
  const database: TestDatabase | undefined = kind === 'postgres' ? await createTestDatabase('postgres', opts.postgresServerUrl) : undefined;
  const prefix = testQueuePrefix();
  const redis = opts.privateRedis ? await PrivateRedis.start() : undefined;
  const redisUrl = redis?.url ?? TEST_REDIS_URL;
  const rawEnv: Record<string, string> = {
    PORT: '0',
    JIT_DATA_DIR: 'memory://',
    REDIS_URL: redisUrl,
    JIT_QUEUE_PREFIX: prefix,
    JIT_RECONCILE_EVERY: opts.reconcileEvery ?? '1h',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slackApi.url,
    LOG_LEVEL: 'info',
    ...(database?.url ? { DATABASE_URL: database.url } : {}),
    ...(opts.socketModeUrl ? { SLACK_APP_TOKEN: 'xapp-1-A0JITBOT-1-test' } : {}),
    ...(botFramework
      ? {
          MICROSOFT_APP_ID: TEAMS_APP_ID,
          MICROSOFT_APP_PASSWORD: 'unused-with-the-fake-connector',
          MICROSOFT_APP_TENANT_ID: TEAMS_TENANT_ID,
        }
      : {}),
    ...opts.env,
  };
  const env = parseEnv(rawEnv);
  // The runtime opens its own connections; the helper's connection only made the database.
  await database?.close();
  const { logger, lines } = captureLogger(opts.logLevel ?? 'info');
  const runtime = await startRuntime({
    env,
    policy: opts.policy ?? testPolicy(),
    logger,
    teamsAuth: botFramework?.authOverrides(),
    role: opts.role ?? 'all',
    clock: opts.clock,
    processBeforeResponse: true,
    host: '127.0.0.1',
    sandboxHook: opts.sandboxHook,
    cloud: opts.cloud,
    graphCredential: opts.graphCredential,
    httpTimeouts: opts.httpTimeouts,
  });
  const signer = new SlackRequestSigner(`${runtime.url}/slack/events`, SIGNING_SECRET);
  return {
    runtime,
    slackApi,
    signer,
    logLines: lines,
    prefix,
    env: rawEnv,
    redis,
    botFramework,
    teams: botFramework && new TeamsChannel(`${runtime.url}/api/messages`, botFramework),
    close: async () => {
      await runtime.close();
      await slackApi.stop();
      await botFramework?.stop();
      if (redis) await redis.down();
      else await deleteQueueKeys(prefix, redisUrl);
      await database?.destroy();
    },
  };
}
