import fc from 'fast-check';
import { count, eq } from 'drizzle-orm';
import { accessRequests, auditEvents } from '../../src/store/schema';
import { APPROVAL_CHANNEL, CROWD } from '../helpers/policy';
import { SIGNING_SECRET, startTestRuntime, type TestRuntime } from '../helpers/runtime';

/**
 * Hostile and malformed input through the real HTTP server: whatever arrives, the
 * answer is a clean HTTP status and, for a person, a specific message — never a 500,
 * a stack trace or an unhandled rejection; forgeries change nothing.
 */
describe('Slack hostile input', () => {
  let t: TestRuntime;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    t = await startTestRuntime({ kind: 'postgres', role: 'web', logLevel: 'debug' });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await t.close();
  });
  const requestCount = async () => (await t.runtime.database.db.select({ n: count() }).from(accessRequests))[0]!.n;

  it('answers arbitrary /jit text with 200 and an ephemeral reply', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        const id = `fuzz-${Math.random()}`;
        const res = await t.signer.slashCommand({ userId: 'U0FUZZ', text, responseUrl: t.slackApi.responseUrl(id) });
        expect(res.status).toBe(200);
        const replies = t.slackApi.callsOf('response_url').filter((c) => c.args.id === id);
        const opened = t.slackApi.callsOf('views.open').length;
        // Either a reply, or a form opened for the missing parts.
        expect(replies.length > 0 || opened > 0).toBe(true);
        for (const r of replies) expect(String(r.args.text)).not.toMatch(/at \w+ \(|TypeError|undefined/);
      }),
      { numRuns: 40 },
    );
    expect(rejections).toEqual([]);
  });

  it('refuses forged button values with an explanation and changes nothing', async () => {
    const before = await requestCount();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 100 }), fc.constantFrom('R-00000000', "R-1' OR 1=1 --", '')),
        fc.constantFrom('jit.approve', 'jit.deny'),
        async (value, actionId) => {
          const res = await t.signer.buttonClick({
            userId: 'U0ALICE',
            actionId,
            value,
            channelId: APPROVAL_CHANNEL,
            messageTs: '1.0',
            responseUrl: t.slackApi.responseUrl('b'),
          });
          expect(res.status).toBe(200);
        },
      ),
      { numRuns: 40 },
    );
    const explanations = t.slackApi.callsOf('chat.postEphemeral').map((c) => String(c.args.text));
    expect(explanations.length).toBeGreaterThanOrEqual(40);
    expect(explanations.every((text) => /There is no request|is already/.test(text))).toBe(true);
    expect(await requestCount()).toBe(before);
    expect(rejections).toEqual([]);
  });

  it('answers arbitrary modal submissions with a form error or a filed request, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 12 }),
        fc.option(fc.string({ maxLength: 50 })),
        async (role, duration, reason) => {
          const res = await t.signer.viewSubmission({
            userId: 'U0FUZZ2',
            callbackId: 'jit.request_submit',
            values: {
              role: { role: { type: 'static_select', selected_option: { value: role } } },
              duration: { duration: { type: 'plain_text_input', value: duration } },
              reason: { reason: { type: 'plain_text_input', value: reason } },
            },
          });
          expect(res.status).toBe(200);
        },
      ),
      { numRuns: 40 },
    );
    expect(rejections).toEqual([]);
  });

  it('makes one grant from 50 approvers clicking at once, and one outcome from Approve and Deny at the same instant', async () => {
    const { service } = t.runtime;
    const crowded = await service.request({ platform: 'slack', userId: 'U0RACE1' }, { roleId: 'crowd', durationMs: 60_000 });
    const clicks = await Promise.all(
      CROWD.map((id) =>
        t.signer.buttonClick({
          userId: id,
          actionId: 'jit.approve',
          value: crowded.request.id,
          channelId: APPROVAL_CHANNEL,
          messageTs: '1.0',
          responseUrl: t.slackApi.responseUrl('race'),
        }),
      ),
    );
    expect(clicks.every((res) => res.status === 200)).toBe(true);
    const audit = await t.runtime.database.db.select().from(auditEvents).where(eq(auditEvents.requestId, crowded.request.id));
    expect(audit.filter((e) => e.action === 'request.approved')).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'approval.approve')).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'decision.refused')).toHaveLength(49);

    for (let i = 0; i < 5; i++) {
      const contested = await service.request({ platform: 'slack', userId: `U0RACE${i + 2}` }, { roleId: 'quick', durationMs: 60_000 });
      const outcomes = await Promise.allSettled([
        service.approve({ platform: 'slack', userId: 'U0ALICE' }, contested.request.id),
        service.deny({ platform: 'slack', userId: 'U0BOB' }, contested.request.id, 'no'),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const status = (await service.view(contested.request.id)).request.status;
      expect(['approved', 'denied']).toContain(status);
      const events = (await t.runtime.database.db.select().from(auditEvents).where(eq(auditEvents.requestId, contested.request.id))).map(
        (e) => e.action,
      );
      expect(events.filter((a) => a === 'request.approved' || a === 'request.denied')).toHaveLength(1);
    }
  });

  it('refuses payloads over the body limit with 413 and changes nothing', async () => {
    const before = await requestCount();
    const res = await t.signer.slashCommand({
      userId: 'U0BIG',
      text: `request quick 1m ${'x'.repeat(300 * 1024)}`,
      responseUrl: t.slackApi.responseUrl('big'),
    });
    expect(res.status).toBe(413);
    expect(await requestCount()).toBe(before);
  });

  it('never writes the bot token or signing secret to the logs', () => {
    const log = t.logLines.join('\n');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain('xoxb-test-token');
    expect(log).not.toContain(SIGNING_SECRET);
  });
});
