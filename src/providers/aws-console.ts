import type { Credentials } from '@aws-sdk/client-sts';
import { ProviderError } from '../access/model/errors';

export const AWS_FEDERATION_URL = 'https://signin.aws.amazon.com/federation';
const CONSOLE_URL = 'https://console.aws.amazon.com/';

/**
 * A one-time AWS console sign-in link for role credentials, built through the
 * federation endpoint's `getSigninToken` (AWS docs: "Enable custom identity broker
 * access to the AWS console"). `sessionSeconds` sets the console session length; it
 * must be left out for credentials obtained by role chaining, or AWS refuses the token.
 */
export async function awsConsoleLink(federationUrl: string, creds: Credentials, sessionSeconds?: number): Promise<string> {
  const tokenUrl = new URL(federationUrl);
  tokenUrl.searchParams.set('Action', 'getSigninToken');
  if (sessionSeconds !== undefined) tokenUrl.searchParams.set('SessionDuration', String(Math.min(Math.max(sessionSeconds, 900), 43_200)));
  tokenUrl.searchParams.set(
    'Session',
    JSON.stringify({ sessionId: creds.AccessKeyId, sessionKey: creds.SecretAccessKey, sessionToken: creds.SessionToken }),
  );

  let token: unknown;
  try {
    const res = await fetch(tokenUrl, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) {
      // The URL carries the credentials: never put it in an error message.
      throw new ProviderError(`The AWS federation endpoint answered ${res.status} to getSigninToken; will retry.`, false);
    }
    token = ((await res.json()) as { SigninToken?: unknown }).SigninToken;
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    throw new ProviderError(`The AWS federation endpoint did not answer getSigninToken (${(e as Error).name}); will retry.`, false);
  }
  if (typeof token !== 'string' || !token)
    throw new ProviderError('The AWS federation endpoint answered without a SigninToken; will retry.', false);

  const login = new URL(federationUrl);
  login.searchParams.set('Action', 'login');
  login.searchParams.set('Issuer', 'jitbot');
  login.searchParams.set('Destination', CONSOLE_URL);
  login.searchParams.set('SigninToken', token);
  return login.toString();
}
