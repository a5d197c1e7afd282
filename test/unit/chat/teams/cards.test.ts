import type { RequestView } from '../../../../src/access/model';
import { approvalCard } from '../../../../src/chat/teams/cards/approval-card';
import { requesterNotice } from '../../../../src/chat/teams/cards/notices';
import { card, SUBMIT_VERB } from '../../../../src/chat/teams/cards/card';
import { cardProblems } from '../../../helpers/teams/adaptive-cards-lib';
import { requestView, VIEW_AT } from '../../../helpers/views';
import { teamsCardGallery } from '../../../helpers/teams/card-gallery';
import { PENDING_LIST_MAX, pendingForMe } from '../../../../src/chat/teams/cards/lists';
import { parsePolicy } from '../../../../src/config/policy-file';

const policy = parsePolicy(
  `
approvals: { teams_channel: "19:a@thread.tacv2" }
roles:
  - id: bg
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 4h
    min_duration: 20m
    reason: optional
    break_glass: true
    approval: { approvers: { teams_users: [alice] } }
`,
  'cards-test.yaml',
);
const role = policy.roles[0]!;
const view = (patch: Partial<RequestView['request']> = {}) => requestView(patch);

const inputOf = (json: { body: Array<Record<string, unknown>> }, id: string) =>
  json.body.find((e) => e.id === id) as { choices: Array<{ value: string }> } | undefined;
const verbs = (json: { actions?: Array<Record<string, unknown>> }) => (json.actions ?? []).map((a) => a.verb);

describe('Teams cards', () => {
  it('the expiry warning offers exactly the extensions the core computed, and no Extend control when there are none', () => {
    const offered = requesterNotice(view({ status: 'active' }), role, {
      kind: 'expiring_soon',
      msLeft: 600_000,
      extendChoices: [900_000, 3_600_000],
    }).card;
    expect(inputOf(offered, 'extendMs')?.choices.map((c) => c.value)).toEqual(['900000', '3600000']);
    expect(verbs(offered)).toEqual(['jit.extend', 'jit.done']);

    const none = requesterNotice(view({ status: 'active' }), role, { kind: 'expiring_soon', msLeft: 600_000, extendChoices: [] }).card;
    expect(inputOf(none, 'extendMs')).toBeUndefined();
    expect(verbs(none)).toEqual(['jit.done']);
    expect(JSON.stringify(none)).not.toContain('Extend');
  });

  it('the approval card offers shorter durations down to the role minimum, and none when nothing is shorter', () => {
    const card = approvalCard(view(), role);
    expect(inputOf(card, 'durationMs')?.choices.map((c) => Number(c.value) / 60_000)).toEqual([30]);
    expect(verbs(card)).toEqual(['jit.approve', 'jit.deny', 'jit.approve_duration']);
    const short = approvalCard(view({ durationMs: 20 * 60_000 }), role);
    expect(inputOf(short, 'durationMs')).toBeUndefined();
    expect(verbs(short)).toEqual(['jit.approve', 'jit.deny']);
  });

  it('a break-glass card is loud and asks for review until reviewed', () => {
    const open = approvalCard(view({ status: 'active', breakGlass: true, reviewRemindedAt: VIEW_AT }), role);
    expect(JSON.stringify(open)).toContain('🚨 BREAK-GLASS — self-approved by user carol');
    expect(JSON.stringify(open)).toContain('**Review overdue.**');
    expect(verbs(open)).toEqual(['jit.review']);
    const done = approvalCard(view({ status: 'active', breakGlass: true, reviewedBy: 'alice', reviewedAt: VIEW_AT }), role);
    expect(JSON.stringify(done)).toContain('Break-glass reviewed by user alice');
    expect(verbs(done)).toEqual([]);
  });

  /** Every element of a card, nested containers and action sets included. */
  const elements = (node: unknown): Array<Record<string, unknown>> => {
    if (Array.isArray(node)) return node.flatMap(elements);
    if (!node || typeof node !== 'object') return [];
    const el = node as Record<string, unknown>;
    return [el, ...Object.values(el).flatMap(elements)];
  };

  it('declares schema 1.5 and gives every Action.Execute an Action.Submit fallback naming its verb (Universal Actions)', () => {
    const pending = approvalCard(view(), role);
    const warning = requesterNotice({ ...view({ status: 'active' }), grant: null }, role, {
      kind: 'expiring_soon',
      msLeft: 60_000,
      extendChoices: [900_000],
    }).card;
    for (const c of [pending, warning, pendingForMe([view()])]) {
      expect(c.version).toBe('1.5');
      const executes = elements(c).filter((e) => e.type === 'Action.Execute');
      expect(executes.length).toBeGreaterThan(0);
      for (const e of executes) {
        expect(e.fallback).toEqual(
          expect.objectContaining({ type: 'Action.Submit', title: e.title, data: { ...(e.data as object), [SUBMIT_VERB]: e.verb } }),
        );
      }
    }
  });

  it('drop-downs say what to pick', () => {
    const sets = [
      ...elements(approvalCard(view({ durationMs: 3 * 3_600_000 }), role)),
      ...elements(
        requesterNotice(view({ status: 'active' }), role, { kind: 'expiring_soon', msLeft: 60_000, extendChoices: [900_000] }).card,
      ),
    ].filter((e) => e.type === 'Input.ChoiceSet');
    expect(sets.map((e) => e.placeholder)).toEqual(['Pick a shorter duration', 'Pick how much longer']);
  });

  it('the pending list counts in words and stays small: at most PENDING_LIST_MAX requests with buttons', () => {
    expect(JSON.stringify(pendingForMe([view()]))).toContain('1 request waits for your decision');
    const many = Array.from({ length: 100 }, (_, i) => view({ id: `R-TEST${String(i).padStart(4, '0')}`, reason: 'x'.repeat(200) }));
    const list = pendingForMe(many);
    expect(JSON.stringify(list)).toContain('100 requests wait for your decision');
    expect(elements(list).filter((e) => e.verb === 'jit.approve')).toHaveLength(PENDING_LIST_MAX);
    expect(JSON.stringify(list)).toContain(`…and ${100 - PENDING_LIST_MAX} more`);
    // Teams refuses bot messages much past 28 KB.
    expect(Buffer.byteLength(JSON.stringify(list))).toBeLessThan(28_000);
  });
});

describe("Teams cards against Microsoft's adaptivecards parser", () => {
  it.each(teamsCardGallery())('%s: no unknown element, bad property or failed validation', (_, c) => {
    expect(cardProblems(c)).toEqual([]);
  });

  it('the parser does see problems (a card with an unknown action and a bad input)', () => {
    const broken = card([{ type: 'Input.ChoiceSet', choices: [] }], [{ type: 'Action.Bogus', title: 'x' }]);
    expect(cardProblems(broken).length).toBeGreaterThan(0);
  });
});
