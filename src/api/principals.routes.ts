/** Operators manage principals and their keys. A key is in the creation answer only. */

import type { FastifyInstance } from 'fastify';
import {
  createPrincipal,
  listPrincipals,
  revokePrincipal,
  type NewPrincipal,
} from '../services/accounts/principals.service.ts';
import type { AppDeps } from '../shell/deps.ts';
import { errorRef, errorResponses, principalSchema } from './schemas.ts';

const localText = (max: number) =>
  ({
    type: 'object',
    required: ['en', 'zh'],
    additionalProperties: false,
    properties: {
      en: { type: 'string', minLength: 1, maxLength: max },
      zh: { type: 'string', minLength: 1, maxLength: max },
    },
  }) as const;

/** How to reach an agency (issue 11): in both languages, with an optional telephone number and address. */
export const agencyContactSchema = {
  type: 'object',
  description:
    'How to reach the agency (office, hours), shown to the people its records list; on creating a principal, ' +
    'kept when the agency exists (PUT /v1/agencies/{id}/contact changes it)',
  required: ['en', 'zh'],
  additionalProperties: false,
  properties: {
    ...localText(300).properties,
    phone: { type: 'string', minLength: 3, maxLength: 40, pattern: '^[0-9+() -]+$' },
    address: localText(300),
  },
} as const;

const stringList = { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 100 } as const;

export function principalsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: NewPrincipal }>(
    '/v1/principals',
    {
      config: { roles: ['operator'] },
      schema: {
        summary: 'Create a principal and its API key (shown once)',
        tags: ['principals'],
        body: {
          type: 'object',
          required: ['role', 'name'],
          additionalProperties: false,
          properties: {
            role: { type: 'string' },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            agency_kind: { type: 'string' },
            agency_id: { type: 'string', pattern: '^[a-z0-9-]{1,60}$' },
            actions: stringList,
            purposes: stringList,
            subject: { type: 'string', maxLength: 110 },
            agency_contact: agencyContactSchema,
          },
        },
        // 201: the principal and its key, shown this once.
        response: {
          201: { ...principalSchema, properties: { ...principalSchema.properties, key: { type: 'string' } } },
          ...errorResponses,
          409: errorRef,
        },
      },
    },
    async (request, reply) => {
      const { principal, key } = await createPrincipal(deps.rt, request.body);
      return reply.status(201).send({ ...principal, key });
    },
  );

  app.get(
    '/v1/principals',
    {
      config: { roles: ['operator', 'auditor'] },
      schema: {
        summary: 'List principals (never their keys)',
        tags: ['principals'],
        response: {
          200: {
            type: 'object',
            required: ['principals'],
            properties: { principals: { type: 'array', items: principalSchema } },
          },
        },
      },
    },
    async () => ({ principals: await listPrincipals(deps.rt) }),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/principals/:id/revocation',
    {
      config: { roles: ['operator'] },
      schema: {
        summary: 'Revoke a principal’s key',
        tags: ['principals'],
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 40 } } },
        response: { 200: principalSchema },
      },
    },
    async (request) => {
      const principal = await revokePrincipal(deps.rt, request.params.id);
      deps.keys.evictPrincipal(principal.id);
      return principal;
    },
  );
}
