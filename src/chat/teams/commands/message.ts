import { TurnContext } from 'botbuilder';
import { parseCommand } from '../../command';
import { failureMessage } from '../../failure';
import { teamsTextMarkup } from '../cards/format';
import type { AdaptiveCard } from '../cards/card';
import { extendReply } from '../cards/extension-card';
import { help, homeCard, myRequests, pendingForMe, rolesList, whoami } from '../cards/lists';
import { auditText, digestText } from '../cards/security';
import type { TeamsDeps } from '../deps';
import { actorOf } from '../identity';
import { channelConversationId } from '../references';
import { say } from '../say';
import { requestCommand } from './request';

/** The words of a message to the bot: the @mention of the bot removed, HTML spaces undone. */
export function commandText(context: TurnContext): string {
  const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
  return text
    .replace(/<at>[^<]*<\/at>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .trim();
}

/** A message to the bot (1:1, or an @mention in a channel): parse, run, answer in place. */
export async function onCommandMessage(deps: TeamsDeps, context: TurnContext): Promise<void> {
  let reply: string | AdaptiveCard;
  try {
    reply = await run(deps, context);
  } catch (e) {
    const failure = failureMessage(deps.logger, e, 'teams command', teamsTextMarkup);
    reply = `${failure.refusal ? '⚠️' : '💥'} ${failure.text}`;
  }
  await say(context, reply);
}

async function run(deps: TeamsDeps, context: TurnContext): Promise<string | AdaptiveCard> {
  const { service } = deps;
  const cmd = parseCommand(commandText(context));
  const inChannel = context.activity.conversation?.conversationType === 'channel';
  const channelId = inChannel ? channelConversationId(context.activity) : undefined;
  if (cmd.kind === 'help') return help(undefined, channelId);
  if (cmd.kind === 'invalid') return help(cmd.message, channelId);
  const actor = actorOf(context.activity);
  switch (cmd.kind) {
    case 'request':
      return requestCommand(deps, actor, cmd);
    case 'list':
      return myRequests(await service.listMine(actor));
    case 'pending':
      return pendingForMe(await service.listPendingFor(actor));
    case 'roles': {
      const mine = await service.rolesFor(actor);
      return rolesList(mine, service.roles().length - mine.length);
    }
    case 'whoami':
      return whoami(await service.whoami(actor));
    case 'home':
      return homeCard(await service.home(actor));
    case 'revoke':
      await service.revoke(actor, cmd.requestId);
      return `🔒 Revoking ${cmd.requestId} now. I'll confirm when the access is gone.`;
    case 'extend':
      return extendReply(cmd.requestId, await service.extend(actor, cmd.requestId, cmd.addMs));
    case 'cancel':
      await service.cancel(actor, cmd.requestId);
      return `✖️ Cancelled ${cmd.requestId}.`;
    case 'audit':
      return auditText(await service.auditTrail(actor, cmd.requestId));
    case 'digest':
      return digestText(await deps.digests.onDemand(actor, cmd.day));
  }
}
