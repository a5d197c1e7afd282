import { GENESIS_HASH, rowHash, type ChainedFields } from './chain';

/** A stored audit row; `hash` and `prevHash` are null on rows older than the chain. */
export type StoredAuditRow = Omit<ChainedFields, 'prevHash'> & { prevHash: string | null; hash: string | null };

export interface ChainBreak {
  id: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Chained rows whose links held. */
  verified: number;
  /** Rows written before the chain existed (no hash); only allowed before the first chained row. */
  unchained: number;
  /** The last good row: its id and hash (the chain's head when ok). */
  head: { id: number; hash: string } | null;
  firstBreak: ChainBreak | null;
}

/**
 * Walks the rows in id order and stops at the first one whose link does not hold.
 * A changed row fails its own hash; a deleted or reordered row makes the next
 * row's `prev_hash` point at a hash that is not the one before it.
 */
export async function verifyChain(rows: AsyncIterable<StoredAuditRow>): Promise<VerifyReport> {
  const report: VerifyReport = { ok: true, verified: 0, unchained: 0, head: null, firstBreak: null };
  let previous: { id: number; hash: string } | null = null;
  const fail = (id: number, reason: string) => ({ ...report, ok: false, firstBreak: { id, reason } });
  for await (const row of rows) {
    if (row.hash === null || row.prevHash === null) {
      if (previous) return fail(row.id, `row ${row.id} has no hash but comes after chained row ${previous.id} (a row was inserted around the chain)`);
      report.unchained++;
      continue;
    }
    const expectedPrev = previous?.hash ?? GENESIS_HASH;
    if (row.prevHash !== expectedPrev) {
      const before = previous ? `row ${previous.id}` : 'the start of the chain';
      return fail(row.id, `row ${row.id}'s prev_hash does not match the hash of ${before}: a row between them was deleted, inserted or reordered`);
    }
    if (rowHash({ ...row, prevHash: row.prevHash }) !== row.hash) {
      return fail(row.id, `row ${row.id} (${row.action}) does not match its hash: its content was changed after it was written`);
    }
    previous = { id: row.id, hash: row.hash };
    report.verified++;
    report.head = previous;
  }
  return report;
}
