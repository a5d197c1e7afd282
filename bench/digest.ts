import type { TestDatabase } from '../test/helpers/database';

export interface DigestFigures {
  buildMs: number;
  grants: number;
  replies: number;
}

/**
 * Digest build time over `rows` audit rows seeded with SQL. Not measured yet: this
 * bench was planned while the digest (issue 7) was on its own branch. To add it: seed
 * one day of `audit_events` (and the requests they name) with generate_series, then
 * time `DigestService.build(day)` over a `DrizzleDigestStore` of `db`.
 */
export type MeasureDigest = (db: TestDatabase, rows: number) => Promise<DigestFigures>;

/** The placeholder row the table shows until `measureDigest` exists. */
export const DIGEST_NOT_MEASURED = 'digest: not measured yet (issue 7 not merged)';
