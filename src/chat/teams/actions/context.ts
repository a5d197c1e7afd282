import type { Actor } from '../../../access/model';
import { normaliseRequestId } from '../../../lib/ids';
import type { AdaptiveCard } from '../cards/card';
import type { TeamsDeps } from '../deps';

/** What a card action gets: who clicked, and the card's data merged with its inputs. */
export interface CardActionContext {
  actor: Actor;
  data: Record<string, unknown>;
}

/** One `Action.Execute` verb; returns the card that replaces the clicked one. */
export type CardAction = (deps: TeamsDeps, ctx: CardActionContext) => Promise<AdaptiveCard>;

/** The request id a card carries: untrusted input, so the core looks it up and refuses (audited) what it does not know. */
export function requestIdOf(data: Record<string, unknown>): string {
  return normaliseRequestId(String(data.requestId ?? '').slice(0, 64));
}

/** A text input's value, trimmed (absent and blank are the same). */
export function inputOf(data: Record<string, unknown>, name: string): string {
  const value = data[name];
  return typeof value === 'string' ? value.trim() : '';
}
