import { Blocks, Message } from 'slack-block-builder';
import { activityLine } from '../../../access/model/activity';
import type { AuditTrail } from '../../../access/queries/audit-trail';
import { auditLine } from '../../words/audit';
import { packedSections } from './limits';
import { slackMarkup, slackText, user } from './format';
import { requestSummary, statusLine } from '../../words/status';

/** `/jit audit <id>`: the request's summary and every audit event, oldest first. */
export function auditTimeline({ view, events }: AuditTrail) {
  const { request } = view;
  const lines = events.map((e) => auditLine(e, slackMarkup));
  return Message({ text: `Audit trail of ${request.id}: ${events.length} events` })
    .blocks(
      Blocks.Section({
        text: [
          `*Audit trail of \`${request.id}\`* — ${user(request.requesterId)} asked for ${requestSummary(view, slackMarkup)}`,
          statusLine(view, slackMarkup),
          activityLine(view.grant, slackText),
        ]
          .filter(Boolean)
          .join('\n'),
      }),
      // A section holds at most 3000 characters: split long timelines.
      ...packedSections(lines).map((text) => Blocks.Section({ text })),
    )
    .buildToObject();
}
