/** Credit repair: the subject (or an operator for them) applies, the filing agency decides. */

import type { FastifyInstance } from 'fastify';
import type { RepairStatus } from '../store/repairs.repository.ts';
import {
  applyForRepair,
  decideRepair,
  listRepairs,
  type RepairApplication,
  type RepairDecision,
} from '../services/due-process/repairs.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { errorResponses } from './schemas.ts';
import { limitSchema, reasonSchema, recordIdParams } from './corrections.routes.ts';

export function repairsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Params: { id: string }; Body: RepairApplication }>(
    '/v1/records/:id/repairs',
    {
      config: { roles: ['subject', 'operator'] },
      schema: {
        summary:
          'Apply for credit repair of a negative record (NDRC credit repair measures); refused with a coded reason before it may be repaired',
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
      const result = await applyForRepair(
        deps.rt.db,
        deps.rt.policy,
        principalOf(request),
        request.params.id,
        request.body,
        deps.rt.clock(),
      );
      return reply.status(201).send(result);
    },
  );

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
    async (request) => {
      const result = await decideRepair(
        deps.rt.db,
        deps.rt.policy,
        principalOf(request),
        request.params.id,
        request.body,
        deps.rt.clock(),
      );
      await deps.follower.catchUp(); // an approved repair lifts the record's measures in the next decision
      return result;
    },
  );
}
