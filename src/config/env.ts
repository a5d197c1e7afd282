import { z } from 'zod';
import { durationField } from '../lib/duration';

const optionalText = z.string().trim().min(1).optional();

/** One schema for every environment variable jitbot reads (each is described in `.env.example`). */
const EnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    JIT_DATA_DIR: z.string().min(1).default('./.jitbot'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .default('redis://127.0.0.1:6379'),
    JIT_POLICY_FILE: z.string().min(1).default('./policy.yaml'),
    /** How often the reconciler sweeps Postgres for work that Redis lost. */
    JIT_RECONCILE_EVERY: durationField.default(30_000),
    /** How long what Slack or Teams said about a person (e-mail, guest, deactivated) is trusted before it is asked again. */
    JIT_PEOPLE_REFRESH_EVERY: durationField.default(15 * 60_000),
    /** Prefix of every BullMQ key, so several deployments (or tests) share one Redis. */
    JIT_QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('jitbot'),
    /** Simulated provider latency of the sandbox (try slow clouds locally; the fault suite uses it). */
    JIT_SANDBOX_LATENCY: durationField.optional(),
    SLACK_BOT_TOKEN: optionalText,
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token (xapp-…)').optional(),
    SLACK_API_URL: z.url().optional(),
    /** AWS: the SDK's own settings, read here so a bad value stops start-up and tests can set them per runtime. */
    AWS_REGION: optionalText,
    AWS_ENDPOINT_URL_STS: z.url().optional(),
    AWS_ENDPOINT_URL_IAM: z.url().optional(),
    /** CloudTrail's endpoint for the activity lookup after a grant (every region in activity.aws_regions); tests point it at a fake. */
    AWS_ENDPOINT_URL_CLOUDTRAIL: z.url().optional(),
    /** IAM Identity Center (provider aws-sso): its admin API and the identity store; tests point them at a fake. */
    AWS_ENDPOINT_URL_SSO_ADMIN: z.url().optional(),
    AWS_ENDPOINT_URL_IDENTITYSTORE: z.url().optional(),
    /** Where console sign-in links come from (tests and the demo point it at a local fake). */
    JIT_AWS_FEDERATION_URL: z.url().default('https://signin.aws.amazon.com/federation'),
    /** Azure: credentials come from @azure/identity's own variables (DefaultAzureCredential). */
    AZURE_SUBSCRIPTION_ID: optionalText,
    AZURE_ARM_ENDPOINT: z.url().optional(),
    /** Google Cloud: a service-account key file; unset → Application Default Credentials (workload identity, metadata server). */
    GOOGLE_APPLICATION_CREDENTIALS: optionalText,
    /** The Cloud Resource Manager API's base URL (tests point it at a fake). */
    JIT_GCP_ENDPOINT: z.url().default('https://cloudresourcemanager.googleapis.com'),
    /** Teams: the bot's Microsoft App (client) id; setting it turns the Teams adapter on. */
    MICROSOFT_APP_ID: z.guid("must be the Azure Bot's Microsoft App id (a GUID)").optional(),
    MICROSOFT_APP_PASSWORD: optionalText,
    MICROSOFT_APP_TENANT_ID: z.guid('must be your Entra tenant id (a GUID)').optional(),
    MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('SingleTenant'),
    /** Microsoft Graph, for the policy's `entra_groups` (tests point it at a fake). */
    JIT_GRAPH_URL: z.url().default('https://graph.microsoft.com'),
    /** On-call look-ups for `approval.auto_if_on_call` (PagerDuty REST API v2 key, Opsgenie API key). */
    PAGERDUTY_API_KEY: optionalText,
    PAGERDUTY_API_URL: z.url().default('https://api.pagerduty.com'),
    OPSGENIE_API_KEY: optionalText,
    /** api.eu.opsgenie.com for EU accounts. */
    OPSGENIE_API_URL: z.url().default('https://api.opsgenie.com'),
    /** Set → the queue dashboard at /admin/queues, behind `Authorization: Bearer <token>`; unset → no dashboard. */
    JIT_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)').optional(),
    /** Set → GET /metrics answers only with `Authorization: Bearer <token>`; unset → only to clients on this machine (loopback). */
    JIT_METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required with SLACK_BOT_TOKEN over HTTP (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
    if ((env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN) && !env.SLACK_BOT_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: 'is required when Slack is configured (xoxb-… from "OAuth & Permissions")',
      });
    }
    checkTeams(env, ctx);
  });

/** Cross-field rules of the Teams variables, each issue naming the variable to fix. */
function checkTeams(
  env: { MICROSOFT_APP_ID?: string; MICROSOFT_APP_PASSWORD?: string; MICROSOFT_APP_TENANT_ID?: string; MICROSOFT_APP_TYPE: string },
  ctx: z.RefinementCtx,
): void {
  if (!env.MICROSOFT_APP_ID) {
    if (env.MICROSOFT_APP_PASSWORD || env.MICROSOFT_APP_TENANT_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['MICROSOFT_APP_ID'],
        message: "is required when Teams is configured (the Azure Bot's Microsoft App id)",
      });
    }
    return;
  }
  if (env.MICROSOFT_APP_TYPE !== 'UserAssignedMSI' && !env.MICROSOFT_APP_PASSWORD) {
    ctx.addIssue({
      code: 'custom',
      path: ['MICROSOFT_APP_PASSWORD'],
      message: `is required with MICROSOFT_APP_ID when MICROSOFT_APP_TYPE is ${env.MICROSOFT_APP_TYPE} (a client secret of the app registration)`,
    });
  }
  if (env.MICROSOFT_APP_TYPE !== 'MultiTenant' && !env.MICROSOFT_APP_TENANT_ID) {
    ctx.addIssue({
      code: 'custom',
      path: ['MICROSOFT_APP_TENANT_ID'],
      message: `is required when MICROSOFT_APP_TYPE is ${env.MICROSOFT_APP_TYPE}`,
    });
  }
}

export type Env = z.output<typeof EnvSchema>;

/** Every variable the schema reads (.env.example must list each; a unit test checks it). */
export const ENV_KEYS: readonly string[] = Object.keys(EnvSchema.shape);

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
