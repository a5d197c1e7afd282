import { shortList } from '../../access/model/activity';
import type { DigestPolicy } from '../../access/policy/digest';
import type { Role } from '../../access/policy';
import { formatDuration } from '../../lib/duration';
import { clockTime, describeBusinessHours, weekdayTime, withinBusinessHours } from './calendar';
import { lookups, type DigestLookups } from './lookups';
import type { Anomaly, DigestData, DigestFormat, DigestGrant, DigestRequest } from './model';

export interface AnomalyContext {
  data: DigestData;
  settings: DigestPolicy;
  roles: Role[];
  fmt: DigestFormat;
}

interface Indexed extends AnomalyContext {
  requests: Map<string, DigestRequest>;
  /** Grants given during the day, with their requests. */
  granted: Array<{ grant: DigestGrant; request: DigestRequest }>;
  lookups: DigestLookups;
}

const inDay = (at: Date | null, data: DigestData) => at !== null && at >= data.start && at < data.end;

/** Grants given outside `digest.business_hours` (in the digest's time zone). */
function offHours({ granted, settings, fmt }: Indexed): Anomaly[] {
  const hours = settings.business_hours;
  return granted
    .filter(({ grant }) => !withinBusinessHours(grant.activatedAt!, settings.timezone, hours))
    .map(({ grant, request }) => ({
      rule: 'off_hours',
      text: `${request.id}: ${request.roleId} for ${fmt.user(request.requesterId)} granted ${weekdayTime(grant.activatedAt!, settings.timezone)}, outside business hours (${describeBusinessHours(hours)})`,
    }));
}

/** Roles marked `sensitive` that were approved by policy rather than by a person. */
function sensitiveAuto({ granted, roles, fmt }: Indexed): Anomaly[] {
  const sensitive = new Set(roles.filter((r) => r.sensitive).map((r) => r.id));
  return granted
    .filter(({ request }) => request.autoApproved && sensitive.has(request.roleId))
    .map(({ request }) => ({
      rule: 'sensitive_auto',
      text: `${request.id}: sensitive role ${request.roleId} granted to ${fmt.user(request.requesterId)} with no human approval (auto)`,
    }));
}

/** People (all their accounts together) with more grants in the day than `anomalies.max_grants_per_requester`. */
function busyRequester({ granted, settings, fmt }: Indexed): Anomaly[] {
  const max = settings.anomalies.max_grants_per_requester;
  const byPerson = new Map<string, { account: string; n: number }>();
  for (const { request } of granted) {
    const seen = byPerson.get(request.requesterPerson);
    byPerson.set(request.requesterPerson, { account: seen?.account ?? request.requesterId, n: (seen?.n ?? 0) + 1 });
  }
  return [...byPerson.values()]
    .filter(({ n }) => n > max)
    .map(({ account, n }) => ({ rule: 'busy_requester', text: `${fmt.user(account)} received ${n} grants in the day (more than ${max})` }));
}

/** Approvals given sooner after the request than `anomalies.fast_approval`: a rubber stamp? */
function fastApproval({ data, requests, settings, fmt }: Indexed): Anomaly[] {
  const limit = settings.anomalies.fast_approval;
  return data.approvals
    .filter((a) => a.decision === 'approve' && inDay(a.createdAt, data))
    .flatMap((a) => {
      const request = requests.get(a.requestId);
      const ms = request ? a.createdAt.getTime() - request.createdAt.getTime() : Infinity;
      return request && ms < limit
        ? [
            {
              rule: 'fast_approval' as const,
              text: `${request.id}: ${fmt.user(a.approverId)} approved ${request.roleId} for ${fmt.user(request.requesterId)} ${formatDuration(ms)} after the request (under ${formatDuration(limit)})`,
            },
          ]
        : [];
    });
}

/** One approver deciding most of one requester's grants (`approver_share` of at least `approver_share_min_grants`). */
function approverShare({ granted, settings, fmt, lookups: index }: Indexed): Anomaly[] {
  const { approver_share: share, approver_share_min_grants: minGrants } = settings.anomalies;
  const byRequester = new Map<string, string[][]>();
  const names = new Map<string, string>();
  const approversOf = index.approvers;
  for (const { request } of granted) {
    if (request.autoApproved) continue;
    const approvers = approversOf.get(request.id) ?? [];
    // Keyed by person, named by the first of their accounts seen.
    const list = byRequester.get(request.requesterPerson);
    if (list) list.push(approvers);
    else {
      byRequester.set(request.requesterPerson, [approvers]);
      names.set(request.requesterPerson, request.requesterId);
    }
  }
  const found: Anomaly[] = [];
  for (const [requester, grants] of byRequester) {
    if (grants.length < minGrants) continue;
    const counts = new Map<string, number>();
    for (const approvers of grants) for (const a of new Set(approvers)) counts.set(a, (counts.get(a) ?? 0) + 1);
    for (const [approver, n] of counts) {
      if (n / grants.length > share)
        found.push({
          rule: 'approver_share',
          text: `${fmt.user(approver)} approved ${n} of ${fmt.user(names.get(requester)!)}'s ${grants.length} grants (more than ${Math.round(share * 100)}%)`,
        });
    }
  }
  return found;
}

/** A request for a role soon after the same person's request for it was denied (from any of their accounts). */
function rerequestAfterDeny({ data, settings, fmt }: Indexed): Anomaly[] {
  const within = settings.anomalies.rerequest_within;
  const key = (r: DigestRequest) => `${r.requesterPerson}\u0000${r.roleId}`;
  const denied = new Map<string, DigestRequest[]>();
  for (const r of data.requests) if (r.status === 'denied' && r.decidedAt) denied.set(key(r), [...(denied.get(key(r)) ?? []), r]);
  return data.requests
    .filter((r) => inDay(r.createdAt, data))
    .flatMap((r) => {
      const before = (denied.get(key(r)) ?? [])
        .filter((d) => d.id !== r.id && d.decidedAt! <= r.createdAt && r.createdAt.getTime() - d.decidedAt!.getTime() <= within)
        .sort((a, b) => b.decidedAt!.getTime() - a.decidedAt!.getTime())[0];
      return before
        ? [
            {
              rule: 'rerequest_after_deny' as const,
              text: `${r.id}: ${fmt.user(r.requesterId)} asked again for ${r.roleId} ${formatDuration(r.createdAt.getTime() - before.decidedAt!.getTime())} after ${before.id} was denied`,
            },
          ]
        : [];
    });
}

/** Revokes that failed during the day, or finished later than `anomalies.revoke_late` after expiry. */
function revokeTrouble({ data, requests, settings, fmt }: Indexed): Anomaly[] {
  const late = settings.anomalies.revoke_late;
  const failures = new Map<string, { requestId: string; n: number; error: string }>();
  for (const e of data.notable.filter((e) => e.action === 'revoke.failed' && e.grantId)) {
    const seen = failures.get(e.grantId!);
    failures.set(e.grantId!, { requestId: e.requestId ?? '?', n: (seen?.n ?? 0) + 1, error: String(e.data?.error ?? 'unknown error') });
  }
  const found: Anomaly[] = [...failures].map(([grantId, f]) => {
    const grant = data.grants.find((g) => g.id === grantId);
    const now =
      grant?.status === 'revoke_failed' || grant?.status === 'revoking'
        ? 'ACCESS MAY STILL BE STANDING'
        : `now ${grant?.status ?? 'unknown'}`;
    return {
      rule: 'revoke_trouble',
      text: `${f.requestId}: revoke of ${requests.get(f.requestId)?.roleId ?? 'a grant'} (${grantId}) failed ${f.n} time${f.n > 1 ? 's' : ''} (last: ${fmt.text(f.error)}); ${now}`,
    };
  });
  for (const e of data.notable.filter((e) => e.action === 'grant.expired' && Number(e.data?.lateMs ?? 0) > late)) {
    found.push({
      rule: 'revoke_trouble',
      text: `${e.requestId}: access was revoked ${formatDuration(Number(e.data!.lateMs))} after it expired, at ${clockTime(e.at, settings.timezone)} (more than ${formatDuration(late)} late)`,
    });
  }
  return found;
}

/** Break-glass uses the day touched: who, why, and whether an approver reviewed them in time. */
function breakGlass({ data, roles, settings, fmt }: Indexed): Anomaly[] {
  const within = new Map(roles.map((r) => [r.id, r.break_glass_review_within]));
  return data.requests
    .filter((r) => r.breakGlass)
    .map((r) => {
      const due = new Date(r.createdAt.getTime() + (within.get(r.roleId) ?? 0));
      const review =
        r.reviewedAt && r.reviewedBy
          ? `reviewed by ${fmt.user(r.reviewedBy)} at ${clockTime(r.reviewedAt, settings.timezone)}${r.reviewedAt > due ? ' (LATE)' : ''}`
          : `NOT REVIEWED${data.now >= due ? ' — overdue' : ` (due ${clockTime(due, settings.timezone)})`}`;
      return {
        rule: 'break_glass',
        text: `${r.id}: BREAK-GLASS ${r.roleId} self-approved by ${fmt.user(r.requesterId)} (${r.reason ? fmt.text(r.reason) : 'no reason'}); ${review}`,
      };
    });
}

/**
 * Write calls in the activity of a grant of a role marked `read_only`. Reported on the
 * day the activity was recorded (`grant.activity`), so each grant is reported once.
 */
function readRoleWrites({ data, requests, roles, fmt }: Indexed): Anomaly[] {
  const readOnly = new Set(roles.filter((r) => r.read_only).map((r) => r.id));
  const grants = new Map(data.grants.map((g) => [g.id, g]));
  return data.notable
    .filter((e) => e.action === 'grant.activity' && e.grantId)
    .flatMap((e) => {
      const grant = grants.get(e.grantId!);
      const request = grant && requests.get(grant.requestId);
      const activity = grant?.activity;
      if (!request || !readOnly.has(request.roleId) || activity?.status !== 'fetched' || activity.writeEventCount === 0) return [];
      const n = activity.writeEventCount;
      return [
        {
          rule: 'read_role_writes' as const,
          text: `${request.id}: ${fmt.user(request.requesterId)} made ${n} write call${n === 1 ? '' : 's'} on read-only role ${request.roleId} (${shortList(activity.writeEventNames)}) per ${activity.source}`,
        },
      ];
    });
}

const RULES = [
  breakGlass,
  offHours,
  sensitiveAuto,
  busyRequester,
  fastApproval,
  approverShare,
  rerequestAfterDeny,
  revokeTrouble,
  readRoleWrites,
];

/** Every anomaly of the day, one line each, in rule order. */
export function findAnomalies(ctx: AnomalyContext): Anomaly[] {
  const requests = new Map(ctx.data.requests.map((r) => [r.id, r]));
  const granted = ctx.data.grants
    .filter((g) => inDay(g.activatedAt, ctx.data) && requests.has(g.requestId))
    .sort((a, b) => a.activatedAt!.getTime() - b.activatedAt!.getTime())
    .map((grant) => ({ grant, request: requests.get(grant.requestId)! }));
  const indexed: Indexed = { ...ctx, requests, granted, lookups: lookups(ctx.data) };
  return RULES.flatMap((rule) => rule(indexed));
}
