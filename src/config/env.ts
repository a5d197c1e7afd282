import { z } from 'zod';
import { durationField } from '../lib/duration';

const optionalText = z.string().trim().min(1).optional();

/** One schema for every environment variable jitbot reads (DESIGN.md, "Environment"). */
const EnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
    JIT_DATA_DIR: z.string().min(1).default('./.jitbot'),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
    JIT_POLICY_FILE: z.string().min(1).default('./policy.yaml'),
    /** How often the reconciler sweeps Postgres for work that Redis lost. */
    JIT_RECONCILE_EVERY: durationField.default(30_000),
    /** Prefix of every BullMQ key, so several deployments (or tests) share one Redis. */
    JIT_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('jitbot'),
    SLACK_BOT_TOKEN: optionalText,
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token (xapp-…)').optional(),
    SLACK_API_URL: z.url().optional(),
    /** Teams bot id; with no Slack or Teams credentials at all, `npm start` runs the local sandbox. */
    MICROSOFT_APP_ID: optionalText,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'is required with SLACK_BOT_TOKEN over HTTP (or set SLACK_APP_TOKEN for Socket Mode)' });
    }
    if ((env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN) && !env.SLACK_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'is required when Slack is configured (xoxb-… from "OAuth & Permissions")' });
    }
  });

export type Env = z.output<typeof EnvSchema>;

export class EnvError extends Error {}

/** Parses the environment once; a bad value throws an EnvError naming each variable and fault. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // Empty strings (`FOO=` in a .env file) mean "unset", as every shell user expects.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
}
