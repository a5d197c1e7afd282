import { waitFor } from '../test/helpers/wait';
import { AUTO_ROLE, requester } from './policy';
import { expectAck, forEachLimited } from './pool';
import { readMemory, resetPeak, type Memory } from './rss';
import type { BenchStack } from './stack';
import { summarise, type Summary } from './stats';

/** A grant not revoked within this long after its expiry counts as missed. */
export const MISSED_AFTER_MS = 60_000;

export interface RevokeFigures extends Summary {
  grants: number;
  missed: number;
  /** Most grants active at once (the memory figures are read then). */
  activePeak: number;
  web: Memory;
  worker: Memory;
  /** Whether the peaks cover only this phase (VmHWM reset before it). */
  peakReset: boolean;
  /**
   * Each grant's expiry in ms after the first one, sorted. Durations are whole seconds and
   * grants activate a little after they are filed, so expiries bunch rather than fall evenly:
   * the baseline replays this exact pattern so both carry the same load.
   */
  expiryOffsets: number[];
}

/** Where the expiries fall: a window of `windowMs` starting `startsAt` (epoch ms). */
export interface ExpiryWindow {
  startsAt: number;
  windowMs: number;
}

/** The i-th of `count` expiries, spread evenly over the window. */
export const expiryOf = (w: ExpiryWindow, i: number, count: number): number => w.startsAt + Math.floor((i * w.windowMs) / count);

const REASON = 'revoke bench';
const FILING_BATCH = 500;

/** Grants of a bench run (`reason` tells them apart) in these states. */
export async function countGrants(stack: BenchStack, reason: string, statuses: string[]): Promise<number> {
  const [row] = await stack.pg<Array<{ n: number }>>`
    select count(*)::int as n from grants g join access_requests r on r.id = g.request_id
    where r.reason = ${reason} and g.status in ${stack.pg(statuses)}`;
  return row!.n;
}

/**
 * Files `count` requests of the auto-approved role through Slack (requesters numbered from
 * `first`), with durations chosen so their expiries fall within the window. Filed in batches,
 * each left to activate before the next: a duration is fixed when it is filed, so a growing
 * activation backlog would push later expiries out of the window.
 */
export async function fileGrantsExpiringIn(
  stack: BenchStack,
  count: number,
  window: ExpiryWindow,
  reason: string,
  first = 0,
): Promise<void> {
  for (let from = 0; from < count; from += FILING_BATCH) {
    const batch = Math.min(FILING_BATCH, count - from);
    await forEachLimited(batch, 16, async (k) => {
      const i = from + k;
      const seconds = Math.max(1, Math.round((expiryOf(window, i, count) - Date.now()) / 1000));
      const response = await stack.signer.slashCommand({
        userId: requester(first + i),
        text: `request ${AUTO_ROLE} ${seconds}s ${reason}`,
        responseUrl: stack.responseUrl(`${reason}-${first + i}`),
      });
      await expectAck(response, 'filing an auto-approved request');
    });
    await waitFor(
      async () => (await countGrants(stack, reason, ['active', 'revoking', 'expired', 'revoked'])) >= from + batch,
      `batch of ${batch} grants active`,
      120_000,
      100,
    );
  }
}

/**
 * Revoke lateness: files `count` requests of the auto-approved role through Slack with
 * durations chosen so their expiries fall within the window, reads the processes'
 * memory once they are all active, then waits for every revoke and measures
 * `revoked_at − expires_at` (revoked_at is stamped when the provider's revoke returned).
 */
export async function measureRevokeLateness(stack: BenchStack, count: number, window: ExpiryWindow): Promise<RevokeFigures> {
  const peakReset = resetPeak(stack.web.pid) && resetPeak(stack.worker.pid);
  await fileGrantsExpiringIn(stack, count, window, REASON);

  let activePeak = 0;
  await waitFor(
    async () => {
      const active = await countGrants(stack, REASON, ['active']);
      activePeak = Math.max(activePeak, active);
      return active >= count || Date.now() >= window.startsAt;
    },
    `${count} grants active`,
    Math.max(1000, window.startsAt - Date.now() + 60_000),
    250,
  );
  const web = readMemory(stack.web.pid);
  const worker = readMemory(stack.worker.pid);

  // Wait for every revoke, or until the last expiry is MISSED_AFTER_MS past (filing can run
  // past the window's start; those grants expire later and get their full minute too).
  const giveUpAt = Date.now() + 20 * 60_000;
  for (;;) {
    const [state] = await stack.pg<Array<{ ended: number; last: Date | null }>>`
      select count(*) filter (where g.status in ('expired', 'revoked'))::int as ended, max(g.expires_at) as last
      from grants g join access_requests r on r.id = g.request_id where r.reason = ${REASON}`;
    const lastExpiry = Math.max(state!.last?.getTime() ?? 0, window.startsAt + window.windowMs);
    if (state!.ended >= count || Date.now() > Math.min(giveUpAt, lastExpiry + MISSED_AFTER_MS)) break;
    await new Promise((r) => setTimeout(r, 500));
  }

  const rows = await stack.pg<Array<{ ms: number | null; expires: Date | null }>>`
    select extract(epoch from (g.revoked_at - g.expires_at)) * 1000 as ms, g.expires_at as expires
    from grants g join access_requests r on r.id = g.request_id where r.reason = ${REASON}`;
  const lateness = rows.flatMap((r) => (r.ms === null ? [] : [Number(r.ms)]));
  // Missed: never granted, not revoked by the end of the wait, or revoked more than a minute late.
  const missed = count - lateness.filter((ms) => ms <= MISSED_AFTER_MS).length;
  const expiries = rows.flatMap((r) => (r.expires ? [r.expires.getTime()] : [])).sort((a, b) => a - b);
  const expiryOffsets = expiries.map((t) => t - expiries[0]!);
  return { grants: count, ...summarise(lateness), missed, activePeak, web, worker, peakReset, expiryOffsets };
}
