import { z } from 'zod';
import { durationField } from '../../lib/duration';
import { SLACK_GROUP_ID, SLACK_USER_ID } from '../../lib/ids';
import { ActivityPolicySchema } from './activity';
import { DigestPolicySchema } from './digest';
import { entraGroupIds } from './entra';

/**
 * The policy: roles and who approves them. The YAML keys are a contract
 * (docs/policy.md); this schema turns them into the values the core uses.
 * Durations become milliseconds.
 */
const slackUserId = z.string().regex(SLACK_USER_ID, 'must be a Slack user id like U0123ABC');
const slackGroupId = z.string().regex(SLACK_GROUP_ID, 'must be a Slack user group id like S0123ABC');
const slackChannelId = z.string().regex(/^[CG][A-Z0-9]+$/, 'must be a Slack channel id like C0123ABC');

const ApproverSetSchema = z
  .object({
    slack_users: z.array(slackUserId).default([]),
    slack_usergroups: z.array(slackGroupId).default([]),
    teams_users: z.array(z.string().min(1)).default([]),
    entra_groups: entraGroupIds,
  })
  .strict();

const emailDomain = z
  .string()
  .regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'must be a domain like example.com')
  .transform((d) => d.toLowerCase());

/**
 * `requesters`: who may ask for a role. Every role says so explicitly, even when the
 * answer is everyone (`{ anyone: true }`); people outside it are refused, audited.
 */
const RequestersSchema = z
  .object(
    {
      anyone: z.literal(true, 'can only be true (list people otherwise)').optional(),
      slack_users: z.array(slackUserId).default([]),
      slack_usergroups: z.array(slackGroupId).default([]),
      teams_users: z
        .array(
          z
            .string()
            .min(1)
            .transform((id) => id.toLowerCase()),
        )
        .default([]),
      entra_groups: entraGroupIds,
      emails: z.array(z.email().transform((e) => e.toLowerCase())).default([]),
      email_domains: z.array(emailDomain).default([]),
    },
    {
      error: (issue) =>
        issue.input === undefined
          ? 'is required: say who may request this role (slack_users, slack_usergroups, teams_users, entra_groups, emails, email_domains), or requesters: { anyone: true }'
          : undefined,
    },
  )
  .strict()
  .superRefine((r, ctx) => {
    const listed =
      r.slack_users.length +
      r.slack_usergroups.length +
      r.teams_users.length +
      r.entra_groups.length +
      r.emails.length +
      r.email_domains.length;
    if (r.anyone && listed > 0)
      ctx.addIssue({ code: 'custom', message: 'anyone: true already lets everyone ask; drop the lists, or drop anyone' });
    if (!r.anyone && listed === 0)
      ctx.addIssue({
        code: 'custom',
        message:
          'names nobody: list slack_users, slack_usergroups, teams_users, entra_groups, emails or email_domains, or say { anyone: true }',
      });
  })
  .transform((r) => ({ ...r, anyone: r.anyone ?? false }));

const ApprovalDefaultsSchema = z
  .object({
    slack_channel: slackChannelId.optional(),
    teams_channel: z.string().min(1).optional(),
    pending_ttl: durationField.default(2 * 3_600_000),
    remind_after: durationField.default(15 * 60_000),
    /** The "expires soon" DM goes this long before expiry (grants shorter than twice this get none). */
    warn_before: durationField.default(10 * 60_000),
  })
  .strict();

/** `approval.auto_if_on_call`: approve at once when the requester is on call now in this schedule. */
const OnCallSchema = z.union(
  [
    z.object({ pagerduty_schedule: z.string().regex(/^[A-Z0-9]+$/, 'must be a PagerDuty schedule id like PABC123') }).strict(),
    z.object({ opsgenie_schedule: z.string().min(1) }).strict(),
  ],
  { error: 'must be { pagerduty_schedule: <id> } or { opsgenie_schedule: <id> }' },
);

/** How many people or groups an approver set names. */
function namedCount(set: z.output<typeof ApproverSetSchema>): number {
  return set.slack_users.length + set.slack_usergroups.length + set.teams_users.length + set.entra_groups.length;
}

/** One tier of `approval.escalation`: who is asked once the request has waited `after`. */
const EscalationTierSchema = z
  .object({
    after: durationField,
    approvers: ApproverSetSchema,
    /** Where the tier's card goes (default: the role's approval channel). */
    slack_channel: slackChannelId.optional(),
  })
  .strict()
  .refine((t) => namedCount(t.approvers) > 0, {
    path: ['approvers'],
    message: 'an escalation tier needs at least one approver',
  });

const RoleApprovalSchema = z
  .object({
    auto: z.boolean().default(false),
    required: z.number().int().min(1).max(10).default(1),
    approvers: ApproverSetSchema.optional(),
    slack_channel: slackChannelId.optional(),
    teams_channel: z.string().min(1).optional(),
    auto_if_on_call: OnCallSchema.optional(),
    escalation: z.array(EscalationTierSchema).max(5).default([]),
  })
  .strict()
  .superRefine((a, ctx) => {
    a.escalation.forEach((tier, i) => {
      const before = a.escalation[i - 1];
      if (before && tier.after <= before.after)
        ctx.addIssue({ code: 'custom', path: ['escalation', i, 'after'], message: 'must be later than the tier before it' });
    });
    if (a.auto) return;
    const set = a.approvers;
    if (!set || namedCount(set) === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['approvers'],
        message:
          'a role that is not auto-approved needs at least one approver (slack_users, slack_usergroups, teams_users or entra_groups)',
      });
    if (
      set &&
      set.slack_usergroups.length + set.entra_groups.length === 0 &&
      set.slack_users.length + set.teams_users.length < a.required
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['required'],
        message: `needs ${a.required} distinct approvers but only ${set.slack_users.length + set.teams_users.length} are listed`,
      });
    }
  });

const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

/**
 * AWS accounts other than the bot's own: jitbot reaches each through a manager role there
 * (IAM reads and writes for the per-session deny, CloudTrail), named the same in every
 * account unless `accounts` says otherwise. `sts:AssumeRole` of the roles people get needs none.
 */
const AwsSettingsSchema = z
  .object({
    manager_role_name: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
      .default('jitbot-manager'),
    accounts: z
      .record(
        z.string().regex(/^\d{12}$/, 'must be an AWS account id (12 digits)'),
        z
          .object({
            manager_role_arn: z.string().regex(IAM_ROLE_ARN, 'must be an IAM role ARN').optional(),
            /** What the manager role's trust policy requires as sts:ExternalId. */
            external_id: z
              .string()
              .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2 to 1224 letters, digits or +=,.@:/-')
              .optional(),
          })
          .strict(),
      )
      .default({}),
    /** IAM Identity Center (`provider: aws-sso`): where its API is, and the access portal people sign in at. */
    identity_center: z
      .object({
        /** The Region of the Identity Center instance (default: AWS_REGION, else us-east-1). */
        region: z
          .string()
          .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region such as eu-west-1')
          .optional(),
        /** The AWS access portal's URL (default: https://<identity store id>.awsapps.com/start). */
        portal_url: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/** An Identity Center permission set in one account (`provider: aws-sso`). */
const AwsSsoRoleSchema = z
  .object({
    instance_arn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/,
        'must be an Identity Center instance ARN (arn:aws:sso:::instance/ssoins-…)',
      ),
    identity_store_id: z
      .string()
      .regex(
        /^d-[0-9a-f]{10}$|^[0-9a-f]{8}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{12}$/,
        'must be an identity store id (d-…)',
      ),
    permission_set_arn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-./]{16}$/,
        'must be a permission set ARN (arn:aws:sso:::permissionSet/ssoins-…/ps-…)',
      ),
    account_id: z.string().regex(/^\d{12}$/, 'must be an AWS account id (12 digits)'),
  })
  .strict()
  .refine((s) => s.permission_set_arn.includes(`/${s.instance_arn.split('/')[1]}/`), {
    path: ['permission_set_arn'],
    message: 'belongs to another Identity Center instance than instance_arn',
  });

/** Owner, Editor and Viewer: IAM refuses conditions on them (cloud.google.com/iam/docs/conditions-overview#limitations). */
const BASIC_GCP_ROLES = new Set(['roles/owner', 'roles/editor', 'roles/viewer']);

const GcpRoleSchema = z
  .object({
    resource: z
      .string()
      .regex(
        /^(projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]|projects\/\d+|folders\/\d+|organizations\/\d+)$/,
        'must be projects/<project id or number>, folders/<number> or organizations/<number>',
      ),
    role: z
      .string()
      .regex(
        /^(roles\/[\w.]+|(projects\/[a-z0-9-]+|organizations\/\d+)\/roles\/[\w.]+)$/,
        'must be an IAM role name: roles/<name>, projects/<project>/roles/<name> or organizations/<number>/roles/<name>',
      ),
  })
  .strict();

const RoleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, - or _ (what users type)'),
    description: z.string().default(''),
    provider: z.enum(['sandbox', 'aws', 'aws-sso', 'azure', 'gcp']),
    requesters: RequestersSchema,
    aws: z
      .object({ role_arn: z.string().regex(IAM_ROLE_ARN, 'must be an IAM role ARN') })
      .strict()
      .optional(),
    azure: z
      .object({
        scope: z.string().startsWith('/', 'must be an Azure scope starting with / (/subscriptions/…)'),
        role_definition_id: z.string().min(1),
        // assignment: a plain role assignment that jitbot deletes; pim: a schedule request with an expiration Azure enforces.
        mode: z.enum(['assignment', 'pim']).default('assignment'),
      })
      .strict()
      .optional(),
    aws_sso: AwsSsoRoleSchema.optional(),
    gcp: GcpRoleSchema.optional(),
    max_duration: durationField,
    default_duration: durationField.optional(),
    min_duration: durationField.default(60_000),
    reason: z.enum(['required', 'optional']).default('required'),
    ticket_pattern: z
      .string()
      .optional()
      .superRefine((p, ctx) => {
        if (p === undefined) return;
        try {
          new RegExp(p);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${(e as Error).message}` });
        }
      }),
    sensitive: z.boolean().default(false),
    /** A role meant for reading only: write calls in its activity are a digest anomaly (read_role_writes). */
    read_only: z.boolean().default(false),
    approval: RoleApprovalSchema.default({ auto: false, required: 1, escalation: [] }),
    /** The requester may self-approve with a mandatory reason (`--break-glass`); reviewed afterwards. */
    break_glass: z.boolean().default(false),
    break_glass_max_duration: durationField.optional(),
    break_glass_review_within: durationField.default(24 * 3_600_000),
    /** Overrides `approvals.warn_before` for this role. */
    warn_before: durationField.optional(),
    /** `/jit extend`: approved at once while the grant's new total stays within auto_within. */
    extend: z.object({ auto_within: durationField.optional() }).strict().default({}),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.break_glass_max_duration !== undefined && !r.break_glass)
      ctx.addIssue({ code: 'custom', path: ['break_glass_max_duration'], message: 'needs break_glass: true' });
    if (r.break_glass_max_duration !== undefined && r.break_glass_max_duration < r.min_duration)
      ctx.addIssue({ code: 'custom', path: ['break_glass_max_duration'], message: 'is shorter than min_duration' });
    if (r.provider === 'aws' && !r.aws) ctx.addIssue({ code: 'custom', path: ['aws'], message: 'provider aws needs aws.role_arn' });
    if (r.provider === 'aws-sso' && !r.aws_sso)
      ctx.addIssue({
        code: 'custom',
        path: ['aws_sso'],
        message: 'provider aws-sso needs aws_sso.instance_arn, identity_store_id, permission_set_arn and account_id',
      });
    if (r.provider === 'azure' && !r.azure)
      ctx.addIssue({ code: 'custom', path: ['azure'], message: 'provider azure needs azure.scope and azure.role_definition_id' });
    if (r.provider === 'gcp' && !r.gcp)
      ctx.addIssue({ code: 'custom', path: ['gcp'], message: 'provider gcp needs gcp.resource and gcp.role' });
    if (r.gcp && BASIC_GCP_ROLES.has(r.gcp.role))
      ctx.addIssue({
        code: 'custom',
        path: ['gcp', 'role'],
        message: `${r.gcp.role} is a basic role, and IAM conditions cannot be put on basic roles, so Google could not end it on its own; use a predefined or custom role (e.g. roles/compute.admin)`,
      });
    if (r.min_duration > r.max_duration) ctx.addIssue({ code: 'custom', path: ['min_duration'], message: 'is longer than max_duration' });
    const def = r.default_duration ?? r.max_duration;
    if (def > r.max_duration || def < r.min_duration)
      ctx.addIssue({ code: 'custom', path: ['default_duration'], message: 'must lie between min_duration and max_duration' });
  })
  .transform((r) => ({
    ...r,
    default_duration: r.default_duration ?? Math.min(r.max_duration, 3_600_000),
    break_glass_max_duration: r.break_glass ? (r.break_glass_max_duration ?? r.max_duration) : 0,
  }));

export const PolicySchema = z
  .object({
    approvals: ApprovalDefaultsSchema.default({ pending_ttl: 2 * 3_600_000, remind_after: 15 * 60_000, warn_before: 10 * 60_000 }),
    digest: DigestPolicySchema.prefault({}),
    activity: ActivityPolicySchema.prefault({}),
    roles: z.array(RoleSchema).min(1, 'define at least one role'),
    /** Per-person limits; a burst of requests past them is refused with a message. */
    limits: z
      .object({
        requests_per_hour: z.number().int().min(1).default(30),
        /** Pending requests one person may have for one role at a time (a further one points to them). */
        max_pending_per_role: z.number().int().min(1).max(10).default(1),
      })
      .strict()
      .default({ requests_per_hour: 30, max_pending_per_role: 1 }),
    aws: AwsSettingsSchema.prefault({}),
    /** Overrides of what the chat platforms say about a person (keyed by Slack user id or Entra object id). */
    users: z
      .record(
        z.string(),
        z
          .object({
            email: z.email().optional(),
            azure_object_id: z.string().optional(),
            /** Google Cloud: the IAM member to bind instead of user:<email>. */
            gcp_member: z
              .string()
              .regex(
                /^(user|serviceAccount):[^\s@]+@[^\s@]+$|^principal:\/\/\S+$/,
                'must be an IAM member: user:<e-mail>, serviceAccount:<e-mail> or principal://…',
              )
              .optional(),
          })
          .strict(),
      )
      .default({}),
    /** Slack: guests (single- and multi-channel) and Slack Connect externals are refused unless allowed. */
    slack: z
      .object({ allow_guests: z.boolean().default(false) })
      .strict()
      .default({ allow_guests: false }),
    /**
     * Teams: only the bot's own tenant (MICROSOFT_APP_TENANT_ID) unless `allowed_tenants` names others
     * (a MultiTenant bot must list them); guests are refused unless allowed.
     */
    teams: z
      .object({
        allowed_tenants: z.array(z.guid('must be an Entra tenant id (a GUID)').transform((t) => t.toLowerCase())).default([]),
        allow_guests: z.boolean().default(false),
      })
      .strict()
      .default({ allowed_tenants: [], allow_guests: false }),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.roles.forEach((role, i) => {
      if (seen.has(role.id)) ctx.addIssue({ code: 'custom', path: ['roles', i, 'id'], message: `duplicate role id "${role.id}"` });
      seen.add(role.id);
      const lastTier = role.approval.escalation.at(-1);
      if (lastTier && lastTier.after >= p.approvals.pending_ttl) {
        ctx.addIssue({
          code: 'custom',
          path: ['roles', i, 'approval', 'escalation'],
          message: 'a tier comes after approvals.pending_ttl, when the request has already timed out',
        });
      }
      if (
        !role.approval.auto &&
        !role.approval.slack_channel &&
        !role.approval.teams_channel &&
        !p.approvals.slack_channel &&
        !p.approvals.teams_channel
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['roles', i, 'approval', 'slack_channel'],
          message: "no approval channel: set approvals.slack_channel or this role's approval.slack_channel",
        });
      }
    });
  });

export type Policy = z.output<typeof PolicySchema>;
export type Role = Policy['roles'][number];
export type ApproverSet = z.output<typeof ApproverSetSchema>;
export type OnCallSchedule = z.output<typeof OnCallSchema>;
export type EscalationTier = z.output<typeof EscalationTierSchema>;
export type Requesters = z.output<typeof RequestersSchema>;

export function findRole(policy: Policy, roleId: string): Role | undefined {
  return policy.roles.find((r) => r.id === roleId);
}

/** How long before expiry the requester of this role is warned. */
export function warnBeforeMs(policy: Policy, role: Role): number {
  return role.warn_before ?? policy.approvals.warn_before;
}

/** The Slack channel a role's approval cards go to. */
export function approvalSlackChannel(policy: Policy, role: Role): string | undefined {
  return role.approval.slack_channel ?? policy.approvals.slack_channel;
}
