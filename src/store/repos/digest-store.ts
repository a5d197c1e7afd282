import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { DigestLedger, DigestRecord, DigestSource } from '../../audit/digest/ports';
import type { Db } from '../db';
import { accessRequests, approvals, auditEvents, digests, grants } from '../schema';
import { toAuditEvent } from './audit-log';

/** The digest's rows and its one-per-day ledger, over drizzle. */
export class DrizzleDigestStore implements DigestSource, DigestLedger {
  constructor(private readonly db: Db) {}

  async load(start: Date, end: Date, deniedSince: Date) {
    const inWindow = and(gte(auditEvents.at, start), lt(auditEvents.at, end));
    const events = (await this.db.select().from(auditEvents).where(inWindow).orderBy(asc(auditEvents.id))).map(toAuditEvent);
    // The day's requests by subquery, not by a list of ids: a busy day names too many
    // ids for one IN list (drizzle overflows its stack building it).
    const touched = this.db
      .selectDistinct({ id: auditEvents.requestId })
      .from(auditEvents)
      .where(and(inWindow, isNotNull(auditEvents.requestId)));
    const recentlyDenied = and(
      eq(accessRequests.status, 'denied'),
      gte(accessRequests.decidedAt, deniedSince),
      lt(accessRequests.decidedAt, end),
    );
    const requestFilter = or(inArray(accessRequests.id, touched), recentlyDenied);
    const requests = await this.db.select().from(accessRequests).where(requestFilter);
    if (requests.length === 0) return { events, requests, approvals: [], grants: [] };
    const ids = this.db.select({ id: accessRequests.id }).from(accessRequests).where(requestFilter);
    const [approvalRows, grantRows] = await Promise.all([
      this.db.select().from(approvals).where(inArray(approvals.requestId, ids)).orderBy(asc(approvals.id)),
      this.db.select().from(grants).where(inArray(grants.requestId, ids)),
    ]);
    return {
      events,
      requests,
      approvals: approvalRows.map(({ id: _id, ...a }) => a),
      grants: grantRows.map(({ revokeRequestedAt: _at, ...g }) => g),
    };
  }

  async claim(day: string, platform: string, channel: string, now: Date, leaseUntil: Date): Promise<DigestRecord | undefined> {
    // One statement: create the row, or take the lease only if nobody holds it.
    const [row] = await this.db
      .insert(digests)
      .values({ day, platform, channel, leaseUntil, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [digests.day, digests.platform],
        set: { leaseUntil, updatedAt: now },
        setWhere: or(isNull(digests.leaseUntil), lte(digests.leaseUntil, now)),
      })
      .returning();
    return row && { channel: row.channel, parentTs: row.parentTs, replies: row.replies };
  }

  async saveParent(day: string, platform: string, messageId: string, now: Date): Promise<void> {
    await this.db
      .update(digests)
      .set({ parentTs: messageId, updatedAt: now })
      .where(and(eq(digests.day, day), eq(digests.platform, platform)));
  }

  async saveReply(day: string, platform: string, key: string, messageId: string, now: Date): Promise<void> {
    await this.db
      .update(digests)
      .set({ replies: sql`${digests.replies} || jsonb_build_object(${key}::text, ${messageId}::text)`, updatedAt: now })
      .where(and(eq(digests.day, day), eq(digests.platform, platform)));
  }

  async release(day: string, platform: string, now: Date, posted: boolean): Promise<void> {
    await this.db
      .update(digests)
      .set({ leaseUntil: null, updatedAt: now, ...(posted ? { postedAt: now } : {}) })
      .where(and(eq(digests.day, day), eq(digests.platform, platform)));
  }
}
