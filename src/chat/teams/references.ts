import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { StoredConversation } from './conversation-store';
import type { TeamsDeps } from './deps';

/** A channel's id without the thread suffix Teams appends to message conversations. */
export function channelConversationId(activity: Partial<Activity>): string {
  const channelId = (activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
  return channelId ?? String(activity.conversation?.id ?? '').replace(/;messageid=.*$/, '');
}

/** The reference to post to this conversation later, as a new message (not a reply). */
export function storedConversation(activity: Partial<Activity>): StoredConversation {
  const { activityId: _reply, ...reference } = TurnContext.getConversationReference(activity) as ConversationReference;
  const type = activity.conversation?.conversationType;
  const kind: StoredConversation['kind'] = type === 'channel' ? 'channel' : type === 'groupChat' ? 'groupChat' : 'personal';
  const conversationId = kind === 'channel' ? channelConversationId(activity) : String(activity.conversation?.id ?? '');
  return {
    conversationId,
    kind,
    userAadObjectId: kind === 'personal' ? (activity.from?.aadObjectId?.toLowerCase() ?? null) : null,
    serviceUrl: String(activity.serviceUrl ?? ''),
    reference: { ...reference, conversation: { ...reference.conversation, id: conversationId } } as unknown as Record<string, unknown>,
  };
}

/** Keeps the conversation's reference so the bot can write there proactively; never fails the turn. */
export async function rememberConversation(deps: TeamsDeps, activity: Partial<Activity>): Promise<StoredConversation | undefined> {
  if (!activity.conversation?.id || !activity.serviceUrl) return undefined;
  const stored = storedConversation(activity);
  try {
    await deps.conversations.save(stored, deps.clock.now());
  } catch (e) {
    deps.logger.error({ err: e, conversationId: stored.conversationId }, 'could not store the Teams conversation reference');
  }
  return stored;
}
