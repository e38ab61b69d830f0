/** Operators change how to reach an agency (issue 11) after registering it; the change is a ledger event. */

import type { FastifyInstance } from 'fastify';
import type { AgencyContact } from '../domain/agency-contact.ts';
import { setAgencyContact } from '../services/accounts/agencies.service.ts';
import type { AppDeps } from '../shell/deps.ts';
import { agencyContactSchema } from './principals.routes.ts';
import { errorResponses } from './schemas.ts';

export function agenciesRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.put<{ Params: { id: string }; Body: { contact: AgencyContact | null } }>(
    '/v1/agencies/:id/contact',
    {
      config: { roles: ['operator'] },
      schema: {
        summary:
          'Replace how to reach an agency, shown with the exit routes of its records, or remove it (`contact`: null)',
        tags: ['principals'],
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 60 } } },
        body: {
          type: 'object',
          required: ['contact'],
          additionalProperties: false,
          properties: { contact: { anyOf: [agencyContactSchema, { type: 'null' }] } },
        },
        response: {
          200: {
            type: 'object',
            required: ['agency_id', 'kind', 'name', 'contact'],
            additionalProperties: false,
            properties: {
              agency_id: { type: 'string' },
              kind: { type: 'string' },
              name: { type: 'string' },
              contact: { anyOf: [agencyContactSchema, { type: 'null' }] },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => setAgencyContact(deps.rt, request.params.id, request.body.contact),
  );
}
