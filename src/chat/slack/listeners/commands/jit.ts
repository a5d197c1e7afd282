import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Actor } from '../../../../access/model';
import { parseCommand } from '../../../command';
import { auditTimeline } from '../../blocks/audit-timeline';
import { digestReply } from '../../blocks/digest-reply';
import { extendReply } from '../../blocks/extension-card';
import { help, myRequests, pendingForMe, rolesList, whoami } from '../../blocks/lists';
import type { SlackListenerDeps } from '../../deps';
import { withUserErrors, type Reply } from '../../replies';
import { publishHome } from '../../home';
import { requestSubcommand } from './request';

/** `/jit …`: ack at once, then parse and run the subcommand; replies are ephemeral. */
export function jitCommand(deps: SlackListenerDeps) {
  return async ({ command, ack, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const actor: Actor = { platform: 'slack', userId: command.user_id };
    const reply: Reply = (message) => respond({ response_type: 'ephemeral', ...message } as Parameters<typeof respond>[0]);
    await withUserErrors(deps.logger, reply, async () => {
      const cmd = parseCommand(command.text ?? '');
      const { service } = deps;
      switch (cmd.kind) {
        case 'request':
          return requestSubcommand(deps, cmd, { actor, reply, client, triggerId: command.trigger_id });
        case 'list':
          await reply(myRequests(await service.listMine(actor)));
          return;
        case 'pending':
          await reply(pendingForMe(await service.listPendingFor(actor)));
          return;
        case 'roles': {
          const mine = await service.rolesFor(actor);
          await reply(rolesList(mine, service.roles().length - mine.length));
          return;
        }
        case 'whoami':
          await reply(whoami(await service.whoami(actor)));
          return;
        case 'home':
          await publishHome(deps, client, actor.userId);
          await reply({ text: ":house: Your access and what waits for your decision are on jitbot's *Home* tab (just redrawn)." });
          return;
        case 'revoke':
          await service.revoke(actor, cmd.requestId);
          await reply({ text: `:lock: Revoking \`${cmd.requestId}\` now. I'll confirm when the access is gone.` });
          return;
        case 'extend':
          await reply({ text: extendReply(cmd.requestId, await service.extend(actor, cmd.requestId, cmd.addMs)) });
          return;
        case 'cancel':
          await service.cancel(actor, cmd.requestId);
          await reply({ text: `:heavy_multiplication_x: Cancelled \`${cmd.requestId}\`.` });
          return;
        case 'audit':
          await reply(auditTimeline(await service.auditTrail(actor, cmd.requestId)));
          return;
        case 'digest':
          await reply(digestReply(await deps.digests.onDemand(actor, cmd.day)));
          return;
        case 'help':
          await reply(help());
          return;
        case 'invalid':
          await reply(help(cmd.message));
          return;
      }
    });
  };
}
