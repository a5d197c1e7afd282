import type { RequestView } from '../../access/model';
import type { Role } from '../../access/policy';
import { durationWords } from './approval';
import type { Markup } from './markup';

/** One labelled value on an approval card. */
export interface CardFact {
  label: string;
  value: string;
  /** The requester's own words (reason, ticket): each platform shows them as plain text, never as markup. */
  theirs: boolean;
}

/** Who asks for what, the first line of an approval card. */
export function requestHeadline(view: RequestView, role: Role, m: Markup): string {
  return `${m.user(view.request.requesterId)} requests ${m.bold(role.id)}${role.description ? ` — ${role.description}` : ''}`;
}

/** What an approval card lists about a request, in order: a new field is added here, for both platforms. */
export function requestFacts({ request }: RequestView): CardFact[] {
  return [
    { label: 'Request', value: request.id, theirs: false },
    { label: 'Duration', value: durationWords(request), theirs: false },
    { label: 'Reason', value: request.reason ?? '—', theirs: true },
    { label: 'Ticket', value: request.ticket ?? '—', theirs: true },
  ];
}
