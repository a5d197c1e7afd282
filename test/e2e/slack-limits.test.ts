import { parsePolicy } from '../../src/config/policy-file';
import { APPROVAL_CHANNEL } from '../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';

const ROLES = 300;
const PENDING = 60;
const POLICY = parsePolicy(
  `
approvals: { slack_channel: ${APPROVAL_CHANNEL} }
roles:
${Array.from({ length: ROLES }, (_, i) => `  - { id: role-${i}, description: "Role number ${i} of many, for the limits test", provider: sandbox, requesters: { anyone: true }, max_duration: 1h, reason: optional, approval: { approvers: { slack_users: [U0ALICE] } } }`).join('\n')}
`,
  'limits-e2e.yaml',
);

type Block = { type: string; text?: { text: string } | string; elements?: Array<{ text?: string } | string> };
const textOf = (blocks: Block[]) => JSON.stringify(blocks);

/**
 * Real data is bigger than a demo: 300 roles, 60 requests waiting for one approver. Slack
 * refuses a whole message past 50 blocks (a view past 100, a section past 3,000
 * characters), and the person would see nothing; the fake Slack refuses as Slack does.
 */
describe('Slack end to end: Block Kit limits with real-sized data', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'web', policy: POLICY });
    for (let i = 0; i < PENDING; i++)
      await t.runtime.service.request(
        { platform: 'slack', userId: `U0LIMIT${i}` },
        { roleId: `role-${i}`, durationMs: 600_000, reason: 'x'.repeat(900) },
      );
  });
  afterAll(() => t.close());

  async function slash(userId: string, text: string) {
    const id = `${userId}-${text}-${Date.now()}`;
    expect((await t.signer.slashCommand({ userId, text, responseUrl: t.slackApi.responseUrl(id) })).status).toBe(200);
    return t.slackApi.callsOf('response_url').find((c) => c.args.id === id)!;
  }

  it('/jit pending with 60 waiting: accepted by Slack, shows what fits and says how many more', async () => {
    const reply = await slash('U0ALICE', 'pending');
    expect(reply.result).toMatchObject({ ok: true });
    const blocks = reply.args.blocks as Block[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(textOf(blocks)).toContain(`…and ${PENDING - 24} more waiting`);
  });

  it('/jit roles with 300 roles: accepted by Slack, every role listed', async () => {
    const reply = await slash('U0BOB', 'roles');
    expect(reply.result).toMatchObject({ ok: true });
    const text = textOf(reply.args.blocks as Block[]);
    for (let i = 0; i < ROLES; i += 37) expect(text).toContain(`*role-${i}*`);
    expect(text).toContain(`*role-${ROLES - 1}*`);
  });

  it('the App Home of an approver with 60 waiting: published, with what fits and how many more', async () => {
    expect((await t.signer.event({ type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home' })).status).toBe(200);
    const published = t.slackApi
      .callsOf('views.publish')
      .filter((c) => c.args.user_id === 'U0ALICE')
      .at(-1)!;
    expect(published.result).toMatchObject({ ok: true });
    expect(textOf((published.args.view as { blocks: Block[] }).blocks)).toMatch(/…and \d+ more waiting/);
  });

  it('the request form with 300 roles: a role picker that searches as you type, offering the roles you may request', async () => {
    const opened = t.slackApi.callsOf('views.open').length;
    expect(
      (
        await t.signer.slashCommand({
          userId: 'U0BOB',
          text: 'request',
          responseUrl: t.slackApi.responseUrl('form-300'),
          triggerId: 'trigger-form-300',
        })
      ).status,
    ).toBe(200);
    const form = t.slackApi.callsOf('views.open').slice(opened)[0]!;
    expect(form.result).toMatchObject({ ok: true });
    const picker = (form.args.view as { blocks: Array<{ block_id?: string; element?: { type: string; action_id: string } }> }).blocks.find(
      (b) => b.block_id === 'role',
    )!;
    expect(picker.element).toMatchObject({ type: 'external_select', action_id: 'role' });

    const suggest = async (value: string) => {
      const res = await t.signer.blockSuggestion({ userId: 'U0BOB', actionId: 'role', blockId: 'role', value });
      expect(res.status).toBe(200);
      return ((await res.json()) as { options: Array<{ value: string }> }).options.map((o) => o.value);
    };
    expect(await suggest('role-29')).toEqual(['role-29', ...Array.from({ length: 10 }, (_, i) => `role-29${i}`)]);
    expect(await suggest('')).toHaveLength(100);
    expect(await suggest('no such role')).toEqual([]);
  });
});
