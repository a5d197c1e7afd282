import type { GrantActivity } from '../../../src/access/model/activity';
import type { Extension, ExtensionSettlement, NewExtension } from '../../../src/access/model/extension';
import { GRANT_TRANSITIONS, type GrantTransition, type RequestTransition } from '../../../src/access/model/lifecycle';
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
} from '../../../src/access/model';
import type { AccessStore } from '../../../src/access/ports';

/** The rows, as the Postgres tables hold them (plus the columns the core reads through methods). */
interface Tables {
  requests: Map<string, AccessRequest & { remindedAt: Date | null; escalatedTiers: number[] }>;
  approvals: Approval[];
  grants: Map<string, Grant>;
  audit: AuditEvent[];
  cards: Array<ChatMessageRef & { requestId: string; staleAt: Date | null }>;
  extensions: Map<number, Extension>;
}

const emptyTables = (): Tables => ({ requests: new Map(), approvals: [], grants: new Map(), audit: [], cards: [], extensions: new Map() });
const copy = <T>(row: T): T => structuredClone(row);
const byCreated = (a: { createdAt: Date }, b: { createdAt: Date }) => a.createdAt.getTime() - b.createdAt.getTime();

/**
 * The store port in memory, for unit tests of the core: the same answers as the Postgres
 * adapter (conditional updates that return undefined or false when the row was not in a
 * state to change, copies rather than live rows), transactions that run one at a time
 * and roll back on a throw. What only Postgres can prove (row locks between processes,
 * the hash chain, CTE statements under concurrency) stays with the integration tests.
 */
export class MemoryAccessStore implements AccessStore {
  private readonly state: { tables: Tables; nextAuditId: number; nextExtensionId: number };
  /** Transactions run one after another (the stand-in for row and advisory locks). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    shared?: MemoryAccessStore['state'],
    private readonly inTransaction = false,
  ) {
    this.state = shared ?? { tables: emptyTables(), nextAuditId: 1, nextExtensionId: 1 };
  }

  private get t(): Tables {
    return this.state.tables;
  }

  transaction<T>(fn: (tx: AccessStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    const run = async () => {
      const before = { tables: copy(this.state.tables), nextAuditId: this.state.nextAuditId, nextExtensionId: this.state.nextExtensionId };
      try {
        return await fn(new MemoryAccessStore(this.state, true));
      } catch (e) {
        Object.assign(this.state, before);
        throw e;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  // Requests
  async insertRequest(request: AccessRequest): Promise<void> {
    if (this.t.requests.has(request.id)) throw new Error(`duplicate request id ${request.id}`);
    this.t.requests.set(request.id, { ...copy(request), remindedAt: null, escalatedTiers: [] });
  }
  async getRequest(id: string): Promise<AccessRequest | undefined> {
    const row = this.t.requests.get(id);
    return row && copy(row);
  }
  lockRequest(id: string): Promise<AccessRequest | undefined> {
    return this.getRequest(id);
  }
  async transitionRequest(id: string, t: RequestTransition, at: Date): Promise<AccessRequest | undefined> {
    const row = this.t.requests.get(id);
    if (!row || !(t.from as readonly string[]).includes(row.status)) return undefined;
    Object.assign(row, { status: t.to, updatedAt: at }, t.to === 'approved' || t.to === 'denied' ? { decidedAt: at } : {});
    return copy(row);
  }
  async transitionRequests(ids: string[], t: RequestTransition, at: Date): Promise<AccessRequest[]> {
    const moved: AccessRequest[] = [];
    for (const id of ids) {
      const row = this.t.requests.get(id);
      if (!row || !(t.from as readonly string[]).includes(row.status)) continue;
      Object.assign(row, { status: t.to, updatedAt: at });
      moved.push(copy(row));
    }
    return moved;
  }
  async lockPerson(): Promise<void> {
    if (!this.inTransaction) throw new Error('lockPerson holds its lock until the transaction ends: call it inside one');
  }
  private requestsOf(person: Person) {
    return [...this.t.requests.values()].filter(
      (r) =>
        r.requesterPerson === person.key || (r.requesterPlatform === person.account.platform && r.requesterId === person.account.userId),
    );
  }
  async listRequestsByRequester(person: Person, limit: number): Promise<AccessRequest[]> {
    return this.requestsOf(person).sort(byCreated).reverse().slice(0, limit).map(copy);
  }
  async countRequestsSince(person: Person, since: Date): Promise<number> {
    return this.requestsOf(person).filter((r) => r.createdAt >= since).length;
  }
  async listRequestsByStatus(status: AccessRequest['status'], limit: number): Promise<AccessRequest[]> {
    return [...this.t.requests.values()]
      .filter((r) => r.status === status)
      .sort(byCreated)
      .slice(0, limit)
      .map(copy);
  }
  async listOpenRequests(person: Person, roleId: string): Promise<AccessRequest[]> {
    return this.requestsOf(person)
      .filter((r) => r.roleId === roleId && ['pending', 'approved', 'active'].includes(r.status))
      .sort(byCreated)
      .map(copy);
  }
  async shortenApprovedDuration(id: string, ms: number): Promise<void> {
    const row = this.t.requests.get(id);
    if (row) row.approvedDurationMs = Math.min(row.approvedDurationMs ?? row.durationMs, ms);
  }
  async markReviewed(id: string, by: string, at: Date): Promise<boolean> {
    const row = this.t.requests.get(id);
    if (!row || !row.breakGlass || row.reviewedAt) return false;
    Object.assign(row, { reviewedBy: by, reviewedAt: at });
    return true;
  }
  async markReminded(id: string, at: Date): Promise<boolean> {
    const row = this.t.requests.get(id);
    if (!row || row.remindedAt) return false;
    row.remindedAt = at;
    return true;
  }
  async markEscalated(id: string, tier: number): Promise<boolean> {
    const row = this.t.requests.get(id);
    if (!row || row.escalatedTiers.includes(tier)) return false;
    row.escalatedTiers.push(tier);
    return true;
  }
  async markReviewReminded(id: string, at: Date): Promise<boolean> {
    const row = this.t.requests.get(id);
    if (!row || row.reviewedAt || row.reviewRemindedAt) return false;
    row.reviewRemindedAt = at;
    return true;
  }
  async listBreakGlassReviewsDue(createdBefore: Date, limit: number): Promise<AccessRequest[]> {
    return [...this.t.requests.values()]
      .filter((r) => r.breakGlass && !r.reviewedAt && !r.reviewRemindedAt && r.createdAt <= createdBefore)
      .sort(byCreated)
      .slice(0, limit)
      .map(copy);
  }

  // Approvals: one per person per request (the unique index).
  async insertApproval(approval: Approval): Promise<boolean> {
    if (this.t.approvals.some((a) => a.requestId === approval.requestId && a.approverPerson === approval.approverPerson)) return false;
    this.t.approvals.push(copy(approval));
    return true;
  }
  async listApprovals(requestId: string): Promise<Approval[]> {
    return this.t.approvals.filter((a) => a.requestId === requestId).map(copy);
  }

  // Grants: one per request (the unique index; a second insert is ignored, as in Postgres).
  async insertGrant(grant: Grant): Promise<void> {
    if ([...this.t.grants.values()].some((g) => g.requestId === grant.requestId)) return;
    this.t.grants.set(grant.id, copy(grant));
  }
  async getGrant(id: string): Promise<Grant | undefined> {
    const row = this.t.grants.get(id);
    return row && copy(row);
  }
  async getGrantForRequest(requestId: string): Promise<Grant | undefined> {
    const row = [...this.t.grants.values()].find((g) => g.requestId === requestId);
    return row && copy(row);
  }
  async transitionGrant(id: string, t: GrantTransition, patch: Partial<Grant>, at: Date): Promise<Grant | undefined> {
    const row = this.t.grants.get(id);
    if (!row || !(t.from as readonly string[]).includes(row.status)) return undefined;
    Object.assign(row, patch, { status: t.to, updatedAt: at });
    return copy(row);
  }
  async getGrantsWithRequests(ids: string[]): Promise<GrantWithRequest[]> {
    return ids.flatMap((id) => {
      const grant = this.t.grants.get(id);
      const request = grant && this.t.requests.get(grant.requestId);
      return grant && request ? [{ grant: copy(grant), request: copy(request) }] : [];
    });
  }
  async startRevokes(ids: string[], started: Pick<AuditEventInput, 'action' | 'actor'>, at: Date): Promise<Grant[]> {
    this.notInTransaction('startRevokes');
    const t = GRANT_TRANSITIONS.startRevoke;
    const moved: Grant[] = [];
    for (const id of new Set(ids)) {
      const row = this.t.grants.get(id);
      if (!row || !(t.from as readonly string[]).includes(row.status)) continue;
      // Only a grant moved off `active` is a new start (a retry after a failure is not).
      if (row.status === 'active') this.pushAudit({ ...started, requestId: row.requestId, grantId: id }, at);
      Object.assign(row, { status: t.to, updatedAt: at });
      moved.push(copy(row));
    }
    return moved;
  }
  async finishGrants(t: GrantTransition, ends: GrantEnd[]): Promise<Grant[]> {
    const finished: Grant[] = [];
    for (const end of ends) {
      const row = this.t.grants.get(end.id);
      if (!row || !(t.from as readonly string[]).includes(row.status)) continue;
      Object.assign(row, { status: t.to, revokedAt: end.revokedAt, updatedAt: end.revokedAt, activity: end.activity ?? row.activity });
      finished.push(copy(row));
    }
    return finished;
  }
  async requestRevoke(id: string, by: string, at: Date): Promise<boolean> {
    const row = this.t.grants.get(id);
    if (!row || row.status !== 'active' || row.revokeRequestedBy) return false;
    Object.assign(row, { revokeRequestedBy: by, updatedAt: at });
    return true;
  }
  async incrementRevokeAttempts(id: string, at: Date): Promise<number> {
    const row = this.t.grants.get(id);
    if (!row) return 0;
    Object.assign(row, { revokeAttempts: row.revokeAttempts + 1, updatedAt: at });
    return row.revokeAttempts;
  }
  async listGrantsDueForRevoke(now: Date, stalledBefore: Date, limit: number): Promise<Grant[]> {
    return [...this.t.grants.values()]
      .filter(
        (g) =>
          (g.status === 'active' && g.expiresAt !== null && g.expiresAt <= now) ||
          (g.status === 'active' && g.revokeRequestedBy !== null && g.updatedAt <= stalledBefore) ||
          ((g.status === 'revoke_failed' || g.status === 'revoking') && g.updatedAt <= stalledBefore),
      )
      .sort((a, b) => (a.expiresAt?.getTime() ?? 0) - (b.expiresAt?.getTime() ?? 0))
      .slice(0, limit)
      .map(copy);
  }
  async saveGrantingRef(id: string, ref: string, at: Date): Promise<void> {
    const row = this.t.grants.get(id);
    if (row?.status === 'granting') Object.assign(row, { providerRef: ref, updatedAt: at });
  }
  async liveGrants(provider: string): Promise<Pick<Grant, 'id' | 'status' | 'providerRef'>[]> {
    return [...this.t.grants.values()]
      .filter((g) => g.provider === provider && ['granting', 'active', 'revoking', 'revoke_failed'].includes(g.status))
      .map(({ id, status, providerRef }) => ({ id, status, providerRef }));
  }
  async countActiveGrants(): Promise<number> {
    return [...this.t.grants.values()].filter((g) => g.status === 'active').length;
  }
  async markRevokesVerified(ids: string[], verified: Pick<AuditEventInput, 'action' | 'actor'>, at: Date): Promise<string[]> {
    this.notInTransaction('markRevokesVerified');
    const marked: string[] = [];
    for (const id of new Set(ids)) {
      const row = this.t.grants.get(id);
      if (!row || !['expired', 'revoked'].includes(row.status) || row.revokeVerifiedAt) continue;
      Object.assign(row, { revokeVerifiedAt: at, updatedAt: at });
      this.pushAudit({ ...verified, requestId: row.requestId, grantId: id, data: { provider: row.provider } }, at);
      marked.push(id);
    }
    return marked;
  }
  async markVerifyFailed(id: string, at: Date): Promise<void> {
    const row = this.t.grants.get(id);
    if (row && !row.verifyFailedAt) Object.assign(row, { verifyFailedAt: at, updatedAt: at });
  }
  async listGrantsAwaitingVerification(endedBefore: Date, limit: number): Promise<Grant[]> {
    return this.endedGrants((g) => !g.revokeVerifiedAt && g.revokedAt !== null && g.revokedAt <= endedBefore).slice(0, limit);
  }
  async saveActivity(id: string, activity: GrantActivity, at: Date): Promise<boolean> {
    const row = this.t.grants.get(id);
    if (!row || row.activity) return false;
    Object.assign(row, { activity: copy(activity), updatedAt: at });
    return true;
  }
  async listGrantsAwaitingActivity(endedAfter: Date, endedBefore: Date, limit: number): Promise<Grant[]> {
    return this.endedGrants((g) => !g.activity && g.revokedAt !== null && g.revokedAt >= endedAfter && g.revokedAt <= endedBefore).slice(
      0,
      limit,
    );
  }
  private endedGrants(match: (g: Grant) => boolean): Grant[] {
    return [...this.t.grants.values()]
      .filter((g) => (g.status === 'expired' || g.status === 'revoked') && match(g))
      .sort((a, b) => (a.revokedAt?.getTime() ?? 0) - (b.revokedAt?.getTime() ?? 0))
      .map(copy);
  }

  // Audit
  async appendAudit(event: AuditEventInput, at: Date): Promise<void> {
    this.pushAudit(event, at);
  }
  async listAudit(requestId: string): Promise<AuditEvent[]> {
    return this.t.audit.filter((e) => e.requestId === requestId).map(copy);
  }
  /** Every audit event, oldest first (tests read the trail as the audit log would show it). */
  auditLog(): AuditEvent[] {
    return this.t.audit.map(copy);
  }
  private pushAudit(event: AuditEventInput, at: Date): void {
    this.t.audit.push({ grantId: null, ...copy(event), id: this.state.nextAuditId++, at });
  }

  // Cards
  async saveMessageRefs(requestId: string, refs: ChatMessageRef[]): Promise<void> {
    this.t.cards.push(...refs.map((r) => ({ ...copy(r), requestId, staleAt: null })));
  }
  async listMessageRefs(requestId: string): Promise<ChatMessageRef[]> {
    return this.t.cards.filter((c) => c.requestId === requestId && !c.staleAt).map(({ requestId: _r, staleAt: _s, ...ref }) => copy(ref));
  }
  async markCardStale(ref: ChatMessageRef, at: Date): Promise<void> {
    for (const c of this.t.cards)
      if (c.platform === ref.platform && c.channel === ref.channel && c.messageId === ref.messageId) c.staleAt = at;
  }

  // Extensions: one pending ask per grant (the partial unique index).
  async insertExtension(ext: NewExtension): Promise<Extension | undefined> {
    const status = ext.status ?? 'pending';
    if (status === 'pending' && [...this.t.extensions.values()].some((e) => e.grantId === ext.grantId && e.status === 'pending'))
      return undefined;
    const row: Extension = {
      decidedBy: null,
      decidedByPlatform: null,
      newExpiresAt: null,
      decidedAt: null,
      cards: [],
      ...copy(ext),
      status,
      id: this.state.nextExtensionId++,
    };
    this.t.extensions.set(row.id, row);
    return copy(row);
  }
  async getExtension(id: number): Promise<Extension | undefined> {
    const row = this.t.extensions.get(id);
    return row && copy(row);
  }
  async settleExtension(id: number, settlement: ExtensionSettlement): Promise<Extension | undefined> {
    const row = this.t.extensions.get(id);
    if (!row || row.status !== 'pending') return undefined;
    Object.assign(row, copy(settlement));
    return copy(row);
  }
  async lapsePendingExtensions(grantId: string, lapsed: Pick<AuditEventInput, 'action' | 'actor'>, at: Date): Promise<Extension[]> {
    this.notInTransaction('lapsePendingExtensions');
    const settled: Extension[] = [];
    for (const row of this.t.extensions.values()) {
      if (row.grantId !== grantId || row.status !== 'pending') continue;
      Object.assign(row, {
        status: 'lapsed',
        decidedBy: lapsed.actor.userId,
        decidedByPlatform: lapsed.actor.platform,
        newExpiresAt: null,
        decidedAt: at,
      });
      this.pushAudit({ ...lapsed, requestId: row.requestId, grantId, data: { extensionId: row.id } }, at);
      settled.push(copy(row));
    }
    return settled;
  }
  async saveExtensionCards(id: number, cards: ChatMessageRef[]): Promise<void> {
    const row = this.t.extensions.get(id);
    if (row) row.cards = copy(cards);
  }
  async moveGrantExpiry(grantId: string, from: Date, to: Date, at: Date): Promise<boolean> {
    const row = this.t.grants.get(grantId);
    if (!row || row.status !== 'active' || row.revokeRequestedBy || row.expiresAt?.getTime() !== from.getTime()) return false;
    Object.assign(row, { expiresAt: to, updatedAt: at });
    return true;
  }

  /** The adapter runs these as single statements of their own; calling one inside a transaction is a bug there too. */
  private notInTransaction(what: string): void {
    if (this.inTransaction) throw new Error(`${what} is a statement of its own, not part of a transaction`);
  }
}
