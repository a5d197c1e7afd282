import { sql } from 'drizzle-orm';
import { DigestService } from '../src/audit/digest/service';
import { parsePolicy } from '../src/config/policy-file';
import { createLogger } from '../src/lib/logger';
import { DrizzleDigestStore } from '../src/store/repos/digest-store';
import { createTestDatabase } from '../test/helpers/database';
import { ManualClock } from '../test/helpers/clock';
import { AUTO_ROLE, BENCH_POLICY_YAML } from './policy';

export interface DigestFigures {
  rows: number;
  buildMs: number;
  grants: number;
  replies: number;
}

const DAY = '2026-11-20';
/** Each seeded request leaves the trail a real one does: 7 audit rows. */
const EVENTS = [
  'request.created',
  'approval.approve',
  'request.approved',
  'grant.started',
  'grant.activated',
  'revoke.started',
  'grant.expired',
];

/**
 * Digest build time over `rows` audit rows of one day, seeded with SQL (requests,
 * approvals, grants and their audit trails) in a database of its own, then
 * `DigestService.build(day)` timed over the real store.
 */
export async function measureDigest(rows: number): Promise<DigestFigures> {
  const db = await createTestDatabase('postgres');
  try {
    const requests = Math.ceil(rows / EVENTS.length);
    const dayStart = `${DAY}T00:00:00Z`;
    // Spread over the day: request i is created at i * (86_000 s / n), granted 5 s later, expires an hour on.
    await db.db.execute(sql`
      insert into access_requests (id, status, role_id, requester_id, requester_platform, requester_person, duration_ms, reason, approvals_required, auto_approved, created_at, updated_at, decided_at)
      select 'R-B' || i, 'expired', ${AUTO_ROLE}, 'U0B' || (i % 300), 'slack', 'email:u0b' || (i % 300) || '@example.com', 3600000, 'bench', 1, false,
             t, t + interval '1 hour 5 seconds', t + interval '3 seconds'
      from generate_series(1, ${requests}) i, lateral (select ${dayStart}::timestamptz + (i * 86000.0 / ${requests}) * interval '1 second' as t) x`);
    await db.db.execute(sql`
      insert into approvals (request_id, approver_id, approver_platform, approver_person, decision, created_at)
      select 'R-B' || i, 'U0APPROVER' || (i % 7), 'slack', 'email:u0approver' || (i % 7) || '@example.com', 'approve', created_at + interval '3 seconds' from access_requests, generate_series(1, ${requests}) i where id = 'R-B' || i`);
    await db.db.execute(sql`
      insert into grants (id, request_id, status, provider, provider_ref, activated_at, expires_at, revoked_at, created_at, updated_at)
      select 'G-B' || substr(id, 4), id, 'expired', 'sandbox', 'sandbox:G-B' || substr(id, 4), created_at + interval '5 seconds',
             created_at + interval '1 hour 5 seconds', created_at + interval '1 hour 5.1 seconds', created_at, created_at + interval '1 hour 5 seconds'
      from access_requests`);
    await db.db.execute(sql`
      insert into audit_events (at, action, request_id, grant_id, actor_platform, actor_id, data)
      select r.created_at + (e.n * interval '1 second'), e.action, r.id, 'G-B' || substr(r.id, 4), 'system', 'worker', '{}'::jsonb
      from access_requests r, unnest(string_to_array(${EVENTS.join(',')}, ',')) with ordinality as e(action, n)`);
    await db.db.execute(sql`analyze`);

    const policy = parsePolicy(`${BENCH_POLICY_YAML}\ndigest: { timezone: UTC }\n`, 'bench-policy.yaml');
    const store = new DrizzleDigestStore(db.db);
    const digests = new DigestService({
      policy,
      source: store,
      ledger: store,
      publishers: [],
      clock: new ManualClock(new Date(`${DAY}T23:59:59Z`)),
      logger: createLogger('silent'),
      requireSecurityTeam: async () => undefined,
    });
    const started = performance.now();
    const built = await digests.build(DAY);
    const buildMs = performance.now() - started;
    return { rows: requests * EVENTS.length, buildMs, grants: requests, replies: built.replies.length };
  } finally {
    await db.destroy();
  }
}
