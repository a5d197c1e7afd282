/**
 * Where the bot can write to in Teams without being spoken to first. Teams only
 * lets a bot post proactively with a conversation reference it has seen (install,
 * a message), so the adapter keeps them; store/ implements this port.
 */
export interface StoredConversation {
  /** The conversation id (a channel's id for channels, without `;messageid=`). */
  conversationId: string;
  kind: 'personal' | 'channel' | 'groupChat';
  /** For personal chats: the Entra object id of the user at the other end. */
  userAadObjectId: string | null;
  serviceUrl: string;
  /** Bot Framework's `ConversationReference`, as JSON. */
  reference: Record<string, unknown>;
}

export interface ConversationReferenceStore {
  /** Inserts or refreshes the reference of a conversation. */
  save(conversation: StoredConversation, at: Date): Promise<void>;
  forConversation(conversationId: string): Promise<StoredConversation | undefined>;
  /** The user's 1:1 chat with the bot, if they installed it or wrote to it. */
  forUser(aadObjectId: string): Promise<StoredConversation | undefined>;
  /** The service URL of the most recently seen conversation (Teams uses one per region). */
  latestServiceUrl(): Promise<string | undefined>;
}
