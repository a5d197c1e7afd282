import { randomInt } from 'node:crypto';

// Crockford base32 without I, L, O, U: ids are read aloud and typed back by people.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function randomCode(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** Generates the ids users see (`R-…` for requests, `G-…` for grants). */
export interface IdGenerator {
  requestId(): string;
  grantId(): string;
}

export const randomIds: IdGenerator = {
  requestId: () => `R-${randomCode(8)}`,
  grantId: () => `G-${randomCode(10)}`,
};

/** What a request id looks like once normalised (`randomIds` makes 8 characters after `R-`; 4 to 16 are accepted). */
export const REQUEST_ID_PATTERN = /^R-[0-9A-Z]{4,16}$/;

/** Request ids as users type them: case-insensitive, surrounding `#` tolerated. */
export function normaliseRequestId(text: string): string {
  return text.trim().replace(/^#/, '').toUpperCase();
}

/** What a Slack user id looks like (`U…`, or `W…` in Enterprise Grid); Teams people are Entra object ids (GUIDs). */
export const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;

/** What a Slack user group id looks like (`S…`); Entra groups are GUIDs. */
export const SLACK_GROUP_ID = /^S[A-Z0-9]+$/;

/** The platform of an account id, told by its shape (the policy's `users:` table and shared wording mix both). */
export function platformOfAccountId(id: string): 'slack' | 'teams' {
  return SLACK_USER_ID.test(id) ? 'slack' : 'teams';
}
