import { z } from 'zod';
import { card, text } from '../cards/card';
import { parseData, requestIdField, type CardAction } from './context';

const Data = z.object({ requestId: requestIdField });

/** "I'm done" on the expiry warning (`jit.done`): revokes the grant now; the revoke notice follows. */
export const doneAction: CardAction = async ({ service }, { actor, data }) => {
  const { requestId } = parseData(Data, data, 'This card does not name a request to end.');
  await service.revoke(actor, requestId);
  return card([text(`🔒 Ending ${requestId} now; I'll confirm when the access is gone.`)]);
};
