import { waitFor } from '../test/helpers/wait';
import { BENCH_APPROVER, ONE_APPROVER_ROLE } from './policy';
import { expectAck, forEachLimited } from './pool';
import type { BenchStack } from './stack';
import { summarise, type Summary } from './stats';

const PREFIX = 'U0APPR';

/**
 * Approve click → grant active, with the zero-latency sandbox provider: files `count`
 * requests that need one approver, clicks Approve on each (signed block_actions, a few
 * at a time), and measures from the audit rows: `approval.approve` → `grant.activated`.
 */
export async function measureApproveToActive(stack: BenchStack, count: number): Promise<Summary> {
  await forEachLimited(count, 8, async (i) => {
    const userId = `${PREFIX}${String(i).padStart(5, '0')}`;
    const response = await stack.signer.slashCommand({
      userId,
      text: `request ${ONE_APPROVER_ROLE} 30m approve bench`,
      responseUrl: stack.responseUrl(`approve-${i}`),
    });
    await expectAck(response, 'filing a request to approve');
  });
  const pending = await waitFor(
    async () => {
      const rows = await stack.pg<
        Array<{ id: string }>
      >`select id from access_requests where requester_id like ${`${PREFIX}%`} and status = 'pending'`;
      return rows.length >= count && rows;
    },
    `${count} pending requests`,
    60_000,
    200,
  );

  await forEachLimited(pending.length, 4, async (i) => {
    const requestId = pending[i]!.id;
    const response = await stack.signer.buttonClick({
      userId: BENCH_APPROVER,
      actionId: 'jit.approve',
      value: requestId,
      channelId: 'C0BENCHAPPROVALS',
      messageTs: '1700000000.000100',
      responseUrl: stack.responseUrl(`click-${i}`),
    });
    await expectAck(response, `approving ${requestId}`);
  });
  await waitFor(
    async () => {
      const [row] = await stack.pg<Array<{ n: number }>>`
      select count(*)::int as n from grants g join access_requests r on r.id = g.request_id
      where r.requester_id like ${`${PREFIX}%`} and g.status = 'active'`;
      return row!.n >= count;
    },
    `${count} grants active`,
    60_000,
    200,
  );

  return approveToActive(stack, PREFIX);
}

/** From the audit rows of requests whose requester id starts with `prefix`: `approval.approve` → `grant.activated`. */
async function approveToActive(stack: BenchStack, prefix: string): Promise<Summary> {
  const rows = await stack.pg<Array<{ ms: number }>>`
    select extract(epoch from (a.at - c.at)) * 1000 as ms
    from audit_events c join audit_events a on a.request_id = c.request_id and a.action = 'grant.activated'
    join access_requests r on r.id = c.request_id
    where c.action = 'approval.approve' and r.requester_id like ${`${prefix}%`}`;
  return summarise(rows.map((r) => Number(r.ms)));
}

/**
 * One approval at a time on an otherwise idle system: `count` requests filed, approved and
 * waited on one after another, each measured from its audit rows like the burst above.
 */
export async function measureSingleApprovals(stack: BenchStack, count: number): Promise<Summary> {
  const prefix = 'U0SOLO';
  for (let i = 0; i < count; i++) {
    const userId = `${prefix}${String(i).padStart(5, '0')}`;
    await expectAck(
      await stack.signer.slashCommand({
        userId,
        text: `request ${ONE_APPROVER_ROLE} 30m single approve`,
        responseUrl: stack.responseUrl(`solo-${i}`),
      }),
      'filing a request to approve',
    );
    const [pending] = await waitFor(
      async () => {
        const rows = await stack.pg<
          Array<{ id: string }>
        >`select id from access_requests where requester_id = ${userId} and status = 'pending'`;
        return rows.length > 0 && rows;
      },
      `request of ${userId} pending`,
      30_000,
      20,
    );
    await expectAck(
      await stack.signer.buttonClick({
        userId: BENCH_APPROVER,
        actionId: 'jit.approve',
        value: pending!.id,
        channelId: 'C0BENCHAPPROVALS',
        messageTs: '1700000000.000100',
        responseUrl: stack.responseUrl(`solo-click-${i}`),
      }),
      `approving ${pending!.id}`,
    );
    await waitFor(
      async () => {
        const [row] = await stack.pg<
          Array<{ n: number }>
        >`select count(*)::int as n from grants where request_id = ${pending!.id} and status = 'active'`;
        return row!.n > 0;
      },
      `grant of ${pending!.id} active`,
      30_000,
      20,
    );
  }
  return approveToActive(stack, prefix);
}
