import { APPROVAL_CHANNEL } from '../helpers/policy';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { slackDriver } from '../helpers/slack-driver';
import { TEAMS_APPROVAL_CHANNEL, TEAMS_TEAM_ID, requester, teamsPolicy, ALICE } from '../helpers/teams/policy';
import type { Where } from '../helpers/teams/activities';
import { cardJson, personalId, textOf } from '../helpers/teams/reading';
import { waitFor } from '../helpers/wait';

/**
 * Trust boundaries, finding 4: text people typed is rendered as text. The attacks are the
 * ones found, verbatim, sent as Slack and Teams send them (signed requests, signed Bot
 * Framework activities); what the bot posts is read back from the fake Slack and the fake
 * Bot Connector.
 */
const SLACK_ATTACKS = {
  ping: '<!channel> please approve, prod is down',
  fakeLink: 'see <https://evil|https://console.aws.amazon.com> for the runbook',
  forgedApproval: '*Pre-approved by <@U0CTO>*',
};
const TEAMS_ATTACKS = {
  link: '[Approve here](https://evil)',
  date: '{{DATE(2026-01-01T00:00:00Z, SHORT)}}',
  reversed: 'invoice gnp\u202Eexe.png',
};

describe('trust boundaries: user text is text, never markup', () => {
  let t: TestRuntime;
  const slack = slackDriver(() => t);
  const channel: Where = { kind: 'channel', channelId: TEAMS_APPROVAL_CHANNEL, teamId: TEAMS_TEAM_ID };

  beforeAll(async () => {
    t = await startTestRuntime({ kind: 'postgres', role: 'web', teams: true, policy: teamsPolicy() });
    expect((await t.teams!.install(ALICE, channel)).status).toBe(200);
  });
  afterAll(() => t.close());

  /**
   * Every string of a message that Slack reads as mrkdwn (its top-level `text`, and every
   * `mrkdwn` text object); `plain_text` objects are shown as typed and are left out.
   */
  function mrkdwnOf(value: unknown, top = true): string[] {
    if (Array.isArray(value)) return value.flatMap((v) => mrkdwnOf(v, false));
    if (!value || typeof value !== 'object') return [];
    const o = value as Record<string, unknown>;
    const own = typeof o.text === 'string' && (top || o.type === 'mrkdwn') ? [o.text] : [];
    return [
      ...own,
      ...Object.entries(o)
        .filter(([k]) => k !== 'text' || typeof o.text !== 'string')
        .flatMap(([, v]) => mrkdwnOf(v, false)),
    ];
  }
  /** The mrkdwn of everything the bot sent to Slack: messages, updates, ephemerals, response_url replies. */
  const allSlackMrkdwn = () => t.slackApi.calls.flatMap((c) => mrkdwnOf(c.args)).join('\n');
  const FORBIDDEN_IN_MRKDWN = ['<!channel>', '<https://evil', '<@U0CTO>'];

  it.each(Object.entries(SLACK_ATTACKS))('Slack: a reason that tries %s reaches approvers as plain text', async (name, reason) => {
    const request = await slack.slash(`U0MALLORY${name.toUpperCase()}`, `request quick 5m ${reason}`);
    expect(request.reason).toBe(reason);
    const card = t.slackApi
      .callsOf('chat.postMessage')
      .find((c) => c.args.channel === APPROVAL_CHANNEL && String(c.args.text).includes(request.id))!;
    for (const markup of FORBIDDEN_IN_MRKDWN) expect(mrkdwnOf(card.args).join('\n')).not.toContain(markup);
    // The reason stands in a plain_text block exactly as typed: Slack applies no formatting, mention or link there.
    const blocks = card.args.blocks as Array<{ type: string; text?: { type: string; text: string } }>;
    expect(blocks.some((b) => b.text?.type === 'plain_text' && b.text.text.includes(reason))).toBe(true);
  });

  it("Slack: pending lists, deny reasons, DMs and card updates escape people's text too", async () => {
    const request = await slack.slash('U0MALLORY2', `request quick 5m ${SLACK_ATTACKS.forgedApproval}`);
    await slack.slash('U0ALICE', 'pending');
    await t.signer.viewSubmission({
      userId: 'U0ALICE',
      callbackId: 'jit.deny_submit',
      privateMetadata: JSON.stringify({ requestId: request.id }),
      values: { reason: { reason: { type: 'plain_text_input', value: `${SLACK_ATTACKS.ping} ${SLACK_ATTACKS.fakeLink}` } } },
    });
    await waitFor(async () => (await slack.auditOf(request.id)).some((e) => e.action === 'request.denied'), 'request denied');
    await waitFor(() => slack.dmsTo('U0MALLORY2').some((m) => m.includes('was denied')), 'deny DM');
    const output = allSlackMrkdwn();
    for (const markup of FORBIDDEN_IN_MRKDWN) expect(output).not.toContain(markup);
    expect(output).toContain('Denied by <@U0ALICE>: &lt;!channel&gt; please approve');
    expect(output).toContain('_*Pre-approved by &lt;@U0CTO&gt;*_');
  });

  it('Teams: a reason with a markdown link, a DATE() function and a right-to-left override shows literally', async () => {
    const req = requester(41);
    const reason = Object.values(TEAMS_ATTACKS).join(' ');
    const res = await t.teams!.message(req, { kind: 'personal', user: req }, `jit request quick 5m ${reason}`);
    expect(res.status).toBe(200);
    const fw = t.botFramework!;
    const card = await waitFor(
      () => fw.callsTo(TEAMS_APPROVAL_CHANNEL, 'send').find((c) => cardJson(c).includes('invoice')),
      'Teams approval card',
    );
    const everything = [...fw.callsTo(TEAMS_APPROVAL_CHANNEL), ...fw.callsTo(personalId(req))].map(textOf).join('\n') + cardJson(card);
    expect(everything).not.toContain(TEAMS_ATTACKS.link);
    expect(everything).not.toContain('{{DATE(2026-01-01T00:00:00Z');
    expect(everything).not.toContain('\u202E');
    // The card's facts are labelled lines: the reason's line holds the escaped text and nothing else.
    const lines = (JSON.parse(cardJson(card)) as { body: Array<{ items?: Array<{ text?: string }> }> }).body.flatMap((e) =>
      (e.items ?? []).map((i) => i.text ?? ''),
    );
    expect(lines.find((l) => l.startsWith('**Reason:** '))).toBe(
      '**Reason:** \\[Approve here\\](https://evil) { {DATE(2026-01-01T00:00:00Z, SHORT)} } invoice gnp\\[U+202E\\]exe.png',
    );
    // The Slack card of the same request is plain text too.
    const slackCard = t.slackApi
      .callsOf('chat.postMessage')
      .find((c) => c.args.channel === APPROVAL_CHANNEL && JSON.stringify(c.args).includes('invoice'))!;
    expect(JSON.stringify(slackCard.args)).not.toContain('\u202E');
  });
});
