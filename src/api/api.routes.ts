/**
 * Every route of the JSON API (`/v1/...`, `/health`, `/metrics`, `/openapi.json`) and of the transparency log
 * (`/log/...`), registered in one place.
 */

import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../shell/deps.ts';
import { agenciesRoutes } from './agencies.routes.ts';
import { amendmentsRoutes } from './amendments.routes.ts';
import { principalWebhooksRoutes } from './principal-webhooks.routes.ts';
import { commitmentsRoutes } from './commitments.routes.ts';
import { correctionsRoutes } from './corrections.routes.ts';
import { recordNotesRoutes } from './record-notes.routes.ts';
import { decisionsRoutes } from './decisions.routes.ts';
import { deliveriesRoutes } from './deliveries.routes.ts';
import { disputesRoutes } from './disputes.routes.ts';
import { logRoutes } from './log.routes.ts';
import { policyActivationsRoutes } from './policy-activations.routes.ts';
import { principalsRoutes } from './principals.routes.ts';
import { publicRoutes } from './public.routes.ts';
import { recordsRoutes } from './records.routes.ts';
import { relationshipsRoutes } from './relationships.routes.ts';
import { repairsRoutes } from './repairs.routes.ts';
import { reviewsRoutes } from './reviews.routes.ts';
import { documentAnswers } from './schemas.ts';
import { subjectsRoutes } from './subjects.routes.ts';
import { systemRoutes } from './system.routes.ts';

export function apiRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Every documented route's error answers (400, 401, 403, 404, 413, 414, 415, 429, 503) in the OpenAPI document.
  app.addHook('onRoute', documentAnswers);
  for (const routes of [
    systemRoutes,
    policyActivationsRoutes,
    recordsRoutes,
    relationshipsRoutes,
    decisionsRoutes,
    amendmentsRoutes,
    subjectsRoutes,
    principalsRoutes,
    principalWebhooksRoutes,
    agenciesRoutes,
    reviewsRoutes,
    deliveriesRoutes,
    publicRoutes,
    correctionsRoutes,
    recordNotesRoutes,
    disputesRoutes,
    repairsRoutes,
    commitmentsRoutes,
    logRoutes,
  ]) {
    routes(app, deps);
  }
}
