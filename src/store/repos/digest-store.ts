import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { DayTally } from '../../audit/digest/model';
import type { DigestLedger, DigestQuery, DigestRecord, DigestSource } from '../../audit/digest/ports';
import type { Db } from '../db';
import { accessRequests, approvals, auditEvents, digests, grants } from '../schema';
import { toAuditEvent } from './audit-log';

/** The digest's rows and its one-per-day ledger, over drizzle. */
export class DrizzleDigestStore implements DigestSource, DigestLedger {
  constructor(private readonly db: Db) {}

  async load({ start, end, deniedSince, revokeLateMs }: DigestQuery) {
    const inWindow = and(gte(auditEvents.at, start), lt(auditEvents.at, end));
    const [tally, notable] = await Promise.all([
      this.tally(inWindow),
      this.db
        .select()
        .from(auditEvents)
        .where(
          and(
            inWindow,
            or(
              inArray(auditEvents.action, ['revoke.failed', 'grant.activity']),
              and(eq(auditEvents.action, 'grant.expired'), sql`coalesce((${auditEvents.data}->>'lateMs')::numeric, 0) > ${revokeLateMs}`),
            ),
          ),
        )
        .orderBy(asc(auditEvents.id))
        .then((rows) => rows.map(toAuditEvent)),
    ]);
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
    if (requests.length === 0) return { tally, notable, requests, approvals: [], grants: [] };
    // The ids as one JSON parameter (drizzle would spread an array into a parameter each): the day's requests are not looked for again.
    const ids = sql`any(array(select jsonb_array_elements_text(${JSON.stringify(requests.map((r) => r.id))}::jsonb)))`;
    const [approvalRows, grantRows] = await Promise.all([
      this.db
        .select()
        .from(approvals)
        .where(sql`${approvals.requestId} = ${ids}`)
        .orderBy(asc(approvals.id)),
      this.db
        .select()
        .from(grants)
        .where(sql`${grants.requestId} = ${ids}`),
    ]);
    return {
      tally,
      notable,
      requests,
      approvals: approvalRows.map(({ id: _id, ...a }) => a),
      grants: grantRows.map(({ revokeRequestedAt: _at, ...g }) => g),
    };
  }

  /** The day's audit rows (`inWindow`) added up in Postgres: a million rows never travel to Node. */
  private async tally(inWindow: SQL | undefined): Promise<DayTally> {
    const [byAction, [median]] = await Promise.all([
      this.db
        .select({
          action: auditEvents.action,
          n: sql<number>`count(*)::int`,
          byPolicy: sql<number>`(count(*) filter (where ${auditEvents.actorId} = 'policy'))::int`,
        })
        .from(auditEvents)
        .where(inWindow)
        .groupBy(auditEvents.action),
      this.db
        .select({
          ms: sql<
            number | null
          >`percentile_cont(0.5) within group (order by extract(epoch from (${auditEvents.at} - ${accessRequests.createdAt})) * 1000)`,
        })
        .from(auditEvents)
        .innerJoin(accessRequests, eq(accessRequests.id, auditEvents.requestId))
        .where(and(inWindow, eq(auditEvents.action, 'request.approved'), sql`${auditEvents.actorPlatform} <> 'system'`)),
    ]);
    return {
      actions: Object.fromEntries(byAction.map((r) => [r.action, r.n])),
      autoApproved: byAction.find((r) => r.action === 'request.approved')?.byPolicy ?? 0,
      medianTimeToApproveMs: median?.ms === null || median?.ms === undefined ? null : Number(median.ms),
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
