import type { AccessRequest, RequestView } from '../../../../src/access/model';
import type { RequesterNotice } from '../../../../src/access/ports';
import { requesterNotice as slackNotice } from '../../../../src/chat/slack/blocks/notices';
import { slackMarkup } from '../../../../src/chat/slack/blocks/format';
import { requesterNotice as teamsNotice } from '../../../../src/chat/teams/cards/notices';
import { teamsMarkup } from '../../../../src/chat/teams/cards/format';
import { EMOJI } from '../../../../src/chat/words/markup';
import { filedWords } from '../../../../src/chat/words/request';
import { requestFacts } from '../../../../src/chat/words/approval-card';
import { approvalCard as slackApprovalCard } from '../../../../src/chat/slack/blocks/approval-card';
import { approvalCard as teamsApprovalCard } from '../../../../src/chat/teams/cards/approval-card';
import { requestSummary, statusLine } from '../../../../src/chat/words/status';
import { policyDepth } from '../../../helpers/policy-depth';
import { requestView } from '../../../helpers/views';

/**
 * Slack and Teams say the same words: each event rendered by both platforms' real renderers,
 * with each platform's markup (emoji, emphasis, mentions, times, commands) read back to plain
 * text, must read the same. A wording changed on one platform only fails here.
 */
const EMOJI_BY_CHAR = new Map(Object.entries(EMOJI).map(([name, char]) => [char, name]));
const readSlack = (text: string) =>
  text
    .replace(/:([a-z_]+):/g, '<emoji $1>')
    .replace(/<!date\^\d+\^[^|]+\|([^>]+)>/g, '$1')
    .replace(/<@(U\w+)>/g, 'person $1')
    .replace(/Teams user (\S+)/g, 'person $1')
    .replace(/\/jit /g, '')
    .replace(/[*`]/g, '');
const readTeams = (text: string) =>
  [...EMOJI_BY_CHAR]
    .reduce((t, [char, name]) => t.split(char).join(`<emoji ${name}>`), text)
    .replace(/\{\{DATE\(([^,]+), SHORT\)\}\} \{\{TIME\([^)]+\)\}\}/g, (_, iso: string) => new Date(iso).toISOString())
    .replace(/Slack user (\S+)/g, 'person $1')
    .replace(/\buser (\S+)/g, 'person $1')
    .replace(/[*`]/g, '');

const role = policyDepth().roles.find((r) => r.id === 'ext')!;
const at = new Date('2026-11-24T10:00:00.000Z');
const request: AccessRequest = requestView({
  id: 'R-7K2M9QXA',
  status: 'active',
  roleId: 'ext',
  requesterId: 'U0REQ',
  requesterPlatform: 'slack',
  requesterPerson: 'slack:U0REQ',
  reason: 'deploy',
  ticket: 'INC-7',
  decidedAt: at,
  approvedDurationMs: 1_800_000,
}).request;
const TEAMS_APPROVER = 'aaaaaaaa-0000-4000-8000-000000000001';
const grant = {
  id: 'G-1',
  requestId: request.id,
  status: 'active',
  provider: 'sandbox',
  providerRef: 'ref',
  activatedAt: at,
  expiresAt: new Date(at.getTime() + 1_800_000),
  revokedAt: null,
  revokeRequestedBy: null,
  revokeRequestedAt: null,
  revokeAttempts: 0,
  failureReason: null,
  revokeVerifiedAt: null,
  verifyFailedAt: null,
  activity: null,
  createdAt: at,
  updatedAt: at,
} as unknown as NonNullable<RequestView['grant']>;
const view: RequestView = {
  request,
  approvals: [
    {
      requestId: request.id,
      approverId: TEAMS_APPROVER,
      approverPlatform: 'teams',
      approverPerson: `teams:${TEAMS_APPROVER}`,
      decision: 'approve',
      comment: null,
      decidedAt: at,
    } as unknown as RequestView['approvals'][number],
  ],
  grant,
};

const NOTICES: RequesterNotice[] = [
  { kind: 'submitted' },
  { kind: 'on_call_unavailable', schedule: 'PD-1', error: 'HTTP 503' },
  { kind: 'approval_recorded', by: 'U0ALICE', remaining: 1 },
  { kind: 'approved', by: TEAMS_APPROVER },
  { kind: 'approved', by: 'break_glass' },
  {
    kind: 'escalated',
    tier: 0,
    approvers: { slack_users: ['U0BOB'], slack_usergroups: [], teams_users: [TEAMS_APPROVER], entra_groups: [] } as never,
  },
  { kind: 'denied', by: 'U0ALICE', reason: 'not now' },
  { kind: 'granted', providerLabel: 'SANDBOX' },
  { kind: 'grant_failed', error: 'AccessDenied' },
  { kind: 'expiring_soon', msLeft: 300_000, extendChoices: [900_000] },
  { kind: 'ended', how: 'revoked', by: 'U0ALICE', verification: 'verified' },
  { kind: 'revoke_verified' },
  { kind: 'timed_out' },
  { kind: 'cancelled' },
];

describe('Slack and Teams say the same words', () => {
  it.each(NOTICES.map((n) => [`${n.kind}${'by' in n ? ` by ${n.by}` : ''}`, n] as const))('the requester notice "%s"', (_, notice) => {
    const slack = slackNotice(view, role, notice).text!;
    const teams = teamsNotice(view, role, notice).card.body[0] as { text: string };
    expect(readTeams(teams.text)).toBe(readSlack(slack));
  });

  it.each(['pending', 'approved', 'active', 'expired', 'revoked', 'denied', 'cancelled', 'timed_out', 'failed'] as const)(
    'the status line of a request %s',
    (status) => {
      const v: RequestView = { ...view, request: { ...request, status }, grant: { ...grant, revokedAt: at, revokeRequestedBy: 'U0ALICE' } };
      expect(readTeams(statusLine(v, teamsMarkup))).toBe(readSlack(statusLine(v, slackMarkup)));
    },
  );

  it('the list summary and the "filed" answer, break-glass included', () => {
    for (const r of [request, { ...request, status: 'approved' as const, breakGlass: true }, { ...request, status: 'pending' as const }]) {
      expect(readTeams(requestSummary({ ...view, request: r }, teamsMarkup))).toBe(
        readSlack(requestSummary({ ...view, request: r }, slackMarkup)),
      );
      expect(readTeams(filedWords(r, teamsMarkup))).toBe(readSlack(filedWords(r, slackMarkup)));
    }
    expect(filedWords({ ...request, status: 'approved', breakGlass: true }, teamsMarkup)).toContain('BREAK-GLASS: self-approved');
  });

  it('the approval card lists the same facts, labelled the same, on both platforms', () => {
    const slack = JSON.stringify(slackApprovalCard(view, role, 'C0APPROVALS'));
    const teams = JSON.stringify(teamsApprovalCard(view, role));
    expect(requestFacts(view).length).toBeGreaterThanOrEqual(4);
    for (const fact of requestFacts(view)) {
      for (const rendered of [slack, teams]) {
        expect(rendered).toContain(fact.label);
        expect(rendered).toContain(fact.value);
      }
    }
  });

  it("a private delivery: the console link in each platform's own link syntax, the CLI line in a block to copy", () => {
    const url = 'https://signin.aws.amazon.com/federation?Action=login&SigninToken=abc';
    const privateDelivery = [
      {
        kind: 'link' as const,
        title: 'AWS console',
        text: 'Open the console as ProdRead',
        url,
        note: 'the link works once, within 15 minutes',
      },
      { kind: 'code' as const, title: 'CLI', code: 'export AWS_ACCESS_KEY_ID=ASIA1 AWS_SECRET_ACCESS_KEY=s AWS_SESSION_TOKEN=t' },
      { kind: 'note' as const, tone: 'warning' as const, text: 'You asked for 6h but these credentials last 4h.' },
    ];
    const notice = { kind: 'granted' as const, providerLabel: 'AWS STS', privateDelivery };
    const slack = JSON.stringify(slackNotice(view, role, notice));
    const teams = teamsNotice(view, role, notice).card;
    const teamsBlocks = teams.body as Array<{ text: string; fontType?: string }>;
    expect(slack).toContain(`<${url}|Open the console as ProdRead>`);
    expect(slack).toContain('```export AWS_ACCESS_KEY_ID=ASIA1');
    expect(teamsBlocks.map((b) => b.text)).toContain(
      `**AWS console:** [Open the console as ProdRead](${url}) (the link works once, within 15 minutes)`,
    );
    expect(teamsBlocks.find((b) => b.fontType === 'Monospace')?.text).toBe(privateDelivery[1]!.code);
    expect(JSON.stringify(teams)).not.toMatch(/<https?:|:warning:|```/);
    expect(readTeams(teamsBlocks.find((b) => b.text.includes('credentials last'))!.text)).toBe(
      '<emoji warning> You asked for 6h but these credentials last 4h.',
    );
  });
});
