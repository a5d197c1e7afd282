import { parsePolicy } from '../../../src/config/policy-file';
import { parseEnv } from '../../../src/config/env';
import { entraDirectory, entraGroupsNamed } from '../../../src/entra/directory';

const GROUP = '0a000000-0000-4000-8000-00000000a001';
const policy = parsePolicy(
  `
approvals: { teams_channel: "19:approvals@thread.tacv2" }
roles:
  - id: grp
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 1h
    approval: { approvers: { entra_groups: [${GROUP.toUpperCase()}] } }
`,
  'p.yaml',
);
const clock = { now: () => new Date() };

describe('Entra groups need Microsoft Graph credentials', () => {
  it('finds the groups the policy names (lower case)', () => {
    expect(entraGroupsNamed(policy)).toEqual([GROUP]);
  });

  it('stops start-up naming what to set when the policy names groups but Graph cannot be reached', async () => {
    await expect(entraDirectory(parseEnv({}), policy, clock)).rejects.toThrow(/entra_groups.*GroupMember\.Read\.All.*set MICROSOFT_APP_ID/);
    const multi = parseEnv({
      MICROSOFT_APP_ID: '00000000-0000-4000-8000-00000000b07a',
      MICROSOFT_APP_TYPE: 'MultiTenant',
      MICROSOFT_APP_PASSWORD: 'x',
    });
    await expect(entraDirectory(multi, policy, clock)).rejects.toThrow(
      'set MICROSOFT_APP_TENANT_ID (your tenant) and MICROSOFT_APP_PASSWORD',
    );
  });

  it('builds nothing when the policy names no group', async () => {
    const none = parsePolicy(
      'approvals: { teams_channel: "19:a@thread.tacv2" }\nroles:\n  - { id: r, provider: sandbox, requesters: { anyone: true }, max_duration: 1h, approval: { auto: true } }\n',
      'p.yaml',
    );
    expect(await entraDirectory(parseEnv({}), none, clock)).toBeUndefined();
  });
});
