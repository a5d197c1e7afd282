/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../helpers/chromium';
import { ADAPTIVE_CARDS_BUNDLE } from '../../helpers/teams/adaptive-cards-lib';
import { teamsCardGallery } from '../../helpers/teams/card-gallery';

/**
 * Every Teams card rendered by Microsoft's `adaptivecards` renderer in a real browser, at the
 * width of a Teams chat: it renders, shows its words, its buttons and its drop-downs'
 * placeholders, and nothing spills out of the card (a long token in a fact or a code block
 * wraps instead of being clipped).
 */
describe("Teams cards rendered by Microsoft's adaptivecards renderer", () => {
  let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: Page;

  beforeAll(async () => {
    chrome = await launchChromium({ width: 520, height: 900 });
    page = chrome.page;
    await page.setContent('<!doctype html><html><body style="margin:0"><div id="card" style="width:480px"></div></body></html>');
    await page.addScriptTag({ content: readFileSync(ADAPTIVE_CARDS_BUNDLE, 'utf8') });
  }, 60_000);

  afterAll(async () => {
    await chrome?.close();
  });

  it.each(teamsCardGallery())('%s', async (_, card) => {
    const drawn = await page.evaluate((json) => {
      const AC = (
        window as unknown as { AdaptiveCards: { AdaptiveCard: new () => { parse(j: unknown): void; render(): HTMLElement | undefined } } }
      ).AdaptiveCards;
      const host = document.getElementById('card')!;
      host.innerHTML = '';
      const c = new AC.AdaptiveCard();
      c.parse(json);
      const el = c.render();
      if (!el) return undefined;
      host.appendChild(el);
      const hostRight = host.getBoundingClientRect().right;
      const spilling = Array.from(el.querySelectorAll('*')).filter(
        (e) => e.getBoundingClientRect().right > hostRight + 1 && (e as HTMLElement).offsetParent !== null,
      ).length;
      return {
        text: el.innerText,
        buttons: Array.from(el.querySelectorAll('button')).map((b) => b.innerText.trim()),
        placeholders: Array.from(el.querySelectorAll('select option, input')).map(
          (o) => (o as HTMLInputElement).placeholder || (o as HTMLOptionElement).text,
        ),
        spilling,
      };
    }, card);
    expect(drawn).toBeDefined();
    expect(drawn!.spilling).toBe(0);
    const words = JSON.stringify(card.body).match(/"text":"([^"{\\*`_]{6,40})/)?.[1];
    if (words) expect(drawn!.text).toContain(words.trim());
    const titles = (card.actions ?? []).map((a) => String(a.title));
    for (const title of titles) expect(drawn!.buttons).toContain(title);
    for (const placeholder of JSON.stringify(card).match(/"placeholder":"([^"]+)"/g) ?? []) {
      expect(drawn!.placeholders).toContain(placeholder.slice('"placeholder":"'.length, -1));
    }
  });
});
