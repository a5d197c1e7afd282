import { FakeSlackApi } from '../../src/sandbox/fake-slack-api';
import { FakeSocketMode } from '../fakes/socket-mode';
import { JitbotProcess, writeTestPolicy } from '../helpers/jitbot-process';
import { freePort } from '../helpers/ports';
import { TEST_REDIS_URL } from '../helpers/redis';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime';
import { waitFor } from '../helpers/wait';

const APP_TOKEN = 'xapp-1-A0JITBOT-1-test';

/** Socket Mode: no public URL, jitbot connects out to Slack. */
describe('Slack over Socket Mode', () => {
  it('cannot reach Slack at start: exits at once saying what it tried and what to check, without a crash', async () => {
    const closed = await freePort();
    const started = JitbotProcess.start('all', {
      PORT: '0',
      REDIS_URL: TEST_REDIS_URL,
      JIT_DATA_DIR: 'memory://',
      JIT_POLICY_FILE: writeTestPolicy(),
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: `http://127.0.0.1:${closed}/api/`,
    });
    await expect(started).rejects.toThrow(
      `jitbot could not start:\nCould not connect to Slack in Socket Mode (apps.connections.open at http://127.0.0.1:${closed}/api/ with SLACK_APP_TOKEN, then its WebSocket)`,
    );
    await expect(started).rejects.toThrow('Check that this machine reaches slack.com over HTTPS and WebSockets');
    // An uncaught error would end with Node's own report (the stack, then "Node.js v…").
    await expect(started).rejects.not.toThrow(/triggerUncaughtException|\nNode\.js v\d+/);
    // A real process: starting it (PGlite's migrations, Slack's retries) takes well over 30 s on a loaded machine.
  }, 120_000);

  describe('connected', () => {
    const socketMode = new FakeSocketMode();
    let t: TestRuntime;
    beforeAll(async () => {
      t = await startTestRuntime({ kind: 'postgres', role: 'all', socketModeUrl: await socketMode.start() });
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await socketMode.stop();
    });
    const readyz = async () => {
      const res = await fetch(`${t.runtime.url}/readyz`);
      return { status: res.status, body: (await res.json()) as Record<string, boolean> };
    };

    it('answers a slash command that comes over the socket, and /readyz reports the connection', async () => {
      expect(await readyz()).toEqual({ status: 200, body: { ok: true, postgres: true, redis: true, slack: true } });
      socketMode.send({
        envelope_id: 'env-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          token: 'unused',
          team_id: FakeSlackApi.TEAM_ID,
          team_domain: 'sandbox',
          channel_id: 'C0GENERAL',
          channel_name: 'general',
          user_id: 'U0SOCKET',
          user_name: 'socket',
          command: '/jit',
          text: 'whoami',
          api_app_id: 'A0JITBOT',
          response_url: t.slackApi.responseUrl('socket-1'),
          trigger_id: 'trigger-socket-1',
        },
      });
      await waitFor(() => socketMode.acks.some((a) => a.envelope_id === 'env-1'), 'the command acknowledged over the socket');
      const reply = await waitFor(
        () => t.slackApi.callsOf('response_url').find((c) => c.args.id === 'socket-1'),
        'the answer to the command',
      );
      expect(String(reply.args.text)).toContain('u0socket@example.com');
    });

    it('says when the socket is down (readiness 503, slack: false) and when it is back', async () => {
      t.slackApi.outage = { status: 503 };
      socketMode.dropAll();
      await waitFor(async () => (await readyz()).body.slack === false, 'readiness to report the socket down');
      expect((await readyz()).status).toBe(503);
      t.slackApi.outage = undefined;
      await waitFor(async () => (await readyz()).body.slack === true, 'the socket to reconnect', 60_000, 250);
      expect((await readyz()).status).toBe(200);
    }, 90_000);
  });
});
