import { z } from 'zod';
import { AccessError } from '../../../access/model/errors';
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

/** A request id on a card (the core refuses, audited, ids it does not know). */
export const requestIdField = z.string().trim().min(1).max(64).transform(normaliseRequestId);

/** A positive whole number on a card: Teams sends input values as strings, our own data carries numbers. */
export const positiveIntField = (max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,10}$/)
        .transform(Number),
    ])
    .pipe(z.number().int().positive().max(max));

/** Milliseconds from a card's duration choice (at most ~24 days, far beyond any role's maximum). */
export const msField = positiveIntField(2 ** 31);

/**
 * A card's data against the verb's schema. Anyone in a conversation with the bot can
 * send any JSON as an invoke, so data that does not fit is refused with `problem`
 * before anything runs.
 */
export function parseData<T extends z.ZodType>(schema: T, data: Record<string, unknown>, problem: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new AccessError('bad_input', problem);
  return parsed.data;
}
