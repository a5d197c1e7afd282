import { emptyDenyPolicy } from '../../../src/providers/aws-deny-policy';
import { isoDurationSeconds } from '../../../src/providers/aws-identity-center';
import { deniesSessions, withSessionDeny } from '../../../src/providers/aws-sso-deny';

const USER = '906722b9a2-1f3a-4c5d-9e8f-0a1b2c3d4e5f';
const ACCOUNT = '222233334444';
const at = (iso: string) => new Date(iso);

describe('the deny that ends live permission-set sessions', () => {
  const adminStatement = { Sid: 'AllowLogs', Effect: 'Allow', Action: 'logs:*', Resource: '*' };

  it("keys on the person's identity store id, the account, sessions issued before the end, until they have died", () => {
    const doc = withSessionDeny(
      emptyDenyPolicy(),
      USER,
      ACCOUNT,
      at('2026-12-03T10:00:00Z'),
      at('2026-12-03T11:00:00Z'),
      at('2026-12-03T10:00:00Z'),
    );
    expect(doc.Statement).toEqual([
      {
        Sid: `JitbotEnded906722b9a21f3a4c5d9e8f0a1b2c3d4e5f${ACCOUNT}`,
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          StringEquals: { 'identitystore:userId': USER, 'aws:PrincipalAccount': ACCOUNT },
          DateLessThan: { 'aws:TokenIssueTime': '2026-12-03T10:00:00.000Z', 'aws:CurrentTime': '2026-12-03T11:00:00.000Z' },
        },
      },
    ]);
    expect(deniesSessions(doc, USER, ACCOUNT, at('2026-12-03T09:30:00Z'), at('2026-12-03T10:30:00Z'))).toBe(true);
    // Not once the sessions have died, not for a later grant's sessions, not another account's.
    expect(deniesSessions(doc, USER, ACCOUNT, at('2026-12-03T09:30:00Z'), at('2026-12-03T11:00:01Z'))).toBe(false);
    expect(deniesSessions(doc, USER, ACCOUNT, at('2026-12-03T10:05:00Z'), at('2026-12-03T10:30:00Z'))).toBe(false);
    expect(deniesSessions(doc, USER, '999988887777', at('2026-12-03T09:30:00Z'), at('2026-12-03T10:30:00Z'))).toBe(false);
  });

  it("keeps the permission set's own statements, replaces the person's earlier deny and prunes spent ones", () => {
    const first = withSessionDeny(
      { Version: '2012-10-17', Statement: [adminStatement] },
      USER,
      ACCOUNT,
      at('2026-12-03T08:00:00Z'),
      at('2026-12-03T09:00:00Z'),
      at('2026-12-03T08:00:00Z'),
    );
    const other = withSessionDeny(
      first,
      'other-user',
      ACCOUNT,
      at('2026-12-03T08:10:00Z'),
      at('2026-12-03T09:10:00Z'),
      at('2026-12-03T08:10:00Z'),
    );
    const again = withSessionDeny(other, USER, ACCOUNT, at('2026-12-03T09:05:00Z'), at('2026-12-03T10:05:00Z'), at('2026-12-03T09:05:00Z'));
    expect(again.Statement.map((s) => s.Sid)).toEqual([
      'AllowLogs',
      'JitbotEndedotheruser222233334444',
      `JitbotEnded906722b9a21f3a4c5d9e8f0a1b2c3d4e5f${ACCOUNT}`,
    ]);
    const later = withSessionDeny(again, USER, ACCOUNT, at('2026-12-03T09:20:00Z'), at('2026-12-03T10:20:00Z'), at('2026-12-03T09:20:00Z'));
    // other-user's deny (until 09:10) is spent by 09:20.
    expect(later.Statement.map((s) => s.Sid)).toEqual(['AllowLogs', `JitbotEnded906722b9a21f3a4c5d9e8f0a1b2c3d4e5f${ACCOUNT}`]);
  });

  it('refuses to grow the inline policy past its limit, saying what to change', () => {
    const big = { Sid: 'Big', Effect: 'Allow', Action: 'x:*', Resource: 'r'.repeat(10_100) };
    expect(() =>
      withSessionDeny(
        { Version: '2012-10-17', Statement: [big] },
        USER,
        ACCOUNT,
        at('2026-12-03T10:00:00Z'),
        at('2026-12-03T11:00:00Z'),
        at('2026-12-03T10:00:00Z'),
      ),
    ).toThrow(/permission set's inline policy would be \d+ characters, over the inline limit of 10240.*session duration/);
  });

  it("reads a permission set's session duration as Identity Center writes it", () => {
    expect(isoDurationSeconds('PT1H')).toBe(3600);
    expect(isoDurationSeconds('PT12H')).toBe(43_200);
    expect(isoDurationSeconds('PT1H30M')).toBe(5400);
    expect(isoDurationSeconds(undefined)).toBe(3600);
    // Unreadable: the longest session Identity Center allows, so the deny outlives any session.
    expect(isoDurationSeconds('P1D')).toBe(43_200);
  });
});
