import { and, asc, count, desc, eq, getTableColumns, gte, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import { GRANT_TRANSITIONS, type GrantTransition, type RequestTransition } from '../../access/model/lifecycle';
import type { GrantActivity } from '../../access/model/activity';
import type { Extension, ExtensionSettlement, NewExtension } from '../../access/model/extension';
import type {
  AccessRequest,
  Approval,
  AuditEvent,
  AuditEventInput,
  ChatMessageRef,
  Grant,
  GrantEnd,
  GrantWithRequest,
  Person,
} from '../../access/model';
import type { AccessStore } from '../../access/ports';
import type { Db } from '../db';
import { accessRequests, approvals, chatMessages, grantExtensions, grants } from '../schema';
import { insertUnsealed, insertUnsealedFrom, listForRequest, type PendingAudit } from './audit-log';
import type { AuditSealer } from './audit-sealer';
import * as extensions from './extensions';

type GrantRow = typeof grants.$inferSelect;

function toGrant(row: GrantRow): Grant {
  const { revokeRequestedAt: _unused, ...grant } = row;
  return grant;
}

/**
 * Requests of a person: filed under their person key, or by the same account before
 * people existed (such rows name the account as its own person).
 */
function requestedBy(person: Person) {
  return or(
    eq(accessRequests.requesterPerson, person.key),
    and(eq(accessRequests.requesterPlatform, person.account.platform), eq(accessRequests.requesterId, person.account.userId)),
  )!;
}

/** Postgres' unique_violation: the row was already there (a double click, a retried job). */
function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string; cause?: { code?: string } })?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
  return code === '23505';
}

/**
 * The core's store port over drizzle; one instance per connection or transaction.
 * Inside a transaction, audit events are buffered and inserted in one statement at
 * its end; once it commits, the sealer chains them (off the request path).
 */
export class DrizzleAccessStore implements AccessStore {
  constructor(
    private readonly db: Db,
    private readonly sealer: AuditSealer,
    /** Set on a transaction's store: the audit events waiting for its end. */
    private readonly pendingAudit?: PendingAudit[],
  ) {}

  async transaction<T>(fn: (tx: AccessStore) => Promise<T>): Promise<T> {
    if (this.pendingAudit) return fn(this);
    const pending: PendingAudit[] = [];
    const result = await this.db.transaction(async (tx) => {
      const value = await fn(new DrizzleAccessStore(tx as unknown as Db, this.sealer, pending));
      await insertUnsealed(tx as unknown as Db, pending);
      return value;
    });
    if (pending.length > 0) this.sealer.kick();
    return result;
  }

  async insertRequest(request: AccessRequest): Promise<void> {
    await this.db.insert(accessRequests).values(request);
  }

  async getRequest(id: string): Promise<AccessRequest | undefined> {
    const [row] = await this.db.select().from(accessRequests).where(eq(accessRequests.id, id));
    return row;
  }

  async lockRequest(id: string): Promise<AccessRequest | undefined> {
    const [row] = await this.db.select().from(accessRequests).where(eq(accessRequests.id, id)).for('update');
    return row;
  }

  async transitionRequest(id: string, t: RequestTransition, at: Date): Promise<AccessRequest | undefined> {
    const decided = t.to === 'approved' || t.to === 'denied' ? { decidedAt: at } : {};
    const [row] = await this.db
      .update(accessRequests)
      .set({ status: t.to, updatedAt: at, ...decided })
      .where(and(eq(accessRequests.id, id), inArray(accessRequests.status, [...t.from])))
      .returning();
    return row;
  }

  transitionRequests(ids: string[], t: RequestTransition, at: Date): Promise<AccessRequest[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .update(accessRequests)
      .set({ status: t.to, updatedAt: at })
      .where(and(inArray(accessRequests.id, ids), inArray(accessRequests.status, [...t.from])))
      .returning();
  }

  async lockPerson(personKey: string): Promise<void> {
    if (!this.pendingAudit) throw new Error('lockPerson holds its lock until the transaction ends: call it inside one');
    await this.db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`jitbot:person:${personKey}`}, 0))`);
  }

  listRequestsByRequester(person: Person, limit: number): Promise<AccessRequest[]> {
    return this.db.select().from(accessRequests).where(requestedBy(person)).orderBy(desc(accessRequests.createdAt)).limit(limit);
  }

  async countRequestsSince(person: Person, since: Date): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(accessRequests)
      .where(and(requestedBy(person), gte(accessRequests.createdAt, since)));
    return row?.n ?? 0;
  }

  listRequestsByStatus(status: AccessRequest['status'], limit: number): Promise<AccessRequest[]> {
    return this.db
      .select()
      .from(accessRequests)
      .where(eq(accessRequests.status, status))
      .orderBy(asc(accessRequests.createdAt))
      .limit(limit);
  }

  listOpenRequests(person: Person, roleId: string): Promise<AccessRequest[]> {
    return this.db
      .select()
      .from(accessRequests)
      .where(and(requestedBy(person), eq(accessRequests.roleId, roleId), inArray(accessRequests.status, ['pending', 'approved', 'active'])))
      .orderBy(asc(accessRequests.createdAt));
  }

  async shortenApprovedDuration(id: string, ms: number): Promise<void> {
    await this.db
      .update(accessRequests)
      .set({ approvedDurationMs: sql`least(coalesce(${accessRequests.approvedDurationMs}, ${accessRequests.durationMs}), ${ms})` })
      .where(eq(accessRequests.id, id));
  }

  async markReviewed(id: string, by: string, at: Date): Promise<boolean> {
    const rows = await this.db
      .update(accessRequests)
      .set({ reviewedBy: by, reviewedAt: at })
      .where(and(eq(accessRequests.id, id), eq(accessRequests.breakGlass, true), isNull(accessRequests.reviewedAt)))
      .returning({ id: accessRequests.id });
    return rows.length === 1;
  }

  async markReviewReminded(id: string, at: Date): Promise<boolean> {
    const rows = await this.db
      .update(accessRequests)
      .set({ reviewRemindedAt: at })
      .where(and(eq(accessRequests.id, id), isNull(accessRequests.reviewedAt), isNull(accessRequests.reviewRemindedAt)))
      .returning({ id: accessRequests.id });
    return rows.length === 1;
  }

  async markReminded(id: string, at: Date): Promise<boolean> {
    const rows = await this.db
      .update(accessRequests)
      .set({ remindedAt: at })
      .where(and(eq(accessRequests.id, id), isNull(accessRequests.remindedAt)))
      .returning({ id: accessRequests.id });
    return rows.length === 1;
  }

  async markEscalated(id: string, tier: number): Promise<boolean> {
    const rows = await this.db
      .update(accessRequests)
      .set({ escalatedTiers: sql`array_append(${accessRequests.escalatedTiers}, ${tier}::integer)` })
      .where(and(eq(accessRequests.id, id), sql`not (${tier}::integer = any(${accessRequests.escalatedTiers}))`))
      .returning({ id: accessRequests.id });
    return rows.length === 1;
  }

  async markVerifyFailed(id: string, at: Date): Promise<void> {
    await this.db
      .update(grants)
      .set({ verifyFailedAt: at, updatedAt: at })
      .where(and(eq(grants.id, id), isNull(grants.verifyFailedAt)));
  }

  listBreakGlassReviewsDue(createdBefore: Date, limit: number): Promise<AccessRequest[]> {
    return this.db
      .select()
      .from(accessRequests)
      .where(
        and(
          eq(accessRequests.breakGlass, true),
          isNull(accessRequests.reviewedAt),
          isNull(accessRequests.reviewRemindedAt),
          lte(accessRequests.createdAt, createdBefore),
        ),
      )
      .orderBy(asc(accessRequests.createdAt))
      .limit(limit);
  }

  async insertApproval(approval: Approval): Promise<boolean> {
    const rows = await this.db.insert(approvals).values(approval).onConflictDoNothing().returning({ id: approvals.id });
    return rows.length === 1;
  }

  async listApprovals(requestId: string): Promise<Approval[]> {
    const rows = await this.db.select().from(approvals).where(eq(approvals.requestId, requestId)).orderBy(asc(approvals.id));
    return rows.map(({ id: _id, ...a }) => a);
  }

  async insertGrant(grant: Grant): Promise<void> {
    try {
      await this.db.insert(grants).values(grant);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
  }

  async getGrant(id: string): Promise<Grant | undefined> {
    const [row] = await this.db.select().from(grants).where(eq(grants.id, id));
    return row && toGrant(row);
  }

  async getGrantForRequest(requestId: string): Promise<Grant | undefined> {
    const [row] = await this.db.select().from(grants).where(eq(grants.requestId, requestId));
    return row && toGrant(row);
  }

  async saveGrantingRef(id: string, ref: string, at: Date): Promise<void> {
    await this.db
      .update(grants)
      .set({ providerRef: ref, updatedAt: at })
      .where(and(eq(grants.id, id), eq(grants.status, 'granting')));
  }

  liveGrants(provider: string): Promise<Pick<Grant, 'id' | 'status' | 'providerRef'>[]> {
    return this.db
      .select({ id: grants.id, status: grants.status, providerRef: grants.providerRef })
      .from(grants)
      .where(and(eq(grants.provider, provider), inArray(grants.status, ['granting', 'active', 'revoking', 'revoke_failed'])));
  }

  async transitionGrant(id: string, t: GrantTransition, patch: Partial<Grant>, at: Date): Promise<Grant | undefined> {
    const [row] = await this.db
      .update(grants)
      .set({ ...patch, status: t.to, updatedAt: at })
      .where(and(eq(grants.id, id), inArray(grants.status, [...t.from])))
      .returning();
    return row && toGrant(row);
  }

  async getGrantsWithRequests(ids: string[]): Promise<GrantWithRequest[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select({ grant: grants, request: accessRequests })
      .from(grants)
      .innerJoin(accessRequests, eq(accessRequests.id, grants.requestId))
      .where(inArray(grants.id, ids));
    return rows.map(({ grant, request }) => ({ grant: toGrant(grant), request }));
  }

  startRevokes(ids: string[], started: Pick<AuditEventInput, 'action' | 'actor'>, at: Date): Promise<Grant[]> {
    return this.auditingStatement('startRevokes', ids, async () => {
      const t = GRANT_TRANSITIONS.startRevoke;
      // The rows are locked first and their status read under the lock: a worker racing
      // another (queue and reconciler) waits, then sees 'revoking', so only the one that
      // moved the grant off 'active' audits revoke.started. (A plain snapshot read would
      // show both of them 'active'.)
      const locked = this.db.$with('locked').as(
        this.db
          .select({
            id: grants.id,
            requestId: sql<string>`${grants.requestId}`.as('request_id'),
            was: sql<string>`${grants.status}`.as('was'),
          })
          .from(grants)
          .where(and(inArray(grants.id, ids), inArray(grants.status, [...t.from])))
          .for('update'),
      );
      const audit = this.db
        .$with('started_audit', {})
        .as(insertUnsealedFrom(sql`(select id, request_id from locked where was = 'active')`, started, at));
      const rows = await this.db
        .with(locked, audit)
        .update(grants)
        .set({ status: t.to, updatedAt: at })
        .from(locked)
        .where(eq(grants.id, locked.id))
        .returning(getTableColumns(grants));
      return rows.map(toGrant);
    });
  }

  async finishGrants(t: GrantTransition, ends: GrantEnd[]): Promise<Grant[]> {
    if (ends.length === 0) return [];
    // One row of values per grant: each ends at its own time (revoke lateness is measured on it).
    const values = sql.join(
      ends.map((e) => sql`(${e.id}, ${e.revokedAt.toISOString()}::timestamptz, ${e.activity ? JSON.stringify(e.activity) : null}::jsonb)`),
      sql`, `,
    );
    const rows = await this.db
      .update(grants)
      .set({
        status: t.to,
        revokedAt: sql`v.revoked_at`,
        updatedAt: sql`v.revoked_at`,
        activity: sql`coalesce(v.activity, ${grants.activity})`,
      })
      .from(sql`(values ${values}) as v(id, revoked_at, activity)`)
      .where(and(eq(grants.id, sql`v.id`), inArray(grants.status, [...t.from])))
      .returning(getTableColumns(grants));
    return rows.map(toGrant);
  }

  async requestRevoke(id: string, by: string, at: Date): Promise<boolean> {
    const rows = await this.db
      .update(grants)
      .set({ revokeRequestedBy: by, revokeRequestedAt: at, updatedAt: at })
      .where(and(eq(grants.id, id), eq(grants.status, 'active'), sql`${grants.revokeRequestedBy} is null`))
      .returning({ id: grants.id });
    return rows.length === 1;
  }

  async incrementRevokeAttempts(id: string, at: Date): Promise<number> {
    const [row] = await this.db
      .update(grants)
      .set({ revokeAttempts: sql`${grants.revokeAttempts} + 1`, updatedAt: at })
      .where(eq(grants.id, id))
      .returning({ n: grants.revokeAttempts });
    return row?.n ?? 0;
  }

  async listGrantsDueForRevoke(now: Date, stalledBefore: Date, limit: number): Promise<Grant[]> {
    const rows = await this.db
      .select()
      .from(grants)
      .where(
        or(
          and(eq(grants.status, 'active'), lte(grants.expiresAt, now)),
          and(eq(grants.status, 'active'), isNotNull(grants.revokeRequestedBy), lte(grants.updatedAt, stalledBefore)),
          and(inArray(grants.status, ['revoking', 'revoke_failed']), lte(grants.updatedAt, stalledBefore)),
        ),
      )
      .orderBy(asc(grants.expiresAt))
      .limit(limit);
    return rows.map(toGrant);
  }

  async countActiveGrants(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(grants).where(eq(grants.status, 'active'));
    return row?.n ?? 0;
  }

  markRevokesVerified(ids: string[], verified: Pick<AuditEventInput, 'action' | 'actor'>, at: Date): Promise<string[]> {
    return this.auditingStatement('markRevokesVerified', ids, async () => {
      // The audit rows are those of the grants the update marked, so each is audited once.
      const marked = this.db.$with('marked').as(
        this.db
          .update(grants)
          .set({ revokeVerifiedAt: at, updatedAt: at })
          .where(and(inArray(grants.id, ids), inArray(grants.status, ['expired', 'revoked']), isNull(grants.revokeVerifiedAt)))
          .returning({ id: grants.id, requestId: grants.requestId, provider: grants.provider }),
      );
      const audit = this.db
        .$with('verified_audit', {})
        .as(insertUnsealedFrom(sql`marked`, verified, at, sql`jsonb_build_object('provider', s.provider)`));
      const rows = await this.db.with(marked, audit).select({ id: marked.id }).from(marked);
      return rows.map((r) => r.id);
    });
  }

  async listGrantsAwaitingVerification(endedBefore: Date, limit: number): Promise<Grant[]> {
    const rows = await this.db
      .select()
      .from(grants)
      .where(and(inArray(grants.status, ['expired', 'revoked']), isNull(grants.revokeVerifiedAt), lte(grants.revokedAt, endedBefore)))
      .orderBy(asc(grants.revokedAt))
      .limit(limit);
    return rows.map(toGrant);
  }

  async saveActivity(id: string, activity: GrantActivity, at: Date): Promise<boolean> {
    const rows = await this.db
      .update(grants)
      .set({ activity, updatedAt: at })
      .where(and(eq(grants.id, id), isNull(grants.activity)))
      .returning({ id: grants.id });
    return rows.length === 1;
  }

  async listGrantsAwaitingActivity(endedAfter: Date, endedBefore: Date, limit: number): Promise<Grant[]> {
    const rows = await this.db
      .select()
      .from(grants)
      .where(
        and(
          inArray(grants.status, ['expired', 'revoked']),
          isNull(grants.activity),
          gte(grants.revokedAt, endedAfter),
          lte(grants.revokedAt, endedBefore),
        ),
      )
      .orderBy(asc(grants.revokedAt))
      .limit(limit);
    return rows.map(toGrant);
  }

  /**
   * A change to grants whose audit rows are written by the same statement (a CTE): one
   * round trip, atomic by itself, so it is never part of a transaction; the sealer is
   * kicked once it has committed. Nothing to change: no statement.
   */
  private async auditingStatement<T>(what: string, ids: string[], run: () => Promise<T[]>): Promise<T[]> {
    if (ids.length === 0) return [];
    if (this.pendingAudit) throw new Error(`${what} is a statement of its own, not part of a transaction`);
    const rows = await run();
    this.sealer.kick();
    return rows;
  }

  async appendAudit(event: AuditEventInput, at: Date): Promise<void> {
    if (this.pendingAudit) {
      this.pendingAudit.push({ event, at });
      return;
    }
    await insertUnsealed(this.db, [{ event, at }]);
    this.sealer.kick();
  }

  listAudit(requestId: string): Promise<AuditEvent[]> {
    return listForRequest(this.db, requestId);
  }

  async saveMessageRefs(requestId: string, refs: ChatMessageRef[]): Promise<void> {
    if (refs.length === 0) return;
    const createdAt = new Date();
    await this.db.insert(chatMessages).values(refs.map(({ tier, ...r }) => ({ ...r, escalationTier: tier ?? null, requestId, createdAt })));
  }

  async listMessageRefs(requestId: string): Promise<ChatMessageRef[]> {
    const rows = await this.db
      .select({
        platform: chatMessages.platform,
        channel: chatMessages.channel,
        messageId: chatMessages.messageId,
        tier: chatMessages.escalationTier,
      })
      .from(chatMessages)
      .where(and(eq(chatMessages.requestId, requestId), isNull(chatMessages.staleAt)))
      .orderBy(asc(chatMessages.id));
    return rows.map(({ tier, ...ref }) => (tier === null ? ref : { ...ref, tier }));
  }

  async markCardStale(ref: ChatMessageRef, at: Date): Promise<void> {
    await this.db
      .update(chatMessages)
      .set({ staleAt: at })
      .where(
        and(eq(chatMessages.platform, ref.platform), eq(chatMessages.channel, ref.channel), eq(chatMessages.messageId, ref.messageId)),
      );
  }

  // Extensions (/jit extend): the queries live in extensions.ts.
  insertExtension(ext: NewExtension): Promise<Extension | undefined> {
    return extensions.insertExtension(this.db, ext);
  }
  getExtension(id: number): Promise<Extension | undefined> {
    return extensions.getExtension(this.db, id);
  }
  settleExtension(id: number, settlement: ExtensionSettlement): Promise<Extension | undefined> {
    return extensions.settleExtension(this.db, id, settlement);
  }
  lapsePendingExtensions(grantId: string, lapsed: Pick<AuditEventInput, 'action' | 'actor'>, at: Date): Promise<Extension[]> {
    return this.auditingStatement('lapsePendingExtensions', [grantId], async () => {
      // One statement: the asks it settled are exactly those it audits.
      const settled = this.db.$with('settled').as(
        this.db
          .update(grantExtensions)
          .set({
            status: 'lapsed',
            decidedBy: lapsed.actor.userId,
            decidedByPlatform: lapsed.actor.platform as Extension['decidedByPlatform'],
            newExpiresAt: null,
            decidedAt: at,
          })
          .where(and(eq(grantExtensions.grantId, grantId), eq(grantExtensions.status, 'pending')))
          .returning(),
      );
      const audit = this.db
        .$with('lapsed_audit', {})
        .as(
          insertUnsealedFrom(
            sql`(select grant_id as id, request_id, id as extension_id from settled)`,
            lapsed,
            at,
            sql`jsonb_build_object('extensionId', s.extension_id)`,
          ),
        );
      return this.db.with(settled, audit).select().from(settled);
    });
  }
  saveExtensionCards(id: number, cards: ChatMessageRef[]): Promise<void> {
    return extensions.saveExtensionCards(this.db, id, cards);
  }
  moveGrantExpiry(grantId: string, from: Date, to: Date, at: Date): Promise<boolean> {
    return extensions.moveGrantExpiry(this.db, grantId, from, to, at);
  }
}
