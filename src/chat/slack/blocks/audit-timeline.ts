import { Blocks, Message } from 'slack-block-builder';
import { activityLine } from '../../../access/activity-model';
import type { AuditTrail } from '../../../access/audit-trail';
import type { AuditEvent } from '../../../access/model';
import { slackText, statusLine, summary, user, when } from './format';

function who(event: AuditEvent): string {
  return event.actor.platform === 'system' ? `_${event.actor.userId}_` : user(event.actor.userId);
}

/** `reason=fix INC-42, ticket=INC-42`: the event's data, short. */
function details(event: AuditEvent): string {
  const entries = Object.entries(event.data ?? {}).filter(([, v]) => v !== null && v !== undefined && v !== '');
  return entries.length ? ` — ${slackText(entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ').slice(0, 300))}` : '';
}

/** `/jit audit <id>`: the request's summary and every audit event, oldest first. */
export function auditTimeline({ view, events }: AuditTrail) {
  const { request } = view;
  const lines = events.map((e) => `${when(e.at)} · \`${e.action}\` by ${who(e)}${details(e)}`);
  return Message({ text: `Audit trail of ${request.id}: ${events.length} events` })
    .blocks(
      Blocks.Section({ text: [`*Audit trail of \`${request.id}\`* — ${user(request.requesterId)} asked for ${summary(view)}`, statusLine(view), activityLine(view.grant, slackText)].filter(Boolean).join('\n') }),
      // A section holds at most 3000 characters: split long timelines.
      ...chunk(lines, 2800).map((text) => Blocks.Section({ text })),
    )
    .buildToObject();
}

function chunk(lines: string[], max: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const last = out.at(-1);
    if (last !== undefined && last.length + line.length + 1 <= max) out[out.length - 1] = `${last}\n${line}`;
    else out.push(line.slice(0, max));
  }
  return out;
}
