import { z } from 'zod';
import type { Decision } from '../../../access/model';
import { extensionCard } from '../cards/extension-card';
import { parseData, positiveIntField, type CardAction } from './context';

export const ExtensionData = z.object({ extensionId: positiveIntField(2 ** 31 - 1) });

/** Approve / Deny on an extension card (`jit.extend_approve`, `jit.extend_deny`); the core updates the card for everyone. */
export function extendDecisionAction(decision: Decision): CardAction {
  return async ({ service }, { actor, data }) => {
    const { extensionId } = parseData(ExtensionData, data, 'This card does not name an extension.');
    await service.decideExtension(actor, extensionId, decision);
    return extensionCard(await service.extensionView(extensionId));
  };
}
