import type { Decision } from '../../../../access/model';
import type { SlackListenerDeps } from '../../deps';
import { withUserErrors } from '../../replies';
import { buttonContext, type ButtonArgs } from './button';

/** Approve / Deny on an extension card (`jit.extend_approve`, `jit.extend_deny`); the card is updated by the core. */
export function extendDecisionAction(deps: SlackListenerDeps, decision: Decision) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const { actor, tell } = buttonContext(args);
    await withUserErrors(deps.logger, tell, async () => {
      // The value is untrusted: anything but a positive integer is an unknown extension (refused, audited).
      const raw = String(args.action.value ?? '');
      const id = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : 0;
      await deps.service.decideExtension(actor, id, decision);
    });
  };
}
