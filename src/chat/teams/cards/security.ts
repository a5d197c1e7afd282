import { activityLine } from '../../../access/model/activity';
import type { AuditTrail } from '../../../access/queries/audit-trail';
import type { PublishOutcome } from '../../../audit/digest/service';
import { auditLine } from '../../words/audit';
import { teamsText, teamsTextMarkup } from './format';

/** `jit audit <id>` in Teams, a plain message: one line per audit event, oldest first (its data is people's and clouds' text). */
export function auditText({ view, events }: AuditTrail): string {
  const lines = events.map((e) => auditLine(e, teamsTextMarkup));
  const activity = activityLine(view.grant, teamsText);
  return [
    `Audit trail of ${view.request.id} (${view.request.roleId}, ${view.request.status}): ${events.length} events`,
    ...(activity ? [activity] : []),
    ...lines,
  ].join('\n\n');
}

/** `jit digest [day]` in Teams: the digest is posted in `digest.teams_channel`; its figures are shown here too. */
export function digestText(outcome: PublishOutcome): string {
  switch (outcome.status) {
    case 'posted':
    case 'updated':
      return `📰 ${outcome.status === 'posted' ? 'Posted' : 'Updated'} the digest of ${outcome.digest.day} in the security channel:\n\n${outcome.digest.parent}`;
    case 'busy':
      return `⏳ The digest of ${outcome.day} is being posted right now; look in the security channel in a minute.`;
    case 'not_configured':
      return `ℹ️ No digest.teams_channel in the policy, so here it is only for you:\n\n${outcome.digest.parent}\n\n${outcome.digest.replies.map((r) => r.text).join('\n\n')}`;
  }
}
