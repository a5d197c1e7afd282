import { recordActivity, recordActivityFailure } from './grants/activity';
import type { GrantActivity } from './model/activity';
import { auditTrail, requireMaySee, requireSecurityTeam, type AuditTrail } from './queries/audit-trail';
import { deliverChat } from './outbox/delivery';
import { Core } from './core';
import { decideExtension, requestExtension, type ExtendResult } from './extensions/extend';
import type { Extension, ExtensionView } from './model/extension';
import { approve, checkDecider, deny, type DecisionResult } from './approvals/decide';
import { activateGrant, failGrant, warnExpiring } from './grants/activate';
import { endDueGrant, endGrant, revokeEarly, tidyUp, type EndResult, type NotYetDue } from './grants/revoke';
import type { Actor, Decision, Grant, Identity, Person, RequestView } from './model';
import { isRequester, personOf } from './people';
import type { Role } from './policy';
import type { AccessDeps } from './ports';
import { reconcile, type ReconcileReport } from './reconcile';
import { remindIfDue } from './approvals/reminders';
import { cancelRequest, requestAccess } from './requests/file';
import { checkRequest, type CheckedRequest, type RequestInput } from './requests/rules';
import { remindOverdueReview, reviewBreakGlass } from './requests/break-glass';
import { escalate, isOpenTierApprover } from './approvals/escalation';
import { verifyRevocation, type VerifyOutcome } from './grants/verification';
import { requestableRoles, whoAmI, type WhoAmI } from './queries/whoami';

/**
 * The one entry point of the core. Chat adapters call the person-facing methods,
 * workers the rest. Each method is one use case; the logic lives in the modules
 * named beside it. Person-facing methods take the acting account and first find the
 * person behind it (people.ts): refused there, nothing else runs.
 */
export class AccessService {
  private readonly core: Core;

  constructor(deps: AccessDeps) {
    this.core = new Core(deps);
  }

  /** The service's clock (chat shows time left with it, so tests that move time see it move). */
  now(): Date {
    return this.core.deps.clock.now();
  }

  roles(): Role[] {
    return this.core.deps.policy.roles;
  }

  /** The person behind an account, admitted (not a guest, external, bot or deactivated unless allowed). */
  person(actor: Actor): Promise<Person> {
    return personOf(this.core, actor);
  }

  /** A chat adapter refused an account at its edge (another workspace or tenant, a foreign channel): audited. */
  async refuseAtEdge(actor: Actor, code: string, why: string): Promise<void> {
    await this.core.audit({ action: 'access.refused', requestId: null, actor, data: { code, why } });
  }

  /** Stores what a platform said about an account (Teams reads its roster during a turn). */
  rememberIdentity(identity: Identity): Promise<void> {
    return this.core.deps.people.save(identity);
  }

  /** The roles this person may request (`/jit roles`, the request form). */
  async rolesFor(actor: Actor): Promise<Role[]> {
    return requestableRoles(this.core, await this.person(actor));
  }

  /** `/jit whoami`: the person, their accounts, the roles they may request and approve. */
  async whoami(actor: Actor): Promise<WhoAmI> {
    return whoAmI(this.core, await this.person(actor));
  }

  /** A request as chat shows it, to its requester, its approvers and the security team only (refusals audited as `<what>.refused`). */
  async viewFor(actor: Actor, requestId: string, what: 'audit' | 'view'): Promise<RequestView> {
    return requireMaySee(this.core, await this.person(actor), requestId, what);
  }

  role(roleId: string): Role {
    return this.core.role(roleId);
  }

  /** Validates a request without filing it (chat uses it to decide whether to open a form). */
  check(input: RequestInput): CheckedRequest {
    return checkRequest(this.core.role(input.roleId), input);
  }

  view(requestId: string): Promise<RequestView> {
    return this.core.view(requestId);
  }

  // Person-facing (requests/, approvals/, grants/)
  async request(actor: Actor, input: RequestInput): Promise<RequestView> {
    return requestAccess(this.core, await this.person(actor), input);
  }
  /** `durationMs`: approve a shorter grant than asked (`jit.approve_duration`). */
  async approve(actor: Actor, requestId: string, durationMs?: number): Promise<DecisionResult> {
    return approve(this.core, await this.person(actor), requestId, durationMs);
  }
  /** An approver confirms a break-glass use was looked at ("Reviewed"). */
  async reviewBreakGlass(actor: Actor, requestId: string): Promise<RequestView> {
    return reviewBreakGlass(this.core, await this.person(actor), requestId);
  }
  /** Refuses (audited) when the actor may not decide now; used before opening the deny form. */
  async checkCanDecide(actor: Actor, requestId: string, decision: Decision): Promise<void> {
    return checkDecider(this.core, requestId, await this.person(actor), decision);
  }
  async deny(actor: Actor, requestId: string, reason: string): Promise<DecisionResult> {
    return deny(this.core, await this.person(actor), requestId, reason);
  }
  async cancel(actor: Actor, requestId: string): Promise<RequestView> {
    return cancelRequest(this.core, await this.person(actor), requestId);
  }
  async revoke(actor: Actor, requestId: string): Promise<void> {
    return revokeEarly(this.core, await this.person(actor), requestId);
  }
  /** `/jit extend` (extensions/extend.ts): applied at once within the role's auto window, else an extension card. */
  async extend(actor: Actor, requestId: string, addMs: number): Promise<ExtendResult> {
    return requestExtension(this.core, await this.person(actor), requestId, addMs);
  }
  async decideExtension(actor: Actor, extensionId: number, decision: Decision): Promise<Extension> {
    return decideExtension(this.core, await this.person(actor), extensionId, decision);
  }
  /** An extension and its request, as chat renders them (Teams answers a click with the card). */
  extensionView(extensionId: number): Promise<ExtensionView> {
    return this.core.extensionView(extensionId);
  }

  /** One request's full audit timeline (requester, the role's approvers and the security team only). */
  async auditTrail(actor: Actor, requestId: string): Promise<AuditTrail> {
    return auditTrail(this.core, await this.person(actor), requestId);
  }
  /** Refuses, audited, anyone outside `digest.security_team`; `what` names the command. */
  async requireSecurityTeam(actor: Actor, what: string): Promise<void> {
    return requireSecurityTeam(this.core, await this.person(actor), what);
  }

  /** The person's recent requests (from any of their accounts), newest first. */
  async listMine(actor: Actor, limit = 20): Promise<RequestView[]> {
    const person = await this.person(actor);
    const requests = await this.core.deps.store.listRequestsByRequester(person, limit);
    return Promise.all(requests.map((r) => this.core.view(r.id)));
  }

  /** Pending requests the person may decide on: as an approver of the role, or of an escalation tier open now. */
  async listPendingFor(actor: Actor): Promise<RequestView[]> {
    const person = await this.person(actor);
    const pending = await this.core.deps.store.listRequestsByStatus('pending', 200);
    const mine: RequestView[] = [];
    // The role's approvers are looked up once per role (user groups cost a Slack call); tiers depend on each request's age.
    const approverOf = new Map<string, boolean>();
    for (const request of pending) {
      if (isRequester(person, request)) continue;
      const role = this.roles().find((r) => r.id === request.roleId);
      if (!role) continue;
      if (!approverOf.has(role.id)) approverOf.set(role.id, await this.core.isApprover(role, person));
      if (approverOf.get(role.id) || (await isOpenTierApprover(this.core, role, request, person)))
        mine.push(await this.core.view(request.id));
    }
    return mine;
  }

  /** A person's home view (Slack's App Home, Teams' `home`): their active grants, and what waits for their decision. */
  async home(actor: Actor): Promise<{ active: RequestView[]; pending: RequestView[]; now: Date }> {
    const [mine, pending] = await Promise.all([this.listMine(actor, 50), this.listPendingFor(actor)]);
    return { active: mine.filter((v) => v.request.status === 'active'), pending, now: this.now() };
  }

  // Worker-facing (grants/, reconcile.ts)
  activateGrant(requestId: string): Promise<Grant | null> {
    return activateGrant(this.core, requestId);
  }
  failGrant(requestId: string, error: string): Promise<void> {
    return failGrant(this.core, requestId, error);
  }
  endGrant(grantId: string): Promise<EndResult> {
    return endGrant(this.core, grantId);
  }
  /** The revoke job: like endGrant, but leaves alone a grant not yet due (its expiry moved later, or the job came early). */
  endDueGrant(grantId: string): Promise<EndResult | NotYetDue> {
    return endDueGrant(this.core, grantId);
  }
  warnExpiring(grantId: string): Promise<void> {
    return warnExpiring(this.core, grantId);
  }
  escalate(requestId: string, tier: number): Promise<boolean> {
    return escalate(this.core, requestId, tier);
  }
  remindOverdueReview(requestId: string): Promise<boolean> {
    return remindOverdueReview(this.core, requestId);
  }
  verifyRevocation(grantId: string): Promise<VerifyOutcome> {
    return verifyRevocation(this.core, grantId);
  }
  /** The tidy-up job: the provider removes what an ended grant's revoke left for a while (grants/revoke.ts). */
  tidyUp(grantId: string): Promise<boolean> {
    return tidyUp(this.core, grantId);
  }
  /** The reminder job (approvals/reminders.ts): nudges the approvers once if the request is still pending. */
  remindApprovers(requestId: string): Promise<boolean> {
    return remindIfDue(this.core, requestId);
  }
  /** The activity job (grants/activity.ts): reads and stores what was done with an ended grant. */
  recordActivity(grantId: string): Promise<GrantActivity | undefined> {
    return recordActivity(this.core, grantId);
  }
  /** The activity job's last attempt failed: recorded on the grant and audited (`grant.activity_failed`). */
  recordActivityFailure(grantId: string, error: string, attempts: number): Promise<void> {
    return recordActivityFailure(this.core, grantId, error, attempts);
  }
  /** The chat worker (outbox/delivery.ts): delivers owed chat work, parts already delivered excepted. */
  async deliverChat(outboxId: number): Promise<void> {
    await deliverChat(this.core, outboxId);
  }
  /** One reconciler sweep; `signal` stops it starting new work (shutdown). */
  reconcile(signal?: AbortSignal): Promise<ReconcileReport> {
    return reconcile(this.core, signal);
  }
}
