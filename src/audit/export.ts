import { stringify } from 'csv-stringify/sync';
import type { StoredAuditRow } from './verify';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Column names as SIEMs see them (the table's own names). */
const COLUMNS = ['id', 'at', 'action', 'request_id', 'grant_id', 'actor_platform', 'actor_id', 'data', 'prev_hash', 'hash', 'seq'] as const;

function record(row: StoredAuditRow) {
  return {
    id: row.id,
    at: row.at.toISOString(),
    action: row.action,
    request_id: row.requestId,
    grant_id: row.grantId,
    actor_platform: row.actorPlatform,
    actor_id: row.actorId,
    data: row.data,
    prev_hash: row.prevHash,
    hash: row.hash,
    seq: row.seq,
  };
}

/**
 * Writes rows as JSON Lines (one object per line, `data` nested) or CSV (a header
 * line, `data` as a JSON string). Rows stream through in pages; returns the count.
 */
export async function exportRows(
  rows: AsyncIterable<StoredAuditRow>,
  format: ExportFormat,
  write: (chunk: string) => Promise<void> | void,
): Promise<number> {
  let count = 0;
  if (format === 'csv') await write(stringify([[...COLUMNS]]));
  for await (const row of rows) {
    const r = record(row);
    await write(
      format === 'jsonl'
        ? `${JSON.stringify(r)}\n`
        : stringify([COLUMNS.map((c) => (c === 'data' ? (r.data ? JSON.stringify(r.data) : '') : r[c]))]),
    );
    count++;
  }
  return count;
}
