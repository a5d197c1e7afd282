import type { AlertData, ChatEffect, ChatProgress } from './effects';
import type { Core } from '../core';
import { reviewDueAt } from '../requests/break-glass';
import { ChatDeliveryError } from '../model/errors';
import type { ChatMessageRef, Platform } from '../model';
import type { SecurityAlert } from '../ports';

/**
 * Chat work after a fact is recorded: written to the chat outbox and handed to the `chat`
 * queue, so the revoke worker and the reconciler never wait on Slack or Teams. The queue
 * retries with backoff (and waits as long as a rate limit asks); the reconciler queues
 * again what Redis lost; a retry repeats no part already delivered.
 */

const WORKER = { platform: 'system', userId: 'worker' } as const;

/** Owed work older than this is given up on (audited): a notice a day late helps nobody. */
export const CHAT_OWED_FOR_MS = 24 * 3_600_000;

/** Records chat work and queues its delivery; never throws (the fact it follows is already recorded). */
export async function later(core: Core, effect: ChatEffect, requestId: string | null): Promise<void> {
  const { outbox, scheduler, clock, logger } = core.deps;
  let id: number;
  try {
    id = await outbox.add(effect, requestId, clock.now());
  } catch (e) {
    logger.error({ err: e, effect: effect.kind, requestId }, 'could not record owed chat work; it is lost');
    return;
  }
  try {
    await scheduler.enqueueChat(id);
  } catch (e) {
    logger.warn({ err: e, outboxId: id }, 'could not queue chat work; the reconciler will');
  }
}

/** A security alert, later (the request and role are read again when it is delivered). */
export function alertLater(core: Core, alert: AlertData, platform?: Platform): Promise<void> {
  return later(core, { kind: 'alert', alert, ...(platform ? { platform } : {}) }, alert.requestId);
}

const refKey = (ref: ChatMessageRef) => `${ref.platform}:${ref.channel}:${ref.messageId}`;

function asDeliveryError(e: unknown): ChatDeliveryError {
  return e instanceof ChatDeliveryError ? e : new ChatDeliveryError(e instanceof Error ? e.message : String(e), false);
}

/**
 * Delivers one piece of owed chat work (the chat worker). A part the platform refuses for
 * good (message deleted, channel archived, person gone) is not retried: one `notify.failed`
 * audit row, and a card is marked stale so later updates skip it. Anything else that failed
 * is thrown (a ChatDeliveryError, with `retryAfterMs` when the platform asked to wait) for
 * the queue to retry; parts already delivered are remembered and not repeated.
 */
export async function deliverChat(core: Core, outboxId: number): Promise<'delivered' | 'gone'> {
  const { outbox, clock } = core.deps;
  const owed = await outbox.get(outboxId);
  if (!owed || owed.deliveredAt || owed.abandonedAt) return 'gone';
  const { effect } = owed;
  const requestId = effect.kind === 'alert' ? effect.alert.requestId : effect.requestId;
  const progress: ChatProgress = { ...owed.progress };
  const failures: ChatDeliveryError[] = [];

  /** Runs one part; `done` records it delivered, or given up on for good. */
  const part = async (what: string, run: () => Promise<unknown>, done: () => void, gone?: () => Promise<void>) => {
    try {
      await run();
      done();
    } catch (e) {
      const failure = asDeliveryError(e);
      if (!failure.permanent) return void failures.push(failure);
      done();
      await gone?.();
      await core.audit({
        action: 'notify.failed',
        requestId,
        actor: WORKER,
        data: { what, error: failure.message, permanent: true, outboxId },
      });
    }
  };

  await deliverParts(core, effect, progress, part);
  if (failures.length > 0) {
    await outbox.saveAttempt(outboxId, progress, { error: failures.map((f) => f.message).join('; ') });
    const wait = Math.max(0, ...failures.map((f) => f.retryAfterMs ?? 0));
    throw new ChatDeliveryError(`${effect.kind}: ${failures[0]!.message}`, false, wait || undefined);
  }
  await outbox.saveAttempt(outboxId, progress, { deliveredAt: clock.now() });
  return 'delivered';
}

type Part = (what: string, run: () => Promise<unknown>, done: () => void, gone?: () => Promise<void>) => Promise<void>;

async function deliverParts(core: Core, effect: ChatEffect, progress: ChatProgress, part: Part): Promise<void> {
  const { notifier, store, clock } = core.deps;
  switch (effect.kind) {
    case 'announce': {
      const view = await core.view(effect.requestId);
      const role = core.role(view.request.roleId);
      const cards = effect.refreshCards ? await store.listMessageRefs(effect.requestId) : [];
      const updated = new Set(progress.cards ?? []);
      for (const ref of cards.filter((r) => !updated.has(refKey(r)))) {
        await part(
          `card ${ref.platform} ${ref.channel}`,
          () => notifier.updateApprovalCards(view, role, [ref]),
          () => updated.add(refKey(ref)),
          () => store.markCardStale(ref, clock.now()),
        );
      }
      progress.cards = [...updated];
      const { notice } = effect;
      if (notice && !progress.told)
        await part(
          `notice ${notice.kind}`,
          () => notifier.tellRequester(view, role, notice),
          () => (progress.told = true),
        );
      return;
    }
    case 'alert': {
      const alert = await securityAlert(core, effect.alert);
      if (alert)
        await part(
          `alert ${alert.kind}`,
          () => notifier.alertSecurity(alert, effect.platform),
          () => undefined,
        );
      return;
    }
    case 'escalation_cards': {
      if (progress.posted) return;
      const view = await core.view(effect.requestId);
      const role = core.role(view.request.roleId);
      const tier = role.approval.escalation[effect.tier];
      if (!tier) return;
      await part(
        `escalation card tier ${effect.tier}`,
        async () => store.saveMessageRefs(effect.requestId, await notifier.postEscalationCards(view, role, tier, effect.tier)),
        () => (progress.posted = true),
      );
      return;
    }
    case 'extension_cards': {
      const view = await core.extensionView(effect.extensionId);
      const updated = new Set(progress.cards ?? []);
      for (const ref of view.extension.cards.filter((r) => !updated.has(refKey(r)))) {
        await part(
          `extension card ${ref.platform} ${ref.channel}`,
          () => notifier.updateExtensionCards(view, [ref]),
          () => updated.add(refKey(ref)),
        );
      }
      progress.cards = [...updated];
      return;
    }
    case 'reminder': {
      if (progress.posted) return;
      const view = await core.view(effect.requestId);
      await part(
        'reminder',
        async () => notifier.remindApprovers(view, await store.listMessageRefs(effect.requestId)),
        () => (progress.posted = true),
      );
      return;
    }
  }
}

/** The alert as the notifier words it, from the request and role as they are now (undefined if the role left the policy). */
async function securityAlert(core: Core, data: AlertData): Promise<SecurityAlert | undefined> {
  const request = await core.request(data.requestId);
  const role = core.deps.policy.roles.find((r) => r.id === request.roleId);
  if (!role) return undefined;
  switch (data.kind) {
    case 'break_glass':
      return { kind: 'break_glass', request, role, reviewBy: reviewDueAt(request, role) };
    case 'break_glass_review_overdue':
      return { kind: 'break_glass_review_overdue', request, role };
    case 'revoke_failing':
    case 'revoke_recovered':
    case 'revoke_unverified':
    case 'revoke_verified':
      return { ...data, request, role };
  }
}

/**
 * The reconciler's part: queues again the owed work Redis lost (an id still queued is left
 * alone), and gives up on work owed longer than CHAT_OWED_FOR_MS (audited). Counts requeued.
 */
export async function requeueOwedChat(core: Core, stalledBefore: Date): Promise<number> {
  const { outbox, scheduler, clock, logger } = core.deps;
  const now = clock.now();
  let requeued = 0;
  for (const owed of await outbox.listOwed(stalledBefore, 1000)) {
    const requestId = owed.effect.kind === 'alert' ? owed.effect.alert.requestId : owed.effect.requestId;
    if (now.getTime() - owed.createdAt.getTime() > CHAT_OWED_FOR_MS) {
      if (await outbox.abandon(owed.id, now, 'owed for more than a day')) {
        await core.audit({
          action: 'notify.failed',
          requestId,
          actor: { platform: 'system', userId: 'reconciler' },
          data: { what: owed.effect.kind, error: `still not delivered after ${owed.attempts} attempts in a day`, outboxId: owed.id },
        });
      }
      continue;
    }
    try {
      await scheduler.enqueueChat(owed.id);
      requeued++;
    } catch (e) {
      logger.warn({ err: e, outboxId: owed.id }, 'reconciler: could not queue owed chat work; next sweep');
    }
  }
  return requeued;
}
