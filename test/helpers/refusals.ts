import { asc, eq } from 'drizzle-orm';
import { AccessError } from '../../src/access/model/errors';
import { auditEvents } from '../../src/store/schema';
import type { TestRuntime } from './runtime';

/** Awaits a call that must be refused, and returns the refusal (anything else fails the test). */
export async function refusal(p: Promise<unknown>): Promise<AccessError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AccessError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** The audit actions of one request, in order. */
export async function auditActions(t: TestRuntime, requestId: string): Promise<string[]> {
  return (
    await t.runtime.database.db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId)).orderBy(asc(auditEvents.id))
  ).map((e) => e.action);
}
