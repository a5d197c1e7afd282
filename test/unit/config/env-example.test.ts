import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_KEYS } from '../../../src/config/env';

/** .env.example is the one list a new user reads: every variable env.ts reads, each under a comment. */
describe('.env.example', () => {
  const lines = readFileSync(join(__dirname, '../../../.env.example'), 'utf8').split('\n');
  const assignment = /^([A-Z][A-Z0-9_]*)=/;

  it('knows every variable of the schema', () => {
    expect(ENV_KEYS.length).toBeGreaterThan(20);
    const listed = new Set(lines.map((l) => assignment.exec(l)?.[1]).filter(Boolean));
    expect(ENV_KEYS.filter((key) => !listed.has(key))).toEqual([]);
  });

  it('lists nothing the schema does not read, and each variable under a comment', () => {
    const known = new Set(ENV_KEYS);
    lines.forEach((line, i) => {
      const key = assignment.exec(line)?.[1];
      if (!key) return;
      expect({ key, known: known.has(key) }).toEqual({ key, known: true });
      // A comment right above, or above a run of variables that share it.
      let j = i - 1;
      while (j >= 0 && assignment.test(lines[j]!)) j--;
      expect({ key, comment: lines[j]?.startsWith('#') ?? false }).toEqual({ key, comment: true });
    });
  });
});
