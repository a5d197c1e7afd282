import { parseCommand } from '../../../src/chat/command';
import { parsePolicy } from '../../../src/config/policy-file';
import { POLICY_DEPTH_YAML } from '../../helpers/policy-depth';

const role = (extra: string) => `
approvals: { slack_channel: C0APPROVALS, pending_ttl: 1h }
roles:
  - id: r
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 2h
${extra}`;

describe('policy-depth keys', () => {
  it('parses them with their defaults', () => {
    const policy = parsePolicy(POLICY_DEPTH_YAML, 'p.yaml');
    const bg = policy.roles.find((r) => r.id === 'bg')!;
    expect(bg).toMatchObject({ break_glass: true, break_glass_max_duration: 3_600_000, break_glass_review_within: 7_200_000 });
    expect(policy.approvals.warn_before).toBe(5 * 60_000);
    expect(policy.limits.max_pending_per_role).toBe(2);
    const plain = parsePolicy(role('    approval: { approvers: { slack_users: [U0A] } }'), 'p.yaml');
    expect(plain.approvals.warn_before).toBe(10 * 60_000);
    expect(plain.limits.max_pending_per_role).toBe(1);
    expect(plain.roles[0]!.approval.escalation).toEqual([]);
  });

  it('explains mistakes', () => {
    expect(() =>
      parsePolicy(role('    break_glass_max_duration: 1h\n    approval: { approvers: { slack_users: [U0A] } }'), 'p.yaml'),
    ).toThrow('break_glass_max_duration: needs break_glass: true');
    expect(() =>
      parsePolicy(
        role(
          '    approval:\n      approvers: { slack_users: [U0A] }\n      escalation: [{ after: 30m, approvers: { slack_users: [U0B] } }, { after: 15m, approvers: { slack_users: [U0C] } }]',
        ),
        'p.yaml',
      ),
    ).toThrow('must be later than the tier before it');
    expect(() =>
      parsePolicy(
        role(
          '    approval:\n      approvers: { slack_users: [U0A] }\n      escalation: [{ after: 2h, approvers: { slack_users: [U0B] } }]',
        ),
        'p.yaml',
      ),
    ).toThrow('after approvals.pending_ttl');
    expect(() =>
      parsePolicy(role('    approval:\n      approvers: { slack_users: [U0A] }\n      auto_if_on_call: { victorops: x }'), 'p.yaml'),
    ).toThrow('pagerduty_schedule');
  });
});

describe('activity keys', () => {
  const approvers = '    approval: { approvers: { slack_users: [U0A] } }';
  it('defaults to a lookup 15m after the end, 5 attempts from 1m apart, in AWS_REGION', () => {
    const policy = parsePolicy(role(approvers), 'p.yaml');
    expect(policy.activity).toEqual({ enabled: true, delay: 15 * 60_000, attempts: 5, retry_backoff: 60_000 });
    expect(policy.roles[0]!.read_only).toBe(false);
    const set = parsePolicy(
      `activity: { enabled: false, delay: 30m, attempts: 3, retry_backoff: 2m, aws_regions: [us-east-1, eu-central-1] }\n${role(`    read_only: true\n${approvers}`)}`,
      'p.yaml',
    );
    expect(set.activity).toEqual({
      enabled: false,
      delay: 30 * 60_000,
      attempts: 3,
      retry_backoff: 120_000,
      aws_regions: ['us-east-1', 'eu-central-1'],
    });
    expect(set.roles[0]!.read_only).toBe(true);
  });

  it('names the path of a bad value', () => {
    const bad = (activity: string) => () => parsePolicy(`activity: ${activity}\n${role(approvers)}`, 'p.yaml');
    expect(bad('{ delay: soon }')).toThrow('activity.delay: "soon" is not a duration');
    expect(bad('{ attempts: 0 }')).toThrow('activity.attempts: must be at least 1');
    expect(bad('{ aws_regions: [Frankfurt] }')).toThrow('activity.aws_regions[0]: must be an AWS region like eu-west-1');
    expect(bad('{ aws_regions: [] }')).toThrow('activity.aws_regions: list at least one region');
    expect(bad('{ retry: 1m }')).toThrow('activity: unknown key "retry"');
    expect(() => parsePolicy(role(`    read_only: yes please\n${approvers}`), 'p.yaml')).toThrow('roles[0] (r).read_only');
  });
});

describe('/jit request --break-glass', () => {
  it('is a flag anywhere after the role, not part of the reason', () => {
    expect(parseCommand('request db 30m --break-glass "db down"')).toEqual({
      kind: 'request',
      roleId: 'db',
      durationMs: 1_800_000,
      reason: 'db down',
      breakGlass: true,
    });
    expect(parseCommand('request db --break-glass db down')).toEqual({
      kind: 'request',
      roleId: 'db',
      reason: 'db down',
      breakGlass: true,
    });
    expect(parseCommand('request --break-glass')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('request db 30m "db down"')).not.toHaveProperty('breakGlass');
  });
});
