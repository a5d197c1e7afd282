import type { PublishOutcome } from '../../../audit/digest/service';

/** The ephemeral answer to `/jit digest`: what was done, and the digest itself. */
export function digestReply(outcome: PublishOutcome): { text: string } {
  switch (outcome.status) {
    case 'posted':
    case 'updated':
      return {
        text: `:newspaper: ${outcome.status === 'posted' ? 'Posted' : 'Updated'} the digest of ${outcome.digest.day} in <#${outcome.channel}>:\n\n${outcome.digest.parent}`,
      };
    case 'busy':
      return {
        text: `:hourglass_flowing_sand: The digest of ${outcome.day} is being posted right now; look in the security channel in a minute.`,
      };
    case 'not_configured':
      return {
        text: `:information_source: No digest.slack_channel in the policy, so here it is only for you:\n\n${outcome.digest.parent}\n\n${outcome.digest.replies.map((r) => r.text).join('\n\n')}`,
      };
  }
}
