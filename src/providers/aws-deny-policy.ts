import { ProviderError } from '../access/model/errors';

/**
 * Inline policies that end AWS sessions early. STS credentials cannot be recalled, so each
 * revoked session gets a Deny-everything statement scoped to it that lasts until the
 * credentials expire (`aws:CurrentTime`): on the role for an `sts:AssumeRole` session
 * (its `aws:userid`, `<role id>:<session name>`), on the permission set for Identity Center
 * (aws-sso-deny.ts). Pure functions: the providers read, edit and write the documents.
 */

/** The inline policy jitbot owns on each target role. */
export const DENY_POLICY_NAME = 'jitbot-revoked-sessions';

/** IAM's limit for a role's inline policies, counted without whitespace. */
export const INLINE_POLICY_LIMIT = 10_240;

/** Every statement jitbot writes has a Sid starting so; the rest of a document is someone else's. */
const OURS = 'Jitbot';

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

export const emptyDenyPolicy = (): PolicyDocument => ({ Version: '2012-10-17', Statement: [] });

/** A Sid of ours: Sids allow only letters and digits. */
export const ourSid = (kind: string, ...parts: string[]) => OURS + kind + parts.join('').replace(/[^A-Za-z0-9]/g, '');

const sidFor = (userId: string) => ourSid('Revoked', userId);

/** A statement denying every action to one session until `until` (after that the credentials are dead anyway). */
export function denyStatement(userId: string, until: Date): PolicyStatement {
  return {
    Sid: sidFor(userId),
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { StringEquals: { 'aws:userid': userId }, DateLessThan: { 'aws:CurrentTime': until.toISOString() } },
  };
}

export const isOurs = (s: PolicyStatement) => s.Sid?.startsWith(OURS) ?? false;

/** Whether a statement of ours still acts at `now` (its `aws:CurrentTime` bound is later). */
export function stillActs(s: PolicyStatement, now: Date): boolean {
  const value = s.Condition?.DateLessThan?.['aws:CurrentTime'];
  return typeof value === 'string' && new Date(value).getTime() > now.getTime();
}

/** Whether the document already denies this session at `now`. */
export function denies(doc: PolicyDocument, userId: string, now: Date): boolean {
  return doc.Statement.some((s) => isOurs(s) && s.Condition?.StringEquals?.['aws:userid'] === userId && stillActs(s, now));
}

/** The document without our statements that no longer act; someone else's are kept as they are. */
export function withoutSpent(doc: PolicyDocument, now: Date): PolicyDocument {
  return { Version: doc.Version || '2012-10-17', Statement: doc.Statement.filter((s) => !isOurs(s) || stillActs(s, now)) };
}

/** The size IAM counts: the JSON without whitespace. */
export function policySize(doc: PolicyDocument): number {
  return JSON.stringify(doc).length;
}

export class DenyPolicyFullError extends Error {}

/**
 * The document with a deny for `userId` added (replacing an older one for the same
 * session) and every statement of ours whose session is past expiry removed.
 * Statements someone else wrote are kept as they are. Throws DenyPolicyFullError
 * when even the pruned document would exceed the inline policy limit.
 */
export function withDeny(doc: PolicyDocument, userId: string, until: Date, now: Date, limit = INLINE_POLICY_LIMIT): PolicyDocument {
  return withStatement(doc, denyStatement(userId, until), now, limit, {
    where: `The deny policy ${DENY_POLICY_NAME}`,
    fix: "Lower the role's MaxSessionDuration (revoked sessions then expire sooner) or remove other inline policies from the role.",
  });
}

/**
 * The document with `added` in place of any statement with its Sid, and our spent statements
 * pruned; throws DenyPolicyFullError, saying `where` and how to `fix` it, when it would not fit.
 */
export function withStatement(
  doc: PolicyDocument,
  added: PolicyStatement,
  now: Date,
  limit: number,
  full: { where: string; fix: string },
): PolicyDocument {
  const kept = withoutSpent(doc, now).Statement.filter((s) => s.Sid !== added.Sid);
  const next: PolicyDocument = { Version: doc.Version || '2012-10-17', Statement: [...kept, added] };
  const size = policySize(next);
  if (size > limit) {
    const live = kept.filter(isOurs).length;
    throw new DenyPolicyFullError(
      `${full.where} would be ${size} characters, over the inline limit of ${limit}, with ${live} other revoked sessions still denied there. ${full.fix}`,
    );
  }
  return next;
}

/** Parses a document from IAM (GetRolePolicy returns it URL-encoded). */
export function parsePolicyDocument(encoded: string): PolicyDocument {
  const doc = JSON.parse(decodeURIComponent(encoded)) as Partial<PolicyDocument> & { Statement?: PolicyStatement | PolicyStatement[] };
  const statements = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return { Version: doc.Version ?? '2012-10-17', Statement: statements };
}

/** Rounds of read-modify-write-verify on a deny policy before giving up (concurrent ends editing one policy). */
const DENY_WRITE_ROUNDS = 5;

/**
 * Read, add, write, read back, until the document says what `present` checks: another end
 * may write the same policy in between. `next` may throw DenyPolicyFullError, which becomes
 * a permanent ProviderError saying `what`; too many lost rounds are a transient one.
 */
export async function writeUntilPresent(
  policy: { read(): Promise<PolicyDocument>; write(doc: PolicyDocument): Promise<void> },
  change: { present(doc: PolicyDocument, now: Date): boolean; next(doc: PolicyDocument, now: Date): PolicyDocument },
  now: () => Date,
  what: string,
): Promise<void> {
  for (let round = 0; round < DENY_WRITE_ROUNDS; round++) {
    const at = now();
    const current = await policy.read();
    if (change.present(current, at)) return;
    let next: PolicyDocument;
    try {
      next = change.next(current, at);
    } catch (e) {
      if (e instanceof DenyPolicyFullError) throw new ProviderError(`Cannot ${what}: ${e.message}`, true);
      throw e;
    }
    await policy.write(next);
    if (change.present(await policy.read(), at)) return;
  }
  throw new ProviderError(`The deny to ${what} kept being overwritten by concurrent edits; will retry.`, false);
}
