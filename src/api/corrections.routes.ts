/** Corrections and revocations of a record, by the agency that filed it only. */

import type { FastifyInstance } from 'fastify';
import { CORRECTABLE_FIELDS, type RecordChanges } from '../domain/correction.ts';
import { correctRecord, readRecordVersions, revokeRecord } from '../services/records/corrections.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { anyObject, errorRef, errorResponses, open, recordAnswerSchema, recordSchema } from './schemas.ts';

export const recordIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9]{1,18}$' } },
} as const;
/** Query-string page size: 1 to 1000 (query values are strings; the app does not coerce types). */
export const limitSchema = { type: 'string', pattern: '^([1-9][0-9]{0,2}|1000)$' } as const;
export const reasonSchema = { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } as const;

export const changesSchema = {
  // propertyNames, not additionalProperties: Fastify's Ajv would silently drop an unknown field.
  // Values are checked like a filing (checkRecordInput), with every problem reported at once.
  type: 'object',
  minProperties: 1,
  propertyNames: { enum: CORRECTABLE_FIELDS },
  properties: Object.fromEntries(
    CORRECTABLE_FIELDS.map((field) => [
      field,
      field === 'attributes' ? { type: 'object' } : { type: ['string', 'null'] },
    ]),
  ),
} as const;

export function correctionsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Params: { id: string }; Body: { changes: RecordChanges; reason: string } }>(
    '/v1/records/:id/corrections',
    {
      config: { roles: ['agency'] },
      schema: {
        summary: 'Correct a record: a new version, checked like a filing; the old one is kept in its history',
        tags: ['records'],
        params: recordIdParams,
        body: {
          type: 'object',
          required: ['changes', 'reason'],
          additionalProperties: false,
          properties: { changes: changesSchema, reason: reasonSchema },
        },
        // 409: the record is disputed or revoked; 422: the corrected record would be unlawful (a minor listed).
        response: { 200: recordAnswerSchema, ...errorResponses, 409: errorRef, 422: errorRef },
      },
    },
    // correctRecord returns once the decision index reflects the correction (writeTransaction).
    async (request) => correctRecord(deps.rt, principalOf(request), request.params.id, request.body),
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/v1/records/:id/revocation',
    {
      config: { roles: ['agency'] },
      schema: {
        summary: 'Revoke a record: it stops counting at once and stays in the history marked revoked',
        tags: ['records'],
        params: recordIdParams,
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: { reason: reasonSchema },
        },
        response: { 200: recordAnswerSchema, ...errorResponses, 409: errorRef },
      },
    },
    async (request) => revokeRecord(deps.rt, principalOf(request), request.params.id, request.body.reason),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/records/:id/versions',
    {
      config: { roles: ['agency', 'operator', 'auditor'] },
      schema: {
        summary: "A record's current and superseded versions (the read is logged as an inquiry)",
        tags: ['records'],
        params: recordIdParams,
        response: {
          200: open({ record: recordSchema, versions: { type: 'array', items: anyObject } }, ['record', 'versions']),
          ...errorResponses,
        },
      },
    },
    async (request) => readRecordVersions(deps.rt, principalOf(request), request.params.id),
  );
}
