import { createServer, type Server } from 'node:http';
import express, { type Application } from 'express';
import type { Registry } from 'prom-client';

export interface HttpDeps {
  /** Postgres and Redis both answer. */
  ready: () => Promise<{ postgres: boolean; redis: boolean }>;
  metrics: Registry;
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
    const ok = checks.postgres && checks.redis;
    res.status(ok ? 200 : 503).json({ ok, ...checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', deps.metrics.contentType).send(await deps.metrics.metrics());
  });
  return app;
}

export function listen(app: Application, port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
