import type { AccessRequest } from '../../../src/access/model';
import type { SecurityAlert } from '../../../src/access/ports';
import { alertTone, securityAlertWords } from '../../../src/chat/words/security';
import { slackMarkup } from '../../../src/chat/slack/blocks/format';
import { plain, teamsMarkup } from '../../../src/chat/teams/cards/format';
import { parsePolicy } from '../../../src/config/policy-file';

const role = parsePolicy(
  `
approvals: { slack_channel: C0APPROVALS }
roles:
  - id: bg
    provider: sandbox
    max_duration: 4h
    requesters: { anyone: true }
    break_glass: true
    approval: { approvers: { slack_users: [U0ALICE] } }
`,
  'alerts-test.yaml',
).roles[0]!;
const at = new Date('2026-11-24T10:00:00Z');
const request: AccessRequest = {
  id: 'R-TEST0001',
  status: 'active',
  roleId: 'bg',
  requesterId: 'U0CAROL',
  requesterPlatform: 'slack',
  requesterPerson: 'slack:U0CAROL',
  requesterEmail: null,
  durationMs: 3_600_000,
  reason: '<!channel> *Pre-approved by <@U0CTO>* [Approve here](https://evil) {{DATE(2026-01-01T00:00:00Z, SHORT)}} gnp\u202Eexe',
  ticket: null,
  approvalsRequired: 0,
  autoApproved: false,
  createdAt: at,
  updatedAt: at,
  decidedAt: at,
  approvedDurationMs: null,
  breakGlass: true,
  reviewedBy: null,
  reviewedAt: null,
  reviewRemindedAt: null,
};

describe('security alerts, worded once for Slack and Teams', () => {
  const alerts: SecurityAlert[] = [
    { kind: 'break_glass', request, role, reviewBy: at },
    { kind: 'break_glass_review_overdue', request, role },
    { kind: 'revoke_failing', request, role, grantId: 'G-1', attempts: 3, error: 'AccessDenied <https://evil|click>' },
    { kind: 'revoke_recovered', request, role, grantId: 'G-1', attempts: 3 },
    { kind: 'revoke_unverified', request, role, grantId: 'G-1', error: 'still there' },
    { kind: 'revoke_verified', request, role, grantId: 'G-1' },
  ];

  it.each(alerts.map((a) => [a.kind, a] as const))("%s: the same words on both platforms, in each one's markup", (_kind, alert) => {
    const slack = securityAlertWords(alert, slackMarkup);
    const teams = securityAlertWords(alert, teamsMarkup);
    expect(slack).toContain('<@U0CAROL>');
    expect(slack).toContain('*bg*');
    expect(teams).toContain('Slack user U0CAROL');
    expect(teams).toContain('**bg**');
    // Strip each platform's markup (times, mentions, entities, emphasis, escapes) and the words are the same.
    const words = (s: string) =>
      s
        .replace(/<!date\^[^>]*>|\{\{DATE\([^)]*\)\}\} \{\{TIME\([^)]*\)\}\}/g, 'WHEN')
        .replace(/<@U0CAROL>|Slack user U0CAROL/g, 'U0CAROL')
        .replace(/&lt;|&gt;|&amp;/g, '')
        .replace(/[^A-Za-z0-9]/g, '');
    expect(words(slack)).toBe(words(teams));
  });

  it('keeps reasons and errors text on both platforms: no pings, mentions, links, dates or reversed text', () => {
    for (const alert of alerts) {
      const slack = securityAlertWords(alert, slackMarkup);
      const teams = securityAlertWords(alert, teamsMarkup);
      for (const forbidden of ['<!channel>', '<@U0CTO>', '<https://evil', '\u202E']) expect(slack).not.toContain(forbidden);
      for (const forbidden of ['[Approve here](https://evil)', '{{DATE(2026-01-01', '\u202E']) expect(teams).not.toContain(forbidden);
    }
    expect(securityAlertWords(alerts[0]!, slackMarkup)).toContain('&lt;!channel&gt;');
    expect(securityAlertWords(alerts[0]!, slackMarkup)).toContain('gnp[U+202E]exe');
    expect(securityAlertWords(alerts[0]!, teamsMarkup)).toContain('\\[Approve here\\](https://evil)');
  });

  it('is loud while access may stand, all-clear once it is gone', () => {
    expect(alerts.map(alertTone)).toEqual(['alarm', 'alarm', 'alarm', 'all_clear', 'alarm', 'all_clear']);
  });
});

describe('the Teams break-glass alert (a plain message, where {{DATE()}} does not render)', () => {
  it('says the review deadline as a readable UTC time, not a raw ISO timestamp', () => {
    const text = plain(
      securityAlertWords(
        { kind: 'break_glass', request: { ...request, reason: 'db down' }, role, reviewBy: new Date('2026-11-25T10:00:00Z') },
        teamsMarkup,
      ),
    );
    expect(text).toContain('must review it by 2026-11-25 10:00 UTC.');
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });
});
