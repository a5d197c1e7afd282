import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/lib/logger';

/** A real pino logger whose lines are kept in memory (tests read them, e.g. to check redaction). */
export function captureLogger(level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}
