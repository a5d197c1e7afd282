import { Writable } from 'node:stream';
import { createLogger, readableLines } from '../../../src/lib/logger';

describe('readable log lines (a terminal)', () => {
  it('prints time, level and message on one line, not JSON, with secrets still redacted', () => {
    let out = '';
    const terminal = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const logger = createLogger('info', readableLines(terminal, false));
    logger.info({ role: 'all', slack: { botToken: 'xoxb-secret-token' } }, 'jitbot is up');
    const [line] = out.split('\n');
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: jitbot is up$/);
    expect(out).not.toMatch(/^\{/);
    expect(out).toContain('role: "all"');
    expect(out).not.toContain('xoxb-secret-token');
    expect(out).toContain('[redacted]');
  });
});
