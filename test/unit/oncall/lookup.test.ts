import { CachedOnCallLookup, ON_CALL_CACHE_MS } from '../../../src/oncall/lookup';
import { OpsgenieOnCall } from '../../../src/oncall/opsgenie';
import { PagerDutyOnCall } from '../../../src/oncall/pagerduty';
import { FakeOnCallApis } from '../../fakes/on-call';
import { ManualClock } from '../../helpers/clock';

describe('on-call look-up against the fake PagerDuty and Opsgenie APIs', () => {
  const apis = new FakeOnCallApis();
  beforeAll(() => apis.start());
  afterAll(() => apis.stop());

  const lookup = (clock: ManualClock, key = 'pd-key') =>
    new CachedOnCallLookup(
      {
        pagerduty: new PagerDutyOnCall({ baseUrl: apis.url, apiKey: key }),
        opsgenie: new OpsgenieOnCall({ baseUrl: apis.url, apiKey: 'og-key' }),
      },
      clock,
    );

  it('finds the user by exact e-mail and asks the schedule', async () => {
    apis.onCall.set('PA', ['ann@example.com']);
    apis.onCall.set('og-1', ['ann@example.com']);
    const l = lookup(new ManualClock());
    expect(await l.isOnCall({ pagerduty_schedule: 'PA' }, 'ANN@example.com')).toBe(true);
    expect(await l.isOnCall({ pagerduty_schedule: 'PA' }, 'bob@example.com')).toBe(false);
    expect(await l.isOnCall({ opsgenie_schedule: 'og-1' }, 'ann@example.com')).toBe(true);
  });

  it('caches answers for a minute, and never caches failures', async () => {
    apis.onCall.set('PB', ['cat@example.com']);
    const clock = new ManualClock();
    const l = lookup(clock);
    expect(await l.isOnCall({ pagerduty_schedule: 'PB' }, 'cat@example.com')).toBe(true);
    apis.onCall.set('PB', []);
    const calls = apis.calls.length;
    expect(await l.isOnCall({ pagerduty_schedule: 'PB' }, 'cat@example.com')).toBe(true);
    expect(apis.calls.length).toBe(calls);
    clock.advance(ON_CALL_CACHE_MS + 1);
    expect(await l.isOnCall({ pagerduty_schedule: 'PB' }, 'cat@example.com')).toBe(false);
    apis.failWith = 500;
    clock.advance(ON_CALL_CACHE_MS + 1);
    await expect(l.isOnCall({ pagerduty_schedule: 'PB' }, 'cat@example.com')).rejects.toThrow('HTTP 500');
    apis.failWith = undefined;
  });

  it('fails (rather than says no) on a bad key or an unconfigured service', async () => {
    await expect(lookup(new ManualClock(), 'wrong').isOnCall({ pagerduty_schedule: 'PA' }, 'ann@example.com')).rejects.toThrow('401');
    await expect(new CachedOnCallLookup({}, new ManualClock()).isOnCall({ opsgenie_schedule: 'x' }, 'a@b.c')).rejects.toThrow(
      'OPSGENIE_API_KEY',
    );
  });
});
