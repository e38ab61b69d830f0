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
import { errorRef, errorResponses, open, recordSchema, repairSchema } from './schemas.ts';
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
        // 409: disputed, not in force, or an application pending; 422: the policy does not allow repair (yet).
        response: { 201: repairSchema, ...errorResponses, 409: errorRef, 422: errorRef },
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
        response: {
          200: {
            type: 'object',
            required: ['repairs'],
            properties: { repairs: { type: 'array', items: repairSchema } },
          },
          ...errorResponses,
        },
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
          properties: {
            approve: { type: 'boolean' },
            reason: reasonSchema,
            // Fa Shi [2017] 7 art. 10: the ground of deletion, for a record type the policy gives grounds.
            ground: { type: 'string', minLength: 1, maxLength: 64 },
          },
        },
        // 409: decided already.
        response: {
          200: open({ repair: repairSchema, record: recordSchema }, ['repair', 'record']),
          ...errorResponses,
          409: errorRef,
          // A ground that is not one of Fa Shi [2017] 7 art. 10's, or given for a type without grounds.
          422: errorRef,
        },
      },
    },
    // Returns once an approved repair has lifted the record's measures in the next decision (writeTransaction).
    async (request) => decideRepair(deps.rt, principalOf(request), request.params.id, request.body),
  );
}
