/** Credit repair: the subject (or an operator for them) applies, the filing agency decides. */

import type { FastifyInstance } from 'fastify';
import {
  applyForRepair,
  decideRepair,
  listRepairs,
  type RepairApplication,
  type RepairDecision,
  type RepairStatus,
} from '../services/due-process/repairs.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { errorResponses } from './schemas.ts';
import { limitSchema, reasonSchema, recordIdParams } from './corrections.routes.ts';

export function repairsRoutes(app: FastifyInstance, deps: AppDeps): void {
  applyForRepairRoute(app, deps);
  listRepairsRoute(app, deps);
  decideRepairRoute(app, deps);
}

/** The subject (or an operator for them) applies for repair of a negative record. */
function applyForRepairRoute(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Params: { id: string }; Body: RepairApplication }>(
    '/v1/records/:id/repairs',
    {
      config: { roles: ['subject', 'operator'] },
      schema: {
        summary:
          'Apply for credit repair of a negative record (NDRC credit repair measures); ' +
          'refused with a coded reason before it may be repaired',
        tags: ['repairs'],
        params: recordIdParams,
        body: {
          type: 'object',
          required: ['evidence'],
          additionalProperties: false,
          properties: {
            evidence: { type: 'string', minLength: 1, maxLength: 10000, pattern: '\\S' },
            document_ref: { type: 'string', minLength: 1, maxLength: 200 },
            performed: { type: 'boolean' },
          },
        },
        response: { ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await applyForRepair(deps.rt, principalOf(request), request.params.id, request.body);
      return reply.status(201).send(result);
    },
  );
}

/** Repair applications as each role may see them. */
function listRepairsRoute(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Querystring: { status?: RepairStatus; limit?: string } }>(
    '/v1/repairs',
    {
      config: { roles: ['agency', 'operator', 'auditor', 'subject'] },
      schema: {
        summary: 'Repair applications: an agency its own, a subject theirs, operators and auditors all',
        tags: ['repairs'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { status: { enum: ['pending', 'approved', 'refused'] }, limit: limitSchema },
        },
        response: { ...errorResponses },
      },
    },
    async (request) =>
      listRepairs(deps.rt, principalOf(request), {
        status: request.query.status ?? 'pending',
        limit: Number(request.query.limit ?? 100),
      }),
  );
}

/** The filing agency decides an application on one of its records. */
function decideRepairRoute(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Params: { id: string }; Body: RepairDecision }>(
    '/v1/repairs/:id/decision',
    {
      config: { roles: ['agency'] },
      schema: {
        summary: 'Decide a repair application on one of your records; approval ends the record’s effect at once',
        tags: ['repairs'],
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } } },
        body: {
          type: 'object',
          required: ['approve', 'reason'],
          additionalProperties: false,
          properties: { approve: { type: 'boolean' }, reason: reasonSchema },
        },
        response: { ...errorResponses },
      },
    },
    // Returns once an approved repair has lifted the record's measures in the next decision (writeTransaction).
    async (request) => decideRepair(deps.rt, principalOf(request), request.params.id, request.body),
  );
}
