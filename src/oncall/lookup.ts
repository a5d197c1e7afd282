import type { OnCallLookup } from '../access/ports';
import type { OnCallSchedule } from '../access/policy';
import type { Clock } from '../lib/clock';
import { OpsgenieOnCall } from './opsgenie';
import { PagerDutyOnCall } from './pagerduty';

/** How long an answer is reused: on-call shifts change on the hour, people ask in bursts. */
export const ON_CALL_CACHE_MS = 60_000;

interface Clients {
  pagerduty?: PagerDutyOnCall;
  opsgenie?: OpsgenieOnCall;
}

/**
 * The core's OnCallLookup over PagerDuty and Opsgenie, with a short cache of answers
 * (never of failures: those throw, and the core asks a person instead).
 */
export class CachedOnCallLookup implements OnCallLookup {
  private readonly cache = new Map<string, { onCall: boolean; until: number }>();

  constructor(
    private readonly clients: Clients,
    private readonly clock: Clock,
  ) {}

  async isOnCall(schedule: OnCallSchedule, email: string): Promise<boolean> {
    const now = this.clock.now();
    const key = `${JSON.stringify(schedule)}|${email.toLowerCase()}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > now.getTime()) return hit.onCall;
    const onCall = await this.ask(schedule, email, now);
    this.cache.set(key, { onCall, until: now.getTime() + ON_CALL_CACHE_MS });
    return onCall;
  }

  private ask(schedule: OnCallSchedule, email: string, now: Date): Promise<boolean> {
    if ('pagerduty_schedule' in schedule) {
      if (!this.clients.pagerduty) throw new Error('PagerDuty is not configured (PAGERDUTY_API_KEY)');
      return this.clients.pagerduty.isOnCall(schedule.pagerduty_schedule, email, now);
    }
    if (!this.clients.opsgenie) throw new Error('Opsgenie is not configured (OPSGENIE_API_KEY)');
    return this.clients.opsgenie.isOnCall(schedule.opsgenie_schedule, email, now);
  }
}

/** Builds the lookup from the environment; undefined when neither service is configured. */
export function onCallLookup(
  env: { PAGERDUTY_API_KEY?: string; PAGERDUTY_API_URL: string; OPSGENIE_API_KEY?: string; OPSGENIE_API_URL: string },
  clock: Clock,
): OnCallLookup | undefined {
  const clients: Clients = {
    pagerduty: env.PAGERDUTY_API_KEY ? new PagerDutyOnCall({ baseUrl: env.PAGERDUTY_API_URL, apiKey: env.PAGERDUTY_API_KEY }) : undefined,
    opsgenie: env.OPSGENIE_API_KEY ? new OpsgenieOnCall({ baseUrl: env.OPSGENIE_API_URL, apiKey: env.OPSGENIE_API_KEY }) : undefined,
  };
  return clients.pagerduty || clients.opsgenie ? new CachedOnCallLookup(clients, clock) : undefined;
}
