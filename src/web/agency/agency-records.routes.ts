/**
 * The clerk's own records: GET /agency/records (newest first, by status and text, paged) and
 * POST /agency/records/:id/corrections (a new version through correctRecord, like the API's
 * POST /v1/records/{id}/corrections; refused changes are shown inline on the record's view) and
 * POST /agency/records/:id/revocation (revokeRecord, like POST /v1/records/{id}/revocation).
 */

import type { FastifyInstance } from 'fastify';
import type { RecordStatus } from '../../domain/record.ts';
import { correctRecord, revokeRecord } from '../../services/records/corrections.service.ts';
import { listOwnRecords, RECORD_STATUSES } from '../../services/records/agency-records.service.ts';
import { readRecord } from '../../services/records/records.service.ts';
import { noStore, pageContext, sendPage } from '../page-context.ts';
import { changesOf, correctableAttributes } from './agency-correction.page.ts';
import { agencyRecordListPage } from './agency-record-list.page.ts';
import type { AppDeps } from '../../shell/deps.ts';
import {
  clerkOf,
  csrf,
  formProblems,
  ownText,
  page,
  reason,
  recordIdParams,
  stringsOf,
  type Form,
} from './agency-clerk.ts';
import { refuseTextIn } from '../../shell/request-checks.ts';
import { consoleContext, renderConsole, requiredReason } from './agency-console.ts';
import { localProblems } from '../local-errors.ts';
import { fileFormLabel } from './agency-file-form.page.ts';

const listQuery = {
  type: 'object',
  additionalProperties: true,
  properties: {
    status: { enum: ['', ...RECORD_STATUSES] },
    q: { type: 'string', maxLength: 200 },
    after: { type: 'string', maxLength: 400 },
  },
} as const;

export function agencyRecordsRoutes(scope: FastifyInstance, deps: AppDeps): void {
  recordListRoute(scope, deps);
  correctionRoute(scope, deps);
  revocationRoute(scope, deps);
}

function recordListRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.get<{ Querystring: { status?: string; q?: string; after?: string } }>(
    '/agency/records',
    { ...page, schema: { hide: true, querystring: listQuery } },
    async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      const status = request.query.status ? (request.query.status as RecordStatus) : undefined;
      const text = request.query.q?.trim() || undefined;
      const result = await listOwnRecords(deps.rt, clerk.principal, {
        status,
        text,
        after: request.query.after,
      });
      const ctx = pageContext(request, reply);
      return sendPage(
        reply,
        agencyRecordListPage(ctx, { agencyName: clerk.agencyName, status: status ?? '', text: text ?? '', result }),
        { signedIn: true },
      );
    },
  );
}

function correctionRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Params: { id: string }; Body: Form }>(
    '/agency/records/:id/corrections',
    {
      ...ownText,
      schema: {
        hide: true,
        params: recordIdParams,
        body: { type: 'object', additionalProperties: { type: 'string', maxLength: 2000 } },
      },
    },
    async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      const values = stringsOf(request.body);
      // Only the record's own type's attributes are read from the form: the type does not change.
      const record = await readRecord(deps.rt, clerk.principal, request.params.id);
      let version: number;
      try {
        refuseTextIn(values);
        const changes = changesOf(values, correctableAttributes(deps.rt.policy, record.type));
        ({
          record: { version },
        } = await correctRecord(deps.rt, clerk.principal, record.id, { changes, reason: requiredReason(values) }));
      } catch (error) {
        const problems = formProblems(error, /^changes\./);
        if (problems === undefined) throw error;
        const ctx = consoleContext(request, reply);
        const label = fileFormLabel(ctx, deps.rt.policy, record.type);
        const local = localProblems(ctx, problems, { policy: deps.rt.policy, label });
        const search = { query: record.id, found: record, correction: { values, problems: local } };
        return renderConsole(deps, reply, ctx, clerk, { status: 422, search });
      }
      return noStore(reply).redirect(`/agency?corrected=${record.id}&version=${version}&find=${record.id}`, 303);
    },
  );
}

function revocationRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Params: { id: string }; Body: { csrf?: string; reason: string } }>(
    '/agency/records/:id/revocation',
    {
      ...page,
      schema: {
        hide: true,
        params: recordIdParams,
        body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { csrf, reason } },
      },
    },
    async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      await revokeRecord(deps.rt, clerk.principal, request.params.id, request.body.reason);
      return noStore(reply).redirect(`/agency?revoked=${request.params.id}&find=${request.params.id}`, 303);
    },
  );
}
