/**
 * The portal's OpenID Connect relying party, on `openid-client` (certified, maintained by the
 * author of `jose`): discovery on first use (cached; retried after a failure, so a provider that
 * is down at start does not stop the server), the authorization URL with PKCE (S256), state and
 * nonce (OpenID Connect Core § 3.1.2.1, RFC 7636, RFC 9700 § 2.1.1), and the code redemption
 * that verifies the ID token and finds the subject's identifier in its claims or UserInfo.
 */

import * as client from 'openid-client';
import { CredenceError } from '../../errors.ts';

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Where the provider sends the browser back: `{public URL}/portal/callback`. */
  readonly redirectUri: string;
  readonly scope: string;
  /** The claim (ID token or UserInfo) that carries the identifier, and its scheme. */
  readonly identifierClaim: string;
  readonly identifierScheme: string;
}

export interface AuthorizationStart {
  readonly url: URL;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface VerifiedSignIn {
  /** The provider's `sub`. */
  readonly providerSubject: string;
  /** The raw identifier value from the configured claim (not yet checked against its scheme). */
  readonly identifier: string;
}

/** Plain http is accepted only for a provider on this machine (tests, development). */
function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export class OidcClient {
  readonly settings: OidcSettings;
  private configuration: Promise<client.Configuration> | null = null;

  constructor(settings: OidcSettings) {
    this.settings = settings;
  }

  private discover(): Promise<client.Configuration> {
    if (this.configuration === null) {
      const issuer = new URL(this.settings.issuer);
      const found = client.discovery(
        issuer,
        this.settings.clientId,
        undefined,
        client.ClientSecretBasic(this.settings.clientSecret),
        {
          ...(isLoopback(issuer) ? { execute: [client.allowInsecureRequests] } : {}),
          timeout: 10,
        },
      );
      this.configuration = found;
      found.catch(() => {
        if (this.configuration === found) this.configuration = null;
      });
    }
    return this.configuration.catch((error: unknown) => {
      throw new CredenceError(
        'CRD_OIDC_PROVIDER_UNAVAILABLE',
        `the identity provider ${this.settings.issuer} cannot be reached right now; ` +
          `try again in a few minutes (${(error as Error).message})`,
      );
    });
  }

  /** Where to send the browser to sign in, and the secrets the callback must match. */
  async start(): Promise<AuthorizationStart> {
    const configuration = await this.discover();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scope,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state, nonce, codeVerifier };
  }

  /** Redeems the code in `callbackUrl`; throws CRD_OIDC_FAILED when anything does not verify. */
  async finish(
    callbackUrl: URL,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<VerifiedSignIn> {
    const configuration = await this.discover();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw new CredenceError(
        'CRD_OIDC_FAILED',
        `the identity provider’s answer could not be verified; start the sign-in again (${describe(error)})`,
      );
    }
    const claims = tokens.claims()!;
    const claim = this.settings.identifierClaim;
    let value = claims[claim];
    if (value === undefined) {
      const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      value = info[claim];
    }
    if (typeof value !== 'string' || value === '') {
      throw new CredenceError(
        'CRD_OIDC_NO_IDENTIFIER',
        `the identity provider did not give your identifier (claim ${claim}), ` +
          'so Credence cannot tell whose file to show',
      );
    }
    return { providerSubject: claims.sub, identifier: value };
  }
}

function describe(error: unknown): string {
  if (error instanceof client.AuthorizationResponseError)
    return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
