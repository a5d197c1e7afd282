import { activityLine } from '../../access/model/activity';
import type { DigestPolicy } from '../../access/policy/digest';
import type { Role } from '../../access/policy';
import { formatDuration } from '../../lib/duration';
import { findAnomalies } from './anomalies';
import { clockTime } from './calendar';
import { computeFigures } from './figures';
import { lookups, type DigestLookups } from './lookups';
import type { Anomaly, BuiltDigest, DigestData, DigestFigures, DigestFormat, DigestGrant, DigestRequest } from './model';

export interface BuildContext {
  settings: DigestPolicy;
  roles: Role[];
  fmt: DigestFormat;
}

function parentText(day: string, zone: string, f: DigestFigures, anomalies: number, fmt: DigestFormat): string {
  const median = f.medianTimeToApproveMs === null ? 'n/a' : formatDuration(f.medianTimeToApproveMs);
  return [
    `${fmt.bold(`Access digest for ${day}`)} (${zone})`,
    `Requests ${f.requests} · granted ${f.granted} · auto-approved ${f.autoApproved} · denied ${f.denied} · timed out ${f.timedOut} · cancelled ${f.cancelled}`,
    `Revoked early ${f.revokedEarly} · revoke failures ${f.revokeFailures} · median time to approve ${median}`,
    anomalies ? `${fmt.emoji('warning')} ${anomalies} anomal${anomalies === 1 ? 'y' : 'ies'} — see the thread` : 'No anomalies.',
  ].join('\n');
}

function howItEnded(grant: DigestGrant, data: DigestData, index: DigestLookups, fmt: DigestFormat): string {
  const at = (d: Date | null) => (d ? clockTime(d, data.timezone) : '?');
  const failures = index.revokeFailures.get(grant.id) ?? 0;
  const troubles = failures ? ` after ${failures} failed revoke attempt${failures > 1 ? 's' : ''}` : '';
  switch (grant.status) {
    case 'expired':
      return `expired, revoked at ${at(grant.revokedAt)}${troubles}`;
    case 'revoked':
      return `revoked early by ${grant.revokeRequestedBy ? fmt.user(grant.revokeRequestedBy) : 'an operator'} at ${at(grant.revokedAt)}${troubles}`;
    case 'active':
      return `still active until ${at(grant.expiresAt)}`;
    case 'revoking':
    case 'revoke_failed':
      return `${fmt.emoji('rotating_light')} revoke not finished (${grant.status}${troubles}): access may still be standing`;
    default:
      return grant.status;
  }
}

function grantReply(grant: DigestGrant, request: DigestRequest, data: DigestData, index: DigestLookups, fmt: DigestFormat): string {
  const end = grant.revokedAt ?? (grant.expiresAt && grant.expiresAt < data.now ? grant.expiresAt : data.now);
  const used = formatDuration(end.getTime() - grant.activatedAt!.getTime());
  const approvers = request.autoApproved
    ? 'policy (auto)'
    : (index.approvers.get(request.id) ?? []).map(fmt.user).join(', ') || 'nobody recorded';
  return [
    `${fmt.bold(request.roleId)} for ${fmt.user(request.requesterId)} · ${fmt.code(request.id)} · granted ${clockTime(grant.activatedAt!, data.timezone)}`,
    `Asked ${formatDuration(request.durationMs)} · used ${used} · approved by ${approvers}`,
    `Reason: ${fmt.text(request.reason ?? '—')} · ticket: ${fmt.text(request.ticket ?? '—')}`,
    `Ended: ${howItEnded(grant, data, index, fmt)}`,
    activityLine(grant, fmt.text),
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

/**
 * Grants listed one by one in the thread. Each reply is a chat message, and Slack posts
 * about one a second to a channel: a busier day lists the grants to read first and counts
 * the rest by role.
 */
export const MAX_GRANT_REPLIES = 200;
/** Lines of one anomaly rule in the "Anomalies" reply (a chat message has a size limit); the rest are counted. */
export const MAX_LINES_PER_RULE = 20;

/**
 * At most MAX_GRANT_REPLIES of the day's grants, in time order: revokes in trouble first,
 * then break-glass, then sensitive roles, then the latest.
 */
function grantsToList(granted: DigestGrant[], requests: Map<string, DigestRequest>, index: DigestLookups, roles: Role[]): DigestGrant[] {
  if (granted.length <= MAX_GRANT_REPLIES) return granted;
  const sensitive = new Set(roles.filter((r) => r.sensitive).map((r) => r.id));
  const rank = (g: DigestGrant) => {
    const request = requests.get(g.requestId)!;
    if (g.status === 'revoking' || g.status === 'revoke_failed' || index.revokeFailures.has(g.id)) return 0;
    if (request.breakGlass) return 1;
    return sensitive.has(request.roleId) ? 2 : 3;
  };
  const chosen = new Set(
    [...granted].sort((a, b) => rank(a) - rank(b) || b.activatedAt!.getTime() - a.activatedAt!.getTime()).slice(0, MAX_GRANT_REPLIES),
  );
  return granted.filter((g) => chosen.has(g));
}

/** The grants not listed one by one, counted by role, and where to read them all. */
function unlistedText(unlisted: DigestGrant[], requests: Map<string, DigestRequest>, data: DigestData, fmt: DigestFormat): string {
  const byRole = new Map<string, number>();
  for (const g of unlisted) {
    const role = requests.get(g.requestId)!.roleId;
    byRole.set(role, (byRole.get(role) ?? 0) + 1);
  }
  const roles = [...byRole].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = roles.slice(0, 10).map(([role, n]) => `${role} ${n}`);
  if (roles.length > 10) shown.push(`${roles.length - 10} other roles ${roles.slice(10).reduce((n, [, k]) => n + k, 0)}`);
  return [
    `${fmt.bold('More grants')}: ${unlisted.length} more were given this day than the ${MAX_GRANT_REPLIES} above (revokes in trouble, break-glass and sensitive roles first).`,
    `By role: ${shown.join(' · ')}`,
    `One request's trail: ${fmt.code('/jit audit <request id>')}; the whole day: ${fmt.code(`npm run audit:export -- --since ${data.start.toISOString()} --until ${data.end.toISOString()}`)}`,
  ].join('\n');
}

/** The "Anomalies" reply: at most MAX_LINES_PER_RULE lines of each rule, then how many more. */
function anomaliesText(anomalies: Anomaly[], fmt: DigestFormat): string {
  if (!anomalies.length) return `${fmt.bold('Anomalies')}: none.`;
  const byRule = new Map<string, Anomaly[]>();
  for (const a of anomalies) {
    const found = byRule.get(a.rule);
    if (found) found.push(a);
    else byRule.set(a.rule, [a]);
  }
  const lines = [`${fmt.bold('Anomalies')} (${anomalies.length})`];
  for (const [rule, found] of byRule) {
    lines.push(...found.slice(0, MAX_LINES_PER_RULE).map((a) => `• [${rule}] ${a.text}`));
    if (found.length > MAX_LINES_PER_RULE) lines.push(`• [${rule}] … and ${found.length - MAX_LINES_PER_RULE} more`);
  }
  return lines.join('\n');
}

/**
 * The digest of one day: figures in the parent message, one thread reply per grant given
 * that day (at most MAX_GRANT_REPLIES, then one counting the rest), then one "Anomalies"
 * reply. Pure: same rows, same text.
 */
export function buildDigest(data: DigestData, ctx: BuildContext): BuiltDigest {
  const figures = computeFigures(data);
  const anomalies = findAnomalies({ data, ...ctx });
  const requests = new Map(data.requests.map((r) => [r.id, r]));
  const granted = data.grants
    .filter((g) => g.activatedAt && g.activatedAt >= data.start && g.activatedAt < data.end && requests.has(g.requestId))
    .sort((a, b) => a.activatedAt!.getTime() - b.activatedAt!.getTime());
  const index = lookups(data);
  const listed = grantsToList(granted, requests, index, ctx.roles);
  const replies = listed.map((g) => ({
    key: `grant:${g.requestId}`,
    text: grantReply(g, requests.get(g.requestId)!, data, index, ctx.fmt),
  }));
  if (listed.length < granted.length) {
    const shown = new Set(listed);
    replies.push({
      key: 'grants:more',
      text: unlistedText(
        granted.filter((g) => !shown.has(g)),
        requests,
        data,
        ctx.fmt,
      ),
    });
  }
  replies.push({ key: 'anomalies', text: anomaliesText(anomalies, ctx.fmt) });
  return { day: data.day, figures, anomalies, parent: parentText(data.day, data.timezone, figures, anomalies.length, ctx.fmt), replies };
}
