import type { DefaultJobOptions } from 'bullmq';
import { z } from 'zod';

/**
 * Every queue jitbot uses: its name, payload schema, job id and retry defaults.
 * BullMQ 6 refuses custom job ids with a single `:`, so ids use `-`
 * (`revoke-<grantId>`, the contract's `revoke:<grantId>` in a form BullMQ accepts).
 */
export const QUEUES = {
  grant: {
    name: 'grant',
    payload: z.object({ requestId: z.string().min(1) }),
    jobId: (p: { requestId: string }) => `grant-${p.requestId}`,
    // 2 s, 4 s, … about a minute in all; then the grant is marked failed.
    defaults: { attempts: 6, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: { age: 7 * 86_400 } },
  },
  revoke: {
    name: 'revoke',
    payload: z.object({ grantId: z.string().min(1) }),
    jobId: (p: { grantId: string }) => `revoke-${p.grantId}`,
    // About two hours of retries; past that the reconciler keeps trying every sweep.
    defaults: { attempts: 12, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: { age: 7 * 86_400 } },
  },
  /** Timed checks and notices: expiry warnings, escalation tiers, break-glass review deadlines, revoke verification retries, providers' tidy-ups. */
  notice: {
    name: 'notice',
    payload: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('expiry_warning'), grantId: z.string().min(1) }),
      z.object({ kind: z.literal('escalation'), requestId: z.string().min(1), tier: z.number().int().min(0) }),
      z.object({ kind: z.literal('break_glass_review'), requestId: z.string().min(1) }),
      // `at` in the id: a check that fails queues the next one while its own job is still active.
      z.object({ kind: z.literal('verify_revoke'), grantId: z.string().min(1), at: z.number().int() }),
      z.object({ kind: z.literal('tidy_up'), grantId: z.string().min(1) }),
    ]),
    jobId: (p: NoticePayload) => {
      switch (p.kind) {
        case 'expiry_warning':
          return `warn-${p.grantId}`;
        case 'escalation':
          return `escalate-${p.requestId}-${p.tier}`;
        case 'break_glass_review':
          return `review-${p.requestId}`;
        case 'verify_revoke':
          return `verify-${p.grantId}-${p.at}`;
        case 'tidy_up':
          return `tidy-${p.grantId}`;
      }
    },
    defaults: { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: true, removeOnFail: { age: 86_400 } },
  },
  /** Chat work owed after a recorded fact (chat_outbox): card updates, DMs and alerts after revokes, reminders, escalations. */
  chat: {
    name: 'chat',
    payload: z.object({ outboxId: z.number().int().positive() }),
    jobId: (p: { outboxId: number }) => `chat-${p.outboxId}`,
    // 2 s doubling to about 35 min in all; then the reconciler queues it again while it is owed (at most a day).
    defaults: { attempts: 12, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: { age: 86_400 } },
  },
  remind: {
    name: 'remind',
    payload: z.object({ requestId: z.string().min(1) }),
    jobId: (p: { requestId: string }) => `remind-${p.requestId}`,
    defaults: { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: true, removeOnFail: { age: 86_400 } },
  },
  /** What was done with an ended grant (CloudTrail, Azure Activity Log); attempts and backoff per job, from the policy's activity section. */
  activity: {
    name: 'activity',
    payload: z.object({ grantId: z.string().min(1) }),
    jobId: (p: { grantId: string }) => `activity-${p.grantId}`,
    defaults: { removeOnComplete: true, removeOnFail: { age: 7 * 86_400 } },
  },
  maintenance: {
    name: 'maintenance',
    payload: z.object({ kind: z.literal('reconcile') }),
    jobId: () => 'reconcile',
    defaults: { attempts: 1, removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } },
  },
  digest: {
    name: 'digest',
    payload: z.object({ kind: z.literal('daily') }),
    jobId: () => 'digest-daily',
    // A run that finds another holding the day throws, so it retries after that run's lease.
    defaults: {
      attempts: 6,
      backoff: { type: 'exponential', delay: 30_000 },
      removeOnComplete: { count: 30 },
      removeOnFail: { count: 30 },
    },
  },
} as const satisfies Record<string, { name: string; payload: z.ZodType; jobId: (p: never) => string; defaults: DefaultJobOptions }>;

type NoticePayload =
  | { kind: 'expiry_warning'; grantId: string }
  | { kind: 'escalation'; requestId: string; tier: number }
  | { kind: 'break_glass_review'; requestId: string }
  | { kind: 'verify_revoke'; grantId: string; at: number }
  | { kind: 'tidy_up'; grantId: string };

export type QueueKey = keyof typeof QUEUES;
export type Payload<K extends QueueKey> = z.output<(typeof QUEUES)[K]['payload']>;

/** The job scheduler id of the reconciler sweep. */
export const RECONCILE_SCHEDULER_ID = 'reconcile-sweep';
/** The job scheduler id of the daily digest (policy digest.cron in digest.timezone). */
export const DIGEST_SCHEDULER_ID = 'digest-daily';
