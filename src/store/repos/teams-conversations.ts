import { and, desc, eq } from 'drizzle-orm';
import type { ConversationReferenceStore, StoredConversation } from '../../chat/teams/conversation-store';
import type { Db } from '../db';
import { teamsConversations, type TeamsConversationRow } from '../schema';

function toStored({ updatedAt: _updatedAt, ...row }: TeamsConversationRow): StoredConversation {
  return row;
}

/** The Teams adapter's conversation references in Postgres (or PGlite). */
export class DrizzleConversationReferenceStore implements ConversationReferenceStore {
  constructor(private readonly db: Db) {}

  async save(conversation: StoredConversation, at: Date): Promise<void> {
    await this.db
      .insert(teamsConversations)
      .values({ ...conversation, updatedAt: at })
      .onConflictDoUpdate({ target: teamsConversations.conversationId, set: { ...conversation, updatedAt: at } });
  }

  async forConversation(conversationId: string): Promise<StoredConversation | undefined> {
    const [row] = await this.db.select().from(teamsConversations).where(eq(teamsConversations.conversationId, conversationId));
    return row && toStored(row);
  }

  async forUser(aadObjectId: string): Promise<StoredConversation | undefined> {
    const [row] = await this.db
      .select()
      .from(teamsConversations)
      .where(and(eq(teamsConversations.userAadObjectId, aadObjectId), eq(teamsConversations.kind, 'personal')))
      .orderBy(desc(teamsConversations.updatedAt))
      .limit(1);
    return row && toStored(row);
  }

  async latestServiceUrl(): Promise<string | undefined> {
    const [row] = await this.db
      .select({ serviceUrl: teamsConversations.serviceUrl })
      .from(teamsConversations)
      .orderBy(desc(teamsConversations.updatedAt))
      .limit(1);
    return row?.serviceUrl;
  }
}
