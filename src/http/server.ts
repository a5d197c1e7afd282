import { createServer, type Server } from 'node:http';
import express, { type Application } from 'express';
import type { Registry } from 'prom-client';
import { bearerAuth, loopbackOnly } from './access-guards';

export interface HttpDeps {
  /** Postgres and Redis answer, and each chat connection jitbot holds (Slack's Socket Mode) is up. */
  ready: () => Promise<Record<string, boolean>>;
  metrics: Registry;
  /** JIT_METRICS_TOKEN: `/metrics` behind it; unset, only clients on this machine may read it. */
  metricsToken?: string;
}

/**
 * The one HTTP app: health, readiness and metrics here; Slack (`/slack/events`) and
 * Teams (`/api/messages`) mount their own routes on it. No body parser is mounted
 * globally: Bolt needs the raw body to check Slack's signature.
 */
export function createHttpApp(deps: HttpDeps): Application {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.get('/readyz', async (_req, res) => {
    const checks = await deps.ready();
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ ok, ...checks });
  });
  app.get(
    '/metrics',
    deps.metricsToken ? bearerAuth(deps.metricsToken, 'JIT_METRICS_TOKEN') : loopbackOnly('JIT_METRICS_TOKEN'),
    async (_req, res) => {
      res.set('Content-Type', deps.metrics.contentType).send(await deps.metrics.metrics());
    },
  );
  return app;
}

/** How long a client may take: to send its headers, and its whole request. Slow clients are cut off (408). */
export interface HttpTimeouts {
  headersMs: number;
  requestMs: number;
}

/** Slack and Teams send small requests at once; nothing legitimate takes longer than this. */
export const HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000 };

export function listen(app: Application, port: number, host?: string, timeouts: HttpTimeouts = HTTP_TIMEOUTS): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Node checks the timeouts every connectionsCheckingInterval (30 s by default): often enough to hold them.
    const server = createServer(
      {
        headersTimeout: timeouts.headersMs,
        requestTimeout: timeouts.requestMs,
        connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
      },
      app,
    );
    server.once('error', (e) => reject(listenError(e, port, host)));
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * Start-up asks for the port first, before the database and Redis (which take seconds):
 * a port in use is said at once, naming PORT. (The real listen comes last; were the port
 * taken in between, it says the same.)
 */
export function checkPortFree(port: number, host?: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e) => reject(listenError(e, port, host)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function listenError(e: Error, port: number, host: string | undefined): Error {
  const where = `PORT ${port}${host ? ` on ${host}` : ''}`;
  switch ((e as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new Error(`${where} is already in use: another process (another jitbot?) listens there. Stop it, or set PORT to a free port.`);
    case 'EACCES':
      return new Error(`${where} needs privileges this user lacks: use a port above 1023 (e.g. PORT=3000).`);
    case 'EADDRNOTAVAIL':
      return new Error(`${where}: this machine has no such address.`);
    default:
      return e;
  }
}
