import { Worker, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Policy } from '../access/policy';
import type { AccessService } from '../access/service';
import type { DigestService } from '../audit/digest/service';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import type { AuditSealer } from '../store/repos/audit-sealer';
import type { QueueSet } from './queue-set';
import { DIGEST_SCHEDULER_ID, QUEUES, RECONCILE_SCHEDULER_ID, type QueueKey } from './queues';
import { activityProcessor } from './workers/activity';
import { chatProcessor } from './workers/chat';
import { digestProcessor } from './workers/digest';
import { grantProcessor } from './workers/grant';
import { maintenanceProcessor } from './workers/maintenance';
import { noticeProcessor } from './workers/notice';
import { remindProcessor } from './workers/remind';
import { revokeProcessor } from './workers/revoke';

export const STALL_LOCK_MS = 10_000;
export const STALL_CHECK_MS = 5_000;

/**
 * Queues whose jobs run more or fewer at once than the rest: one sweep or digest at a time;
 * CloudTrail allows 2 lookups a second per region. Revokes come in bursts (round hours) and
 * concurrent revokes share their database round trips (store/revoke-batches.ts): the more
 * run at once, the larger those batches.
 */
const CONCURRENCY: Partial<Record<QueueKey, number>> = { maintenance: 1, digest: 1, activity: 2, revoke: 100 };

export interface WorkerOptions {
  connection: Redis;
  prefix: string;
  service: AccessService;
  digests: DigestService;
  auditSealer: AuditSealer;
  metrics: Metrics;
  logger: Logger;
  /** Jobs run at once per queue (revokes come in bursts at round hours). */
  concurrency?: number;
}

/** Opens one worker per queue; `close()` lets in-flight jobs finish (SIGTERM). */
export class WorkerManager {
  private readonly workers: Map<QueueKey, Worker>;

  constructor(private readonly opts: WorkerOptions) {
    const { service, metrics, logger } = opts;
    const processors: Record<QueueKey, Processor> = {
      grant: grantProcessor(service, logger),
      revoke: revokeProcessor(service, metrics),
      notice: noticeProcessor(service),
      chat: chatProcessor(service),
      remind: remindProcessor(service),
      maintenance: maintenanceProcessor(service, opts.auditSealer),
      digest: digestProcessor(opts.digests, logger),
      activity: activityProcessor(service, logger),
    };
    this.workers = new Map(
      (Object.keys(processors) as QueueKey[]).map((key) => {
        const worker = new Worker(QUEUES[key].name, processors[key], {
          connection: opts.connection,
          prefix: opts.prefix,
          concurrency: CONCURRENCY[key] ?? opts.concurrency ?? 20,
          // A worker that dies mid-job holds its lock until it expires; then another worker
          // takes the job over. BullMQ's 30 s defaults make that take up to 90 s; these
          // bring it to about 15 s. The lock is renewed while a live worker runs the job.
          lockDuration: STALL_LOCK_MS,
          stalledInterval: STALL_CHECK_MS,
          maxStalledCount: 3,
        });
        worker.on('failed', (job, err) => logger.warn({ queue: key, jobId: job?.id, attempts: job?.attemptsMade, err }, 'job failed'));
        // Connection errors are reported once by watchConnection; others matter.
        worker.on('error', (err) =>
          (err as NodeJS.ErrnoException).code === 'ECONNREFUSED'
            ? logger.debug({ queue: key, err }, 'worker connection error')
            : logger.error({ queue: key, err }, 'worker error'),
        );
        return [key, worker] as const;
      }),
    );
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.waitUntilReady()));
  }

  /** Stops taking jobs and waits for those in flight; a reconciler sweep is told to stop starting new work. */
  async close(): Promise<void> {
    this.workers.get('maintenance')?.cancelAllJobs('shutting down');
    await Promise.all([...this.workers.values()].map((w) => w.close()));
  }
}

/**
 * Registers (or updates) the repeating jobs: the reconciler's sweep and, when the
 * policy names a digest channel, the daily digest at `digest.cron` in
 * `digest.timezone`. Idempotent upserts: safe to call from every process.
 */
export async function registerSchedules(queues: QueueSet, everyMs: number, policy: Policy): Promise<void> {
  await queues.maintenance.upsertJobScheduler(
    RECONCILE_SCHEDULER_ID,
    { every: everyMs },
    { name: 'reconcile', data: { kind: 'reconcile' } },
  );
  const { slack_channel: channel, cron, timezone } = policy.digest;
  if (channel)
    await queues.digest.upsertJobScheduler(
      DIGEST_SCHEDULER_ID,
      { pattern: cron, tz: timezone },
      { name: 'digest', data: { kind: 'daily' } },
    );
  else await queues.digest.removeJobScheduler(DIGEST_SCHEDULER_ID);
}

/**
 * Job schedulers live in Redis, so a Redis flush would erase the reconciler
 * itself. Each worker process re-registers them every interval (idempotent upsert).
 * Returns the function that stops it.
 */
export function keepSchedulesRegistered(queues: QueueSet, everyMs: number, policy: Policy, logger: Logger): () => void {
  const timer = setInterval(() => {
    registerSchedules(queues, everyMs, policy).catch((err) =>
      logger.warn({ err }, 'could not re-register the job schedulers; retrying next interval'),
    );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
