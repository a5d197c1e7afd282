import { randomUUID } from 'node:crypto';
import { isAccessError } from '../access/model/errors';
import type { Logger } from '../lib/logger';
import type { Markup } from './words/markup';

/**
 * What to tell a person when their action failed: a refusal from the core, worded in the
 * platform's markup (`m`); anything else is logged with a short reference and answered
 * without a stack trace.
 */
export function failureMessage(logger: Logger, e: unknown, what: string, m: Markup): { refusal: boolean; text: string } {
  if (isAccessError(e)) return { refusal: true, text: e.wordedFor(m) };
  const ref = randomUUID().slice(0, 8);
  logger.error({ err: e, ref }, `${what} failed`);
  return {
    refusal: false,
    text: `Something went wrong on jitbot's side (ref ${ref}). Please try again; if it keeps happening, tell your jitbot admins.`,
  };
}
