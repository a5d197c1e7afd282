import { z } from 'zod';
import { AccessError } from '../../../access/model/errors';
import { REQUEST_ID_PATTERN } from '../../../lib/ids';

/**
 * Select options that carry a request id and a duration, `R-7K2M9QXA|1800000`:
 * "Approve for less…" on the approval card, "Extend" on the expiry warning.
 */
export function durationChoiceValue(requestId: string, ms: number): string {
  return `${requestId}|${ms}`;
}

const DurationChoice = z
  .string()
  .max(64)
  .transform((v) => v.split('|'))
  .pipe(
    z.tuple([
      z.string().regex(REQUEST_ID_PATTERN),
      z
        .string()
        .regex(/^[1-9][0-9]{0,9}$/)
        .transform(Number),
    ]),
  );

/**
 * Parses an untrusted option value. A malformed one is refused with a message
 * naming the control, before anything is looked up or changed; a well-formed one
 * still goes through every check of the core (the id may be unknown, the time too long).
 */
export function parseDurationChoice(value: unknown, control: string): { requestId: string; durationMs: number } {
  const parsed = DurationChoice.safeParse(value);
  if (!parsed.success)
    throw new AccessError(
      'bad_input',
      `That "${control}" choice is not one jitbot offered (expected a request id and a duration). Nothing was changed; pick again from the message.`,
    );
  const [requestId, durationMs] = parsed.data;
  return { requestId, durationMs };
}
