import { z } from 'zod';
import { entraGroupIds } from './entra';
import { SLACK_GROUP_ID, SLACK_USER_ID } from '../../lib/ids';
import { durationField } from '../../lib/duration';

/**
 * The `digest:` section of the policy: where and when the daily digest is posted,
 * who the security team is, and the thresholds of the anomaly rules.
 */

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** `mon-fri`, `mon,wed,fri`, `sat-sun`, `fri-mon` (wraps) → ISO weekdays 1 (Mon) … 7 (Sun). */
const weekdaysField = z.string().transform((text, ctx) => {
  const days = new Set<number>();
  for (const part of text
    .toLowerCase()
    .split(',')
    .map((p) => p.trim())) {
    const [from, to = from] = part.split('-').map((d) => WEEKDAYS.indexOf(d.trim() as (typeof WEEKDAYS)[number]));
    if (from === undefined || to === undefined || from < 0 || to < 0) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a list of days (use forms like mon-fri or mon,wed,fri)` });
      return z.NEVER;
    }
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d + 1);
      if (d === to) break;
    }
  }
  return [...days].sort();
});

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day like 08:00')
  .transform((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));

const timezoneField = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => `"${String(issue.input)}" is not an IANA time zone (like Europe/Berlin or UTC)` },
);

const BusinessHoursSchema = z
  .object({
    days: weekdaysField.prefault('mon-fri'),
    /** Minutes after midnight, in the digest's time zone. */
    start: clockTime.prefault('08:00'),
    end: clockTime.prefault('18:00'),
  })
  .strict()
  .refine((b) => b.start < b.end, { error: 'start must be before end', path: ['end'] });

const AnomalyThresholdsSchema = z
  .object({
    /** More grants than this for one requester in a day is flagged. */
    max_grants_per_requester: z.number().int().min(1).default(5),
    /** An approval sooner than this after the request is flagged (rubber-stamping). */
    fast_approval: durationField.prefault('30s'),
    /** One approver with more than this share of one requester's approved grants… */
    approver_share: z.number().gt(0).max(1).default(0.75),
    /** …counted only when the requester has at least this many such grants. */
    approver_share_min_grants: z.number().int().min(2).default(3),
    /** A new request for a role within this long after a deny of the same role is flagged. */
    rerequest_within: durationField.prefault('24h'),
    /** A revoke later than this after expiry is flagged. */
    revoke_late: durationField.prefault('1m'),
  })
  .strict();

export const DigestPolicySchema = z
  .object({
    slack_channel: z
      .string()
      .regex(/^[CG][A-Z0-9]+$/, 'must be a Slack channel id like C0123ABC')
      .optional(),
    teams_channel: z.string().min(1).optional(),
    cron: z.string().default('0 9 * * *'),
    timezone: timezoneField.default('UTC'),
    security_team: z
      .object({
        slack_users: z.array(z.string().regex(SLACK_USER_ID, 'must be a Slack user id like U0123ABC')).default([]),
        slack_usergroups: z.array(z.string().regex(SLACK_GROUP_ID, 'must be a Slack user group id like S0123ABC')).default([]),
        teams_users: z.array(z.string().min(1)).default([]),
        entra_groups: entraGroupIds,
      })
      .strict()
      .prefault({}),
    business_hours: BusinessHoursSchema.prefault({}),
    anomalies: AnomalyThresholdsSchema.prefault({}),
  })
  .strict();

export type DigestPolicy = z.output<typeof DigestPolicySchema>;
export type AnomalyThresholds = DigestPolicy['anomalies'];
export type BusinessHours = DigestPolicy['business_hours'];
