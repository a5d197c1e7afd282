import { z } from 'zod';
import { getJson } from './http';

const OnCallsAnswer = z.object({ data: z.object({ onCallRecipients: z.array(z.string()) }) });

/** Opsgenie Schedule API v2: is this e-mail among the schedule's on-call recipients now? */
export class OpsgenieOnCall {
  constructor(private readonly config: { baseUrl: string; apiKey: string }) {}

  async isOnCall(scheduleId: string, email: string, now: Date): Promise<boolean> {
    const url = new URL(`/v2/schedules/${encodeURIComponent(scheduleId)}/on-calls`, this.config.baseUrl);
    url.searchParams.set('scheduleIdentifierType', 'id');
    url.searchParams.set('flat', 'true');
    url.searchParams.set('date', now.toISOString());
    const answer = OnCallsAnswer.parse(
      await getJson(url, { authorization: `GenieKey ${this.config.apiKey}` }, 'Opsgenie GET /v2/schedules/{id}/on-calls'),
    );
    return answer.data.onCallRecipients.some((r) => r.toLowerCase() === email.toLowerCase());
  }
}
