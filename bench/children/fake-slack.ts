import { FakeSlackApi } from '../../src/sandbox/fake-slack-api';

/** The local Slack Web API fake in a process of its own (the bot posts to it under load). */
async function main(): Promise<void> {
  const fake = new FakeSlackApi();
  const url = await fake.start();
  // The bench never reads the call record; dropping it keeps memory flat over tens of
  // thousands of calls. Messages stay: the bot edits its cards and threads later.
  setInterval(() => void (fake.calls.length = 0), 1000).unref();
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  process.on('SIGTERM', () => void fake.stop().then(() => process.exit(0)));
}

void main();
