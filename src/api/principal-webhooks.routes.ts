/** Operators set where a relying principal's amendments (FCRA § 611(d)) are POSTed; the secret is shown once. */

import type { FastifyInstance } from 'fastify';
import { setRelyingWebhook } from '../services/accounts/principal-webhooks.service.ts';
import type { AppDeps } from '../shell/deps.ts';
import { errorResponses } from './schemas.ts';

export function principalWebhooksRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.put<{ Params: { id: string }; Body: { url: string | null } }>(
    '/v1/principals/:id/webhook',
    {
      config: { roles: ['operator'] },
      schema: {
        summary:
          "Set a relying principal's webhook for amendments, with a new signing secret (shown once), or remove it " +
          '(`url`: null)',
        tags: ['principals'],
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 40 } } },
        body: {
          type: 'object',
          required: ['url'],
          additionalProperties: false,
          properties: { url: { type: ['string', 'null'], minLength: 1, maxLength: 2000 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['principal_id', 'url', 'secret'],
            additionalProperties: false,
            properties: {
              principal_id: { type: 'string' },
              url: { type: ['string', 'null'] },
              secret: {
                type: ['string', 'null'],
                description: 'The HMAC-SHA256 key of X-Credence-Signature, shown this once; null when removed',
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      principal_id: request.params.id,
      ...(await setRelyingWebhook(deps.rt, request.params.id, request.body.url)),
    }),
  );
}
