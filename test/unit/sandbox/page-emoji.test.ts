import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '../../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
  });
}

describe('the sandbox page draws every emoji the bot sends', () => {
  it('has a picture for each :name: in the Slack renderers and shared words (else the page shows ":mag:" as text)', () => {
    const page = readFileSync(path.join(SRC, 'sandbox/page/blocks.js'), 'utf8');
    const table = new Set([...page.slice(page.indexOf('const EMOJI'), page.indexOf('};')).matchAll(/([a-z0-9_+-]+): '/g)].map((m) => m[1]));
    const used = new Set<string>();
    for (const file of [
      ...sources(path.join(SRC, 'chat/slack')),
      ...sources(path.join(SRC, 'chat')).filter((f) => path.dirname(f) === path.join(SRC, 'chat')),
    ]) {
      // Emoji appear in string literals as :name: (a colon, lower-case letters, a colon, not part of a URL or ARN).
      for (const m of readFileSync(file, 'utf8').matchAll(/(?<![\w/]):([a-z][a-z0-9_+-]*):(?=[\s`'"])/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !table.has(name))).toEqual([]);
  });
});
