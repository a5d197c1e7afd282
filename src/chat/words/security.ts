import type { SecurityAlert } from '../../access/ports';
import { formatDuration } from '../../lib/duration';
import type { Markup } from './markup';

/** Whether an alert says access may be standing (loud) or that it is gone now (all clear). */
export function alertTone(alert: SecurityAlert): 'alarm' | 'all_clear' {
  return alert.kind === 'revoke_recovered' || alert.kind === 'revoke_verified' ? 'all_clear' : 'alarm';
}

/**
 * What the security channel reads, worded once for Slack and Teams (each adds its emoji
 * for the tone). Reasons and errors are someone else's text: `m.text` keeps them text.
 */
export function securityAlertWords(alert: SecurityAlert, m: Markup): string {
  const { request, role } = alert;
  const whose = `${m.bold(role.id)} for ${m.user(request.requesterId)}`;
  switch (alert.kind) {
    case 'break_glass':
      return `BREAK-GLASS: ${m.user(request.requesterId)} self-approved ${m.bold(role.id)} for ${formatDuration(request.durationMs)} (${m.code(request.id)}). Reason: ${m.text(request.reason ?? '—')}. An approver of ${role.id} must review it by ${m.when(alert.reviewBy)}.`;
    case 'break_glass_review_overdue':
      return `BREAK-GLASS review overdue: ${m.code(request.id)} (${whose}, reason: ${m.text(request.reason ?? '—')}) was not reviewed within ${formatDuration(role.break_glass_review_within)}. An approver of ${role.id}: press "Reviewed" on its card.`;
    case 'revoke_failing':
      return `Revoke of ${whose} (${m.code(request.id)}, grant ${alert.grantId}) has failed ${alert.attempts} times: ${m.text(alert.error)}. Access may still be standing; retrying.`;
    case 'revoke_recovered':
      return `Grant ${alert.grantId} (${whose}, ${m.code(request.id)}) is now revoked after ${alert.attempts} failed attempts.`;
    case 'revoke_unverified':
      return `Revoke of ${whose} (${m.code(request.id)}, grant ${alert.grantId}) could not be verified: ${m.text(alert.error)}. Access may still be standing; revoking again and re-checking.`;
    case 'revoke_verified':
      return `Grant ${alert.grantId} (${whose}, ${m.code(request.id)}) is now revoked and verified.`;
  }
}
