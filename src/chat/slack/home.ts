import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../access/model';
import { appHome } from './blocks/app-home';
import type { SlackListenerDeps } from './deps';

/** Builds and publishes one person's App Home (on opening it, after a button there changed something, and when their access ended). */
export async function publishHome(deps: Pick<SlackListenerDeps, 'service'>, client: WebClient, userId: string): Promise<void> {
  const actor: Actor = { platform: 'slack', userId };
  const { service } = deps;
  const view = appHome({ ...(await service.home(actor)), sandbox: service.roles().some((r) => r.provider === 'sandbox') });
  await client.views.publish({ user_id: userId, view });
}
