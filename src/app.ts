/**
 * The Fastify application, built from its dependencies and separate from `listen`, so tests
 * drive it with `app.inject()` and the server decides where it listens.
 */

import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { LedgerFollower } from './services/runtime/ledger-follower.ts';
import type { Runtime } from './services/runtime/runtime.ts';
import { CredenceError } from './errors.ts';
import { OidcClient } from './services/accounts/oidc-client.service.ts';
import { NO_SUBJECT_SIGN_IN, type SubjectSignInSettings } from './services/accounts/subject-sign-in.service.ts';
import { authenticate } from './api/auth.ts';
import { KeyCache } from './services/accounts/key-cache.service.ts';
import type { AppDeps } from './shell/deps.ts';
import type { TrustProxy } from './config.ts';
import { answerClientError } from './shell/client-errors.ts';
import { handleError } from './shell/error-handler.ts';
import { checkRequestHead, refuseBadText } from './shell/request-checks.ts';
import { createMetrics } from './shell/metrics.ts';
import { RequestLogController } from './shell/request-log.ts';
import { registerSecurityHeaders, withPreRoutingHeaders } from './shell/security-headers.ts';
import { apiRoutes } from './api/api.routes.ts';
import { errorSchema } from './api/schemas.ts';
import { webRoutes } from './web/web.routes.ts';
import { notFound, pageOrJsonError } from './web/error-pages.ts';

export interface AppOptions {
  readonly rt: Runtime;
  readonly follower: LedgerFollower;
  readonly keys?: KeyCache;
  readonly logger?: boolean | { level: string };
  readonly bodyLimitBytes?: number;
  /** The portal's sign-in (subjectSignInFromConfig); without it, subjects cannot sign in to the portal. */
  readonly subjectSignIn?: SubjectSignInSettings;
  /** The transparency log's verifier key (openLogSigner(config).verifierKey), served at /log/key. */
  readonly logKey: string;
  /** CREDENCE_PUBLIC_URL: security headers add HSTS when it is https. */
  readonly publicUrl?: string | null;
  /** CREDENCE_TRUST_PROXY: which proxies' X-Forwarded-For gives the client's address (Fastify's trustProxy). */
  readonly trustProxy?: TrustProxy;
  /** CREDENCE_TIME_ZONE: dates and times on pages and in notices (default Asia/Shanghai). */
  readonly timeZone?: string;
  /** CREDENCE_POLICY_CANDIDATE_DIR: the policy folder the operator console simulates (default none). */
  readonly policyCandidateDir?: string | null;
}

/** CREDENCE_TRUST_PROXY as Fastify takes it: a hop count trusts that many proxies nearest the server. */
function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return typeof trust === 'boolean' ? trust : [...trust];
}

/** Fastify's own options: request logs without query strings, a body limit, strict JSON Schema checks. */
function fastifyOptions(options: AppOptions) {
  return {
    logger:
      options.logger === undefined || options.logger === false
        ? false
        : {
            ...(options.logger === true ? {} : options.logger),
            // Query strings can carry identifiers (public search): request logs keep the path only.
            serializers: {
              req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split('?')[0] }),
            },
          },
    // One line a request (request-log.ts): failures always, the rest at debug.
    logController: new RequestLogController(),
    bodyLimit: options.bodyLimitBytes ?? 32 * 1024 * 1024,
    // Per-address rate limits key on request.ip: behind a proxy, the address it forwarded for.
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    // Unknown fields are refused (400), never silently dropped: schemas say additionalProperties: false.
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false } },
    return503OnClosing: true,
    // Requests refused before routing (Node's parser; a URL that is not valid percent-encoded UTF-8) are coded too.
    clientErrorHandler: answerClientError,
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      handleError(error, request, withPreRoutingHeaders(reply)),
  };
}

/** What every route is given; refuses an OIDC identifier scheme the active policy does not have. */
function appDeps(options: AppOptions): AppDeps {
  const signIn = options.subjectSignIn ?? NO_SUBJECT_SIGN_IN;
  if (signIn.oidc !== null && !options.rt.policy.identifier_schemes.has(signIn.oidc.identifierScheme)) {
    throw new CredenceError(
      'CRD_CONFIG_INVALID',
      `CREDENCE_OIDC_IDENTIFIER_SCHEME=${signIn.oidc.identifierScheme} ` +
        'is not an identifier scheme of the active policy',
    );
  }
  return {
    rt: options.rt,
    follower: options.follower,
    keys: options.keys ?? new KeyCache(options.rt),
    metrics: createMetrics(options.rt),
    subjectSignIn: { oidc: signIn.oidc === null ? null : new OidcClient(signIn.oidc), demo: signIn.demo },
    logKey: options.logKey,
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    policyCandidateDir: options.policyCandidateDir ?? null,
  };
}

/** The OpenAPI document every route contributes to (served at /openapi.json). */
async function registerDocs(app: FastifyInstance): Promise<void> {
  app.addSchema(errorSchema);
  await app.register(swagger, {
    // Shared schemas are components under their own $id (`#/components/schemas/Error`), not `def-0`.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    openapi: {
      info: {
        title: 'Credence',
        version: '0.1.0',
        description: 'An accountable public credit registry. Authenticate with "Authorization: Bearer KEY".',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
}

/** Every error, and every unknown route, answers with a coded JSON error, or a page for a browser (error-pages.ts). */
function registerErrors(app: FastifyInstance): void {
  app.setErrorHandler(pageOrJsonError);
  app.setNotFoundHandler(notFound);
}

/** The checks of every request's URL, charset and text (request-checks.ts), before authentication. */
function registerRequestChecks(app: FastifyInstance): void {
  app.addHook('onRequest', checkRequestHead);
  app.addHook('preValidation', refuseBadText);
}

/** Authentication and role checks before each request; request metrics after it. */
function registerHooks(app: FastifyInstance, deps: AppDeps): void {
  app.addHook('onRequest', authenticate(deps.keys));
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.requests.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions(options));
  const deps = appDeps(options);
  app.removeContentTypeParser('text/plain'); // the API speaks JSON only: anything else is a coded 415
  app.decorateRequest('principal', null);
  await registerDocs(app);
  await registerSecurityHeaders(app, options.publicUrl ?? null);
  registerErrors(app);
  registerRequestChecks(app);
  registerHooks(app, deps);
  apiRoutes(app, deps);
  webRoutes(app, deps);
  await app.ready();
  return app;
}
