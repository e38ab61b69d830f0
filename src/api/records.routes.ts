/** Intake: agencies file records in batches of up to 10,000. */

import type { FastifyInstance } from 'fastify';
import { fileRecords } from '../services/records/intake.service.ts';
import { readRecord } from '../services/records/records.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { errorResponses, recordSchema } from './schemas.ts';
import { filingSchema, rejectedInReaderLanguage } from './filings.ts';

export const MAX_RECORDS_PER_REQUEST = 10_000;

/** What a batch filed: each record accepted (created, or already filed) or rejected with its problems. */
const filingAnswer = filingSchema('record_id');

export function recordsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: { records: unknown[] } }>(
    '/v1/records',
    {
      // Each record's text is checked with the record (checkRecordInput): a bad one is rejected, the rest filed.
      config: { roles: ['agency'], ownTextCheck: ['body'] },
      schema: {
        summary: 'File credit records (idempotent on source_ref)',
        tags: ['records'],
        body: {
          type: 'object',
          required: ['records'],
          additionalProperties: false,
          properties: {
            records: { type: 'array', minItems: 1, maxItems: MAX_RECORDS_PER_REQUEST, items: { type: 'object' } },
          },
        },
        response: { 200: filingAnswer, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const filer = { agency_id: principal.agency_id!, agency_kind: principal.agency_kind! };
      // Returns once the decision index reflects what was accepted (writeTransaction).
      const result = await fileRecords(deps.rt, filer, request.body.records);
      for (const a of result.accepted) deps.metrics.recordsFiled.inc({ status: a.status });
      if (result.rejected.length > 0) deps.metrics.recordsFiled.inc({ status: 'rejected' }, result.rejected.length);
      return {
        accepted: result.accepted,
        rejected: rejectedInReaderLanguage(request, deps.rt.policy, result.rejected),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/records/:id',
    {
      config: { roles: ['agency', 'operator', 'auditor'] },
      schema: {
        summary: 'One record (the read is logged as an inquiry about its subject)',
        tags: ['records'],
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9]{1,18}$' } } },
        response: { 200: recordSchema },
      },
    },
    async (request) => readRecord(deps.rt, principalOf(request), request.params.id),
  );
}
