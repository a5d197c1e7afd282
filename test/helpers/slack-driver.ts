import { asc, eq } from 'drizzle-orm';
import { accessRequests, auditEvents, grants } from '../../src/store/schema';
import type { TestRuntime } from './runtime';
import { waitFor } from './wait';

/**
 * What end-to-end tests do as Slack users, and read back from the database, in one
 * place. Takes a getter because test files start their runtime in beforeAll.
 */
export function slackDriver(runtime: () => TestRuntime) {
  const db = () => runtime().runtime.database.db;
  return {
    db,
    /** Sends a signed `/jit …` and returns the user's newest request. */
    async slash(userId: string, text: string) {
      const t = runtime();
      const res = await t.signer.slashCommand({ userId, text, responseUrl: t.slackApi.responseUrl(`${userId}-${Date.now()}`) });
      if (res.status !== 200) throw new Error(`/jit ${text} answered ${res.status}`);
      const rows = await db().select().from(accessRequests).where(eq(accessRequests.requesterId, userId)).orderBy(asc(accessRequests.createdAt));
      return rows.at(-1)!;
    },
    /** Waits until the request's grant reaches `status`, and returns it. */
    grantIn: (requestId: string, status: string) =>
      waitFor(async () => (await db().select().from(grants).where(eq(grants.requestId, requestId)).then((r) => r[0]?.status === status && r[0])), `grant ${status}`, 10_000),
    /** Every DM the bot sent the user, as JSON text. */
    dmsTo: (userId: string) => runtime().slackApi.callsOf('chat.postMessage').filter((c) => c.args.channel === userId).map((c) => JSON.stringify(c.args)),
    auditOf: (requestId: string) => db().select().from(auditEvents).where(eq(auditEvents.requestId, requestId)).orderBy(asc(auditEvents.id)),
  };
}
