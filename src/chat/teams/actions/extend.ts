import { z } from 'zod';
import { extendReply } from '../cards/extension-card';
import { EXTEND_INPUT } from '../cards/notices';
import { msField, parseData, requestIdField, type CardAction } from './context';

const Data = z.object({ requestId: requestIdField, [EXTEND_INPUT]: msField });

/**
 * "Extend" on the expiry warning (`jit.extend`) with the card's choice: the same path as
 * `extend <id> <duration>`, so the core applies its rules (auto window, max_duration, approvers).
 */
export const extendAction: CardAction = async ({ service }, { actor, data }) => {
  const choice = parseData(Data, data, 'Pick how much longer in "Extend by" first, then press "Extend".');
  return extendReply(choice.requestId, await service.extend(actor, choice.requestId, choice[EXTEND_INPUT]));
};
