import fc from 'fast-check';
import { parseCommand } from '../../../src/chat/command';
import { parseDurationMs } from '../../../src/lib/duration';

/** Property tests: any text a person can type gets an answer, never an exception. */
describe('command grammar under arbitrary input', () => {
  const words = fc.constantFrom(
    'request',
    'list',
    'pending',
    'roles',
    'revoke',
    'cancel',
    'help',
    'jit',
    'prod-admin',
    '1h',
    '30m',
    '0m',
    '"',
    '“',
    'R-ABC12345',
    '#r-x',
  );
  const text = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.array(fc.oneof(words, fc.string({ maxLength: 20 })), { maxLength: 12 }).map((w) => w.join(' ')),
  );

  it('always parses to a known kind, and invalid input carries a message', () => {
    fc.assert(
      fc.property(text, (input) => {
        const cmd = parseCommand(input);
        expect(['request', 'list', 'pending', 'roles', 'help', 'revoke', 'cancel', 'invalid']).toContain(cmd.kind);
        if (cmd.kind === 'invalid') expect(cmd.message.length).toBeGreaterThan(0);
        if (cmd.kind === 'request' && cmd.durationMs !== undefined) expect(cmd.durationMs).toBeGreaterThan(0);
        if (cmd.kind === 'revoke' || cmd.kind === 'cancel') expect(cmd.requestId).toMatch(/^R-[0-9A-Z]{4,16}$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('durations are positive whole milliseconds or refused', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^[0-9]{1,6}[dhms]([0-9]{1,4}[hms])?$/)), (input) => {
        const ms = parseDurationMs(input);
        if (ms !== null) expect(Number.isInteger(ms) && ms > 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
