/**
 * How subjects may sign in to the portal, from the configuration: through an OpenID Connect
 * provider (authorization code flow with PKCE, state and nonce), and, in demo mode only, a
 * development sign-in that takes any identifier without proof. The sign-in itself: begin (state,
 * nonce and PKCE verifier stored, the state hashed), complete (the state checked against the
 * browser's, the provider's answer verified, the identifier resolved, a session opened), and the
 * demo sign-in.
 */

import type { Config } from '../../config.ts';
import { CredenceError } from '../../errors.ts';
import { deleteOidcSignInsBefore, insertOidcSignIn, takeOidcSignIn } from '../../store/subject-sessions.repository.ts';
import type { ServiceContext } from '../context.ts';
import { checkSubjectRef, type SubjectRef } from '../decisions/decisions.service.ts';
import type { OidcClient, OidcSettings } from './oidc-client.service.ts';
import { closeSubjectSession, openSubjectSession, type SubjectSignIn } from './subject-sessions.service.ts';
import { sessionIdHash, tokensMatch } from './tokens.service.ts';

export interface SubjectSignInSettings {
  readonly oidc: OidcSettings | null;
  readonly demo: boolean;
}

export const NO_SUBJECT_SIGN_IN: SubjectSignInSettings = Object.freeze({ oidc: null, demo: false });

/** How long a sign-in may take at the identity provider before its state is refused. */
export const SIGN_IN_MAX_MS = 10 * 60_000;

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

/** The OpenID Connect client, or CRD_SUBJECT_SIGN_IN_UNAVAILABLE when none is set up. */
function requireOidc(oidc: OidcClient | null): OidcClient {
  if (oidc === null)
    throw new CredenceError(
      'CRD_SUBJECT_SIGN_IN_UNAVAILABLE',
      'sign-in through an identity provider is not set up on this server',
    );
  return oidc;
}

/** A sign-in under way: where to send the browser, and the state the browser must keep (its cookie). */
export interface BegunSignIn {
  readonly url: URL;
  readonly state: string;
}

/**
 * Begins an OpenID Connect sign-in: stores its state (hashed), nonce, PKCE verifier and where to
 * go afterwards; sign-ins abandoned for longer than SIGN_IN_MAX_MS are deleted on the way.
 */
export async function beginSubjectSignIn(
  ctx: ServiceContext,
  oidc: OidcClient | null,
  next: string | undefined,
): Promise<BegunSignIn> {
  const start = await requireOidc(oidc).start();
  const now = ctx.clock();
  await deleteOidcSignInsBefore(ctx.db, new Date(now.getTime() - SIGN_IN_MAX_MS));
  await insertOidcSignIn(ctx.db, {
    state_hash: sessionIdHash(start.state),
    code_verifier: start.codeVerifier,
    nonce: start.nonce,
    next: next ?? null,
    created_at: now,
  });
  return { url: start.url, state: start.state };
}

/** What the identity provider sent the browser back with, and what the browser holds. */
export interface SignInCallback {
  /** The callback's query parameters (code, state, or error). */
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The state cookie of the browser that began the sign-in. */
  readonly browserState: string | undefined;
  /** The browser's current portal session, ended by the sign-in: a sign-in never reuses a session. */
  readonly previousSessionId: string | undefined;
}

/** A new portal session and where the sign-in asked to go. */
export interface SubjectSession {
  readonly sessionId: string;
  readonly next: string | undefined;
}

/**
 * Completes an OpenID Connect sign-in: the state must come back to the browser that began it,
 * unused and in time; the provider's answer must verify; its identifier must be one Credence can
 * use. Throws CRD_OIDC_FAILED or CRD_OIDC_NO_IDENTIFIER otherwise.
 */
export async function completeSubjectSignIn(
  ctx: ServiceContext,
  oidc: OidcClient | null,
  callback: SignInCallback,
): Promise<SubjectSession> {
  const client = requireOidc(oidc);
  const state = callback.query.state;
  // RFC 9700 § 4.7: the state must come back to the browser that started the sign-in.
  if (!tokensMatch(state, callback.browserState))
    throw new CredenceError(
      'CRD_OIDC_FAILED',
      'this sign-in was not started in this browser, or it took too long; start it again',
    );
  const started = await takeOidcSignIn(ctx.db, sessionIdHash(state!));
  if (started === undefined || ctx.clock().getTime() - started.created_at.getTime() > SIGN_IN_MAX_MS)
    throw new CredenceError('CRD_OIDC_FAILED', 'this sign-in has already been used or has expired; start it again');
  const callbackUrl = new URL(client.settings.redirectUri);
  callbackUrl.search = new URLSearchParams(callback.query as Record<string, string>).toString();
  const verified = await client.finish(callbackUrl, {
    state: state!,
    nonce: started.nonce,
    codeVerifier: started.code_verifier,
  });
  const ref = providerIdentifier(ctx, { scheme: client.settings.identifierScheme, id: verified.identifier });
  const signIn: SubjectSignIn = { ...ref, via: 'oidc', providerSubject: verified.providerSubject };
  return {
    sessionId: await openFreshSession(ctx, callback.previousSessionId, signIn),
    next: started.next ?? undefined,
  };
}

/** The provider's identifier as a checked reference, or CRD_OIDC_NO_IDENTIFIER with the reason. */
function providerIdentifier(ctx: ServiceContext, input: SubjectRef): SubjectRef {
  try {
    return identifierOf(ctx, input);
  } catch (error) {
    throw new CredenceError(
      'CRD_OIDC_NO_IDENTIFIER',
      `the identity provider gave an identifier Credence cannot use (${(error as CredenceError).message})`,
      (error as CredenceError).details,
    );
  }
}

/** Refuses the demo sign-in outside demo mode: CRD_SUBJECT_SIGN_IN_UNAVAILABLE (404). */
export function requireDemoSignIn(demo: boolean): void {
  if (!demo)
    throw new CredenceError(
      'CRD_SUBJECT_SIGN_IN_UNAVAILABLE',
      'the demo sign-in exists only in demo mode (CREDENCE_DEMO_MODE=on)',
    );
}

/**
 * The demo sign-in (demo mode only, CRD_SUBJECT_SIGN_IN_UNAVAILABLE otherwise): any identifier,
 * without proof of identity. A bad identifier is refused with its 400 code (CRD_INVALID_IDENTIFIER,
 * CRD_UNKNOWN_SCHEME). Returns the session and the identifier's scheme.
 */
export async function demoSignIn(
  ctx: ServiceContext,
  demo: boolean,
  input: { readonly scheme: string; readonly id: string; readonly previousSessionId: string | undefined },
): Promise<{ sessionId: string; scheme: string }> {
  requireDemoSignIn(demo);
  const ref = identifierOf(ctx, { scheme: input.scheme, id: input.id });
  const signIn: SubjectSignIn = { ...ref, via: 'demo', providerSubject: null };
  return { sessionId: await openFreshSession(ctx, input.previousSessionId, signIn), scheme: ref.scheme };
}

/**
 * The identifier, normalised and check-digit verified, or the coded problem with it (CRD_INVALID_IDENTIFIER,
 * CRD_UNKNOWN_SCHEME).
 */
function identifierOf(ctx: ServiceContext, input: SubjectRef): SubjectRef {
  const ref = checkSubjectRef(ctx, input, 'identifier');
  if ('code' in ref) throw new CredenceError(ref.code, ref.message, [ref]);
  return ref;
}

/** Opens the session, ending any earlier one of this browser (a sign-in never reuses a session); returns its id. */
async function openFreshSession(
  ctx: ServiceContext,
  previousSessionId: string | undefined,
  signIn: SubjectSignIn,
): Promise<string> {
  await closeSubjectSession(ctx, previousSessionId);
  return openSubjectSession(ctx, signIn);
}
