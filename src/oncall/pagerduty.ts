import { z } from 'zod';
import { getJson } from './http';

const UsersPage = z.object({ users: z.array(z.object({ id: z.string(), email: z.string() })) });
const OnCallsPage = z.object({ oncalls: z.array(z.object({ user: z.object({ id: z.string() }) })) });

/** PagerDuty REST API v2: is the user with this e-mail on call in a schedule now? */
export class PagerDutyOnCall {
  constructor(private readonly config: { baseUrl: string; apiKey: string }) {}

  async isOnCall(scheduleId: string, email: string, now: Date): Promise<boolean> {
    const headers = { authorization: `Token token=${this.config.apiKey}`, accept: 'application/vnd.pagerduty+json;version=2' };
    const usersUrl = new URL('/users', this.config.baseUrl);
    usersUrl.searchParams.set('query', email);
    const users = UsersPage.parse(await getJson(usersUrl, headers, 'PagerDuty GET /users'));
    // `query` matches names too: only an exact e-mail counts.
    const user = users.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
    if (!user) return false;
    const onCallsUrl = new URL('/oncalls', this.config.baseUrl);
    onCallsUrl.searchParams.append('schedule_ids[]', scheduleId);
    onCallsUrl.searchParams.append('user_ids[]', user.id);
    onCallsUrl.searchParams.set('since', now.toISOString());
    onCallsUrl.searchParams.set('until', now.toISOString());
    const onCalls = OnCallsPage.parse(await getJson(onCallsUrl, headers, 'PagerDuty GET /oncalls'));
    return onCalls.oncalls.some((o) => o.user.id === user.id);
  }
}
