import { randomUUID } from 'node:crypto';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from '../../lib/logger';

export type ServiceClientCredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;

export interface TeamsCredentials {
  appId: string;
  appPassword?: string;
  tenantId?: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
}

/**
 * Tests only: where the channel's token signing keys are (a local OpenID endpoint),
 * the issuer they sign as, and the credentials for outbound calls to a fake connector.
 */
export interface TeamsAuthOverrides {
  openIdMetadataUrl: string;
  tokenIssuer: string;
  credentialsFactory: ServiceClientCredentialsFactory;
}

/** CloudAdapter with the one entry point jitbot's HTTP route needs (auth errors surface to the caller). */
export class TeamsAdapter extends CloudAdapter {
  handle(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/**
 * The Bot Framework adapter. Authentication is always on: an adapter without an app
 * id would accept any request (NOTES.md), so this refuses to build one.
 */
export async function createTeamsAdapter(
  credentials: TeamsCredentials,
  logger: Logger,
  overrides?: TeamsAuthOverrides,
): Promise<TeamsAdapter> {
  if (!credentials.appId)
    throw new Error('MICROSOFT_APP_ID is required for Teams: without it the Bot Framework adapter would not authenticate requests.');
  const config = {
    MicrosoftAppId: credentials.appId,
    MicrosoftAppPassword: credentials.appPassword,
    MicrosoftAppTenantId: credentials.tenantId,
    MicrosoftAppType: credentials.appType,
    ...(overrides
      ? { ToBotFromChannelOpenIdMetadataUrl: overrides.openIdMetadataUrl, ToBotFromChannelTokenIssuer: overrides.tokenIssuer }
      : {}),
  };
  const factory = overrides?.credentialsFactory ?? new ConfigurationServiceClientCredentialFactory(config);
  if (await factory.isAuthenticationDisabled())
    throw new Error('Teams authentication would be disabled; refusing to start (check MICROSOFT_APP_ID).');
  const adapter = new TeamsAdapter(new ConfigurationBotFrameworkAuthentication(config, factory));
  adapter.onTurnError = async (context, error) => {
    const ref = randomUUID().slice(0, 8);
    logger.error({ err: error, ref, activityType: context.activity.type }, 'teams turn failed');
    if (context.activity.type === 'message') {
      await context
        .sendActivity(
          `💥 Something went wrong on jitbot's side (ref ${ref}). Please try again; if it keeps happening, tell your jitbot admins.`,
        )
        .catch(() => undefined);
    }
  };
  return adapter;
}

/** Token problems (missing, forged, expired, wrong audience or issuer) as opposed to our own faults. */
export function isAuthFailure(e: unknown): boolean {
  const err = e as { statusCode?: number; name?: string };
  return err?.statusCode === 401 || ['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError'].includes(err?.name ?? '');
}
