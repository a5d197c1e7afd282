import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startTeamsPlayground, type TeamsPlayground } from '../../../scripts/teams-playground';
import { launchChromium } from '../../helpers/chromium';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { captureLogger } from '../../helpers/logger';
import { freePort } from '../../helpers/ports';
import { TEST_REDIS_URL } from '../../helpers/redis';
import { waitFor } from '../../helpers/wait';

const SCREENSHOT = path.join(__dirname, '../../../docs/teams-playground.png');

/**
 * `npm run teams:playground` end to end: Microsoft 365 Agents Playground (the npm package,
 * its own server and page) talks to jitbot's real Teams adapter through the local signer, and
 * a headless browser drives the page: request → approve → granted → revoked.
 */
describe('Teams playground in a browser', () => {
  let db: TestDatabase;
  let playground: TeamsPlayground;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    playground = await startTeamsPlayground({
      playgroundPort: await freePort(),
      logger: captureLogger('warn').logger,
      env: { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL },
    });
  }, 60_000);
  afterAll(async () => {
    await playground?.close();
    await db?.destroy();
  });

  const text = (page: Page) => page.locator('body').innerText();
  const open = async (page: Page, chat: 'Personal Chat' | 'General') => page.getByText(chat, { exact: true }).click();
  const say = async (page: Page, words: string) => {
    await page.getByRole('textbox').fill(words);
    await page.getByRole('textbox').press('Enter');
  };

  /** Megan Bowen's click on Approve (an approver in playground/policy.yaml), sent from the Playground's "Custom activity": the page acts as one user, Alex. */
  async function approveAsMegan(page: Page, requestId: string): Promise<void> {
    // The same activity the README points people to, with the request id and the Playground's port filled in.
    const activity = JSON.parse(readFileSync(path.join(__dirname, '../../../playground/approve-as-megan.json'), 'utf8')) as {
      serviceUrl: string;
      value: { action: { data: { requestId: string } } };
    };
    activity.serviceUrl = `${playground.url.replace('127.0.0.1', 'localhost')}/_connector`;
    activity.value.action.data.requestId = requestId;
    await page.getByText('Mock an Activity').click();
    await page.getByRole('menuitem', { name: 'Custom activity' }).click();
    await page.locator('.monaco-editor').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(JSON.stringify(activity));
    await page.getByRole('button', { name: 'Send activity' }).click();
  }

  it('request → approve → granted → revoked, and a screenshot for the README', async () => {
    const { page, close } = await launchChromium({ width: 1280, height: 900 });
    try {
      await page.goto(playground.url, { waitUntil: 'networkidle' });
      // The page has reached jitbot once its log shows the personal chat's install answered.
      await waitFor(async () => (await text(page)).includes('installationUpdate 200'), 'the Playground connected to jitbot', 60_000, 250);
      // Opening the team's General channel installs jitbot there: its approval cards can go to it.
      await open(page, 'General');
      await waitFor(async () => (await text(page)).includes('jitbot is here'), 'jitbot installed in General', 60_000, 250);

      await open(page, 'Personal Chat');
      await say(page, 'request prod-admin 1h "try the playground"');
      const requestId = await waitFor(
        async () => /Filed `?(R-[0-9A-Z]+)`? for/.exec(await text(page))?.[1],
        'the request filed',
        60_000,
        250,
      );

      await open(page, 'General');
      await waitFor(async () => (await text(page)).includes(`Access request ${requestId} — pending`), 'the approval card', 60_000, 250);
      await approveAsMegan(page, requestId);
      await waitFor(async () => (await text(page)).includes(`Access request ${requestId} — active`), 'the card says active', 60_000, 250);

      await open(page, 'Personal Chat');
      await waitFor(async () => (await text(page)).includes('You now have prod-admin'), 'the granted notice', 60_000, 250);
      await say(page, `revoke ${requestId}`);
      await waitFor(async () => (await text(page)).includes('Revoked and verified'), 'the revoked notice', 60_000, 250);
      await page.screenshot({ path: SCREENSHOT });
    } finally {
      await close();
    }
  }, 300_000);
});
