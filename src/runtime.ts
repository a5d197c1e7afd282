import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import type { Policy } from './access/policy';
import type { ApproverDirectory, Notifier } from './access/ports';
import { AccessService } from './access/service';
import { emptyDirectory, LogNotifier } from './chat/log-notifier';
import { createSlackApp, type SlackApp } from './chat/slack/app';
import { createSlackClient } from './chat/slack/client';
import { SlackDirectory } from './chat/slack/directory';
import { SlackNotifier } from './chat/slack/notifier';
import type { Env } from './config/env';
import { createHttpApp, listen } from './http/server';
import { openQueues, type QueueSet } from './jobs/queue-set';
import { producerConnection, redisAnswers, workerConnection } from './jobs/redis';
import { BullScheduler } from './jobs/scheduler';
import { keepReconcilerScheduled, scheduleReconciler, WorkerManager } from './jobs/worker-manager';
import { systemClock, type Clock } from './lib/clock';
import { randomIds, type IdGenerator } from './lib/ids';
import type { Logger } from './lib/logger';
import { createMetrics } from './lib/metrics';
import { providerLookup } from './providers/registry';
import { startLocalSlack, type LocalSlack } from './sandbox/local-slack';
import { mountSandboxPage } from './sandbox/page-routes';
import { SlackRequestSigner } from './sandbox/signed-requests';
import { SandboxProvider } from './providers/sandbox';
import { openDatabase, type Database } from './store/db';
import { DrizzleAccessStore } from './store/repos/access-store';
import { readCounts } from './store/repos/stats';

export type ProcessRole = 'all' | 'web' | 'worker';

export interface RuntimeOptions {
  env: Env;
  policy: Policy;
  logger: Logger;
  role?: ProcessRole;
  clock?: Clock;
  ids?: IdGenerator;
  /** Tests: Bolt answers after the listener finished, so assertions need no sleeps. */
  processBeforeResponse?: boolean;
  /** Tests: fail or slow the sandbox provider. */
  sandboxHook?: ConstructorParameters<typeof SandboxProvider>[1];
  /** Listen address (tests use 127.0.0.1 and port 0). */
  host?: string;
}

export interface Runtime {
  service: AccessService;
  database: Database;
  queues: QueueSet;
  sandbox: SandboxProvider;
  slack?: SlackApp;
  server?: Server;
  /** Base URL of the HTTP server, when this process serves HTTP. */
  url?: string;
  /** Local sandbox mode (no Slack or Teams credentials): the page's URL and the fake Slack behind it. */
  sandboxPage?: { url: string; slack: LocalSlack };
  workers?: WorkerManager;
  /** Stops taking requests, lets in-flight jobs finish, closes every connection. */
  close(): Promise<void>;
}

export class StartupError extends Error {}

async function connectRedis(redis: Redis, url: string): Promise<void> {
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw new StartupError(
      `Cannot reach Redis at REDIS_URL=${url} (${(e as Error).message}).\n` +
        '  Start one locally with: redis-server --daemonize yes --port 6379 --save "" --appendonly no\n' +
        '  or point REDIS_URL at yours.',
    );
  }
}

/** The composition root: env → database + migrations → queues → core → chat → HTTP → workers. */
export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { env, policy, logger } = opts;
  const role = opts.role ?? 'all';
  const clock = opts.clock ?? systemClock;
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch((err) => logger.warn({ err }, 'error while closing'));
  };
  try {
    const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.JIT_DATA_DIR });
    closers.push(() => database.close());
    await database.migrate();
    logger.info({ database: database.kind, dataDir: database.kind === 'pglite' ? env.JIT_DATA_DIR : undefined }, 'database ready');

    const producer = producerConnection(env.REDIS_URL);
    await connectRedis(producer, env.REDIS_URL);
    closers.push(async () => producer.disconnect());
    const queues = openQueues(producer, env.JIT_QUEUE_PREFIX);
    closers.push(() => queues.close());

    const store = new DrizzleAccessStore(database.db);
    const sandbox = new SandboxProvider(database.db, opts.sandboxHook);
    const metrics = createMetrics(() => readCounts(database.db));
    const http = role !== 'worker' ? createHttpApp({ metrics: metrics.registry, ready: async () => ({ postgres: await database.ping(), redis: await redisAnswers(producer) }) }) : undefined;

    // No chat credentials at all: the local sandbox (fake Slack in this process) instead.
    const localSlack = !env.SLACK_BOT_TOKEN && !env.MICROSOFT_APP_ID && role === 'all' ? await startLocalSlack() : undefined;
    if (localSlack) closers.push(() => localSlack.stop());
    const slackConfig = env.SLACK_BOT_TOKEN
      ? { botToken: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET, appToken: env.SLACK_APP_TOKEN, apiUrl: env.SLACK_API_URL }
      : localSlack && { botToken: localSlack.botToken, signingSecret: localSlack.signingSecret, appToken: undefined, apiUrl: localSlack.apiUrl };

    let notifier: Notifier = new LogNotifier(logger);
    let directory: ApproverDirectory = emptyDirectory;
    if (slackConfig) {
      const client = createSlackClient(slackConfig.botToken, slackConfig.apiUrl);
      notifier = new SlackNotifier(client, policy, logger);
      directory = new SlackDirectory(client);
    } else {
      logger.warn('Slack is not configured (SLACK_BOT_TOKEN unset): chat messages are only logged. See README, "Connect Slack".');
    }

    const service = new AccessService({
      policy, store, clock, logger, notifier, directory,
      scheduler: new BullScheduler(queues, clock),
      providers: providerLookup([sandbox]),
      ids: opts.ids ?? randomIds,
    });
    const slack = slackConfig ? createSlackApp({ service, logger, ...slackConfig, processBeforeResponse: opts.processBeforeResponse, http }) : undefined;
    const runtime: Runtime = { service, database, queues, sandbox, slack, close };

    if (role !== 'web') {
      const connection = workerConnection(env.REDIS_URL);
      await connectRedis(connection, env.REDIS_URL);
      closers.push(async () => connection.disconnect());
      const workers = new WorkerManager({ connection, prefix: env.JIT_QUEUE_PREFIX, service, metrics, logger });
      closers.push(() => workers.close());
      await workers.waitUntilReady();
      await scheduleReconciler(queues, env.JIT_RECONCILE_EVERY);
      const stopKeeper = keepReconcilerScheduled(queues, env.JIT_RECONCILE_EVERY, logger);
      closers.push(async () => stopKeeper());
      runtime.workers = workers;
    }
    if (http) {
      // The sandbox page acts as any user: it listens on loopback only unless told otherwise.
      const host = opts.host ?? (localSlack ? '127.0.0.1' : undefined);
      const server = await listen(http, env.PORT, host);
      closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      runtime.server = server;
      runtime.url = `http://${host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
      if (localSlack) {
        const signer = new SlackRequestSigner(`${runtime.url}/slack/events`, localSlack.signingSecret);
        mountSandboxPage(http, { session: localSlack.session, api: localSlack.api, signer, policy, logger });
        runtime.sandboxPage = { url: `${runtime.url}/sandbox/`, slack: localSlack };
      }
    }
    if (slack) {
      await slack.start();
      closers.push(() => slack.stop());
    }
    return runtime;
  } catch (e) {
    await close();
    throw e;
  }
}
