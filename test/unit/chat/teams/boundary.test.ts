import { tenantsOf } from '../../../../src/chat/teams/app';
import { whyRefused } from '../../../../src/chat/teams/boundary';
import { parsePolicy } from '../../../../src/config/policy-file';

const TENANT = '00000000-0000-4000-8000-0000000000aa';
const OTHER = '99999999-0000-4000-8000-0000000000ff';
const policy = (teams = '') =>
  parsePolicy(
    `
approvals: { teams_channel: "19:a@thread.tacv2" }
${teams}
roles:
  - { id: r, provider: sandbox, requesters: { anyone: true }, max_duration: 1h, approval: { auto: true } }
`,
    'boundary.yaml',
  );

describe('which Teams activities jitbot acts on', () => {
  const activity = (patch: Record<string, unknown> = {}) => ({
    channelId: 'msteams',
    conversation: { id: 'c', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    ...patch,
  });

  it('acts on Teams activities of an allowed tenant', () => {
    expect(whyRefused(activity() as never, [TENANT])).toBeUndefined();
  });

  it.each([
    ['Direct Line', activity({ channelId: 'directline' }), 'channel directline is not Teams'],
    ['the emulator', activity({ channelId: 'emulator' }), 'channel emulator is not Teams'],
    [
      'another tenant',
      activity({ conversation: { id: 'c', tenantId: OTHER }, channelData: { tenant: { id: OTHER } } }),
      `tenant ${OTHER} is not allowed`,
    ],
    ['a conversation of another tenant', activity({ conversation: { id: 'c', tenantId: OTHER } }), `tenant ${OTHER} is not allowed`],
    ['no tenant at all', activity({ conversation: { id: 'c' }, channelData: {} }), 'the activity names no tenant'],
  ])('refuses %s', (_what, a, why) => {
    expect(whyRefused(a as never, [TENANT])).toBe(why);
  });

  it("allows the bot's own tenant and those the policy adds; a MultiTenant bot must name them", () => {
    expect(tenantsOf({ appId: 'x', appType: 'SingleTenant', tenantId: TENANT.toUpperCase() }, policy())).toEqual([TENANT]);
    expect(tenantsOf({ appId: 'x', appType: 'MultiTenant' }, policy(`teams: { allowed_tenants: [${OTHER}] }`))).toEqual([OTHER]);
    expect(() => tenantsOf({ appId: 'x', appType: 'MultiTenant' }, policy())).toThrow(
      'A MultiTenant Teams bot needs teams.allowed_tenants',
    );
  });
});
