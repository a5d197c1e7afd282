import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EMOJI } from '../../../src/chat/words/markup';

const SRC = path.join(__dirname, '../../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
  });
}

describe('one emoji table for the bot and the sandbox page', () => {
  it('has a picture for each :name: the Slack renderers write (else the page and Teams show ":mag:" as text)', () => {
    const used = new Set<string>();
    for (const file of sources(path.join(SRC, 'chat'))) {
      // Emoji appear in string literals as :name: (a colon, lower-case letters, a colon, not part of a URL or ARN).
      for (const m of readFileSync(file, 'utf8').matchAll(/(?<![\w/]):([a-z][a-z0-9_+-]*):(?=[\s`'"])/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !(name in EMOJI))).toEqual([]);
  });

  it('the page takes its table from the bot (emoji.js), not a copy of its own', () => {
    const page = readFileSync(path.join(SRC, 'sandbox/page/blocks.js'), 'utf8');
    expect(page).toContain('window.JIT_EMOJI');
    expect(page).not.toMatch(/inbox_tray: '/);
  });
});
