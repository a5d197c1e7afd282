/**
 * Adaptive Card JSON. Microsoft documents Universal Actions (`Action.Execute`) for cards
 * of version 1.5, with an `Action.Submit` fallback for Teams clients that lack them
 * ("Work with Universal Actions for Adaptive Cards", backward compatibility): every
 * `execute()` carries one, whose data names the verb (`SUBMIT_VERB`) so the bot routes the
 * submit like the invoke. The builders in this folder are pure: data in, card out, no
 * botbuilder import.
 */
import type { MentionEntity } from '../mentions';

export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardElement[];
  /** `entities`: the @mentions in the card's text (`<at>name</at>`), see mentions.ts. */
  msteams?: { width: 'Full'; entities?: MentionEntity[] };
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function card(body: Array<CardElement | undefined>, actions: CardElement[] = []): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: body.filter((e): e is CardElement => e !== undefined),
    ...(actions.length ? { actions } : {}),
    msteams: { width: 'Full' },
  };
}

/** The card, @mentioning the people its text names as `<at>name</at>`. */
export function withMentions(c: AdaptiveCard, entities: MentionEntity[]): AdaptiveCard {
  return entities.length ? { ...c, msteams: { width: 'Full', entities } } : c;
}

export const text = (value: string, extra: CardElement = {}): CardElement => ({ type: 'TextBlock', text: value, wrap: true, ...extra });

/**
 * Labelled values, one wrapping line each. Not a FactSet: Teams clips a FactSet value that
 * holds a long unbroken token (a URL in a reason), where a TextBlock wraps it.
 */
export const facts = (pairs: Array<[string, string]>): CardElement => ({
  type: 'Container',
  spacing: 'Small',
  items: pairs.map(([title, value]) => text(`**${title}:** ${value}`, { spacing: 'None' })),
});

/** Where an `Action.Submit` fallback's data names the verb of the `Action.Execute` it stands in for. */
export const SUBMIT_VERB = 'jitVerb';

/**
 * A universal action: Teams sends it to the bot as an `adaptiveCard/action` invoke; a
 * client without Universal Actions sends the fallback's submit as a message instead.
 */
export const execute = (title: string, verb: string, data: Record<string, unknown>, style?: 'positive' | 'destructive'): CardElement => ({
  type: 'Action.Execute',
  title,
  verb,
  data,
  ...(style ? { style } : {}),
  fallback: { type: 'Action.Submit', title, data: { ...data, [SUBMIT_VERB]: verb }, ...(style ? { style } : {}) },
});

/** A drop-down whose value Teams sends with the card's `Action.Execute` data under `id`. */
export const choiceSet = (
  id: string,
  label: string,
  choices: Array<{ title: string; value: string }>,
  placeholder: string,
): CardElement => ({
  type: 'Input.ChoiceSet',
  id,
  label,
  style: 'compact',
  placeholder,
  choices,
});

/** Card verbs: the same action ids as Slack's buttons (docs/teams.md); the form submits are Teams' own. */
export const VERBS = {
  approve: 'jit.approve',
  deny: 'jit.deny',
  /** With the card's `durationMs` choice: approve a shorter grant than asked. */
  approveDuration: 'jit.approve_duration',
  /** A break-glass use was looked at. */
  review: 'jit.review',
  /** "I'm done" on the expiry warning: revoke now. */
  done: 'jit.done',
  /** "Extend" on the expiry warning, with the card's `extendMs` choice. */
  extend: 'jit.extend',
  extendApprove: 'jit.extend_approve',
  extendDeny: 'jit.extend_deny',
  denySubmit: 'jit.deny_submit',
  requestSubmit: 'jit.request_submit',
  /** Leaves the deny form: shows the approval card again. */
  back: 'jit.back',
} as const;
