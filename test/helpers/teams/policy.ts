import { parsePolicy } from '../../../src/config/policy-file';
import { APPROVAL_CHANNEL } from '../policy';
import { teamsUser } from './activities';

export const TEAMS_APPROVAL_CHANNEL = '19:approvals@thread.tacv2';
export const TEAMS_TEAM_ID = '19:general@thread.tacv2';

export const ALICE = teamsUser('alice', 'aaaaaaaa-0000-4000-8000-000000000001');
export const BOB = teamsUser('bob', 'bbbbbbbb-0000-4000-8000-000000000002');
export const MALLORY = teamsUser('mallory', 'eeeeeeee-0000-4000-8000-000000000066');
export const requester = (n: number) => teamsUser(`req${n}`, `cccccccc-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`);

/** Roles approved on both platforms: cards go to a Slack and a Teams channel. */
export const teamsPolicy = () =>
  parsePolicy(
    `
approvals:
  slack_channel: ${APPROVAL_CHANNEL}
  teams_channel: "${TEAMS_APPROVAL_CHANNEL}"
  pending_ttl: 1h
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
      approvers: { slack_users: [U0ALICE], teams_users: [${ALICE.aadObjectId}, ${BOB.aadObjectId}] }
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
      approvers: { teams_users: [${ALICE.aadObjectId}, ${BOB.aadObjectId}] }
`,
    'teams-test-policy.yaml',
  );

export const TEAMS_SECURITY_CHANNEL = '19:security@thread.tacv2';

/**
 * Teams-only roles exercising the policy-depth keys: approve for less, extend with an
 * auto window, break-glass, escalation to a second Teams approver.
 */
export const teamsPolicyDepth = () =>
  parsePolicy(
    `
approvals:
  teams_channel: "${TEAMS_APPROVAL_CHANNEL}"
  pending_ttl: 1h
  remind_after: 10m
  warn_before: 15m
digest:
  teams_channel: "${TEAMS_SECURITY_CHANNEL}"
roles:
  - id: ext
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 4h
    default_duration: 1h
    min_duration: 1m
    reason: optional
    extend: { auto_within: 90m }
    approval:
      approvers: { teams_users: [${ALICE.aadObjectId}, ${BOB.aadObjectId}] }
  - id: bg
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 4h
    default_duration: 1h
    min_duration: 1m
    reason: optional
    break_glass: true
    break_glass_review_within: 2h
    approval:
      approvers: { teams_users: [${ALICE.aadObjectId}] }
  - id: esc
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 2h
    default_duration: 1h
    min_duration: 1m
    reason: optional
    approval:
      approvers: { teams_users: [${ALICE.aadObjectId}] }
      escalation:
        - { after: 15m, approvers: { teams_users: [${BOB.aadObjectId}] } }
`,
    'teams-policy-depth.yaml',
  );
