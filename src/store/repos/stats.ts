import { count, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { accessRequests, grants } from '../schema';

/** Counts for /metrics. */
export async function readCounts(db: Db): Promise<{ requestsByStatus: Record<string, number>; activeGrants: number }> {
  const [byStatus, [active]] = await Promise.all([
    db.select({ status: accessRequests.status, n: count() }).from(accessRequests).groupBy(accessRequests.status),
    db.select({ n: count() }).from(grants).where(eq(grants.status, 'active')),
  ]);
  return { requestsByStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])), activeGrants: active?.n ?? 0 };
}
