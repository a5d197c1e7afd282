import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Application, RequestHandler } from 'express';
import type { Queue } from 'bullmq';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/** Compares digests, so neither the token's length nor its prefix leaks through timing. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** `Authorization: Bearer <JIT_ADMIN_TOKEN>` or 401. */
export function bearerAuth(token: string): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    if (match && sameToken(match[1]!, token)) return next();
    res.set('WWW-Authenticate', 'Bearer realm="jitbot admin"').status(401).json({ error: 'unauthorized: send Authorization: Bearer <JIT_ADMIN_TOKEN>' });
  };
}

/**
 * bull-board at /admin/queues, behind the admin token. Mounted only when
 * JIT_ADMIN_TOKEN is set: the dashboard can retry and delete jobs, so it is never open.
 */
export function mountQueueDashboard(app: Application, queues: Queue[], token: string): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter });
  app.use(QUEUE_DASHBOARD_PATH, bearerAuth(token), serverAdapter.getRouter());
}
