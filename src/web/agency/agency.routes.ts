/**
 * The agency console (issue 4): GET /agency and its form POSTs. Clerks only (operators get
 * 403), every POST checks the session's CSRF token (requireStaff), and each action calls the
 * same service as the API with an agency principal built from the clerk, so a clerk sees and
 * touches only their own agency's disputes, repairs, records and uploads.
 */

import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { resolveDispute } from '../../services/due-process/dispute-resolution.service.ts';
import { fileRecords } from '../../services/records/intake.service.ts';
import { decideRepair } from '../../services/due-process/repairs.service.ts';
import { revokeRecord } from '../../services/records/corrections.service.ts';
import { findOwnRecord } from '../../services/records/records.service.ts';
import { noStore } from '../page-context.ts';
import { pageErrorHandler } from '../sign-in/require-staff.ts';
import type { PageContext } from '../layout.ts';
import { changesOf } from './agency-correction.page.ts';
import { attributeNames, fileableTypes, type FormValues } from './agency-file-form.page.ts';
import type { RecordSearch } from './agency-records.page.ts';
import type { AgencyConsole } from './agency.page.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { agencyImportsRoutes } from './agency-imports.routes.ts';
import { agencyRecordsRoutes } from './agency-records.routes.ts';
import { consoleContext, renderConsole, requiredReason } from './agency-console.ts';
import {
  clerkOf,
  csrf,
  formProblems,
  page,
  reason,
  recordIdParams,
  stringsOf,
  uuidParams,
  type Clerk,
  type Form,
} from './agency-clerk.ts';

const outcomes = ['upheld', 'corrected', 'revoked'] as const;

export function agencyPagesRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) await scope.register(formbody);
    scope.setErrorHandler(pageErrorHandler);
    const querySchema = { hide: true, querystring: { type: 'object', additionalProperties: true, properties: {} } };

    scope.get<{ Querystring: Form }>('/agency', { ...page, schema: querySchema }, async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      const ctx = consoleContext(request, reply);
      const search = await findRecord(deps, clerk, request.query.find);
      return renderConsole(deps, reply, ctx, clerk, { flash: flashOf(ctx, request.query), search });
    });

    scope.post<{ Body: Form }>(
      '/agency/records',
      { ...page, schema: { hide: true, body: { type: 'object' } } },
      async (request, reply) => {
        const clerk = await clerkOf(request, deps);
        const values = stringsOf(request.body);
        const input = recordInput(values, attributeNames(fileableTypes(deps.rt.policy, clerk.agencyKind)));
        const result = await fileRecords(
          deps.rt.db,
          deps.rt.policy,
          { agency_id: clerk.principal.agency_id!, agency_kind: clerk.agencyKind },
          [input],
          deps.rt.clock(),
        );
        await deps.follower.catchUp(); // the next decision reflects what was just accepted
        const accepted = result.accepted[0];
        if (accepted !== undefined)
          return noStore(reply).redirect(
            `/agency?filed=${encodeURIComponent(accepted.record_id)}&status=${encodeURIComponent(accepted.status)}`,
            303,
          );
        const problems = (result.rejected[0]?.errors ?? []).map((p) => ({
          ...p,
          path: p.path.replace(/^records\[\d+\]\./, ''),
        }));
        return renderConsole(deps, reply, consoleContext(request, reply), clerk, {
          status: 422,
          form: { values, problems },
        });
      },
    );

    // The changes of a "corrected" outcome are the correction form's fields, posted flat.
    scope.post<{ Params: { id: string }; Body: Form }>(
      '/agency/disputes/:id/resolution',
      {
        ...page,
        schema: {
          hide: true,
          params: uuidParams,
          body: {
            type: 'object',
            required: ['outcome'],
            properties: { csrf, outcome: { enum: outcomes }, reason: { type: 'string', maxLength: 2000 } },
            additionalProperties: { type: 'string', maxLength: 2000 },
          },
        },
      },
      async (request, reply) => {
        const clerk = await clerkOf(request, deps);
        const values = stringsOf(request.body);
        const outcome = values.outcome as (typeof outcomes)[number];
        const attributes = Object.keys(values)
          .filter((k) => k.startsWith('attributes.'))
          .map((k) => k.slice('attributes.'.length));
        try {
          await resolveDispute(
            deps.rt.db,
            deps.rt.policy,
            clerk.principal,
            request.params.id,
            {
              outcome,
              reason: requiredReason(values),
              ...(outcome === 'corrected' ? { changes: changesOf(values, attributes) } : {}),
            },
            deps.rt.clock(),
          );
        } catch (error) {
          const problems = formProblems(error, /^changes\./);
          if (problems === undefined) throw error;
          return renderConsole(deps, reply, consoleContext(request, reply), clerk, {
            status: 422,
            refusedDispute: { disputeId: request.params.id, state: { values, problems } },
          });
        }
        await deps.follower.catchUp();
        return noStore(reply).redirect(`/agency?resolved=${outcome}`, 303);
      },
    );

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
        await revokeRecord(
          deps.rt.db,
          deps.rt.policy,
          clerk.principal,
          request.params.id,
          request.body.reason,
          deps.rt.clock(),
        );
        await deps.follower.catchUp(); // a revoked record stops counting in the next decision
        return noStore(reply).redirect(`/agency?revoked=${request.params.id}&find=${request.params.id}`, 303);
      },
    );

    scope.post<{ Params: { id: string }; Body: { csrf?: string; approve: 'true' | 'false'; reason: string } }>(
      '/agency/repairs/:id/decision',
      {
        ...page,
        schema: {
          hide: true,
          params: uuidParams,
          body: {
            type: 'object',
            required: ['approve', 'reason'],
            additionalProperties: false,
            properties: { csrf, approve: { enum: ['true', 'false'] }, reason },
          },
        },
      },
      async (request, reply) => {
        const clerk = await clerkOf(request, deps);
        const approve = request.body.approve === 'true';
        await decideRepair(
          deps.rt.db,
          deps.rt.policy,
          clerk.principal,
          request.params.id,
          { approve, reason: request.body.reason },
          deps.rt.clock(),
        );
        await deps.follower.catchUp(); // an approved repair lifts the record's measures in the next decision
        return noStore(reply).redirect(`/agency?decided=${approve ? 'approved' : 'refused'}`, 303);
      },
    );

    agencyRecordsRoutes(scope, deps);
    // Multipart is parsed only for the upload routes (and streamed there, never buffered).
    await scope.register(async (uploads) => agencyImportsRoutes(uploads, deps));
  });
}

/** One of the clerk's own records by source_ref or number; others' records are "not found". */
async function findRecord(deps: AppDeps, clerk: Clerk, query: string | undefined): Promise<RecordSearch> {
  const q = (query ?? '').trim().slice(0, 200);
  if (q === '') return { query: '', found: undefined };
  return { query: q, found: (await findOwnRecord(deps.rt, clerk.principal, q)) ?? null };
}

/** The form's flat fields as one intake item; empty optional fields are left out, not sent as "". */
function recordInput(values: FormValues, attributes: readonly string[]): Record<string, unknown> {
  const optional = (name: string) => (values[name] ? { [name]: values[name] } : {});
  const attrs = Object.fromEntries(
    attributes.map((a) => [a, values[`attributes.${a}`] ?? '']).filter((e) => e[1] !== ''),
  );
  return {
    type: values.type,
    source_ref: values.source_ref,
    subject: {
      kind: values['subject.kind'],
      scheme: values['subject.scheme'],
      id: values['subject.id'],
      name: values['subject.name'],
    },
    decided_at: values.decided_at,
    ...optional('effective_at'),
    ...optional('expires_at'),
    legal_basis: values.legal_basis,
    document_ref: values.document_ref,
    attributes: attrs,
  };
}

function flashOf(ctx: PageContext, query: Form): AgencyConsole['flash'] {
  if (query.filed)
    return { kind: 'success', text: ctx.t('agency_filed', { id: query.filed, status: query.status ?? '' }) };
  if (query.resolved) return { kind: 'success', text: ctx.t('agency_resolved', { outcome: query.resolved }) };
  if (query.revoked) return { kind: 'success', text: ctx.t('agency_revoked', { id: query.revoked }) };
  if (query.corrected)
    return { kind: 'success', text: ctx.t('agency_corrected', { id: query.corrected, version: query.version ?? '' }) };
  if (query.decided) return { kind: 'success', text: ctx.t('agency_decided', { decision: query.decided }) };
  return undefined;
}
