import { GENESIS_HASH, rowHash, type ChainedFields } from './chain';

/** A stored audit row; `seq`, `prevHash` and `hash` are null until the row is sealed. */
export type StoredAuditRow = Omit<ChainedFields, 'prevHash'> & { prevHash: string | null; hash: string | null; seq: number | null };

export interface ChainBreak {
  id: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Chained rows whose links held. */
  verified: number;
  /** The last good row: its id and hash (the chain's head when ok). */
  head: { id: number; hash: string } | null;
  firstBreak: ChainBreak | null;
}

/**
 * Walks the sealed rows in chain (`seq`) order and stops at the first one whose
 * link does not hold. A changed row fails its own hash; a deleted, reordered or
 * unsealed row makes the next row's `prev_hash` point at a hash that is not the
 * one before it.
 */
export async function verifyChain(rows: AsyncIterable<StoredAuditRow>): Promise<VerifyReport> {
  const report: VerifyReport = { ok: true, verified: 0, head: null, firstBreak: null };
  let previous: { id: number; hash: string } | null = null;
  const fail = (id: number, reason: string) => ({ ...report, ok: false, firstBreak: { id, reason } });
  for await (const row of rows) {
    if (row.hash === null || row.prevHash === null)
      return fail(row.id, `row ${row.id} has a place in the chain but no hash: its seal was removed`);
    const expectedPrev = previous?.hash ?? GENESIS_HASH;
    if (row.prevHash !== expectedPrev) {
      const before = previous ? `row ${previous.id}` : 'the start of the chain';
      return fail(
        row.id,
        `row ${row.id}'s prev_hash does not match the hash of ${before}: a row between them was deleted, inserted or reordered`,
      );
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
