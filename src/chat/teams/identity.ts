import type { Activity } from 'botbuilder';
import { AccessError } from '../../access/model/errors';
import type { Actor } from '../../access/model';

/**
 * The person behind an activity: their Entra object id, which the policy's
 * `teams_users` lists. Teams always sends it for people in a tenant; without it
 * (guests of other channels, bots) nobody can be identified, so nothing is done.
 */
export function actorOf(activity: Partial<Activity>): Actor {
  const aadObjectId = activity.from?.aadObjectId?.trim();
  if (!aadObjectId)
    throw new AccessError(
      'not_allowed',
      'I cannot tell who you are in your organisation (no Entra object id came with your message), so I cannot act for you.',
    );
  return { platform: 'teams', userId: aadObjectId.toLowerCase() };
}
