import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Application } from 'express';
import type { Queue } from 'bullmq';
import { bearerAuth } from './access-guards';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board at /admin/queues, behind the admin token. Mounted only when
 * JIT_ADMIN_TOKEN is set: the dashboard can retry and delete jobs, so it is never open.
 */
export function mountQueueDashboard(app: Application, queues: Queue[], token: string): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter });
  app.use(QUEUE_DASHBOARD_PATH, bearerAuth(token, 'JIT_ADMIN_TOKEN'), serverAdapter.getRouter());
}
