import type { Application } from 'express';
import type { Policy } from '../../access/policy';
import type { AccessService } from '../../access/service';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { createTeamsAdapter, type TeamsAuthOverrides, type TeamsCredentials } from './adapter';
import { TeamsBot } from './bot';
import type { ConversationReferenceStore } from './conversation-store';
import { TeamsDigestPublisher } from './digest-publisher';
import type { MentionSources } from './mentions';
import { TeamsNotifier } from './notifier';
import { TeamsPoster } from './proactive';
import { TeamsRoster } from './roster';
import { mountTeamsRoute } from './route';
import type { DigestService } from '../../audit/digest/service';

export interface TeamsOptions {
  credentials: TeamsCredentials;
  policy: Policy;
  /** How long a roster entry (e-mail, guest) is trusted before it is read again. */
  peopleRefreshEveryMs: number;
  /** Names behind the @mentions of approvers (the roster's, Entra groups' users). */
  mentions: MentionSources;
  conversations: ConversationReferenceStore;
  clock: Clock;
  logger: Logger;
  authOverrides?: TeamsAuthOverrides;
}

export interface TeamsApp {
  notifier: TeamsNotifier;
  /** Posts the daily digest in `digest.teams_channel`. */
  digestPublisher: TeamsDigestPublisher;
  /** Serves `POST /api/messages` on the HTTP app (web processes only). */
  mount(http: Application, service: AccessService, digests: DigestService): void;
}

/**
 * The tenants whose people may use the bot: its own (MICROSOFT_APP_TENANT_ID) and any the
 * policy adds (`teams.allowed_tenants`). A MultiTenant bot hears from every tenant that
 * installs it, so it must name them.
 */
export function tenantsOf(credentials: TeamsCredentials, policy: Policy): string[] {
  const tenants = [credentials.tenantId, ...policy.teams.allowed_tenants]
    .filter((t): t is string => Boolean(t))
    .map((t) => t.toLowerCase());
  if (tenants.length === 0) {
    throw new Error(
      'A MultiTenant Teams bot needs teams.allowed_tenants in the policy (or MICROSOFT_APP_TENANT_ID): jitbot acts only for people of tenants you name.',
    );
  }
  return [...new Set(tenants)];
}

/**
 * Teams, in two steps because the notifier must exist before the access service
 * and the bot needs the service. Loaded with `import()`: botbuilder is large and
 * Slack-only deployments never load it.
 */
export async function createTeamsApp(opts: TeamsOptions): Promise<TeamsApp> {
  const logger = opts.logger.child({ component: 'teams' });
  const allowedTenants = tenantsOf(opts.credentials, opts.policy);
  const adapter = await createTeamsAdapter(opts.credentials, logger, opts.authOverrides);
  const poster = new TeamsPoster(adapter, opts.credentials.appId, opts.conversations);
  const notifier = new TeamsNotifier(poster, opts.policy, logger, opts.mentions);
  return {
    notifier,
    digestPublisher: new TeamsDigestPublisher(poster),
    mount(http, service, digests) {
      const roster = new TeamsRoster(service, opts.clock, opts.peopleRefreshEveryMs, allowedTenants, logger);
      const bot = new TeamsBot({ service, digests, conversations: opts.conversations, clock: opts.clock, logger, allowedTenants, roster });
      mountTeamsRoute(http, adapter, bot, logger);
    },
  };
}
