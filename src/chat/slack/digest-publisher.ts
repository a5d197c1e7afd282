import type { WebClient } from '@slack/web-api';
import type { DigestFormat } from '../../audit/digest/model';
import type { DigestPublisher } from '../../audit/digest/ports';
import { slackMarkup } from './blocks/format';

/** The digest's DigestPublisher port on Slack: the parent message and its thread (`thread_ts`). */
export class SlackDigestPublisher implements DigestPublisher {
  readonly platform = 'slack' as const;
  readonly fmt: DigestFormat = slackMarkup;

  constructor(private readonly client: WebClient) {}

  async post(channel: string, text: string, threadId?: string): Promise<string> {
    const result = await this.client.chat.postMessage({ channel, text, thread_ts: threadId, unfurl_links: false, mrkdwn: true });
    if (!result.ts) throw new Error(`Slack accepted the digest message for ${channel} but returned no ts`);
    return result.ts;
  }

  /** A thread reply is edited by its own ts, like any message. */
  async update(channel: string, messageId: string, text: string): Promise<void> {
    await this.client.chat.update({ channel, ts: messageId, text });
  }
}
