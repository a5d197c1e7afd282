/**
 * The inline policy that ends AWS role sessions early. STS credentials cannot be
 * recalled, so each revoked session gets a Deny-everything statement scoped to its
 * `aws:userid` (`<role id>:<session name>`) that lasts until the credentials expire.
 * Pure functions: the provider reads, edits and writes the document.
 */

/** The inline policy jitbot owns on each target role. */
export const DENY_POLICY_NAME = 'jitbot-revoked-sessions';

/** IAM's limit for a role's inline policies, counted without whitespace. */
export const INLINE_POLICY_LIMIT = 10_240;

const SID_PREFIX = 'JitbotRevoked';

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

/** Sids allow only letters and digits. */
function sidFor(userId: string): string {
  return SID_PREFIX + userId.replace(/[^A-Za-z0-9]/g, '');
}

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

const isOurs = (s: PolicyStatement) => s.Sid?.startsWith(SID_PREFIX) ?? false;

function deniedUntil(s: PolicyStatement): Date | undefined {
  const value = s.Condition?.DateLessThan?.['aws:CurrentTime'];
  return typeof value === 'string' ? new Date(value) : undefined;
}

/** Whether the document already denies this session at `now`. */
export function denies(doc: PolicyDocument, userId: string, now: Date): boolean {
  return doc.Statement.some(
    (s) => isOurs(s) && s.Condition?.StringEquals?.['aws:userid'] === userId && (deniedUntil(s)?.getTime() ?? 0) > now.getTime(),
  );
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
  const added = denyStatement(userId, until);
  const kept = doc.Statement.filter((s) => !isOurs(s) || (s.Sid !== added.Sid && (deniedUntil(s)?.getTime() ?? 0) > now.getTime()));
  const next: PolicyDocument = { Version: doc.Version || '2012-10-17', Statement: [...kept, added] };
  const size = policySize(next);
  if (size > limit) {
    const live = kept.filter(isOurs).length;
    throw new DenyPolicyFullError(
      `The deny policy ${DENY_POLICY_NAME} would be ${size} characters, over IAM's inline limit of ${limit}, with ${live} other revoked sessions still live on this role. ` +
        "Lower the role's MaxSessionDuration (revoked sessions then expire sooner) or remove other inline policies from the role.",
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
