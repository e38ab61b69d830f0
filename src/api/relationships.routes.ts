/**
 * Related persons (Fa Shi [2015] 17 art. 3 para. 2; Fa Shi [2017] 7 art. 6): the registration authority files a
 * person's role in an organisation, and revokes it. Answered like records: each item accepted (created or already
 * filed) or rejected with coded problems. Revocation is `/revocation`, as for records.
 */

import type { FastifyInstance } from 'fastify';
import { fileRelationships, revokeRelationship } from '../services/relationships/relationships.service.ts';
import type { AppDeps } from '../shell/deps.ts';
import { principalOf } from './auth.ts';
import { reasonSchema, recordIdParams } from './corrections.routes.ts';
import { filingSchema, rejectedInReaderLanguage } from './filings.ts';
import { errorRef, errorResponses, open } from './schemas.ts';

export const MAX_RELATIONSHIPS_PER_REQUEST = 10_000;

const partySchema = open({ scheme: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' } });

const filingAnswer = filingSchema('relationship_id');

/** A relationship as the API shows it. */
export const relationshipSchema = open({
  relationship_id: { type: 'string' },
  source_ref: { type: 'string' },
  organization: partySchema,
  person: partySchema,
  role: { type: 'string' },
  from: { type: 'string', format: 'date-time' },
  until: { type: ['string', 'null'], format: 'date-time' },
  legal_basis: { type: 'string' },
  document_ref: { type: 'string' },
  status: { type: 'string', enum: ['active', 'revoked'] },
  revoked_at: { type: ['string', 'null'], format: 'date-time' },
  revocation_reason: { type: ['string', 'null'] },
});

export function relationshipsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: { relationships: unknown[] } }>(
    '/v1/relationships',
    {
      // Each item's text is checked with the item (checkRelationshipInput): a bad one is rejected, the rest filed.
      config: { roles: ['agency'], ownTextCheck: ['body'] },
      schema: {
        summary: "File relationships: a person's role in an organisation (idempotent on source_ref)",
        tags: ['relationships'],
        body: {
          type: 'object',
          required: ['relationships'],
          additionalProperties: false,
          properties: {
            relationships: {
              type: 'array',
              minItems: 1,
              maxItems: MAX_RELATIONSHIPS_PER_REQUEST,
              items: { type: 'object' },
            },
          },
        },
        response: { 200: filingAnswer, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const filer = { agency_id: principal.agency_id!, agency_kind: principal.agency_kind! };
      // Returns once the decision index reflects what was accepted (writeTransaction).
      const result = await fileRelationships(deps.rt, filer, request.body.relationships);
      return {
        accepted: result.accepted,
        rejected: rejectedInReaderLanguage(request, deps.rt.policy, result.rejected),
      };
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/v1/relationships/:id/revocation',
    {
      config: { roles: ['agency'] },
      schema: {
        summary: 'Revoke a relationship, by the agency that filed it: its measures on the person end at once',
        tags: ['relationships'],
        params: recordIdParams,
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: { reason: reasonSchema },
        },
        response: {
          200: open({ relationship: relationshipSchema }, ['relationship']),
          ...errorResponses,
          404: errorRef,
        },
      },
    },
    async (request) => revokeRelationship(deps.rt, principalOf(request), request.params.id, request.body.reason),
  );
}
