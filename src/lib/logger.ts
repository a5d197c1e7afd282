import pino, { type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Paths that may carry secrets anywhere in a log object. Cloud credentials and
 * chat tokens must never reach a log line, whatever the level.
 */
export const REDACT_PATHS = [
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.password',
  '*.secret',
  '*.accessKeyId',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.SecretAccessKey',
  '*.SessionToken',
  '*.authorization',
  '*.headers.authorization',
  'credentials',
  '*.credentials',
  '*.Credentials',
  'privateDelivery',
  '*.privateDelivery',
  '*.SigninToken',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { app: 'jitbot' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}

/**
 * For a terminal: one readable line per entry (time, level, message, then the fields),
 * instead of JSON. Redaction has already happened by the time a line gets here.
 */
export function readableLines(out: NodeJS.WritableStream, colorize: boolean): DestinationStream {
  return pretty({ destination: out, colorize, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app', sync: true });
}
