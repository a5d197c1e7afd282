import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver } from '@slack/bolt';

/**
 * The baseline of the ack figure: a Bolt app over HTTP that only acks `/jit`, with the
 * same receiver settings as jitbot's web process (ExpressReceiver on /slack/events,
 * ack before work).
 */
async function main(): Promise<void> {
  const receiver = new ExpressReceiver({
    signingSecret: process.env.SLACK_SIGNING_SECRET!,
    endpoints: '/slack/events',
    processBeforeResponse: false,
  });
  const app = new App({ token: process.env.SLACK_BOT_TOKEN!, receiver, clientOptions: { slackApiUrl: process.env.SLACK_API_URL } });
  app.command('/jit', async ({ ack }) => {
    await ack();
  });
  const server = await receiver.start(0);
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
  process.on('SIGTERM', () => void receiver.stop().then(() => process.exit(0)));
}

void main();
