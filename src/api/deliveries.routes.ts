/** Webhook delivery of notices, as operators (and, read-only, auditors) see and steer it. */

import type { FastifyInstance } from 'fastify';
import {
  DELIVERY_STATUSES,
  getDeliveryOverview,
  requestRedelivery,
  type DeliveryStatus,
} from '../services/due-process/notice-delivery.service.ts';
import type { AppDeps } from '../shell/deps.ts';
import { errorResponses } from './schemas.ts';

const deliveryRowSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    subject_id: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    delivery_status: { type: 'string', enum: DELIVERY_STATUSES },
    attempts: { type: 'integer' },
    next_attempt_at: { type: 'string', format: 'date-time' },
    last_attempt_at: { type: ['string', 'null'], format: 'date-time' },
    last_error: { type: ['string', 'null'] },
    delivered_at: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export function deliveriesRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Querystring: { status?: DeliveryStatus; after?: string } }>(
    '/v1/notices/deliveries',
    {
      config: { roles: ['operator', 'auditor'] },
      schema: {
        summary:
          'Notice delivery to the webhook: counts by status, the oldest pending notice, ' +
          'and a page of one status (default failed), paged by the cursor after',
        tags: ['notices'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: DELIVERY_STATUSES },
            after: {
              type: 'string',
              maxLength: 400,
              description: "a cursor from an earlier page's next, previous or last",
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              counts: {
                type: 'object',
                properties: {
                  pending: { type: 'integer' },
                  delivered: { type: 'integer' },
                  failed: { type: 'integer' },
                },
              },
              oldest_pending: { anyOf: [deliveryRowSchema, { type: 'null' }] },
              status: { type: 'string' },
              page: { type: 'integer' },
              pages: { type: 'integer' },
              page_size: { type: 'integer' },
              notices: { type: 'array', items: deliveryRowSchema },
              next: { type: ['string', 'null'] },
              previous: { type: ['string', 'null'] },
              last: { type: ['string', 'null'] },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => getDeliveryOverview(deps.rt, request.query.status ?? 'failed', request.query.after),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/notices/:id/redelivery',
    {
      config: { roles: ['operator'] },
      schema: {
        summary: 'Send a notice again (after it failed): due at once, with the same Idempotency-Key',
        tags: ['notices'],
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } },
        response: { 200: deliveryRowSchema, ...errorResponses, 404: { $ref: 'Error#' } },
      },
    },
    async (request) => requestRedelivery(deps.rt, request.params.id),
  );
}
