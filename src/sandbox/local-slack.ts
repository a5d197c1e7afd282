import { randomBytes } from 'node:crypto';
import { FakeSlackApi } from './fake-slack-api';
import { SandboxSession } from './session';

/**
 * Slack for the local sandbox: the fake Web API in this process, and a bot token and
 * signing secret made up for this run. The real Bolt app runs against it, so the
 * page shows exactly what jitbot would post in a real workspace. Never used when
 * real Slack credentials are set (runtime.ts decides).
 */
export interface LocalSlack {
  api: FakeSlackApi;
  session: SandboxSession;
  botToken: string;
  signingSecret: string;
  apiUrl: string;
  stop(): Promise<void>;
}

export async function startLocalSlack(): Promise<LocalSlack> {
  const api = new FakeSlackApi();
  const session = new SandboxSession();
  api.onCall((call) => session.apply(call));
  const apiUrl = await api.start(0, '127.0.0.1');
  return {
    api,
    session,
    apiUrl,
    botToken: `xoxb-sandbox-${randomBytes(12).toString('hex')}`,
    signingSecret: randomBytes(32).toString('hex'),
    stop: () => api.stop(),
  };
}
