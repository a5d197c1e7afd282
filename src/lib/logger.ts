import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Paths that may carry secrets anywhere in a log object. Cloud credentials and
 * chat tokens must never reach a log line, whatever the level.
 */
export const REDACT_PATHS = [
  '*.token', '*.botToken', '*.appToken', '*.signingSecret', '*.password', '*.secret',
  '*.accessKeyId', '*.secretAccessKey', '*.sessionToken', '*.SecretAccessKey', '*.SessionToken',
  '*.authorization', '*.headers.authorization', 'credentials', '*.credentials',
  '*.Credentials', 'privateDelivery', '*.privateDelivery', '*.SigninToken',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { app: 'jitbot' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
