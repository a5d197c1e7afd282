import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import type { Platform } from './access/model';
import type { Policy } from './access/policy';
import type { ApproverDirectory, Notifier } from './access/ports';
import { AccessService } from './access/service';
import type { DigestPublisher } from './audit/digest/ports';
import { DigestService } from './audit/digest/service';
import { emptyDirectory, LogNotifier } from './chat/log-notifier';
import { CompositeNotifier } from './chat/notifiers';
import { createSlackApp, type SlackApp } from './chat/slack/app';
import { createSlackClient } from './chat/slack/client';
import { publishHome } from './chat/slack/home';
import { SlackDigestPublisher } from './chat/slack/digest-publisher';
import { SlackDirectory } from './chat/slack/directory';
import { SlackNotifier } from './chat/slack/notifier';
import type { TokenCredential } from '@azure/identity';
import type { TeamsAuthOverrides } from './chat/teams/adapter';
import type { TeamsApp } from './chat/teams/app';
import type { Env } from './config/env';
import { INSTALL_REDIS, redisProblem } from './jobs/local-redis';
import { checkPortFree, createHttpApp, listen, type HttpTimeouts } from './http/server';
import { openQueues, QUEUE_KEYS, type QueueSet } from './jobs/queue-set';
import { producerConnection, redisAnswers, watchConnection, workerConnection } from './jobs/redis';
import { BullScheduler } from './jobs/scheduler';
import { keepSchedulesRegistered, registerSchedules, WorkerManager } from './jobs/worker-manager';
import type { Clock } from './lib/clock';
import { DatabaseClock } from './store/database-clock';
import { randomIds, type IdGenerator } from './lib/ids';
import type { Logger } from './lib/logger';
import { createMetrics } from './lib/metrics';
import { cloudProviders, type CloudOverrides } from './providers/clouds';
import { entraDirectory } from './entra/directory';
import { onCallLookup } from './oncall/lookup';
import { providerLookup } from './providers/registry';
import { startLocalSlack, type LocalSlack } from './sandbox/local-slack';
import { mountSandboxPage } from './sandbox/page-routes';
import { SlackRequestSigner } from './sandbox/signed-requests';
import { earlierRunsNote, movedRolesNote, sandboxed } from './sandbox/sandbox-policy';
import { SandboxProvider } from './providers/sandbox';
import { openDatabase, type Database } from './store/db';
import { RevokeBatches } from './store/revoke-batches';
import { BoundedRunner } from './lib/bounded-runner';
import { DrizzleAccessStore } from './store/repos/access-store';
import { AuditSealer } from './store/repos/audit-sealer';
import { DrizzleDigestStore } from './store/repos/digest-store';
import { StoredPeople } from './store/repos/people';
import { DrizzleChatOutbox } from './store/repos/chat-outbox';
import { readCounts } from './store/repos/stats';
import { DrizzleConversationReferenceStore } from './store/repos/teams-conversations';

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
  /** Tests: fixed cloud credentials (and the fake ARM server's CA) instead of the SDKs' default chains. */
  cloud?: CloudOverrides;
  /** Tests: a local token signer and fake Bot Connector stand in for Microsoft's. */
  teamsAuth?: TeamsAuthOverrides;
  /** Tests: the credential Microsoft Graph calls use (a fake Graph's token). */
  graphCredential?: TokenCredential;
  /** Tests: shorter client timeouts than the defaults (HTTP_TIMEOUTS). */
  httpTimeouts?: HttpTimeouts;
}

export interface Runtime {
  service: AccessService;
  digests: DigestService;
  database: Database;
  /** Chains audit rows after their commits; `drain()` waits for the pass under way. */
  auditSealer: AuditSealer;
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
      `Cannot reach Redis at REDIS_URL=${url} (${(await redisProblem(url)) ?? (e as Error).message}).\n${INSTALL_REDIS}`,
    );
  }
}

/** A policy that names an on-call schedule whose service has no key falls back to people: say so at start. */
function warnOnCallUnconfigured(policy: Policy, env: Env, logger: Logger): void {
  for (const role of policy.roles) {
    const schedule = role.approval.auto_if_on_call;
    if (!schedule) continue;
    const missing =
      'pagerduty_schedule' in schedule
        ? env.PAGERDUTY_API_KEY
          ? undefined
          : 'PAGERDUTY_API_KEY'
        : env.OPSGENIE_API_KEY
          ? undefined
          : 'OPSGENIE_API_KEY';
    if (missing)
      logger.warn(
        { roleId: role.id },
        `role ${role.id} has approval.auto_if_on_call but ${missing} is unset: its requests always go to approvers`,
      );
  }
}

/** The composition root: env → database + migrations → queues → core → chat → HTTP → workers. */
export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { env, logger } = opts;
  // No chat credentials at all: the local sandbox (fake Slack in this process), where every role is a sandbox role.
  const sandboxMode = !env.SLACK_BOT_TOKEN && !env.MICROSOFT_APP_ID && (opts.role ?? 'all') === 'all';
  const { policy, moved } = sandboxMode ? sandboxed(opts.policy) : { policy: opts.policy, moved: [] };
  const providerNote = movedRolesNote(moved);
  if (providerNote) logger.warn(providerNote);
  const role = opts.role ?? 'all';
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch((err) => logger.warn({ err }, 'error while closing'));
  };
  // The sandbox page acts as any user: it listens on loopback only unless told otherwise.
  const host = opts.host ?? (sandboxMode ? '127.0.0.1' : undefined);
  try {
    if (role !== 'worker') await checkPortFree(env.PORT, host);
    // Before the database, which takes seconds: no Redis is said at once, with its real cause.
    const redisDown = await redisProblem(env.REDIS_URL);
    if (redisDown) throw new StartupError(`Cannot reach Redis at REDIS_URL=${env.REDIS_URL} (${redisDown}).\n${INSTALL_REDIS}`);
    const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.JIT_DATA_DIR });
    closers.push(() => database.close());
    await database.migrate();
    logger.info({ database: database.kind, dataDir: database.kind === 'pglite' ? env.JIT_DATA_DIR : undefined }, 'database ready');
    // Every process keeps the database's time, whatever its own clock says (tests bring their own).
    const clock = opts.clock ?? (await DatabaseClock.start(database.db, logger));
    // The sandbox page asks no Microsoft service: there, roles that name Entra groups answer "try again".
    const entra = sandboxMode ? undefined : await entraDirectory(env, policy, clock, opts.graphCredential);
    if (clock instanceof DatabaseClock) closers.push(async () => clock.stop());

    const producer = producerConnection(env.REDIS_URL);
    watchConnection(producer, 'producer', logger);
    await connectRedis(producer, env.REDIS_URL);
    closers.push(async () => producer.disconnect());
    const queues = openQueues(producer, env.JIT_QUEUE_PREFIX, logger);
    closers.push(() => queues.close());

    const auditSealer = new AuditSealer(database.db, logger);
    // Rows a stopped process committed but did not seal; runs before the database closes.
    auditSealer.kick();
    closers.push(() => auditSealer.drain());
    // Verification and DMs after revokes, a few at a time: they wait behind a burst of revokes.
    const revokeFollowUps = new BoundedRunner(4, logger);
    closers.push(() => revokeFollowUps.drain());
    const store = new DrizzleAccessStore(database.db, auditSealer);
    const latency = env.JIT_SANDBOX_LATENCY;
    const sandbox = new SandboxProvider(
      database.db,
      opts.sandboxHook ?? (latency ? () => new Promise((r) => setTimeout(r, latency)) : undefined),
    );
    const metrics = createMetrics(() => readCounts(database.db));
    // Filled in once the Bolt app exists (it needs the HTTP app first).
    let slackReadiness = (): { slack?: boolean } => ({});
    const http =
      role !== 'worker'
        ? createHttpApp({
            metrics: metrics.registry,
            metricsToken: env.JIT_METRICS_TOKEN,
            ready: async () => ({ postgres: await database.ping(), redis: await redisAnswers(producer), ...slackReadiness() }),
          })
        : undefined;

    // bull-board is loaded only when the dashboard is turned on (about 25 MB of modules).
    if (http && env.JIT_ADMIN_TOKEN)
      (await import('./http/queue-dashboard')).mountQueueDashboard(
        http,
        QUEUE_KEYS.map((key) => queues[key]),
        env.JIT_ADMIN_TOKEN,
      );

    const localSlack = sandboxMode ? await startLocalSlack() : undefined;
    if (localSlack) closers.push(() => localSlack.stop());
    const slackConfig = env.SLACK_BOT_TOKEN
      ? { botToken: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET, appToken: env.SLACK_APP_TOKEN, apiUrl: env.SLACK_API_URL }
      : localSlack && {
          botToken: localSlack.botToken,
          signingSecret: localSlack.signingSecret,
          appToken: undefined,
          apiUrl: localSlack.apiUrl,
        };

    const notifiers: Partial<Record<Platform, Notifier>> = {};
    let directory: ApproverDirectory = emptyDirectory;
    let slackDirectory: SlackDirectory | undefined;
    const publishers: DigestPublisher[] = [];
    if (slackConfig) {
      const client = createSlackClient(slackConfig.botToken, slackConfig.apiUrl);
      // The core's service exists by the time an access ends (it is built below, with this notifier).
      notifiers.slack = new SlackNotifier(client, policy, logger, (userId) => publishHome({ service }, client, userId));
      directory = slackDirectory = new SlackDirectory(client);
      publishers.push(new SlackDigestPublisher(client));
    }
    const people = new StoredPeople(
      database.db,
      clock,
      env.JIT_PEOPLE_REFRESH_EVERY,
      { slack: slackDirectory && ((id) => slackDirectory.profile(id)) },
      logger,
    );
    let teams: TeamsApp | undefined;
    if (env.MICROSOFT_APP_ID) {
      // Loaded only when Teams is on: botbuilder is ~130 MB of modules.
      const { createTeamsApp } = await import('./chat/teams/app');
      teams = await createTeamsApp({
        credentials: {
          appId: env.MICROSOFT_APP_ID,
          appPassword: env.MICROSOFT_APP_PASSWORD,
          tenantId: env.MICROSOFT_APP_TENANT_ID,
          appType: env.MICROSOFT_APP_TYPE,
        },
        policy,
        clock,
        logger,
        conversations: new DrizzleConversationReferenceStore(database.db),
        authOverrides: opts.teamsAuth,
        peopleRefreshEveryMs: env.JIT_PEOPLE_REFRESH_EVERY,
        mentions: {
          displayName: async (objectId) => (await people.lookup({ platform: 'teams', userId: objectId }))?.displayName ?? null,
          entra,
        },
      });
      notifiers.teams = teams.notifier;
      publishers.push(teams.digestPublisher);
    }
    warnOnCallUnconfigured(policy, env, logger);
    if (!notifiers.slack && !notifiers.teams) {
      logger.warn(
        'No chat platform is configured (SLACK_BOT_TOKEN and MICROSOFT_APP_ID unset): chat messages are only logged. See the README, "Connect a Slack workspace" and "Connect Microsoft Teams".',
      );
    }
    const notifier: Notifier = notifiers.slack || notifiers.teams ? new CompositeNotifier(notifiers, logger) : new LogNotifier(logger);

    const service = new AccessService({
      policy,
      store,
      revokes: new RevokeBatches(store, clock),
      clock,
      logger,
      notifier,
      directory,
      scheduler: new BullScheduler(queues, clock),
      outbox: new DrizzleChatOutbox(database.db),
      people,
      onCall: onCallLookup(env, clock),
      entra,
      providers: providerLookup([sandbox, ...(await cloudProviders(env, policy, clock, store, opts.cloud))]),
      ids: opts.ids ?? randomIds,
      reconcileEveryMs: env.JIT_RECONCILE_EVERY,
      revokeFollowUps,
    });
    const digestStore = new DrizzleDigestStore(database.db);
    const digests = new DigestService({
      policy,
      clock,
      logger,
      publishers,
      source: digestStore,
      ledger: digestStore,
      requireSecurityTeam: (actor, what) => service.requireSecurityTeam(actor, what),
    });
    // Workers only send (through the client above); the Bolt app listens, so it lives with HTTP.
    const slack =
      slackConfig && role !== 'worker'
        ? createSlackApp({
            service,
            digests,
            logger,
            ...slackConfig,
            processBeforeResponse: opts.processBeforeResponse,
            http,
            workspace: () => slackDirectory!.workspace(),
            bot: () => slackDirectory!.bot(),
          })
        : undefined;
    // Closed after the HTTP server (closers run last first): no new commands, then the acknowledged ones finish.
    if (slack) closers.push(() => slack.stop());
    slackReadiness = () => {
      const up = slack?.connected();
      return up === undefined ? {} : { slack: up };
    };
    if (http) teams?.mount(http, service, digests);
    const runtime: Runtime = { service, digests, database, auditSealer, queues, sandbox, slack, close };

    if (role !== 'web') {
      const connection = workerConnection(env.REDIS_URL);
      watchConnection(connection, 'workers', logger);
      await connectRedis(connection, env.REDIS_URL);
      closers.push(async () => connection.disconnect());
      const workers = new WorkerManager({ connection, prefix: env.JIT_QUEUE_PREFIX, service, digests, auditSealer, metrics, logger });
      closers.push(() => workers.close());
      await workers.waitUntilReady();
      await registerSchedules(queues, env.JIT_RECONCILE_EVERY, policy);
      const stopKeeper = keepSchedulesRegistered(queues, env.JIT_RECONCILE_EVERY, policy, logger);
      closers.push(async () => stopKeeper());
      runtime.workers = workers;
    }
    if (http) {
      const server = await listen(http, env.PORT, host, opts.httpTimeouts);
      closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      runtime.server = server;
      runtime.url = `http://${host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
      if (localSlack) {
        const signer = new SlackRequestSigner(`${runtime.url}/slack/events`, localSlack.signingSecret);
        const { requestsByStatus } = await readCounts(database.db);
        const earlier = earlierRunsNote(Object.values(requestsByStatus).reduce((a, b) => a + b, 0));
        mountSandboxPage(http, {
          session: localSlack.session,
          api: localSlack.api,
          signer,
          policy,
          logger,
          notes: [providerNote, earlier].filter((n): n is string => n !== undefined),
        });
        runtime.sandboxPage = { url: `${runtime.url}/sandbox/`, slack: localSlack };
      }
    }
    if (slack) await slack.start();
    return runtime;
  } catch (e) {
    await close();
    throw e;
  }
}
