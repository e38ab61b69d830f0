/** Human review: relying services fetch the review tasks their decisions opened and close them. */

import type { FastifyInstance } from 'fastify';
import {
  closeReview,
  getReview,
  HUMAN_OUTCOMES,
  listReviews,
  type HumanDecision,
} from '../services/decisions/reviews.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { errorRef, errorResponses, reviewSchema } from './schemas.ts';

const reviewParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 80 } } } as const;
const reviewPageSchema = {
  type: 'object',
  required: ['reviews', 'next'],
  properties: {
    reviews: { type: 'array', items: reviewSchema },
    next: { type: ['string', 'null'], description: 'The `after` of the next page, or null on the last' },
  },
} as const;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '\\S' }) as const;

export function reviewsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Querystring: { status?: 'open' | 'closed'; after?: string; limit?: string } }>(
    '/v1/reviews',
    {
      config: { roles: ['relying', 'operator', 'auditor'] },
      schema: {
        summary:
          'Review tasks, oldest first: a relying service its own; operators and auditors all (each read is logged)',
        tags: ['reviews'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['open', 'closed'] },
            after: { type: 'string', maxLength: 80 },
            limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
          },
        },
        response: { 200: reviewPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { status = 'open', after, limit } = request.query;
      return listReviews(deps.rt, principalOf(request), {
        status,
        after,
        limit: limit === undefined ? undefined : Number(limit),
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/reviews/:id',
    {
      config: { roles: ['relying', 'operator', 'auditor'] },
      schema: {
        summary: 'One review task (the read is logged)',
        tags: ['reviews'],
        params: reviewParams,
        response: { 200: reviewSchema, ...errorResponses },
      },
    },
    async (request) => getReview(deps.rt, principalOf(request), request.params.id),
  );

  app.post<{ Params: { id: string }; Body: HumanDecision }>(
    '/v1/reviews/:id/decision',
    {
      config: { roles: ['relying', 'operator'] },
      schema: {
        summary: 'Close a review task, once, with the human decision (logged as an inquiry about the subject)',
        tags: ['reviews'],
        params: reviewParams,
        body: {
          type: 'object',
          required: ['outcome', 'reason', 'reviewer'],
          additionalProperties: false,
          properties: {
            outcome: { type: 'string', enum: [...HUMAN_OUTCOMES] },
            reason: text(2000),
            reviewer: text(200),
            legal_basis: text(500),
          },
        },
        // 409: the task is closed already.
        response: { 200: reviewSchema, ...errorResponses, 409: errorRef },
      },
    },
    async (request) => closeReview(deps.rt, principalOf(request), request.params.id, request.body),
  );
}
