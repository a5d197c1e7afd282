import { MessageFactory, type TurnContext } from 'botbuilder';
import type { DigestFormat } from '../../audit/digest/model';
import type { DigestPublisher } from '../../audit/digest/ports';
import { teamsTextMarkup } from './cards/format';
import type { TeamsPoster } from './proactive';

/** The digest's DigestPublisher port on Teams: a post in `digest.teams_channel`, one reply per grant in its thread. */
export class TeamsDigestPublisher implements DigestPublisher {
  readonly platform = 'teams' as const;
  readonly fmt: DigestFormat = teamsTextMarkup;

  constructor(private readonly poster: TeamsPoster) {}

  async post(channel: string, text: string, threadId?: string): Promise<string> {
    let id: string | undefined;
    const send = async (context: TurnContext) => {
      id = (await context.sendActivity(MessageFactory.text(text)))?.id;
    };
    if (threadId) await this.poster.inThread(channel, threadId, send);
    else await this.poster.inConversation(channel, send);
    if (!id) throw new Error(`Teams accepted the digest message for ${channel} but returned no id`);
    return id;
  }

  /** A reply lives in its parent's thread: it is edited there. */
  async update(channel: string, messageId: string, text: string, threadId?: string): Promise<void> {
    const edit = (context: TurnContext) => context.updateActivity({ ...MessageFactory.text(text), id: messageId });
    if (threadId && threadId !== messageId) await this.poster.inThread(channel, threadId, edit);
    else await this.poster.inConversation(channel, edit);
  }
}
