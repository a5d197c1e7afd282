import { AccessError } from './model/errors';
import type { ExtensionView } from './model/extension';
import type { AccessRequest, AuditEventInput, ChatMessageRef, Person, RequestView } from './model';
import { isInSet } from './people';
import { findRole, type Role } from './policy';
import type { AccessDeps, RequesterNotice } from './ports';

/**
 * Shared helpers of the use cases (requests, decisions, grants, reconcile):
 * reading views, checking approvers, and talking to chat without letting a chat
 * failure undo a recorded fact.
 */
export class Core {
  constructor(readonly deps: AccessDeps) {}

  role(roleId: string): Role {
    const role = findRole(this.deps.policy, roleId);
    if (!role) throw new AccessError('unknown_role', (w) => `There is no role "${roleId}". Try ${w.code(w.command('roles'))}.`);
    return role;
  }

  async view(requestId: string): Promise<RequestView> {
    const { store } = this.deps;
    const [request, approvals, grant] = await Promise.all([
      this.request(requestId),
      store.listApprovals(requestId),
      store.getGrantForRequest(requestId),
    ]);
    return { request, approvals, grant: grant ?? null };
  }

  /** An ask to extend, with the request it belongs to (what chat renders). */
  async extensionView(extensionId: number): Promise<ExtensionView> {
    const extension = await this.deps.store.getExtension(extensionId);
    if (!extension) throw new AccessError('not_found', `There is no extension ${extensionId}.`);
    return { extension, request: await this.view(extension.requestId) };
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

  isApprover(role: Role, person: Person): Promise<boolean> {
    return isInSet(this, role.approval.approvers, person);
  }

  /** A Slack user group's members now; `try_again` when Slack cannot say (never "not a member"). */
  async slackGroupMembers(group: string): Promise<string[]> {
    try {
      return await this.deps.directory.slackGroupMembers(group);
    } catch (e) {
      this.deps.logger.warn({ err: e, group }, 'could not expand a Slack user group');
      throw new AccessError('try_again', `I could not check the user group ${group} with Slack just now. Please try again in a minute.`);
    }
  }

  /**
   * Whether any of the Entra objects belongs to any of the groups, asked of Graph now (its
   * adapter caches briefly); `try_again` when Graph cannot say (never "not a member").
   */
  async inEntraGroups(objectIds: string[], groups: string[]): Promise<boolean> {
    const entra = this.deps.entra;
    if (!entra)
      throw new AccessError(
        'try_again',
        'The policy names Entra groups, but Microsoft Graph is not configured on this server (MICROSOFT_APP_ID and its credentials). Tell your jitbot admins.',
      );
    try {
      for (const id of objectIds) if ((await entra.memberGroups(id, groups)).length > 0) return true;
      return false;
    } catch (e) {
      this.deps.logger.warn({ err: e, groups }, 'could not check Entra group membership');
      throw new AccessError(
        'try_again',
        'I could not check Entra group membership with Microsoft Graph just now. Please try again in a minute.',
      );
    }
  }

  /**
   * Refreshes every chat card of the request (unless `refreshCards` is false: the card
   * was just posted) and tells the requester; failures are logged, never thrown. A caller
   * that holds the request and grant as they now stand passes them (`known`): the revoke
   * path, where thousands of these may follow each other.
   *
   * A decision queues the grant before it announces, so the grant worker may draw the same
   * cards meanwhile: cards drawn from a state the request has since left are drawn once
   * more, so the last drawing is never the older one, and an "approved" notice overtaken by
   * the grant (the requester is told "granted") is not sent.
   */
  async announce(
    requestId: string,
    notice?: RequesterNotice,
    refreshCards = true,
    known?: Pick<RequestView, 'request' | 'grant'>,
  ): Promise<void> {
    const { notifier, store, logger } = this.deps;
    try {
      const [view, refs] = await Promise.all([
        known ? store.listApprovals(requestId).then((approvals) => ({ ...known, approvals })) : this.view(requestId),
        store.listMessageRefs(requestId),
      ]);
      const role = this.role(view.request.roleId);
      const overtaken = notice?.kind === 'approved' && view.request.status !== 'approved';
      await Promise.all([
        refreshCards && refs.length > 0 ? this.drawCards(view, role, refs, !known) : undefined,
        notice && !overtaken ? notifier.tellRequester(view, role, notice) : undefined,
      ]);
    } catch (e) {
      logger.error({ err: e, requestId, notice: notice?.kind }, 'chat notification failed');
    }
  }

  private async drawCards(view: RequestView, role: Role, refs: ChatMessageRef[], recheck: boolean): Promise<void> {
    await this.deps.notifier.updateApprovalCards(view, role, refs);
    if (!recheck) return;
    const now = await this.deps.store.getRequest(view.request.id);
    if (now && now.status !== view.request.status)
      await this.deps.notifier.updateApprovalCards(await this.view(view.request.id), role, refs);
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
