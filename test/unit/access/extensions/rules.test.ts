import { extendChoices, selfServiceLimitMs } from '../../../../src/access/extensions/rules';
import type { AccessRequest, Grant } from '../../../../src/access/model';
import type { Role } from '../../../../src/access/policy';
import { testPolicy } from '../../../helpers/policy';
import { requestView } from '../../../helpers/views';

const role = (id: string) => testPolicy().roles.find((r) => r.id === id)!;
const MIN = 60_000;
const T0 = new Date('2026-11-24T10:00:00Z');

function grantHeldFor(minutes: number): Grant {
  return {
    id: 'G-1',
    requestId: 'R-1',
    status: 'active',
    provider: 'sandbox',
    providerRef: null,
    activatedAt: T0,
    expiresAt: new Date(T0.getTime() + minutes * MIN),
    revokedAt: null,
    revokeRequestedBy: null,
    failureReason: null,
    revokeAttempts: 0,
    revokeVerifiedAt: null,
    verifyFailedAt: null,
    activity: null,
    createdAt: T0,
    updatedAt: T0,
  };
}

describe('extend choices on the expiry warning', () => {
  it('offers the standard steps that still fit within max_duration', () => {
    // quick: max 1h. Held 20m → 40m of room: 15m and 30m fit, 1h does not.
    expect(extendChoices(role('quick'), grantHeldFor(20))).toEqual([15 * MIN, 30 * MIN]);
    // auto: max 4h. Held 1h → 3h of room.
    expect(extendChoices(role('auto'), grantHeldFor(60))).toEqual([15 * MIN, 30 * MIN, 60 * MIN, 120 * MIN]);
  });

  it('offers nothing when the grant is at its limit', () => {
    expect(extendChoices(role('quick'), grantHeldFor(55))).toEqual([]);
  });

  it('offers nothing for roles whose grants cannot be extended (AWS credentials, Azure PIM)', () => {
    const aws: Role = { ...role('auto'), provider: 'aws' };
    expect(extendChoices(aws, grantHeldFor(10))).toEqual([]);
  });
});

describe('how far self-service extension may take a grant', () => {
  const request = (patch: Partial<AccessRequest> = {}): AccessRequest =>
    requestView({
      id: 'R-1',
      status: 'active',
      roleId: 'quick',
      requesterId: 'U0REQ',
      requesterPlatform: 'slack',
      requesterPerson: 'slack:U0REQ',
      durationMs: 20 * MIN,
      reason: null,
      decidedAt: T0,
      ...patch,
    }).request;
  const withAuto = (r: Role, within: number | undefined): Role => ({ ...r, extend: { auto_within: within } });

  it('is extend.auto_within, or nothing without it', () => {
    expect(selfServiceLimitMs(withAuto(role('quick'), 60 * MIN), request())).toBe(60 * MIN);
    expect(selfServiceLimitMs(role('quick'), request())).toBeUndefined();
  });

  it("never passes an approver's shorter duration", () => {
    expect(selfServiceLimitMs(withAuto(role('quick'), 60 * MIN), request({ approvedDurationMs: 5 * MIN }))).toBe(5 * MIN);
  });

  it('never passes break_glass_max_duration for a break-glass grant, even on a role approved by policy', () => {
    const bg: Role = { ...withAuto(role('quick'), 60 * MIN), break_glass: true, break_glass_max_duration: 10 * MIN };
    expect(selfServiceLimitMs(bg, request({ breakGlass: true }))).toBe(10 * MIN);
    expect(
      selfServiceLimitMs({ ...role('auto'), break_glass: true, break_glass_max_duration: 10 * MIN }, request({ breakGlass: true })),
    ).toBe(10 * MIN);
    expect(selfServiceLimitMs(role('auto'), request())).toBe(role('auto').max_duration);
  });
});
