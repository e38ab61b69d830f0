/**
 * Credit commitments (NDRC Order No. 36 (2025)): the subject makes one, in their own words (or an operator files their
 * written commitment for them); a repair application needs one. Reading them is logged as an inquiry.
 */

import type { FastifyInstance } from 'fastify';
import { MAX_COMMITMENT_LENGTH } from '../domain/commitment.ts';
import { listCommitments, makeCommitment, type CommitmentInput } from '../services/due-process/commitments.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { errorResponses, open } from './schemas.ts';

const subjectParams = {
  type: 'object',
  properties: { scheme: { type: 'string', maxLength: 40 }, id: { type: 'string', maxLength: 64 } },
} as const;

const commitmentSchema = open(
  {
    commitment_id: { type: 'string' },
    text: { type: 'string' },
    record_id: { type: ['string', 'null'], description: 'The record it is made for; null: conduct at large' },
    document_ref: { type: ['string', 'null'], description: 'The written commitment an operator filed it from' },
    made_at: { type: 'string', format: 'date-time' },
  },
  ['commitment_id', 'text', 'record_id', 'made_at'],
);

export function commitmentsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Params: { scheme: string; id: string }; Body: CommitmentInput }>(
    '/v1/subjects/:scheme/:id/commitments',
    {
      // The subject's own words: their key, or an operator filing their written commitment (as repairs are filed).
      config: { roles: ['subject', 'operator'] },
      schema: {
        summary:
          'Make a public credit commitment (NDRC Order No. 36 (2025)): a repair application needs one ' +
          '(CRD_COMMITMENT_REQUIRED without it)',
        tags: ['commitments'],
        params: subjectParams,
        body: {
          type: 'object',
          required: ['text'],
          additionalProperties: false,
          properties: {
            text: { type: 'string', minLength: 1, maxLength: MAX_COMMITMENT_LENGTH, pattern: '\\S' },
            record_id: { type: 'string', pattern: '^[0-9]{1,18}$' },
            document_ref: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
          },
        },
        response: { 201: commitmentSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { scheme, id } = request.params;
      const made = await makeCommitment(deps.rt, principalOf(request), { scheme, id }, request.body);
      return reply.status(201).send(made);
    },
  );

  app.get<{ Params: { scheme: string; id: string } }>(
    '/v1/subjects/:scheme/:id/commitments',
    {
      config: { roles: ['subject', 'operator', 'auditor', 'agency'] },
      schema: {
        summary: "A subject's credit commitments, oldest first (reading them is logged as an inquiry)",
        tags: ['commitments'],
        params: subjectParams,
        response: {
          200: open({ commitments: { type: 'array', items: commitmentSchema } }, ['commitments']),
          ...errorResponses,
        },
      },
    },
    async (request) =>
      listCommitments(deps.rt, principalOf(request), { scheme: request.params.scheme, id: request.params.id }),
  );
}
