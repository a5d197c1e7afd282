import { and, eq, sql } from 'drizzle-orm';
import type { Extension, ExtensionSettlement, NewExtension } from '../../access/model/extension';
import type { ChatMessageRef } from '../../access/model';
import type { Db } from '../db';
import { grantExtensions, grants } from '../schema';

/** The ExtensionStore half of DrizzleAccessStore (kept apart so each table's queries live in one file). */
export async function insertExtension(db: Db, ext: NewExtension): Promise<Extension | undefined> {
  // The partial unique index allows one pending ask per grant; a second is not an error, just refused.
  const [row] = await db
    .insert(grantExtensions)
    .values({ status: 'pending', ...ext })
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function getExtension(db: Db, id: number): Promise<Extension | undefined> {
  const [row] = await db.select().from(grantExtensions).where(eq(grantExtensions.id, id));
  return row;
}

export async function settleExtension(db: Db, id: number, settlement: ExtensionSettlement): Promise<Extension | undefined> {
  const [row] = await db
    .update(grantExtensions)
    .set(settlement)
    .where(and(eq(grantExtensions.id, id), eq(grantExtensions.status, 'pending')))
    .returning();
  return row;
}

export async function saveExtensionCards(db: Db, id: number, cards: ChatMessageRef[]): Promise<void> {
  await db.update(grantExtensions).set({ cards }).where(eq(grantExtensions.id, id));
}

export async function moveGrantExpiry(db: Db, grantId: string, from: Date, to: Date, at: Date): Promise<boolean> {
  const rows = await db
    .update(grants)
    .set({ expiresAt: to, updatedAt: at })
    .where(and(eq(grants.id, grantId), eq(grants.status, 'active'), eq(grants.expiresAt, from), sql`${grants.revokeRequestedBy} is null`))
    .returning({ id: grants.id });
  return rows.length === 1;
}
