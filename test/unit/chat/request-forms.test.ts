import { requestModal } from '../../../src/chat/slack/blocks/request-modal';
import { requestForm } from '../../../src/chat/teams/cards/request-form';
import { parsePolicy } from '../../../src/config/policy-file';

const policy = parsePolicy(
  `
approvals: { slack_channel: C0APPROVALS }
roles:
  - { id: needs-why, provider: sandbox, requesters: { anyone: true }, max_duration: 1h, reason: required }
  - { id: no-why, provider: sandbox, requesters: { anyone: true }, max_duration: 1h, reason: optional }
`,
  'forms-test.yaml',
);

type Block = { block_id?: string; optional?: boolean; hint?: { text: string }; element?: { initial_value?: string; max_length?: number } };
const slackReason = (roleId?: string, reason?: string) =>
  (requestModal(policy.roles, { roleId, reason }).blocks as Block[]).find((b) => b.block_id === 'reason')!;
type Input = { id: string; label: string; isRequired?: boolean; errorMessage?: string; value?: string; maxLength?: number };
const teamsReason = (roleId?: string, reason?: string) =>
  (requestForm(policy.roles, { roleId, reason }).body as Input[]).find((b) => b.id === 'reason')!;

describe('the request form, on Slack and Teams', () => {
  it('marks the reason required for a role that requires one (Slack said "Reason (optional)")', () => {
    expect(slackReason('needs-why').optional).toBe(false);
    expect(teamsReason('needs-why')).toMatchObject({
      label: 'Reason',
      isRequired: true,
      errorMessage: 'Give a reason: needs-why requires one.',
    });
  });

  it('leaves it optional for a role that does not, and says some roles require one when none is chosen', () => {
    expect(slackReason('no-why').optional).toBe(true);
    expect(teamsReason('no-why').isRequired).toBe(false);
    expect(slackReason(undefined)).toMatchObject({ optional: true, hint: { text: 'Some roles require one.' } });
    expect(teamsReason(undefined)).toMatchObject({ label: 'Reason (some roles require one)', isRequired: false });
  });

  it('starts with a typed reason cut, visibly, to what the field takes (Slack refuses a longer initial value)', () => {
    const long = 'x'.repeat(1500);
    const slack = slackReason('needs-why', long).element!;
    expect(slack.initial_value).toHaveLength(1000);
    expect(slack.initial_value!.endsWith('…')).toBe(true);
    expect(slack.max_length).toBe(1000);
    expect(teamsReason('needs-why', long).value).toBe(slack.initial_value);
    expect(slackReason('needs-why', 'short').element!.initial_value).toBe('short');
  });
});
