import { parsePolicy } from '../../src/config/policy-file';
import { APPROVAL_CHANNEL, SECURITY_CHANNEL, SECURITY_TEAM } from './policy';

export const ESCALATION_CHANNEL = 'C0ESCALATE';

/** Roles exercising the policy-depth keys: break-glass, on-call, escalation, warn_before, extend, hygiene. */
export const POLICY_DEPTH_YAML = `
approvals:
  slack_channel: ${APPROVAL_CHANNEL}
  pending_ttl: 1h
  warn_before: 5m
digest:
  slack_channel: ${SECURITY_CHANNEL}
  security_team: { slack_users: [${SECURITY_TEAM}] }
limits:
  max_pending_per_role: 2
users:
  U0PAGED: { email: paged@example.com }
  U0OPS: { email: ops@example.com }
  U0IDLE: { email: idle@example.com }
roles:
  - id: bg
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 4h
    default_duration: 1h
    min_duration: 1s
    reason: optional
    break_glass: true
    break_glass_max_duration: 1h
    break_glass_review_within: 2h
    approval:
      approvers: { slack_users: [U0ALICE, U0BOB] }
  - id: pd
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    min_duration: 1s
    reason: optional
    approval:
      approvers: { slack_users: [U0ALICE] }
      auto_if_on_call: { pagerduty_schedule: PSCHED1 }
  - id: og
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    min_duration: 1s
    reason: optional
    approval:
      approvers: { slack_users: [U0ALICE] }
      auto_if_on_call: { opsgenie_schedule: ops-primary }
  - id: esc
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 4h
    default_duration: 2h
    min_duration: 1m
    reason: optional
    warn_before: 15m
    approval:
      approvers: { slack_users: [U0ALICE] }
      escalation:
        - { after: 15m, approvers: { slack_users: [U0BOB] } }
        - { after: 30m, approvers: { slack_users: [U0CAROL] }, slack_channel: ${ESCALATION_CHANNEL} }
  - id: ext
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 4h
    default_duration: 1h
    min_duration: 1m
    reason: optional
    extend: { auto_within: 2h }
    approval:
      approvers: { slack_users: [U0ALICE] }
`;

export const policyDepth = () => parsePolicy(POLICY_DEPTH_YAML, 'policy-depth.yaml');
