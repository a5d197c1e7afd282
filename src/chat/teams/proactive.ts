import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { ConversationReferenceStore } from './conversation-store';

/**
 * Proactive posting in Teams, shared by the notifier and the follow-ups: a channel
 * the bot knows, a thread under one of its messages, or a person's 1:1 chat.
 */
export class TeamsPoster {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly conversations: ConversationReferenceStore,
  ) {}

  /** Runs `logic` in a conversation the bot has seen, or in a channel of a team in the same region. */
  async inConversation(conversationId: string, logic: (context: TurnContext) => Promise<unknown>): Promise<void> {
    await this.continue(await this.referenceTo(conversationId), logic);
  }

  /** Runs `logic` in the thread under a message the bot posted in a channel (Teams: `<channel>;messageid=<id>`). */
  async inThread(channelId: string, messageId: string, logic: (context: TurnContext) => Promise<unknown>): Promise<void> {
    const reference = await this.referenceTo(channelId);
    await this.continue({ ...reference, conversation: { ...reference.conversation!, id: `${channelId};messageid=${messageId}` } }, logic);
  }

  /** Runs `logic` in the person's 1:1 chat with the bot; false when they never installed it or wrote to it. */
  async withUser(aadObjectId: string, logic: (context: TurnContext) => Promise<unknown>): Promise<boolean> {
    const personal = await this.conversations.forUser(aadObjectId);
    if (!personal) return false;
    await this.continue(personal.reference as Partial<ConversationReference>, logic);
    return true;
  }

  private async referenceTo(conversationId: string): Promise<Partial<ConversationReference>> {
    const stored = await this.conversations.forConversation(conversationId);
    if (stored) return stored.reference as Partial<ConversationReference>;
    // A channel other than the one the bot was installed in: same tenant, same service URL.
    const serviceUrl = await this.conversations.latestServiceUrl();
    if (!serviceUrl) throw new Error(`Teams conversation ${conversationId} is unknown: add jitbot to its team first (docs/teams.md).`);
    return { channelId: 'msteams', serviceUrl, conversation: { id: conversationId, isGroup: true, conversationType: 'channel', name: '' } };
  }

  private async continue(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<unknown>): Promise<void> {
    await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      // The synthetic "continue" event has a random id, which botbuilder would turn into
      // `replyToId`: posts would reply to a message that does not exist instead of starting their own.
      context.activity.id = undefined;
      await logic(context);
    });
  }
}
