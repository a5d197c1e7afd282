/** Roles of the bench: one approved by policy (revoke, memory), one needing one approver (ack, approve). */
export const BENCH_APPROVER = 'U0BENCHAPPROVER';
export const AUTO_ROLE = 'bench-auto';
export const ONE_APPROVER_ROLE = 'bench-one';

export const BENCH_POLICY_YAML = `
approvals:
  slack_channel: C0BENCHAPPROVALS
  pending_ttl: 2h
# The load comes from a few hundred people; the per-person limit must not refuse it.
limits: { requests_per_hour: 100000000 }
roles:
  - id: ${AUTO_ROLE}
    description: Approved by policy
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    default_duration: 5m
    min_duration: 1s
    reason: optional
    approval: { auto: true }
  - id: ${ONE_APPROVER_ROLE}
    description: One approver
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    default_duration: 30m
    min_duration: 1s
    reason: optional
    approval:
      required: 1
      approvers: { slack_users: [${BENCH_APPROVER}] }
`;

/** The requester of the i-th request: one person each, since a second request for a role someone holds or awaits is refused (pending hygiene). */
export const requester = (i: number): string => `U0BENCH${String(i).padStart(6, '0')}`;
