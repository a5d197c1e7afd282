import type { GrantActivity } from '../../../../src/access/model/activity';
import type { AccessRequest, Approval, AuditEvent, Grant } from '../../../../src/access/model';
import { buildDigest, MAX_GRANT_REPLIES, MAX_LINES_PER_RULE } from '../../../../src/audit/digest/build';
import { dayWindow } from '../../../../src/audit/digest/calendar';
import type { DigestData } from '../../../../src/audit/digest/model';
import { parsePolicy } from '../../../../src/config/policy-file';

const policy = parsePolicy(
  `
approvals: { slack_channel: C0APPROVALS }
digest:
  slack_channel: C0SECURITY
  timezone: Europe/Berlin
  business_hours: { days: mon-fri, start: "08:00", end: "18:00" }
  anomalies: { max_grants_per_requester: 2, fast_approval: 30s, approver_share: 0.75, approver_share_min_grants: 3, rerequest_within: 24h, revoke_late: 1m }
roles:
  - { id: prod-admin, provider: sandbox, requesters: { anyone: true }, max_duration: 2h, sensitive: true, approval: { auto: true } }
  - { id: prod-read, provider: sandbox, requesters: { anyone: true }, max_duration: 4h, read_only: true, approval: { approvers: { slack_users: [U0ALICE, U0BOB] } } }
`,
  'digest-test.yaml',
);
const fmt = {
  user: (id: string) => `@${id}`,
  text: (t: string) => t,
  bold: (t: string) => `*${t}*`,
  code: (t: string) => `\`${t}\``,
  emoji: (name: string) => `:${name}:`,
};
// Tuesday 24 November 2026 in Berlin (UTC+1): 2026-11-23T23:00Z … 2026-11-24T23:00Z.
const DAY = '2026-11-24';
const { start, end } = dayWindow(DAY, 'Europe/Berlin');
const at = (hhmmUtc: string, day = DAY) => new Date(`${day}T${hhmmUtc}:00Z`);
const MIN = 60_000;

/** Rows of one request, as the store would return them, with its day's audit events. */
class Seed {
  readonly data: DigestData = {
    day: DAY,
    timezone: 'Europe/Berlin',
    start,
    end,
    now: at('22:00'),
    tally: { actions: {}, autoApproved: 0, medianTimeToApproveMs: null },
    notable: [],
    requests: [],
    approvals: [],
    grants: [],
  };
  /** The day's audit rows; build() adds them up as the store does in SQL (store/repos/digest-store.ts). */
  private readonly events: AuditEvent[] = [];
  private n = 0;

  event(action: string, when: Date, requestId: string | null, actor = 'U0REQ', extra: Partial<AuditEvent> = {}): void {
    const platform = ['policy', 'worker', 'reconciler'].includes(actor) ? 'system' : 'slack';
    if (when >= start && when < end)
      this.events.push({
        id: ++this.n,
        at: when,
        action,
        requestId,
        actor: { platform, userId: actor } as AuditEvent['actor'],
        ...extra,
      });
  }

  /** A request, approved by `approvers` (or policy) after `approveAfterMs`, granted at once, ended `end`. */
  granted(
    id: string,
    o: {
      requester?: string;
      person?: string;
      role?: string;
      createdAt: Date;
      approvers?: string[];
      approveAfterMs?: number;
      durationMs?: number;
      end?: 'expired' | 'revoked' | 'active';
      lateMs?: number;
      activity?: GrantActivity;
    },
  ): Grant {
    const auto = !o.approvers;
    const approvedAt = new Date(o.createdAt.getTime() + (o.approveAfterMs ?? 5 * MIN));
    const durationMs = o.durationMs ?? 60 * MIN;
    const expiresAt = new Date(approvedAt.getTime() + durationMs);
    this.request(id, {
      requesterId: o.requester ?? 'U0REQ',
      ...(o.person ? { requesterPerson: o.person } : {}),
      roleId: o.role ?? (auto ? 'prod-admin' : 'prod-read'),
      createdAt: o.createdAt,
      durationMs,
      autoApproved: auto,
      status: o.end ?? 'expired',
      decidedAt: approvedAt,
    });
    for (const a of o.approvers ?? []) {
      const approval: Approval = {
        requestId: id,
        approverId: a,
        approverPlatform: 'slack',
        approverPerson: `slack:${a}`,
        decision: 'approve',
        comment: null,
        createdAt: approvedAt,
      };
      this.data.approvals.push(approval);
      this.event('approval.approve', approvedAt, id, a);
    }
    this.event('request.approved', approvedAt, id, o.approvers?.at(-1) ?? 'policy');
    const ended =
      o.end === 'active'
        ? null
        : o.end === 'revoked'
          ? new Date(approvedAt.getTime() + 10 * MIN)
          : new Date(expiresAt.getTime() + (o.lateMs ?? 0));
    const grant: Grant = {
      id: `G-${id}`,
      requestId: id,
      status: o.end ?? 'expired',
      provider: 'sandbox',
      providerRef: 'ref',
      activatedAt: approvedAt,
      expiresAt,
      revokedAt: ended,
      revokeRequestedBy: o.end === 'revoked' ? 'U0ALICE' : null,
      failureReason: null,
      revokeAttempts: 0,
      revokeVerifiedAt: null,
      verifyFailedAt: null,
      activity: o.activity ?? null,
      createdAt: approvedAt,
      updatedAt: approvedAt,
    };
    this.data.grants.push(grant);
    this.event('grant.activated', approvedAt, id, 'worker', { grantId: grant.id });
    if (ended)
      this.event(o.end === 'revoked' ? 'grant.revoked' : 'grant.expired', ended, id, 'worker', {
        grantId: grant.id,
        data: { lateMs: o.lateMs ?? 0 },
      });
    return grant;
  }

  request(id: string, r: Partial<AccessRequest> & { createdAt: Date }): AccessRequest {
    const request: AccessRequest = {
      id,
      status: 'pending',
      roleId: 'prod-read',
      requesterId: 'U0REQ',
      requesterPlatform: 'slack',
      requesterEmail: null,
      durationMs: 60 * MIN,
      reason: 'fix INC-42',
      ticket: 'INC-42',
      approvalsRequired: 1,
      autoApproved: false,
      updatedAt: r.createdAt,
      decidedAt: null,
      approvedDurationMs: null,
      breakGlass: false,
      reviewedBy: null,
      reviewedAt: null,
      reviewRemindedAt: null,
      ...r,
      requesterPerson: r.requesterPerson ?? `slack:${r.requesterId ?? 'U0REQ'}`,
    };
    this.data.requests.push(request);
    this.event('request.created', r.createdAt, id, request.requesterId);
    return request;
  }

  build() {
    const actions: Record<string, number> = {};
    for (const e of this.events) actions[e.action] = (actions[e.action] ?? 0) + 1;
    const approved = this.events.filter((e) => e.action === 'request.approved');
    const waits = approved
      .filter((e) => e.actor.platform !== 'system')
      .map((e) => e.at.getTime() - this.data.requests.find((r) => r.id === e.requestId)!.createdAt.getTime())
      .sort((a, b) => a - b);
    const mid = Math.floor(waits.length / 2);
    this.data.tally = {
      actions,
      autoApproved: approved.filter((e) => e.actor.userId === 'policy').length,
      medianTimeToApproveMs: waits.length === 0 ? null : waits.length % 2 ? waits[mid]! : (waits[mid - 1]! + waits[mid]!) / 2,
    };
    const late = policy.digest.anomalies.revoke_late;
    this.data.notable = this.events.filter(
      (e) =>
        e.action === 'revoke.failed' ||
        e.action === 'grant.activity' ||
        (e.action === 'grant.expired' && Number(e.data?.lateMs ?? 0) > late),
    );
    return buildDigest(this.data, { settings: policy.digest, roles: policy.roles, fmt });
  }
}

const rulesOf = (seed: Seed) => seed.build().anomalies.map((a) => a.rule);

describe('digest builder', () => {
  it('counts the day: requests, grants, auto, denied, timed out, cancelled, revoked early, revoke failures, median approval time', () => {
    const seed = new Seed();
    seed.granted('R-A', { createdAt: at('09:00'), approvers: ['U0ALICE'], approveAfterMs: 2 * MIN });
    seed.granted('R-B', { createdAt: at('10:00'), approvers: ['U0BOB'], approveAfterMs: 10 * MIN, end: 'revoked', requester: 'U0BEN' });
    seed.granted('R-C', { createdAt: at('11:00'), requester: 'U0CAROL' });
    seed.granted('R-D', { createdAt: at('12:00'), approvers: ['U0ALICE'], approveAfterMs: 4 * MIN, end: 'active', requester: 'U0DAN' });
    seed.request('R-E', { createdAt: at('13:00'), status: 'denied', decidedAt: at('13:05') });
    seed.event('request.denied', at('13:05'), 'R-E', 'U0ALICE');
    seed.request('R-F', { createdAt: at('14:00'), status: 'cancelled', requesterId: 'U0FAY' });
    seed.event('request.cancelled', at('14:01'), 'R-F', 'U0FAY');
    seed.request('R-G', { createdAt: at('15:00'), status: 'timed_out', requesterId: 'U0GUS' });
    seed.event('request.timed_out', at('17:00'), 'R-G', 'reconciler');
    seed.event('revoke.failed', at('11:30'), 'R-C', 'worker', { grantId: 'G-R-C', data: { error: 'sandbox down' } });
    // An event of the day before is not counted.
    seed.request('R-OLD', { createdAt: at('22:00', '2026-11-23') });

    const digest = seed.build();
    expect(digest.figures).toEqual({
      requests: 7,
      granted: 4,
      autoApproved: 1,
      denied: 1,
      timedOut: 1,
      cancelled: 1,
      revokedEarly: 1,
      revokeFailures: 1,
      medianTimeToApproveMs: 4 * MIN,
    });
    expect(digest.parent).toBe(
      '*Access digest for 2026-11-24* (Europe/Berlin)\n' +
        'Requests 7 · granted 4 · auto-approved 1 · denied 1 · timed out 1 · cancelled 1\n' +
        'Revoked early 1 · revoke failures 1 · median time to approve 4m\n' +
        ':warning: 2 anomalies — see the thread',
    );
    expect(digest.replies.map((r) => r.key)).toEqual(['grant:R-A', 'grant:R-B', 'grant:R-C', 'grant:R-D', 'anomalies']);
    expect(digest.replies[0]!.text).toBe(
      '*prod-read* for @U0REQ · `R-A` · granted 10:02\nAsked 1h · used 1h · approved by @U0ALICE\nReason: fix INC-42 · ticket: INC-42\nEnded: expired, revoked at 11:02\nActivity: not fetched yet',
    );
    expect(digest.replies[1]!.text).toContain('used 10m');
    expect(digest.replies[1]!.text).toContain('Ended: revoked early by @U0ALICE at 11:20');
    expect(digest.replies[2]!.text).toContain('approved by policy (auto)');
    expect(digest.replies[2]!.text).toContain('Ended: expired, revoked at 13:05 after 1 failed revoke attempt');
    // Still running at build time (22:00Z): used up to its expiry, which has passed.
    expect(digest.replies[3]!.text).toContain('Ended: still active until 14:04');
    expect(digest.anomalies.map((a) => a.rule)).toEqual(['sensitive_auto', 'revoke_trouble']);
    expect(digest.replies.at(-1)!.text).toBe(
      '*Anomalies* (2)\n' +
        '• [sensitive_auto] R-C: sensitive role prod-admin granted to @U0CAROL with no human approval (auto)\n' +
        '• [revoke_trouble] R-C: revoke of prod-admin (G-R-C) failed 1 time (last: sandbox down); now expired',
    );
  });

  it('an ordinary day has no anomalies', () => {
    const seed = new Seed();
    seed.granted('R-A', { createdAt: at('09:00'), approvers: ['U0ALICE'] });
    const digest = seed.build();
    expect(digest.anomalies).toEqual([]);
    expect(digest.parent.endsWith('No anomalies.')).toBe(true);
    expect(digest.replies.at(-1)).toEqual({ key: 'anomalies', text: '*Anomalies*: none.' });
  });

  it('flags grants outside business hours, in the digest time zone', () => {
    const seed = new Seed();
    seed.granted('R-EARLY', { createdAt: at('06:50'), approvers: ['U0ALICE'], approveAfterMs: 5 * MIN }); // 07:55 Berlin
    seed.granted('R-OK', { createdAt: at('06:56'), approvers: ['U0BOB'], approveAfterMs: 5 * MIN, requester: 'U0BEN' }); // 08:01 Berlin
    seed.granted('R-LATE', { createdAt: at('16:55'), approvers: ['U0BOB'], approveAfterMs: 5 * MIN }); // 18:00 Berlin
    expect(seed.build().anomalies).toEqual([
      {
        rule: 'off_hours',
        text: 'R-EARLY: prod-read for @U0REQ granted Tue 07:55, outside business hours (mon,tue,wed,thu,fri 08:00–18:00)',
      },
      {
        rule: 'off_hours',
        text: 'R-LATE: prod-read for @U0REQ granted Tue 18:00, outside business hours (mon,tue,wed,thu,fri 08:00–18:00)',
      },
    ]);
  });

  it('flags a weekend grant', () => {
    const seed = new Seed();
    seed.data.day = '2026-11-28';
    Object.assign(seed.data, dayWindow('2026-11-28', 'Europe/Berlin'));
    seed.granted('R-SAT', { createdAt: at('10:00', '2026-11-28'), approvers: ['U0ALICE'] });
    expect(seed.build().anomalies[0]?.text).toContain('granted Sat 11:05, outside business hours');
  });

  it('flags auto grants on sensitive roles only', () => {
    const seed = new Seed();
    seed.granted('R-AUTO', { createdAt: at('09:00') });
    expect(rulesOf(seed)).toEqual(['sensitive_auto']);
  });

  it('flags a requester above max_grants_per_requester', () => {
    const seed = new Seed();
    seed.granted('R-1', { createdAt: at('09:00'), approvers: ['U0ALICE'], requester: 'U0BUSY' });
    seed.granted('R-2', { createdAt: at('10:00'), approvers: ['U0BOB'], requester: 'U0BUSY' });
    expect(rulesOf(seed)).toEqual([]);
    seed.granted('R-3', { createdAt: at('11:00'), approvers: ['U0ALICE'], requester: 'U0BUSY' });
    expect(seed.build().anomalies.filter((a) => a.rule === 'busy_requester')).toEqual([
      { rule: 'busy_requester', text: '@U0BUSY received 3 grants in the day (more than 2)' },
    ]);
  });

  it("counts one person's grants together, whichever of their accounts asked", () => {
    const seed = new Seed();
    const person = 'email:busy@example.com';
    seed.granted('R-1', { createdAt: at('09:00'), approvers: ['U0ALICE'], requester: 'U0BUSY', person });
    seed.granted('R-2', { createdAt: at('10:00'), approvers: ['U0BOB'], requester: 'aaaa-teams-busy', person });
    seed.granted('R-3', { createdAt: at('11:00'), approvers: ['U0ALICE'], requester: 'U0BUSY', person });
    expect(seed.build().anomalies.filter((a) => a.rule === 'busy_requester')).toEqual([
      { rule: 'busy_requester', text: '@U0BUSY received 3 grants in the day (more than 2)' },
    ]);
  });

  it('flags approvals faster than fast_approval', () => {
    const seed = new Seed();
    seed.granted('R-QUICK', { createdAt: at('09:00'), approvers: ['U0ALICE'], approveAfterMs: 4000 });
    seed.granted('R-SLOW', { createdAt: at('10:00'), approvers: ['U0BOB'], approveAfterMs: 30_000 });
    expect(seed.build().anomalies).toEqual([
      { rule: 'fast_approval', text: 'R-QUICK: @U0ALICE approved prod-read for @U0REQ 4s after the request (under 30s)' },
    ]);
  });

  it("flags one approver approving most of one requester's grants", () => {
    const seed = new Seed();
    seed.granted('R-1', { createdAt: at('09:00'), approvers: ['U0ALICE'], requester: 'U0DAN' });
    seed.granted('R-2', { createdAt: at('10:00'), approvers: ['U0ALICE'], requester: 'U0DAN' });
    seed.granted('R-3', { createdAt: at('11:00'), approvers: ['U0BOB'], requester: 'U0DAN' });
    expect(seed.build().anomalies.filter((a) => a.rule === 'approver_share')).toEqual([]); // 2 of 3 is not above 75%
    seed.granted('R-4', { createdAt: at('12:00'), approvers: ['U0ALICE'], requester: 'U0EVE' });
    seed.granted('R-5', { createdAt: at('13:00'), approvers: ['U0ALICE'], requester: 'U0EVE' });
    seed.granted('R-6', { createdAt: at('14:00'), approvers: ['U0ALICE'], requester: 'U0EVE' });
    expect(seed.build().anomalies.filter((a) => a.rule === 'approver_share')).toEqual([
      { rule: 'approver_share', text: "@U0ALICE approved 3 of @U0EVE's 3 grants (more than 75%)" },
    ]);
  });

  it('flags a re-request after a deny, across midnight, within rerequest_within', () => {
    const seed = new Seed();
    seed.request('R-DENIED', { createdAt: at('21:00', '2026-11-23'), status: 'denied', decidedAt: at('21:30', '2026-11-23') });
    seed.request('R-AGAIN', { createdAt: at('08:00') });
    seed.request('R-OTHER-ROLE', { createdAt: at('08:10'), roleId: 'prod-admin' });
    seed.request('R-OTHER-USER', { createdAt: at('08:20'), requesterId: 'U0ZED' });
    expect(seed.build().anomalies).toEqual([
      { rule: 'rerequest_after_deny', text: 'R-AGAIN: @U0REQ asked again for prod-read 10h 30m after R-DENIED was denied' },
    ]);
  });

  it('flags revoke failures and late revokes over revoke_late', () => {
    const seed = new Seed();
    const stuck = seed.granted('R-STUCK', { createdAt: at('09:00'), approvers: ['U0ALICE'], end: 'active' });
    stuck.status = 'revoke_failed';
    seed.event('revoke.failed', at('11:05'), 'R-STUCK', 'worker', { grantId: stuck.id, data: { error: 'AccessDenied' } });
    seed.event('revoke.failed', at('11:06'), 'R-STUCK', 'worker', { grantId: stuck.id, data: { error: 'Throttled' } });
    seed.granted('R-LATE', { createdAt: at('12:00'), approvers: ['U0BOB'], lateMs: 3 * MIN, requester: 'U0BEN' });
    seed.granted('R-ONTIME', { createdAt: at('13:00'), approvers: ['U0BOB'], lateMs: 59_000, requester: 'U0CAROL' });
    expect(seed.build().anomalies).toEqual([
      {
        rule: 'revoke_trouble',
        text: 'R-STUCK: revoke of prod-read (G-R-STUCK) failed 2 times (last: Throttled); ACCESS MAY STILL BE STANDING',
      },
      { rule: 'revoke_trouble', text: 'R-LATE: access was revoked 3m after it expired, at 14:08 (more than 1m late)' },
    ]);
  });

  it("shows each ended grant's activity and flags writes on a read_only role on the day they were recorded", () => {
    const seed = new Seed();
    const fetched = (writeEventNames: string[]): GrantActivity => ({
      status: 'fetched',
      source: 'AWS CloudTrail (us-east-1)',
      from: at('09:05').toISOString(),
      to: at('10:05').toISOString(),
      eventCount: 12,
      eventNames: ['GetObject', 'ListBuckets', ...writeEventNames].sort(),
      writeEventCount: writeEventNames.length,
      writeEventNames,
      truncated: false,
      fetchedAt: at('10:20').toISOString(),
    });
    const writer = seed.granted('R-W', {
      createdAt: at('09:00'),
      approvers: ['U0ALICE'],
      activity: fetched(['DeleteBucket', 'PutObject']),
    });
    seed.event('grant.activity', at('10:20'), 'R-W', 'worker', { grantId: writer.id });
    const admin = seed.granted('R-ADM', { createdAt: at('09:10'), approvers: [], role: 'prod-admin', activity: fetched(['PutObject']) });
    seed.event('grant.activity', at('10:30'), 'R-ADM', 'worker', { grantId: admin.id });
    seed.granted('R-FAIL', {
      createdAt: at('09:20'),
      approvers: ['U0ALICE'],
      requester: 'U0BEN',
      activity: { status: 'failed', error: 'AWS did not answer', attempts: 5, at: at('11:00').toISOString() },
    });

    const digest = seed.build();
    expect(digest.replies[0]!.text).toContain(
      'Activity: AWS CloudTrail (us-east-1): 12 events (DeleteBucket, GetObject, ListBuckets, PutObject); 2 writes: DeleteBucket, PutObject',
    );
    expect(digest.replies[2]!.text).toContain('Activity: lookup failed after 5 attempts: AWS did not answer');
    // prod-admin is not read_only: its writes are expected.
    expect(digest.anomalies.filter((a) => a.rule === 'read_role_writes')).toEqual([
      {
        rule: 'read_role_writes',
        text: 'R-W: @U0REQ made 2 write calls on read-only role prod-read (DeleteBucket, PutObject) per AWS CloudTrail (us-east-1)',
      },
    ]);
  });

  it('a day of more grants than a thread can take lists the ones to read first and counts the rest by role', () => {
    const seed = new Seed();
    // Business hours 08:00–18:00 Berlin: every grant from 17:00Z on is off hours.
    for (let i = 0; i < MAX_GRANT_REPLIES + 50; i++)
      seed.granted(`R-${String(i).padStart(4, '0')}`, {
        createdAt: new Date(at('06:00').getTime() + i * MIN),
        approvers: ['U0ALICE'],
        approveAfterMs: MIN,
        requester: `U0P${i}`,
      });
    // Early in the day, so only its rank can put it in the list: a sensitive role, and a revoke in trouble.
    seed.granted('R-SENS', { createdAt: at('00:30'), role: 'prod-admin', requester: 'U0SAM' });
    seed.granted('R-LATE', { createdAt: at('00:40'), approvers: ['U0BOB'], approveAfterMs: MIN, requester: 'U0LIN' });
    seed.event('revoke.failed', at('01:45'), 'R-LATE', 'worker', { grantId: 'G-R-LATE', data: { error: 'AWS 503' } });

    const digest = seed.build();
    const keys = digest.replies.map((r) => r.key);
    expect(keys.filter((k) => k.startsWith('grant:'))).toHaveLength(MAX_GRANT_REPLIES);
    expect(keys.slice(0, 2)).toEqual(['grant:R-SENS', 'grant:R-LATE']);
    // Then the latest grants, in time order; the earliest ordinary ones are counted instead.
    expect(keys[2]).toBe(`grant:R-${String(52).padStart(4, '0')}`);
    expect(keys.at(-3)).toBe(`grant:R-${String(MAX_GRANT_REPLIES + 49).padStart(4, '0')}`);
    expect(keys.slice(-2)).toEqual(['grants:more', 'anomalies']);
    expect(digest.replies.at(-2)!.text).toBe(
      `*More grants*: 52 more were given this day than the ${MAX_GRANT_REPLIES} above (revokes in trouble, break-glass and sensitive roles first).\n` +
        'By role: prod-read 52\n' +
        "One request's trail: `/jit audit <request id>`; the whole day: `npm run audit:export -- --since 2026-11-23T23:00:00.000Z --until 2026-11-24T23:00:00.000Z`",
    );
    // Every anomaly is counted; the reply shows at most MAX_LINES_PER_RULE of a rule.
    const offHours = digest.anomalies.filter((a) => a.rule === 'off_hours').length;
    expect(offHours).toBeGreaterThan(MAX_LINES_PER_RULE);
    const lines = digest.replies.at(-1)!.text.split('\n');
    expect(lines[0]).toBe(`*Anomalies* (${digest.anomalies.length})`);
    expect(lines.filter((l) => l.startsWith('• [off_hours] R-'))).toHaveLength(MAX_LINES_PER_RULE);
    expect(lines).toContain(`• [off_hours] … and ${offHours - MAX_LINES_PER_RULE} more`);
  });
});
