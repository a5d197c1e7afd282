import { asc, eq } from 'drizzle-orm';
import { accessRequests, auditEvents, grants } from '../../src/store/schema';
import { APPROVAL_CHANNEL } from './policy';
import type { TestRuntime } from './runtime';
import { waitFor } from './wait';

/**
 * What end-to-end tests do as Slack users, and read back from the database, in one
 * place. Takes a getter because test files start their runtime in beforeAll.
 */
export function slackDriver(runtime: () => TestRuntime) {
  const db = () => runtime().runtime.database.db;
  const expectOk = (what: string) => (res: Response) => {
    if (res.status !== 200) throw new Error(`${what} answered ${res.status}`);
  };
  return {
    db,
    /** Sends a signed `/jit …` and returns the user's newest request. */
    async slash(userId: string, text: string) {
      const t = runtime();
      await t.signer
        .slashCommand({ userId, text, responseUrl: t.slackApi.responseUrl(`${userId}-${Date.now()}`) })
        .then(expectOk(`/jit ${text}`));
      const rows = await db()
        .select()
        .from(accessRequests)
        .where(eq(accessRequests.requesterId, userId))
        .orderBy(asc(accessRequests.createdAt));
      return rows.at(-1)!;
    },
    /** A signed click on a button (in the approval channel unless `channelId` says otherwise). */
    click: (userId: string, actionId: string, value: string, channelId = APPROVAL_CHANNEL) =>
      runtime()
        .signer.buttonClick({
          userId,
          actionId,
          value,
          channelId,
          messageTs: '1.0',
          responseUrl: runtime().slackApi.responseUrl(`click-${userId}`),
        })
        .then(expectOk(`click ${actionId}`)),
    /** A signed choice in a static select (the option's value as the bot rendered it, or a forged one). */
    select: (userId: string, actionId: string, value: string, channelId: string) =>
      runtime()
        .signer.selectOption({
          userId,
          actionId,
          value,
          channelId,
          messageTs: '1.0',
          responseUrl: runtime().slackApi.responseUrl(`select-${userId}`),
        })
        .then(expectOk(`select ${actionId}`)),
    /** Waits until the request's grant reaches `status`, and returns it. */
    grantIn: (requestId: string, status: string) =>
      waitFor(
        async () =>
          await db()
            .select()
            .from(grants)
            .where(eq(grants.requestId, requestId))
            .then((r) => r[0]?.status === status && r[0]),
        `grant ${status}`,
        10_000,
      ),
    /** Every DM the bot sent the user, as JSON text. */
    dmsTo: (userId: string) =>
      runtime()
        .slackApi.callsOf('chat.postMessage')
        .filter((c) => c.args.channel === userId)
        .map((c) => JSON.stringify(c.args)),
    /** Every message the bot posted in a channel, as JSON text. */
    postsTo: (channel: string) =>
      runtime()
        .slackApi.callsOf('chat.postMessage')
        .filter((c) => c.args.channel === channel)
        .map((c) => JSON.stringify(c.args)),
    /** "Only visible to you" answers the user got (after clicks). */
    ephemeralsTo: (userId: string) =>
      runtime()
        .slackApi.callsOf('chat.postEphemeral')
        .filter((c) => c.args.user === userId)
        .map((c) => String(c.args.text)),
    /** Ephemeral answers to slash commands (their response_url). */
    replies: () =>
      runtime()
        .slackApi.callsOf('response_url')
        .map((c) => String(c.args.text)),
    auditOf: (requestId: string) =>
      db().select().from(auditEvents).where(eq(auditEvents.requestId, requestId)).orderBy(asc(auditEvents.id)),
  };
}
