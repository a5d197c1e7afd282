import type { RequestView } from '../../../../src/access/model';
import { parseDurationChoice } from '../../../../src/chat/slack/blocks/duration-choice';
import { requesterNotice } from '../../../../src/chat/slack/blocks/notices';
import { policyDepth } from '../../../helpers/policy-depth';
import { requestView, VIEW_AT } from '../../../helpers/views';

const role = policyDepth().roles.find((r) => r.id === 'ext')!;
const view: RequestView = requestView({
  id: 'R-7K2M9QXA',
  status: 'active',
  roleId: 'ext',
  requesterId: 'U0REQ',
  requesterPlatform: 'slack',
  requesterPerson: 'slack:U0REQ',
  reason: null,
  decidedAt: VIEW_AT,
});

describe('expiry warning DM', () => {
  const warning = (extendChoices: number[]) =>
    JSON.stringify(requesterNotice(view, role, { kind: 'expiring_soon', msLeft: 300_000, extendChoices }));

  it('offers exactly the extensions the core computed, beside "I\'m done"', () => {
    const dm = warning([900_000, 1_800_000]);
    expect(dm).toContain('"action_id":"jit.extend"');
    expect(dm).toContain('"value":"R-7K2M9QXA|900000"');
    expect(dm).toContain('"value":"R-7K2M9QXA|1800000"');
    expect(dm).not.toContain('|3600000');
    expect(dm).toContain('"action_id":"jit.done"');
  });

  it('has no "Extend" when no extension fits', () => {
    const dm = warning([]);
    expect(dm).not.toContain('jit.extend');
    expect(dm).not.toContain('Extend');
    expect(dm).toContain('"action_id":"jit.done"');
  });
});

describe('duration choices (select values)', () => {
  it('parses what the bot rendered', () => {
    expect(parseDurationChoice('R-7K2M9QXA|900000', 'Extend')).toEqual({ requestId: 'R-7K2M9QXA', durationMs: 900_000 });
  });

  it.each([
    undefined,
    42,
    '',
    'R-7K2M9QXA',
    'R-7K2M9QXA|',
    'R-7K2M9QXA|0',
    'R-7K2M9QXA|-1',
    'R-7K2M9QXA|1e6',
    'R-7K2M9QXA|1|2',
    'r-7k2m9qxa|900000',
    `R-7K2M9QXA|${'9'.repeat(60)}`,
  ])('refuses %p, naming the control', (value) => {
    expect(() => parseDurationChoice(value, 'Extend')).toThrow(
      expect.objectContaining({ code: 'bad_input', userMessage: expect.stringContaining('"Extend"') }),
    );
  });
});

describe('"waiting for approval" DM', () => {
  it('does not list the requester among the people who may approve (they cannot approve their own request)', () => {
    const approverRole = {
      ...role,
      approval: {
        ...role.approval,
        approvers: { slack_users: ['U0REQ', 'U0ALICE'], slack_usergroups: [], teams_users: [], entra_groups: [] },
      },
    };
    const dm = JSON.stringify(
      requesterNotice({ ...view, request: { ...view.request, status: 'pending' } }, approverRole, { kind: 'submitted' }),
    );
    expect(dm).toContain('waiting for approval from <@U0ALICE>.');
    expect(dm).not.toContain('<@U0REQ>');
    const alone = {
      ...role,
      approval: { ...role.approval, approvers: { slack_users: ['U0REQ'], slack_usergroups: [], teams_users: [], entra_groups: [] } },
    };
    expect(JSON.stringify(requesterNotice(view, alone, { kind: 'submitted' }))).toContain(
      'waiting for approval from nobody else (ask an admin to add approvers).',
    );
  });
});

describe('a grant error longer than a section holds', () => {
  it('is cut, visibly, so Slack accepts the DM and the requester learns it failed', () => {
    const dm = requesterNotice(view, role, { kind: 'grant_failed', error: `AccessDenied: ${'very long cloud error '.repeat(300)}` }) as {
      blocks: Array<{ text?: { text: string } }>;
    };
    const first = dm.blocks[0]!.text!.text;
    expect(first.length).toBe(3000);
    expect(first.startsWith(':x: *ext*')).toBe(true);
    expect(first.endsWith('…')).toBe(true);
  });
});
