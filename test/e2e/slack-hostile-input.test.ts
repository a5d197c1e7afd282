import fc from 'fast-check';
import { count } from 'drizzle-orm';
import { accessRequests } from '../../src/store/schema';
import { APPROVAL_CHANNEL } from '../helpers/policy';
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
    t = await startTestRuntime({ kind: 'pglite', role: 'web', logLevel: 'debug' });
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
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 100 }), fc.constantFrom('R-00000000', "R-1' OR 1=1 --", '')), fc.constantFrom('jit.approve', 'jit.deny'), async (value, actionId) => {
        const res = await t.signer.buttonClick({ userId: 'U0ALICE', actionId, value, channelId: APPROVAL_CHANNEL, messageTs: '1.0', responseUrl: t.slackApi.responseUrl('b') });
        expect(res.status).toBe(200);
      }),
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
      fc.asyncProperty(fc.string({ maxLength: 30 }), fc.string({ maxLength: 12 }), fc.option(fc.string({ maxLength: 50 })), async (role, duration, reason) => {
        const res = await t.signer.viewSubmission({
          userId: 'U0FUZZ2', callbackId: 'jit.request_submit',
          values: {
            role: { role: { type: 'static_select', selected_option: { value: role } } },
            duration: { duration: { type: 'plain_text_input', value: duration } },
            reason: { reason: { type: 'plain_text_input', value: reason } },
          },
        });
        expect(res.status).toBe(200);
      }),
      { numRuns: 40 },
    );
    expect(rejections).toEqual([]);
  });

  it('refuses payloads over the body limit with 413 and changes nothing', async () => {
    const before = await requestCount();
    const res = await t.signer.slashCommand({ userId: 'U0BIG', text: `request quick 1m ${'x'.repeat(300 * 1024)}`, responseUrl: t.slackApi.responseUrl('big') });
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
