import { parseCommand, tokenize } from '../../../src/chat/command';

describe('tokenize', () => {
  it('keeps straight and curly quoted text as one word', () => {
    expect(tokenize('request prod-admin 1h "fix INC-42 now"')).toEqual(['request', 'prod-admin', '1h', 'fix INC-42 now']);
    expect(tokenize('request x “smart quotes here”')).toEqual(['request', 'x', 'smart quotes here']);
  });
});

describe('parseCommand', () => {
  it('reads the example the README opens with', () => {
    expect(parseCommand('request prod-admin 1h "fix INC-42"')).toEqual({
      kind: 'request',
      roleId: 'prod-admin',
      durationMs: 3_600_000,
      reason: 'fix INC-42',
    });
  });

  it('treats a second word that is not a duration as the start of the reason', () => {
    expect(parseCommand('request prod-read looking at logs')).toEqual({ kind: 'request', roleId: 'prod-read', reason: 'looking at logs' });
  });

  it('leaves missing parts unset so a form can ask for them', () => {
    expect(parseCommand('request')).toEqual({ kind: 'request' });
    expect(parseCommand('request prod-read')).toEqual({ kind: 'request', roleId: 'prod-read' });
    expect(parseCommand('request prod-read 1h30m')).toEqual({
      kind: 'request',
      roleId: 'prod-read',
      durationMs: 5_400_000,
      reason: undefined,
    });
  });

  it('reads a spelled-out duration, and refuses a word that starts like a number but is not a duration', () => {
    expect(parseCommand('request staging-admin 3 hours fix the thing')).toEqual({
      kind: 'request',
      roleId: 'staging-admin',
      durationMs: 10_800_000,
      reason: 'fix the thing',
    });
    expect(parseCommand('request staging-admin 90 minutes')).toEqual({
      kind: 'request',
      roleId: 'staging-admin',
      durationMs: 5_400_000,
      reason: undefined,
    });
    for (const word of ['1.5h', '-5m', '1e3m', '3', '+2h', '2fa']) {
      expect(parseCommand(`request staging-admin ${word} fix the thing`)).toEqual({
        kind: 'invalid',
        message: expect.stringContaining(`"${word}" is not a usable duration: durations look like 30m, 1h, 1h30m or 2d`),
      });
    }
    // Quoted, a reason may start with a number.
    expect(parseCommand('request staging-admin "3 servers are down"')).toEqual({
      kind: 'request',
      roleId: 'staging-admin',
      reason: '3 servers are down',
    });
    expect(parseCommand('request staging-admin 1h "3 servers are down"')).toEqual({
      kind: 'request',
      roleId: 'staging-admin',
      durationMs: 3_600_000,
      reason: '3 servers are down',
    });
  });

  it('refuses a zero duration with a specific message', () => {
    expect(parseCommand('request prod-read 0m')).toEqual({
      kind: 'invalid',
      message: expect.stringContaining('"0m" is not a usable duration'),
    });
  });

  it('accepts a leading jit (Teams) and any case', () => {
    expect(parseCommand('jit LIST')).toEqual({ kind: 'list' });
    expect(parseCommand('')).toEqual({ kind: 'help' });
  });

  it('reads whoami, which takes no arguments', () => {
    expect(parseCommand('whoami')).toEqual({ kind: 'whoami' });
    expect(parseCommand('jit WhoAmI')).toEqual({ kind: 'whoami' });
    expect(parseCommand('whoami alice')).toEqual({ kind: 'invalid', message: '/jit whoami takes no arguments.' });
  });

  it('normalises request ids and refuses malformed ones', () => {
    expect(parseCommand('revoke #r-7k2m9qxa')).toEqual({ kind: 'revoke', requestId: 'R-7K2M9QXA' });
    expect(parseCommand('cancel')).toEqual({ kind: 'invalid', message: 'Usage: /jit cancel <request id>' });
    expect(parseCommand('cancel <script>')).toEqual({ kind: 'invalid', message: expect.stringContaining('is not a request id') });
  });

  it('parses /jit extend <id> <duration> and explains each mistake', () => {
    expect(parseCommand('extend r-7k2m9qxa 1h30m')).toEqual({ kind: 'extend', requestId: 'R-7K2M9QXA', addMs: 5_400_000 });
    expect(parseCommand('extend R-7K2M9QXA')).toEqual({
      kind: 'invalid',
      message: expect.stringContaining('Usage: /jit extend <request id> <duration>'),
    });
    expect(parseCommand('extend R-7K2M9QXA 1h more')).toEqual({ kind: 'invalid', message: expect.stringContaining('Usage: /jit extend') });
    expect(parseCommand('extend nope 1h')).toEqual({ kind: 'invalid', message: expect.stringContaining('"nope" is not a request id') });
    expect(parseCommand('extend R-7K2M9QXA soon')).toEqual({
      kind: 'invalid',
      message: expect.stringContaining('"soon" is not a usable duration'),
    });
  });

  it('answers unknown verbs and extra arguments with a message, never a throw', () => {
    expect(parseCommand('sudo make me admin')).toEqual({ kind: 'invalid', message: 'I don\'t know "sudo".' });
    expect(parseCommand('roles please')).toEqual({ kind: 'invalid', message: '/jit roles takes no arguments.' });
    expect(parseCommand('x'.repeat(5000))).toEqual({ kind: 'invalid', message: expect.stringContaining('too long') });
  });

  it("parses the security team's audit and digest commands", () => {
    expect(parseCommand('audit r-7k2m9qxa')).toEqual({ kind: 'audit', requestId: 'R-7K2M9QXA' });
    expect(parseCommand('audit')).toEqual({ kind: 'invalid', message: 'Usage: /jit audit <request id>' });
    expect(parseCommand('digest')).toEqual({ kind: 'digest', day: undefined });
    expect(parseCommand('digest Today')).toEqual({ kind: 'digest', day: 'today' });
    expect(parseCommand('digest 2026-11-24')).toEqual({ kind: 'digest', day: '2026-11-24' });
    expect(parseCommand('digest last week')).toEqual({ kind: 'invalid', message: 'Usage: /jit digest [yesterday|today|YYYY-MM-DD]' });
    expect(parseCommand('digest 24/11/2026')).toEqual({
      kind: 'invalid',
      message: '"24/11/2026" is not a day (use yesterday, today or a date like 2026-11-24).',
    });
  });
});
