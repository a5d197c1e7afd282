import { Blocks, Elements, Modal } from 'slack-block-builder';

export const DENY_MODAL = 'jit.deny_submit';
export const DENY_REASON = { block: 'reason', action: 'reason' } as const;

/** Asks the approver why they deny; the request id rides in private_metadata. */
export function denyModal(requestId: string) {
  return Modal({
    title: 'Deny request',
    submit: 'Deny',
    close: 'Back',
    callbackId: DENY_MODAL,
    privateMetaData: JSON.stringify({ requestId }),
  })
    .blocks(
      Blocks.Section({ text: `Deny *${requestId}*? The requester sees your reason.` }),
      Blocks.Input({ label: 'Reason', blockId: DENY_REASON.block }).element(
        Elements.TextInput({ actionId: DENY_REASON.action, multiline: true, maxLength: 1000 }),
      ),
    )
    .buildToObject();
}
