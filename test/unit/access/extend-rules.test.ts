import { extendChoices } from '../../../src/access/extend-rules';
import type { Grant } from '../../../src/access/model';
import type { Role } from '../../../src/access/policy';
import { testPolicy } from '../../helpers/policy';

const role = (id: string) => testPolicy().roles.find((r) => r.id === id)!;
const MIN = 60_000;
const T0 = new Date('2026-11-24T10:00:00Z');

function grantHeldFor(minutes: number): Grant {
  return {
    id: 'G-1', requestId: 'R-1', status: 'active', provider: 'sandbox', providerRef: null,
    activatedAt: T0, expiresAt: new Date(T0.getTime() + minutes * MIN), revokedAt: null,
    revokeRequestedBy: null, failureReason: null, revokeAttempts: 0, revokeVerifiedAt: null, activity: null,
    createdAt: T0, updatedAt: T0,
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
