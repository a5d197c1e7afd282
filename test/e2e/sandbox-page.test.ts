import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { parseEnv } from '../../src/config/env';
import { loadPolicyFile } from '../../src/config/policy-file';
import { startRuntime, type Runtime } from '../../src/runtime';
import { FakeSlackApi } from '../../src/sandbox/fake-slack-api';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { launchChromium } from '../helpers/chromium';
import { captureLogger } from '../helpers/logger';
import { deleteQueueKeys, TEST_REDIS_URL, testQueuePrefix } from '../helpers/redis';

// Every run saves its screenshot under test-results/; JIT_UPDATE_DOCS=1 refreshes the README's picture.
const SCREENSHOT =
  process.env.JIT_UPDATE_DOCS === '1'
    ? path.join(__dirname, '../../docs/sandbox.png')
    : path.join(__dirname, '../../test-results/sandbox.png');

/**
 * What a new user does first: `npm start` with no Slack credentials, open the
 * sandbox page, and walk a request through approval, grant and revoke by clicking.
 * Everything behind the page is real (Bolt, core, BullMQ, Postgres); only Slack's
 * Web API is the in-process fake.
 */
describe('local sandbox page', () => {
  let runtime: Runtime;
  let database: TestDatabase;
  let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: Page;
  const prefix = testQueuePrefix();

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await database.close();
    // The environment of a fresh clone: no Slack or Teams credentials.
    const env = parseEnv({
      PORT: '0',
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      JIT_QUEUE_PREFIX: prefix,
      JIT_RECONCILE_EVERY: '1h',
    });
    runtime = await startRuntime({
      env,
      policy: loadPolicyFile(path.join(__dirname, '../../policy.example.yaml')),
      logger: captureLogger('info').logger,
      role: 'all',
    });
    chrome = await launchChromium({ width: 1440, height: 900 });
    page = chrome.page;
  }, 60_000);

  afterAll(async () => {
    await chrome?.close();
    await runtime?.close();
    await deleteQueueKeys(prefix, TEST_REDIS_URL);
    await database?.destroy();
  });

  const actAs = (userId: string) => page.getByTestId('user-picker').selectOption(userId);
  const openChannel = (channelId: string) => page.locator(`.sidebar li[data-channel="${channelId}"]`).click();
  const slash = async (text: string) => {
    await page.locator('#command').fill(text);
    await page.locator('#command').press('Enter');
  };
  /** As the requester: `command` in #general, then the DM that says all of `dmTexts`; returns it and its request id. */
  const requestAsRequester = async (command: string, ...dmTexts: string[]) => {
    await actAs('U0REQUESTER');
    await openChannel('C0GENERAL');
    await slash(command);
    await openChannel('D:U0REQUESTER');
    const dm = dmTexts.reduce((found, text) => found.filter({ hasText: text }), page.locator('.message'));
    await dm.waitFor();
    return { dm, requestId: /\bR-[A-Z0-9]+/.exec(await dm.innerText())![0] };
  };
  const card = (requestId: string) => page.locator('.message', { hasText: `${requestId}` }).filter({ has: page.locator('.bk-fields') });

  it('walks request → approve → granted → revoked by clicking in the page', async () => {
    expect(runtime.sandboxPage?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sandbox\/$/);
    await page.goto(runtime.sandboxPage!.url);
    expect(await page.getByTestId('sandbox-badge').innerText()).toBe('SANDBOX');
    expect(await page.title()).toContain('SANDBOX');
    await actAs('U0REQUESTER');
    await openChannel('C0GENERAL');

    // No reason given: the role needs one, so the real request form opens as a modal.
    await slash('/jit request staging-admin 30m');
    const modal = page.locator('.modal');
    await modal.waitFor();
    expect(await modal.locator('select').inputValue()).toBe('staging-admin');
    await modal.locator('textarea').fill('deploy the payment hotfix');
    await modal.getByRole('button', { name: 'Request' }).click();
    await modal.waitFor({ state: 'detached' });

    // The form's answer comes as a DM from the bot.
    await openChannel('D:U0REQUESTER');
    const receipt = page.locator('.message', { hasText: 'is waiting for approval' });
    await receipt.waitFor();
    const requestId = /\bR-[A-Z0-9]+/.exec(await receipt.innerText())![0];

    // An approver sees the card in the approval channel and clicks Approve.
    await actAs('U0ALICE');
    await openChannel('C0APPROVALS');
    await card(requestId).getByRole('button', { name: 'Approve' }).click();
    await card(requestId).getByText('Active', { exact: false }).waitFor();
    expect(await card(requestId).getByRole('button').count()).toBe(0);

    // The requester's DMs tell the story; they revoke early from the channel.
    await actAs('U0REQUESTER');
    await openChannel('D:U0REQUESTER');
    await page.locator('.message', { hasText: 'You now have' }).waitFor();
    await openChannel('C0GENERAL');
    await slash(`/jit revoke ${requestId}`);
    await page.locator('.message.ephemeral', { hasText: `Revoking ${requestId}` }).waitFor();
    await openChannel('D:U0REQUESTER');
    await page.locator('.message', { hasText: 'revoked' }).first().waitFor();

    await actAs('U0ALICE');
    await openChannel('C0APPROVALS');
    await card(requestId).getByText('Revoked early by', { exact: false }).waitFor();
    await page.locator('#calls code', { hasText: 'chat.update' }).first().waitFor();
    const { grant } = await runtime.service.view(requestId);
    expect(grant?.status).toBe('revoked');
    expect(await runtime.sandbox.isStanding(grant!.id)).toBe(false);

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  }, 60_000);

  it('draws what the bot sends as Slack would: the "Approve for less…" select works, emoji and user groups read as in Slack', async () => {
    await page.goto(runtime.sandboxPage!.url);
    const { dm: receipt } = await requestAsRequester('/jit request prod-admin 1h "fix INC-7"', 'prod-admin', 'is waiting for approval');
    // prod-admin's approvers include the S0ONCALL group: Slack shows it as @oncall, and emoji as pictures.
    const receiptText = await receipt.innerText();
    expect(receiptText).toContain('@oncall');
    expect(receiptText).toContain('📥');
    expect(receiptText).not.toMatch(/subteam|:inbox_tray:/);

    // The walk above asked for staging-admin too: this receipt is the one for 2h.
    const { requestId } = await requestAsRequester(
      '/jit request staging-admin 2h "deploy the payment hotfix"',
      'staging-admin for 2h',
      'is waiting for approval',
    );
    await actAs('U0ALICE');
    await openChannel('C0APPROVALS');
    await card(requestId).locator('select.bk-action-select').selectOption({ label: 'Approve for 1h' });
    await card(requestId).getByText('Active', { exact: false }).waitFor();
    const { request, grant } = await runtime.service.view(requestId);
    expect(request.approvedDurationMs).toBe(3_600_000);
    expect(grant?.status).toBe('active');
  }, 60_000);

  it('walks the other card kinds by clicking: a break-glass card and its Reviewed button, an extension card and its Approve', async () => {
    await page.goto(runtime.sandboxPage!.url);
    const { requestId } = await requestAsRequester(
      '/jit request prod-db 30m --break-glass "primary is down INC-9"',
      'prod-db',
      'You now have',
    );

    // The break-glass card: loud, and an approver confirms they looked at it.
    await actAs('U0ALICE');
    await openChannel('C0APPROVALS');
    const bgCard = card(requestId);
    expect(await bgCard.innerText()).toContain('🚨 BREAK-GLASS');
    await bgCard.getByRole('button', { name: 'Reviewed' }).click();
    await bgCard.getByText('🔍', { exact: false }).waitFor();
    expect(await bgCard.getByRole('button', { name: 'Reviewed' }).count()).toBe(0);

    // Past what break-glass allows on its own, an extension goes to the approvers as a card of its own.
    await actAs('U0REQUESTER');
    await openChannel('C0GENERAL');
    await slash(`/jit extend ${requestId} 1h`);
    await actAs('U0ALICE');
    await openChannel('C0APPROVALS');
    // The one message about this request that offers Approve is the extension card (the break-glass card offers none).
    const pendingExtension = page
      .locator('.message', { hasText: requestId })
      .filter({ has: page.getByRole('button', { name: 'Approve' }) });
    await pendingExtension.waitFor();
    const extensionCard = page.locator(`.message[data-ts="${await pendingExtension.getAttribute('data-ts')}"]`);
    await extensionCard.getByRole('button', { name: 'Approve' }).click();
    // Decided: the card is redrawn with the outcome and without buttons.
    await extensionCard.getByRole('button', { name: 'Approve' }).waitFor({ state: 'detached' });
    expect(await extensionCard.innerText()).toContain('✅');
    const { grant } = await runtime.service.view(requestId);
    expect(grant!.expiresAt!.getTime() - grant!.activatedAt!.getTime()).toBe(90 * 60_000);
  }, 60_000);

  it('refuses actions for unknown users or channels with a clear 400, and sends nothing to the bot', async () => {
    const before = runtime.sandboxPage!.slack.api.calls.length;
    const post = (route: string, body: unknown) =>
      fetch(`${runtime.sandboxPage!.url}api/${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const stranger = await post('command', { userId: 'U0STRANGER', channel: 'C0GENERAL', text: '/jit roles' });
    expect(stranger.status).toBe(400);
    expect(((await stranger.json()) as { error: string }).error).toContain('userId is not one of the sandbox users');
    const badChannel = await post('command', { userId: 'U0REQUESTER', channel: 'not a channel', text: '/jit roles' });
    expect(((await badChannel.json()) as { error: string }).error).toContain('channel is not a sandbox channel');
    expect((await post('submit', { userId: 'U0BOB', values: {} })).status).toBe(409);
    expect(runtime.sandboxPage!.slack.api.calls.length).toBe(before);
  });
});

describe('sandbox mode is never on with real Slack credentials', () => {
  it('serves no sandbox page and talks to the configured Slack API', async () => {
    const slackApi = new FakeSlackApi();
    await slackApi.start();
    const prefix = testQueuePrefix();
    const env = parseEnv({
      PORT: '0',
      JIT_DATA_DIR: 'memory://',
      REDIS_URL: TEST_REDIS_URL,
      JIT_QUEUE_PREFIX: prefix,
      SLACK_BOT_TOKEN: 'xoxb-real',
      SLACK_SIGNING_SECRET: 'real-secret',
      SLACK_API_URL: slackApi.url,
    });
    const runtime = await startRuntime({
      env,
      policy: loadPolicyFile(path.join(__dirname, '../../policy.example.yaml')),
      logger: captureLogger('info').logger,
      role: 'all',
      host: '127.0.0.1',
    });
    try {
      expect(runtime.sandboxPage).toBeUndefined();
      expect((await fetch(`${runtime.url}/sandbox/`)).status).toBe(404);
      expect((await fetch(`${runtime.url}/sandbox/api/state`)).status).toBe(404);
    } finally {
      await runtime.close();
      await slackApi.stop();
      await deleteQueueKeys(prefix, TEST_REDIS_URL);
    }
  });
});
