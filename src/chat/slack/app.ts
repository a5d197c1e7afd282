import { App, ExpressReceiver, SocketModeReceiver } from '@slack/bolt';
import type { Application } from 'express';
import type { Actor } from '../../access/model';
import { withDeadline } from '../../lib/each-bounded';
import { InFlight } from '../../lib/in-flight';
import { boltLogger } from './bolt-logger';
import { slackClientOptions } from './client';
import type { SlackListenerDeps } from './deps';
import type { SlackBot, SlackWorkspace } from './directory';
import { slackEdge, socketModeEdge } from './edge';
import { registerActions } from './listeners/actions';
import { registerCommands } from './listeners/commands';
import { registerEvents } from './listeners/events';
import { registerViews } from './listeners/views';

export interface SlackAppOptions extends SlackListenerDeps {
  botToken: string;
  /** HTTP mode: requests are verified with it. */
  signingSecret?: string;
  /** Socket Mode (no public URL): an app-level `xapp-` token. */
  appToken?: string;
  /** Web API base (tests and the local sandbox point it at a fake). */
  apiUrl?: string;
  /** Tests: answer Slack only after the listener finished. Production: false (ack fast). */
  processBeforeResponse?: boolean;
  /** HTTP mode: the express app that serves `POST /slack/events`. */
  http?: Application;
  /** The workspace the bot is installed in: payloads from any other are refused. */
  workspace: () => Promise<SlackWorkspace>;
  /** The bot's ids (one auth.test, kept): Bolt's authorize asks for them on each event. */
  bot: () => Promise<SlackBot>;
}

/**
 * How long shutdown waits for listeners Slack already has its ack for (their replies go to
 * response_url or chat.postMessage afterwards). Within a Kubernetes pod's default 30 s.
 */
export const SLACK_SHUTDOWN_GRACE_MS = 15_000;

/** Largest request body accepted from Slack; real payloads are a few KB. */
export const SLACK_BODY_LIMIT = '256kb';

export interface SlackApp {
  app: App;
  /** Connects Socket Mode (HTTP mode needs nothing: the express app serves it); fails within SOCKET_MODE_CONNECT_MS, saying what to check. */
  start(): Promise<void>;
  /** Socket Mode: whether the socket is connected now (readiness); HTTP mode: undefined (Slack calls us). */
  connected(): boolean | undefined;
  /** Disconnects Socket Mode, then waits (bounded) for listeners already acknowledged. */
  stop(): Promise<void>;
}

/** How long Socket Mode may take to connect at start before jitbot gives up and says why. */
export const SOCKET_MODE_CONNECT_MS = 15_000;

/** What failed and what to check, when Socket Mode does not connect at start. */
function socketModeFailure(e: unknown, apiUrl: string | undefined): Error {
  const code = (e as { data?: { error?: string } }).data?.error;
  const cause =
    code ?? (e instanceof Error ? (((e as { original?: Error }).original?.cause as Error | undefined)?.message ?? e.message) : String(e));
  const hint =
    code === 'invalid_auth' || code === 'not_authed' || code === 'not_allowed_token_type'
      ? 'SLACK_APP_TOKEN must be the app-level token (xapp-…, Basic Information → App-Level Tokens) with the connections:write scope.'
      : "Check that this machine reaches slack.com over HTTPS and WebSockets (a proxy, firewall or DNS may block it), that SLACK_APP_TOKEN is the app-level token (xapp-…) with connections:write, and that Socket Mode is on in the app's settings.";
  return new Error(
    `Could not connect to Slack in Socket Mode (apps.connections.open at ${apiUrl ?? 'https://slack.com/api/'} with SLACK_APP_TOKEN, then its WebSocket): ${cause}.\n${hint}`,
  );
}

/** The Bolt app with every jitbot listener, over HTTP (`/slack/events`) or Socket Mode. */
export function createSlackApp(opts: SlackAppOptions): SlackApp {
  const clientOptions = slackClientOptions(opts.apiUrl);
  const logger = boltLogger(opts.logger);
  const onForeign = async ({ actor, why }: { actor?: Actor; why: string }) => {
    if (actor) await opts.service.refuseAtEdge(actor, 'foreign_workspace', why);
  };
  // Our authorize instead of Bolt's `token`: Bolt would call auth.test in its constructor and
  // crash the process (an unhandled rejection) when Slack cannot be reached at that moment.
  const authorize = async () => ({ botToken: opts.botToken, ...(await opts.bot()) });
  let app: App;
  let socket: SocketModeReceiver | undefined;
  let connected = false;
  if (opts.appToken) {
    // Our own receiver: its client follows SLACK_API_URL too, and tells when it is connected.
    socket = new SocketModeReceiver({ appToken: opts.appToken, logger, installerOptions: { clientOptions } });
    socket.client.on('connected', () => (connected = true));
    socket.client.on('disconnected', () => (connected = false));
    socket.client.on('reconnecting', () => (connected = false));
    app = new App({ authorize, receiver: socket, socketMode: true, clientOptions, logger });
    app.use(socketModeEdge({ workspace: opts.workspace, onForeign, logger: opts.logger }));
  } else {
    if (!opts.signingSecret || !opts.http) throw new Error('Slack over HTTP needs SLACK_SIGNING_SECRET');
    // Mounted before Bolt's own route, so it runs first (express keeps the order of registration).
    opts.http.post(
      '/slack/events',
      ...slackEdge({
        signingSecret: opts.signingSecret,
        bodyLimit: SLACK_BODY_LIMIT,
        workspace: opts.workspace,
        onForeign,
        logger: opts.logger,
      }),
    );
    const receiver = new ExpressReceiver({
      signingSecret: opts.signingSecret,
      app: opts.http,
      endpoints: '/slack/events',
      processBeforeResponse: opts.processBeforeResponse ?? false,
      bodyLimit: SLACK_BODY_LIMIT,
      logger,
    });
    app = new App({ authorize, receiver, clientOptions, logger });
  }
  // Acknowledged work is counted so that shutdown can finish it (see stop).
  const inFlight = new InFlight();
  app.use(({ next }) => inFlight.track(next()));
  registerCommands(app, opts);
  registerActions(app, opts);
  registerViews(app, opts);
  registerEvents(app, opts);
  app.error(async (error) => opts.logger.error({ err: error }, 'unhandled Slack listener error'));
  return {
    app,
    start: async () => {
      if (!socket) return;
      try {
        await withDeadline(app.start(), SOCKET_MODE_CONNECT_MS, `connecting within ${SOCKET_MODE_CONNECT_MS / 1000} s`);
      } catch (e) {
        await app.stop().catch(() => undefined);
        throw socketModeFailure(e, opts.apiUrl);
      }
    },
    connected: () => (socket ? connected : undefined),
    stop: async () => {
      if (socket) await app.stop();
      if (inFlight.count === 0) return;
      opts.logger.info(
        { inFlight: inFlight.count },
        `stopping: finishing ${inFlight.count} Slack commands and actions already acknowledged`,
      );
      const left = await inFlight.drain(SLACK_SHUTDOWN_GRACE_MS);
      if (left > 0)
        opts.logger.warn(
          { left },
          `${left} acknowledged Slack commands or actions did not finish within ${SLACK_SHUTDOWN_GRACE_MS / 1000} s of shutdown; their requesters may not have been answered`,
        );
    },
  };
}
