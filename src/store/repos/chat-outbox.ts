import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { ChatEffect, ChatProgress, OwedChat } from '../../access/outbox/effects';
import type { ChatOutbox } from '../../access/ports';
import type { Db } from '../db';
import { chatOutbox } from '../schema';

const OWED = and(isNull(chatOutbox.deliveredAt), isNull(chatOutbox.abandonedAt));

function toOwed({ requestId: _requestId, lastError: _lastError, ...row }: typeof chatOutbox.$inferSelect): OwedChat {
  return row;
}

/** The ChatOutbox port over the `chat_outbox` table. */
export class DrizzleChatOutbox implements ChatOutbox {
  constructor(private readonly db: Db) {}

  async add(effect: ChatEffect, requestId: string | null, at: Date): Promise<number> {
    const [row] = await this.db.insert(chatOutbox).values({ effect, requestId, createdAt: at }).returning({ id: chatOutbox.id });
    return row!.id;
  }

  async get(id: number): Promise<OwedChat | undefined> {
    const [row] = await this.db.select().from(chatOutbox).where(eq(chatOutbox.id, id));
    return row && toOwed(row);
  }

  async saveAttempt(id: number, progress: ChatProgress, outcome: { deliveredAt: Date } | { error: string }): Promise<void> {
    await this.db
      .update(chatOutbox)
      .set({
        progress,
        attempts: sql`${chatOutbox.attempts} + 1`,
        ...('deliveredAt' in outcome ? { deliveredAt: outcome.deliveredAt, lastError: null } : { lastError: outcome.error.slice(0, 1000) }),
      })
      .where(and(eq(chatOutbox.id, id), OWED));
  }

  async abandon(id: number, at: Date, error: string): Promise<boolean> {
    const rows = await this.db
      .update(chatOutbox)
      .set({ abandonedAt: at, lastError: error.slice(0, 1000) })
      .where(and(eq(chatOutbox.id, id), OWED))
      .returning({ id: chatOutbox.id });
    return rows.length === 1;
  }

  async listOwed(before: Date, limit: number): Promise<OwedChat[]> {
    const rows = await this.db
      .select()
      .from(chatOutbox)
      .where(and(OWED, lt(chatOutbox.createdAt, before)))
      .orderBy(asc(chatOutbox.createdAt))
      .limit(limit);
    return rows.map(toOwed);
  }
}
