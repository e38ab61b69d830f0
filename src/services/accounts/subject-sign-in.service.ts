/**
 * How subjects may sign in to the portal, from the configuration: through an OpenID Connect
 * provider (authorization code flow with PKCE, state and nonce), and, in demo mode only, a
 * development sign-in that takes any identifier without proof.
 */

import type { Config } from '../../config.ts';

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

export interface SubjectSignInSettings {
  readonly oidc: OidcSettings | null;
  readonly demo: boolean;
}

export const NO_SUBJECT_SIGN_IN: SubjectSignInSettings = Object.freeze({ oidc: null, demo: false });

/** The portal's sign-in settings from the configuration. */
export function subjectSignInFromConfig(config: Config): SubjectSignInSettings {
  const base = (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
  const oidc =
    config.oidcIssuer === null
      ? null
      : {
          issuer: config.oidcIssuer,
          clientId: config.oidcClientId!,
          clientSecret: config.oidcClientSecret!,
          redirectUri: `${base}/portal/callback`,
          scope: config.oidcScope,
          identifierClaim: config.oidcIdentifierClaim,
          identifierScheme: config.oidcIdentifierScheme,
        };
  return Object.freeze({ oidc, demo: config.demoMode });
}
