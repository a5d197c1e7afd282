import type { Role } from '../../access/policy';
import { cutVisibly } from '../../lib/text';

/** The longest reason the request forms take (both platforms' inputs say so). */
export const REASON_MAX_LENGTH = 1000;

/**
 * The request form's reason field, for the role it opens with (Slack's modal and Teams'
 * card say the same): required when that role requires a reason, so the form says so
 * rather than "(optional)". With no role chosen yet it stays optional and says that some
 * roles require one; the rules still check on submit.
 */
export function reasonField(role: Role | undefined): { required: boolean; hint?: string; missing: string } {
  if (!role) return { required: false, hint: 'Some roles require one.', missing: 'Give a reason.' };
  return { required: role.reason === 'required', missing: `Give a reason: ${role.id} requires one.` };
}

/** A reason typed in the command, as the form's starting text: cut to what the field takes, visibly. */
export function reasonPrefill(reason: string | undefined): string | undefined {
  return reason && cutVisibly(reason, REASON_MAX_LENGTH);
}
