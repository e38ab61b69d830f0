/**
 * The Fastify application, built from its dependencies and separate from `listen`, so tests
 * drive it with `app.inject()` and the server decides where it listens.
 */

import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { LedgerFollower } from '../services/ledger-follower.ts';
import type { Runtime } from '../services/runtime.ts';
import { CredenceError } from '../errors.ts';
import { OidcClient } from '../web/auth/oidc-client.ts';
import { NO_SUBJECT_SIGN_IN, type SubjectSignInSettings } from '../web/auth/subject-sign-in.ts';
import { authenticate, KeyCache } from './auth.ts';
import { handleError } from './error-handler.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { agencyPagesRoutes } from './routes/agency-pages.routes.ts';
import { correctionsRoutes } from './routes/corrections.routes.ts';
import { decisionsRoutes } from './routes/decisions.routes.ts';
import { deliveriesRoutes } from './routes/deliveries.routes.ts';
import { disputesRoutes } from './routes/disputes.routes.ts';
import { principalsRoutes } from './routes/principals.routes.ts';
import { pagesRoutes } from './routes/pages.routes.ts';
import { portalRoutes } from './routes/portal.routes.ts';
import { operatorPagesRoutes } from './routes/operator-pages.routes.ts';
import { publicRoutes } from './routes/public.routes.ts';
import { recordsRoutes } from './routes/records.routes.ts';
import { repairsRoutes } from './routes/repairs.routes.ts';
import { reviewsRoutes } from './routes/reviews.routes.ts';
import { staffAuthRoutes } from './routes/staff-auth.routes.ts';
import { subjectsRoutes } from './routes/subjects.routes.ts';
import { systemRoutes } from './routes/system.routes.ts';
import { errorSchema } from './schemas.ts';

export interface AppDeps {
  readonly rt: Runtime;
  readonly follower: LedgerFollower;
  readonly keys: KeyCache;
  readonly metrics: Metrics;
  /** How subjects sign in to the portal: an OpenID Connect client, and whether demo mode is on. */
  readonly subjectSignIn: { readonly oidc: OidcClient | null; readonly demo: boolean };
}

export interface AppOptions {
  readonly rt: Runtime;
  readonly follower: LedgerFollower;
  readonly keys?: KeyCache;
  readonly logger?: boolean | { level: string };
  readonly bodyLimitBytes?: number;
  /** The portal's sign-in (subjectSignInFromConfig); without it, subjects cannot sign in to the portal. */
  readonly subjectSignIn?: SubjectSignInSettings;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === undefined || options.logger === false ? false : {
      ...(options.logger === true ? {} : options.logger),
      // Query strings can carry identifiers (public search): request logs keep the path only.
      serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split('?')[0] }) },
    },
    bodyLimit: options.bodyLimitBytes ?? 32 * 1024 * 1024,
    // Unknown fields are refused (400), never silently dropped: schemas say additionalProperties: false.
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false } },
    return503OnClosing: true,
  });
  const signIn = options.subjectSignIn ?? NO_SUBJECT_SIGN_IN;
  if (signIn.oidc !== null && !options.rt.policy.identifier_schemes.has(signIn.oidc.identifierScheme)) {
    throw new CredenceError('CRD_CONFIG_INVALID', `CREDENCE_OIDC_IDENTIFIER_SCHEME=${signIn.oidc.identifierScheme} is not an identifier scheme of the active policy`);
  }
  const deps: AppDeps = {
    rt: options.rt, follower: options.follower, keys: options.keys ?? new KeyCache(options.rt.db), metrics: createMetrics(options.rt),
    subjectSignIn: { oidc: signIn.oidc === null ? null : new OidcClient(signIn.oidc), demo: signIn.demo },
  };
  app.removeContentTypeParser('text/plain'); // the API speaks JSON only: anything else is a coded 415
  app.decorateRequest('principal', null);
  app.addSchema(errorSchema);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Credence', version: '0.1.0', description: 'An accountable public credit registry. Authenticate with "Authorization: Bearer KEY".' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: { code: 'CRD_NOT_FOUND', message: `no route ${request.method} ${request.url}`, details: [] } }));
  app.addHook('onRequest', authenticate(deps.keys));
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.requests.observe({ method: request.method, route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  for (const routes of [systemRoutes, recordsRoutes, decisionsRoutes, subjectsRoutes, principalsRoutes, reviewsRoutes, deliveriesRoutes, publicRoutes, correctionsRoutes, disputesRoutes, repairsRoutes, pagesRoutes, staffAuthRoutes, operatorPagesRoutes, agencyPagesRoutes, portalRoutes]) routes(app, deps);
  await app.ready();
  return app;
}
