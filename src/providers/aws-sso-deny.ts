import {
  type PolicyDocument,
  type PolicyStatement,
  INLINE_POLICY_LIMIT,
  isOurs,
  ourSid,
  stillActs,
  withStatement,
} from './aws-deny-policy';

/**
 * The deny that ends live permission-set sessions. Deleting an account assignment does not
 * end the role sessions already opened with it; AWS documents the way to revoke them in
 * "Revoke active IAM role sessions created by permission sets"
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/prereqs-revoking-user-permissions.html):
 * a Deny-everything statement in the permission set's inline policy, keyed on the person's
 * `identitystore:userId` (stable, unlike `aws:userId`), provisioned to the account and kept
 * until the permission set's session duration has passed, then removed.
 *
 * jitbot's statement is narrower than the documented example so that nothing else is cut
 * off while it stands: only sessions issued before the end (`aws:TokenIssueTime`), in the
 * grant's account (`aws:PrincipalAccount`; the permission set may be provisioned elsewhere),
 * and only until they have died anyway (`aws:CurrentTime`). A new grant of the same person
 * works at once. Pure functions: the provider reads, edits and writes the document.
 */

const sidFor = (userId: string, account: string) => ourSid('Ended', userId, account);

export function sessionDeny(userId: string, account: string, endedAt: Date, until: Date): PolicyStatement {
  return {
    Sid: sidFor(userId, account),
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      StringEquals: { 'identitystore:userId': userId, 'aws:PrincipalAccount': account },
      DateLessThan: { 'aws:TokenIssueTime': endedAt.toISOString(), 'aws:CurrentTime': until.toISOString() },
    },
  };
}

/** Whether the document denies, at `now`, the sessions this person opened in `account` up to `issuedBy`. */
export function deniesSessions(doc: PolicyDocument, userId: string, account: string, issuedBy: Date, now: Date): boolean {
  return doc.Statement.some((s) => {
    const issuedBefore = s.Condition?.DateLessThan?.['aws:TokenIssueTime'];
    return (
      isOurs(s) &&
      s.Sid === sidFor(userId, account) &&
      stillActs(s, now) &&
      typeof issuedBefore === 'string' &&
      new Date(issuedBefore).getTime() >= issuedBy.getTime()
    );
  });
}

/** The document with this person's sessions in `account` denied (replacing an earlier deny of theirs), spent denies pruned. */
export function withSessionDeny(
  doc: PolicyDocument,
  userId: string,
  account: string,
  endedAt: Date,
  until: Date,
  now: Date,
): PolicyDocument {
  return withStatement(doc, sessionDeny(userId, account, endedAt, until), now, INLINE_POLICY_LIMIT, {
    where: "The permission set's inline policy",
    fix: 'Shorten the permission set’s session duration (denied sessions then die sooner) or move statements of its inline policy into a managed policy.',
  });
}
