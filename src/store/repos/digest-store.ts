import { and, asc, eq, gte, inArray, isNull, lt, lte, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { DayTally, DigestData } from '../../audit/digest/model';
import type { Decision, GrantStatus, RequestStatus } from '../../access/model';
import type { GrantActivity } from '../../access/model/activity';
import type { DigestLedger, DigestQuery, DigestRecord, DigestSource } from '../../audit/digest/ports';
import { selectRows, type Db } from '../db';
import { accessRequests, approvals, auditEvents, digests, grants } from '../schema';
import { toAuditEvent } from './audit-log';

/** One row of `requestRows`: a request, its grant's columns (null without one) and its decisions. */
interface RequestRow {
  id: string;
  status: RequestStatus;
  role_id: string;
  requester_id: string;
  requester_person: string;
  duration_ms: number | string;
  reason: string | null;
  ticket: string | null;
  auto_approved: boolean;
  break_glass: boolean;
  reviewed_by: string | null;
  created_at: number;
  decided_at: number | null;
  reviewed_at: number | null;
  grant_id: string | null;
  grant_status: GrantStatus | null;
  activated_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
  revoke_requested_by: string | null;
  activity: GrantActivity | null;
  /** [approver id, decision, epoch ms], oldest first. */
  decisions: Array<[string, Decision, number]> | null;
}

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
    const { requests, approvals, grants } = await this.requestRows({ start, end, deniedSince });
    return { tally, notable, requests, approvals, grants };
  }

  /**
   * The requests the day's events touch (by subquery: a busy day names too many ids for a
   * list) and those denied since `deniedSince`, each with its grant and its decisions, in one
   * query of only the columns the digest reads; times travel as epoch milliseconds.
   */
  private async requestRows({ start, end, deniedSince }: Omit<DigestQuery, 'revokeLateMs'>) {
    const ms = (column: SQL | AnyColumn) => sql`(extract(epoch from ${column}) * 1000)::float8`;
    // Raw SQL takes times as text (the drivers' Date handling is drizzle's, for its own queries).
    const [from, to, denied] = [start, end, deniedSince].map((d) => sql`${d.toISOString()}::timestamptz`);
    const touched = sql`select distinct ${auditEvents.requestId} from ${auditEvents}
      where ${auditEvents.at} >= ${from} and ${auditEvents.at} < ${to} and ${auditEvents.requestId} is not null`;
    const rows = await selectRows<RequestRow>(
      this.db,
      sql`select ${accessRequests.id} as id, ${accessRequests.status} as status, ${accessRequests.roleId} as role_id,
        ${accessRequests.requesterId} as requester_id, ${accessRequests.requesterPerson} as requester_person,
        ${accessRequests.durationMs} as duration_ms, ${accessRequests.reason} as reason, ${accessRequests.ticket} as ticket,
        ${accessRequests.autoApproved} as auto_approved, ${accessRequests.breakGlass} as break_glass,
        ${accessRequests.reviewedBy} as reviewed_by, ${ms(accessRequests.createdAt)} as created_at,
        ${ms(accessRequests.decidedAt)} as decided_at, ${ms(accessRequests.reviewedAt)} as reviewed_at,
        ${grants.id} as grant_id, ${grants.status} as grant_status, ${ms(grants.activatedAt)} as activated_at,
        ${ms(grants.expiresAt)} as expires_at, ${ms(grants.revokedAt)} as revoked_at,
        ${grants.revokeRequestedBy} as revoke_requested_by, ${grants.activity} as activity,
        (select json_agg(json_build_array(${approvals.approverId}, ${approvals.decision}, ${ms(approvals.createdAt)}) order by ${approvals.id})
           from ${approvals} where ${approvals.requestId} = ${accessRequests.id}) as decisions
      from ${accessRequests} left join ${grants} on ${grants.requestId} = ${accessRequests.id}
      where ${accessRequests.id} in (${touched})
         or (${accessRequests.status} = 'denied' and ${accessRequests.decidedAt} >= ${denied} and ${accessRequests.decidedAt} < ${to})`,
    );
    const at = (v: number | null) => (v === null ? null : new Date(v));
    const result: Pick<DigestData, 'requests' | 'approvals' | 'grants'> = { requests: [], approvals: [], grants: [] };
    for (const r of rows) {
      result.requests.push({
        id: r.id,
        status: r.status,
        roleId: r.role_id,
        requesterId: r.requester_id,
        requesterPerson: r.requester_person,
        durationMs: Number(r.duration_ms),
        reason: r.reason,
        ticket: r.ticket,
        autoApproved: r.auto_approved,
        breakGlass: r.break_glass,
        reviewedBy: r.reviewed_by,
        createdAt: new Date(r.created_at),
        decidedAt: at(r.decided_at),
        reviewedAt: at(r.reviewed_at),
      });
      for (const [approverId, decision, createdAt] of r.decisions ?? [])
        result.approvals.push({ requestId: r.id, approverId, decision, createdAt: new Date(createdAt) });
      if (r.grant_id && r.grant_status)
        result.grants.push({
          id: r.grant_id,
          requestId: r.id,
          status: r.grant_status,
          activatedAt: at(r.activated_at),
          expiresAt: at(r.expires_at),
          revokedAt: at(r.revoked_at),
          revokeRequestedBy: r.revoke_requested_by,
          activity: r.activity,
        });
    }
    return result;
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
