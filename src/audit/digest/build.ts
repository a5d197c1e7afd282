import { activityLine } from '../../access/model/activity';
import type { DigestPolicy } from '../../access/policy/digest';
import type { AccessRequest, Grant } from '../../access/model';
import type { Role } from '../../access/policy';
import { formatDuration } from '../../lib/duration';
import { findAnomalies } from './anomalies';
import { clockTime } from './calendar';
import { computeFigures } from './figures';
import { lookups, type DigestLookups } from './lookups';
import type { BuiltDigest, DigestData, DigestFigures, DigestFormat } from './model';

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

function howItEnded(grant: Grant, data: DigestData, index: DigestLookups, fmt: DigestFormat): string {
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

function grantReply(grant: Grant, request: AccessRequest, data: DigestData, index: DigestLookups, fmt: DigestFormat): string {
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
 * The digest of one day: figures in the parent message, one thread reply per
 * grant given that day, then one "Anomalies" reply. Pure: same rows, same text.
 */
export function buildDigest(data: DigestData, ctx: BuildContext): BuiltDigest {
  const figures = computeFigures(data);
  const anomalies = findAnomalies({ data, ...ctx });
  const requests = new Map(data.requests.map((r) => [r.id, r]));
  const granted = data.grants
    .filter((g) => g.activatedAt && g.activatedAt >= data.start && g.activatedAt < data.end && requests.has(g.requestId))
    .sort((a, b) => a.activatedAt!.getTime() - b.activatedAt!.getTime());
  const index = lookups(data);
  const replies = granted.map((g) => ({
    key: `grant:${g.requestId}`,
    text: grantReply(g, requests.get(g.requestId)!, data, index, ctx.fmt),
  }));
  replies.push({
    key: 'anomalies',
    text: anomalies.length
      ? [`${ctx.fmt.bold('Anomalies')} (${anomalies.length})`, ...anomalies.map((a) => `• [${a.rule}] ${a.text}`)].join('\n')
      : `${ctx.fmt.bold('Anomalies')}: none.`,
  });
  return { day: data.day, figures, anomalies, parent: parentText(data.day, data.timezone, figures, anomalies.length, ctx.fmt), replies };
}
