import { AccessError } from './errors';
import type { AccessRequest, Actor, AuditEventInput, RequestView } from './model';
import { findRole, type ApproverSet, type Role } from './policy';
import type { AccessDeps, RequesterNotice } from './ports';
import { RevokeBatches } from './revoke-batches';
import { isListedApprover } from './rules';

/**
 * Shared helpers of the use cases (requests, decisions, grants, reconcile):
 * reading views, checking approvers, and talking to chat without letting a chat
 * failure undo a recorded fact.
 */
export class Core {
  /** The revoke path's batched reads and writes (one set per process, shared by every revoke). */
  readonly revokes: RevokeBatches;

  constructor(readonly deps: AccessDeps) {
    this.revokes = new RevokeBatches(deps.store, deps.clock);
  }

  role(roleId: string): Role {
    const role = findRole(this.deps.policy, roleId);
    if (!role) throw new AccessError('unknown_role', `There is no role "${roleId}". Try /jit roles.`);
    return role;
  }

  async view(requestId: string): Promise<RequestView> {
    const { store } = this.deps;
    const [request, approvals, grant] = await Promise.all([this.request(requestId), store.listApprovals(requestId), store.getGrantForRequest(requestId)]);
    return { request, approvals, grant: grant ?? null };
  }

  /** The request alone (the revoke path needs no more before it calls the provider). */
  async request(requestId: string): Promise<AccessRequest> {
    const request = await this.deps.store.getRequest(requestId);
    if (!request) throw new AccessError('not_found', `There is no request ${requestId}.`);
    return request;
  }

  /** Audits outside any transaction (refusals: nothing else is written). */
  async audit(event: AuditEventInput): Promise<void> {
    await this.deps.store.appendAudit(event, this.deps.clock.now());
  }

  isApprover(role: Role, actor: Actor): Promise<boolean> {
    return this.isInSet(role.approval.approvers, actor);
  }

  /** Whether the actor is in an approver set, expanding its Slack user groups. */
  async isInSet(set: ApproverSet | undefined, actor: Actor): Promise<boolean> {
    if (!set) return false;
    const members = new Set<string>();
    if (actor.platform === 'slack' && !set.slack_users.includes(actor.userId)) {
      for (const group of set.slack_usergroups) {
        try {
          for (const member of await this.deps.directory.slackGroupMembers(group)) members.add(member);
        } catch (e) {
          this.deps.logger.warn({ err: e, group }, 'could not expand approver group');
          throw new AccessError('try_again', `I could not check the approver group ${group} with Slack just now. Please try again in a minute.`);
        }
      }
    }
    return isListedApprover(set, actor, members);
  }

  /**
   * Refreshes every chat card of the request (unless `refreshCards` is false: the card
   * was just posted) and tells the requester; failures are logged, never thrown. A caller
   * that holds the request and grant as they now stand passes them (`known`): the revoke
   * path, where thousands of these may follow each other.
   */
  async announce(requestId: string, notice?: RequesterNotice, refreshCards = true, known?: Pick<RequestView, 'request' | 'grant'>): Promise<void> {
    const { notifier, store, logger } = this.deps;
    try {
      const [view, refs] = await Promise.all([
        known ? store.listApprovals(requestId).then((approvals) => ({ ...known, approvals })) : this.view(requestId),
        store.listMessageRefs(requestId),
      ]);
      const role = this.role(view.request.roleId);
      await Promise.all([
        refreshCards && refs.length > 0 ? notifier.updateApprovalCards(view, role, refs) : undefined,
        notice ? notifier.tellRequester(view, role, notice) : undefined,
      ]);
    } catch (e) {
      logger.error({ err: e, requestId, notice: notice?.kind }, 'chat notification failed');
    }
  }

  /** Queues the grant; when Redis is away the reconciler picks the approved request up later. */
  async queueGrant(requestId: string): Promise<void> {
    try {
      await this.deps.scheduler.enqueueGrant(requestId);
    } catch (e) {
      this.deps.logger.error({ err: e, requestId }, 'could not queue grant; the reconciler will retry');
    }
  }
}
