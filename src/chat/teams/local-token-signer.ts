import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Express } from 'express';
import jwt from 'jsonwebtoken';
import type { ServiceClientCredentialsFactory, TeamsAuthOverrides } from './adapter';

/** The issuer a local signer's tokens name (never Microsoft's, so they are never mistaken for real ones). */
export const LOCAL_ISSUER = 'https://api.botframework.local';
const KEY_ID = 'jitbot-local-signing-key';

export interface LocalTokenOptions {
  audience: string;
  /** The connector the activity names; the adapter checks the token says the same. */
  serviceUrl: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  issuer?: string;
  /** Sign with this key instead (tests: a forgery under the same key id). */
  key?: KeyObject;
}

/**
 * Plays the Bot Framework's token service on this machine: an OpenID metadata document and
 * a key set (mounted on a local HTTP app), and tokens signed with that key. The Teams
 * adapter, told to trust it (`authOverrides`), verifies activities exactly as it verifies
 * Microsoft's. For the test suite and `npm run teams:playground` only: loopback, fresh keys
 * each start, never Microsoft's issuer.
 */
export class LocalTokenSigner {
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  /** Serves `/.well-known/openid-configuration` and `/keys` on `app`, whose base URL is `baseUrl()` (ending in `/`). */
  mount(app: Express, baseUrl: () => string): void {
    app.get(
      '/.well-known/openid-configuration',
      (_req, res) =>
        void res.json({ issuer: LOCAL_ISSUER, jwks_uri: `${baseUrl()}keys`, id_token_signing_alg_values_supported: ['RS256'] }),
    );
    // Like Microsoft's key set, one key endorses several channels: a valid token alone does not prove an activity came from Teams.
    app.get(
      '/keys',
      (_req, res) =>
        void res.json({
          keys: [
            {
              ...(this.keys.publicKey.export({ format: 'jwk' }) as object),
              kid: KEY_ID,
              use: 'sig',
              endorsements: ['msteams', 'directline', 'webchat'],
            },
          ],
        }),
    );
  }

  /** A channel token as the Bot Framework signs it for an activity to the bot. */
  token(opts: LocalTokenOptions): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: opts.issuer ?? LOCAL_ISSUER,
      aud: opts.audience,
      serviceurl: opts.serviceUrl,
      nbf: now - 60,
      iat: now - 60,
      exp: now + (opts.expiresIn ?? 3600),
    };
    const key = opts.key ?? this.keys.privateKey;
    return jwt.sign(claims, key.export({ format: 'pem', type: 'pkcs8' }), { algorithm: 'RS256', keyid: KEY_ID, noTimestamp: true });
  }

  /**
   * What the runtime needs to trust this signer instead of Microsoft: its OpenID metadata,
   * and outbound calls to the connector carrying `connectorToken` (a local connector's).
   */
  authOverrides(baseUrl: string, appId: string, connectorToken: string): TeamsAuthOverrides {
    const credentialsFactory: ServiceClientCredentialsFactory = {
      isValidAppId: async (id) => id === appId,
      isAuthenticationDisabled: async () => false,
      createCredentials: async () => ({
        signRequest: async (request) => {
          request.headers.set('authorization', `Bearer ${connectorToken}`);
          return request;
        },
      }),
    };
    return { openIdMetadataUrl: `${baseUrl}.well-known/openid-configuration`, tokenIssuer: LOCAL_ISSUER, credentialsFactory };
  }
}
