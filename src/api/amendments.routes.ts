/** Amendments (FCRA § 611(d)): a relying service reads what changed in the records behind its decisions. */

import type { FastifyInstance } from 'fastify';
import { listAmendments } from '../services/due-process/amendments.service.ts';
import type { AppDeps } from '../shell/deps.ts';
import { principalOf } from './auth.ts';
import { errorResponses } from './schemas.ts';

const MAX_LIMIT = 500;

const text = { type: 'string' } as const;
const instant = { type: 'string', format: 'date-time' } as const;
const outcome = { type: 'string', enum: ['allow', 'deny', 'restrict', 'review', 'expedite', 'waive'] } as const;

const amendmentSchema = {
  type: 'object',
  required: [
    'id',
    'at',
    'subject',
    'action',
    'old_outcome',
    'new_outcome',
    'outcome_changed',
    'decision_ids',
    'record',
  ],
  properties: {
    id: { type: 'string', description: 'Monotonic: the cursor (`since`) to read on after this amendment' },
    at: instant,
    subject: {
      type: 'object',
      required: ['scheme', 'id'],
      properties: { scheme: text, id: text },
      description: 'The identifier as the decisions asked about it',
    },
    action: text,
    old_outcome: { ...outcome, description: 'The outcome of the decisions named, as they were answered' },
    new_outcome: { ...outcome, description: 'The outcome a decision about the same action has after the change' },
    outcome_changed: { type: 'boolean' },
    decision_ids: { type: 'array', items: text, description: 'The newest decisions first, at most 100' },
    decision_count: { type: 'integer', minimum: 1 },
    first_decided_at: instant,
    last_decided_at: instant,
    record: {
      type: ['object', 'null'],
      description:
        'The record whose change this tells of, or (`filed`, for a related person) the exemption filed for the ' +
        'person; null where a relationship was revoked instead',
      required: ['id', 'type', 'change', 'reason'],
      properties: {
        id: text,
        type: text,
        change: { type: 'string', enum: ['corrected', 'revoked', 'repaired', 'filed'] },
        reason: {
          type: 'string',
          description: "The agency's reason for the change; for an exemption filed, the legal basis it was filed on",
        },
        ground: { type: ['string', 'null'], description: "Fa Shi [2017] 7 art. 10: a court's ground of deletion" },
      },
    },
    related: {
      type: ['object', 'null'],
      description:
        "Fa Shi [2015] 17 art. 3 para. 2: set where the subject is a person a listed organisation's measures " +
        "bound: the organisation and the relationships through which its listing bound them; the organisation's " +
        'record changed, a court exempted the person from them (`record.change` `filed`), or (`revocation_reason` ' +
        'set, `record` null) the relationship was revoked',
      required: ['organization', 'relationships', 'revocation_reason'],
      properties: {
        organization: {
          type: 'object',
          required: ['scheme', 'id', 'name'],
          properties: { scheme: text, id: text, name: text },
        },
        relationships: {
          type: 'array',
          items: {
            type: 'object',
            required: ['relationship_id', 'role'],
            properties: { relationship_id: text, role: text },
          },
        },
        revocation_reason: {
          type: ['string', 'null'],
          description: "The registration authority's reason, where the amendment is for the relationship's revocation",
        },
      },
    },
    policy_version: text,
    legal_basis: text,
  },
} as const;

export function amendmentsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Querystring: { since?: string; limit?: string } }>(
    '/v1/decisions/amendments',
    {
      config: { roles: ['relying'] },
      schema: {
        summary:
          "FCRA § 611(d): this key's amendments, oldest first: a record behind a decision it got in the policy's " +
          'lookback (6 months by default) was corrected, revoked or repaired (reading them is logged)',
        tags: ['decisions'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            since: {
              type: 'string',
              pattern: '^[0-9]{1,18}$',
              description:
                'Only amendments after this id: a page’s `next`, or the last id read; absent: from the first',
            },
            limit: {
              type: 'string',
              pattern: '^(?:[1-9][0-9]?|[1-4][0-9]{2}|500)$',
              description: `At most this many amendments, 1 to ${MAX_LIMIT} (default 100)`,
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['amendments', 'next'],
            additionalProperties: false,
            properties: {
              amendments: { type: 'array', items: amendmentSchema },
              next: {
                type: ['string', 'null'],
                description: 'The `since` of the next page; null: none yet (poll later from the last id read)',
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { since, limit } = request.query;
      return listAmendments(deps.rt, principalOf(request), {
        since,
        limit: limit === undefined ? undefined : Number(limit),
      });
    },
  );
}
