import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';

/**
 * The audit log's hash chain. Each row's hash covers a canonical form of its
 * fields and the previous row's hash, so changing, deleting or reordering any
 * row breaks every link after it (`npm run audit:verify` finds the first).
 */

/** The `prev_hash` of the first chained row. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the canonical form ever changes, so old rows still verify under their version. */
const CANONICAL_VERSION = 1;

// Sorted keys, undefined dropped, anything unserialisable refused (never silently hashed as "{}").
const stableJson = configure({ deterministic: true, bigint: false, circularValue: Error });

export interface ChainedFields {
  id: number;
  at: Date;
  action: string;
  requestId: string | null;
  grantId: string | null;
  actorPlatform: string;
  actorId: string;
  data: Record<string, unknown> | null;
  prevHash: string;
}

/**
 * Event data as jsonb will store and return it (Dates become strings, undefined
 * keys vanish), so the hash computed before the insert matches the row read back.
 */
export function normaliseData(data: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  return data == null ? null : (JSON.parse(JSON.stringify(data)) as Record<string, unknown>);
}

/** Stable JSON of the row: the exact bytes that are hashed. */
export function canonicalForm(row: ChainedFields): string {
  const text = stableJson({
    v: CANONICAL_VERSION,
    id: row.id,
    at: row.at.toISOString(),
    action: row.action,
    requestId: row.requestId,
    grantId: row.grantId,
    actorPlatform: row.actorPlatform,
    actorId: row.actorId,
    data: row.data,
    prevHash: row.prevHash,
  });
  if (text === undefined) throw new Error(`audit row ${row.id} cannot be serialised`);
  return text;
}

/** SHA-256 (hex) of the canonical form. */
export function rowHash(row: ChainedFields): string {
  return createHash('sha256').update(canonicalForm(row)).digest('hex');
}
