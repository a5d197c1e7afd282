import { parsePolicy } from '../../src/config/policy-file';

export const APPROVAL_CHANNEL = 'C0APPROVALS';
export const SECURITY_CHANNEL = 'C0SECURITY';
export const SECURITY_TEAM = 'U0SEC';
export const CROWD = Array.from({ length: 50 }, (_, i) => `U0AP${String(i + 1).padStart(2, '0')}`);

/** Roles for tests: short minimum durations so real expiry takes seconds. */
export const TEST_POLICY_YAML = `
approvals:
  slack_channel: ${APPROVAL_CHANNEL}
  pending_ttl: 1h
digest:
  slack_channel: ${SECURITY_CHANNEL}
  security_team: { slack_users: [${SECURITY_TEAM}] }
roles:
  - id: quick
    description: One approver, short grants
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    default_duration: 5m
    min_duration: 1s
    reason: optional
    approval:
      required: 1
      approvers: { slack_users: [U0ALICE, U0BOB], slack_usergroups: [S0ONCALL] }
  - id: dual
    description: Two approvers and a ticket
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 2h
    default_duration: 30m
    min_duration: 1s
    reason: required
    ticket_pattern: "^INC-[0-9]+$"
    approval:
      required: 2
      approvers: { slack_users: [U0ALICE, U0BOB, U0CAROL] }
  - id: auto
    description: Approved by policy
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 4h
    default_duration: 1h
    min_duration: 1s
    reason: optional
    sensitive: true
    approval: { auto: true }
  - id: crowd
    description: Fifty approvers, one needed
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    min_duration: 1s
    reason: optional
    approval:
      required: 1
      approvers: { slack_users: [${CROWD.join(', ')}] }
`;

export const testPolicy = () => parsePolicy(TEST_POLICY_YAML, 'test-policy.yaml');
