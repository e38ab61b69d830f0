/** Disputes: opened by the subject (or an operator for them), answered by the filing agency. */

import type { FastifyInstance } from 'fastify';
import type { RecordChanges } from '../domain/correction.ts';
import { DISPUTE_OUTCOMES, type DisputeOutcome } from '../domain/dispute.ts';
import { resolveDispute } from '../services/due-process/dispute-resolution.service.ts';
import {
  addDisputeStatement,
  listDisputes,
  openDispute,
  readDispute,
  type DisputeQuery,
} from '../services/due-process/disputes.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { disputeSchema, errorRef, errorResponses, open, recordSchema } from './schemas.ts';
import { changesSchema, limitSchema, reasonSchema, recordIdParams } from './corrections.routes.ts';

const disputeIdParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } } } as const;
const statementSchema = { type: 'string', minLength: 1, maxLength: 5000, pattern: '\\S' } as const;

export function disputesRoutes(app: FastifyInstance, deps: AppDeps): void {
  openDisputeRoute(app, deps);
  readDisputesRoutes(app, deps);
  answerDisputeRoutes(app, deps);
}

/** The subject (or an operator for them) disputes a record. */
function openDisputeRoute(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Params: { id: string }; Body: { statement: string } }>(
    '/v1/records/:id/disputes',
    {
      config: { roles: ['subject', 'operator'] },
      schema: {
        summary: 'Dispute a record (FCRA § 611): the filing agency must answer by due_at',
        tags: ['disputes'],
        params: recordIdParams,
        body: {
          type: 'object',
          required: ['statement'],
          additionalProperties: false,
          properties: { statement: statementSchema },
        },
        // 409: the record is disputed already, revoked or superseded.
        response: {
          201: open(
            {
              dispute_id: { type: 'string' },
              status: { type: 'string' },
              due_at: { type: 'string', format: 'date-time' },
              record_id: { type: 'string' },
              record_status: { type: 'string' },
            },
            ['dispute_id', 'status', 'due_at'],
          ),
          ...errorResponses,
          409: errorRef,
        },
      },
    },
    async (request, reply) => {
      // Returns once a suspended record has stopped counting in the next decision (writeTransaction).
      const result = await openDispute(deps.rt, principalOf(request), request.params.id, request.body.statement);
      return reply.status(201).send(result);
    },
  );
}

/** Disputes as each role may see them: a list, and one dispute. */
function readDisputesRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Querystring: { status?: DisputeQuery['status']; limit?: string; after?: string } }>(
    '/v1/disputes',
    {
      config: { roles: ['agency', 'operator', 'auditor', 'subject'] },
      schema: {
        summary:
          'Disputes: an agency its own, a subject theirs, operators and auditors all. ' +
          'Unresolved ones oldest deadline first; after: the next cursor of an earlier answer.',
        tags: ['disputes'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { enum: ['open', 'overdue', 'resolved'] },
            limit: limitSchema,
            after: { type: 'string', maxLength: 400 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['disputes'],
            properties: {
              disputes: { type: 'array', items: disputeSchema },
              next: { type: ['string', 'null'] },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) =>
      listDisputes(deps.rt, principalOf(request), {
        status: request.query.status ?? 'open',
        limit: Number(request.query.limit ?? 100),
        after: request.query.after,
      }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/disputes/:id',
    {
      config: { roles: ['agency', 'operator', 'auditor', 'subject'] },
      schema: {
        summary: 'One dispute',
        tags: ['disputes'],
        params: disputeIdParams,
        response: { 200: disputeSchema, ...errorResponses },
      },
    },
    async (request) => readDispute(deps.rt, principalOf(request), request.params.id),
  );
}

/** The filing agency resolves a dispute; after an upheld one, the subject may add a statement. */
function answerDisputeRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Params: { id: string }; Body: { outcome: DisputeOutcome; reason: string; changes?: RecordChanges } }>(
    '/v1/disputes/:id/resolution',
    {
      config: { roles: ['agency'] },
      schema: {
        summary: 'Resolve a dispute on one of your records: upheld, corrected (with changes) or revoked',
        tags: ['disputes'],
        params: disputeIdParams,
        body: {
          type: 'object',
          required: ['outcome', 'reason'],
          additionalProperties: false,
          properties: { outcome: { enum: DISPUTE_OUTCOMES }, reason: reasonSchema, changes: changesSchema },
        },
        // 409: resolved already; 422: the corrected record would be unlawful.
        response: {
          200: open({ dispute: disputeSchema, record: recordSchema }, ['dispute', 'record']),
          ...errorResponses,
          409: errorRef,
          422: errorRef,
        },
      },
    },
    async (request) => resolveDispute(deps.rt, principalOf(request), request.params.id, request.body),
  );

  app.post<{ Params: { id: string }; Body: { statement: string } }>(
    '/v1/disputes/:id/statement',
    {
      // The subject's own words (FCRA § 611(b)): no one else may write or overwrite them.
      config: { roles: ['subject'] },
      schema: {
        summary:
          'After an upheld dispute, attach your statement to the record: it is shown with the record in every report',
        tags: ['disputes'],
        params: disputeIdParams,
        body: {
          type: 'object',
          required: ['statement'],
          additionalProperties: false,
          properties: { statement: statementSchema },
        },
        // 409: the dispute is not resolved as upheld.
        response: { 200: disputeSchema, ...errorResponses, 409: errorRef },
      },
    },
    async (request) => addDisputeStatement(deps.rt, principalOf(request), request.params.id, request.body.statement),
  );
}
