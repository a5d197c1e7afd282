import type { GrantActivity } from '../../../src/access/model/activity';
import type { AuditTrail } from '../../../src/access/queries/audit-trail';
import type { AccessRequest, Grant } from '../../../src/access/model';
import { auditTimeline } from '../../../src/chat/slack/blocks/audit-timeline';
import { auditText } from '../../../src/chat/teams/cards/security';
import { requestView } from '../../helpers/views';

const T0 = new Date('2026-11-24T10:00:00Z');
const request: AccessRequest = requestView({
  id: 'R-1',
  status: 'expired',
  roleId: 'prod-read',
  requesterId: 'U0CAROL',
  requesterPlatform: 'slack',
  requesterPerson: 'slack:U0CAROL',
  reason: null,
  approvalsRequired: 0,
  autoApproved: true,
  decidedAt: T0,
}).request;
const grant = (status: Grant['status'], activity: GrantActivity | null): Grant => ({
  id: 'G-1',
  requestId: 'R-1',
  status,
  provider: 'aws',
  providerRef: null,
  activatedAt: T0,
  expiresAt: new Date(T0.getTime() + 3_600_000),
  revokedAt: null,
  revokeRequestedBy: null,
  failureReason: null,
  revokeAttempts: 0,
  revokeVerifiedAt: null,
  verifyFailedAt: null,
  activity,
  createdAt: T0,
  updatedAt: T0,
});
const trail = (g: Grant): AuditTrail => ({ view: { request, approvals: [], grant: g }, events: [] });
const SUMMARY: GrantActivity = {
  status: 'fetched',
  source: 'AWS CloudTrail (us-east-1)',
  from: T0.toISOString(),
  to: T0.toISOString(),
  eventCount: 3,
  eventNames: ['GetObject', 'PutObject'],
  writeEventCount: 1,
  writeEventNames: ['PutObject'],
  truncated: false,
  fetchedAt: T0.toISOString(),
};
const LINE = 'Activity: AWS CloudTrail (us-east-1): 3 events (GetObject, PutObject); 1 write: PutObject';

describe("/jit audit shows the grant's activity", () => {
  it('on Slack and Teams once the grant ended', () => {
    expect(JSON.stringify(auditTimeline(trail(grant('expired', SUMMARY))).blocks)).toContain(LINE);
    expect(auditText(trail(grant('expired', SUMMARY)))).toContain(LINE);
    expect(auditText(trail(grant('revoked', null)))).toContain('Activity: not fetched yet');
  });

  it('says nothing of activity while the grant runs', () => {
    expect(JSON.stringify(auditTimeline(trail(grant('active', null))).blocks)).not.toContain('Activity:');
    expect(auditText(trail(grant('active', null)))).not.toContain('Activity:');
  });
});
