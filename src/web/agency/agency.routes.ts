/**
 * The agency console (issue 4): GET /agency and its form POSTs. Clerks only (operators get
 * 403), every POST checks the session's CSRF token (requireStaff), and each action calls the
 * same service as the API with an agency principal built from the clerk, so a clerk sees and
 * touches only their own agency's disputes, repairs, records and uploads.
 */

import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { fileRecords } from '../../services/records/intake.service.ts';
import { findOwnRecord } from '../../services/records/records.service.ts';
import { noStore } from '../page-context.ts';
import { pageErrorHandler } from '../sign-in/require-staff.ts';
import type { PageContext } from '../layout.ts';
import { attributeField, type FormValues } from './agency-file-form.page.ts';
import type { RecordSearch } from './agency-records.page.ts';
import type { AgencyConsole } from './agency.page.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { agencyDecisionsRoutes } from './agency-decisions.routes.ts';
import { agencyImportsRoutes } from './agency-imports.routes.ts';
import { agencyRecordsRoutes } from './agency-records.routes.ts';
import { consoleContext, renderConsole } from './agency-console.ts';
import { clerkOf, page, stringsOf, type Clerk, type Form } from './agency-clerk.ts';

export function agencyPagesRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) await scope.register(formbody);
    scope.setErrorHandler(pageErrorHandler);
    consoleRoute(scope, deps);
    fileRecordRoute(scope, deps);
    agencyDecisionsRoutes(scope, deps);
    agencyRecordsRoutes(scope, deps);
    // Multipart is parsed only for the upload routes (and streamed there, never buffered).
    await scope.register(async (uploads) => agencyImportsRoutes(uploads, deps));
  });
}

function consoleRoute(scope: FastifyInstance, deps: AppDeps): void {
  const querySchema = { hide: true, querystring: { type: 'object', additionalProperties: true, properties: {} } };
  scope.get<{ Querystring: Form }>('/agency', { ...page, schema: querySchema }, async (request, reply) => {
    const clerk = await clerkOf(request, deps);
    const ctx = consoleContext(request, reply);
    const search = await findRecord(deps, clerk, request.query.find);
    return renderConsole(deps, reply, ctx, clerk, { flash: flashOf(ctx, request.query), search });
  });
}

/** The "file a record" form: one intake item; refused fields are shown inline on the console. */
function fileRecordRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Body: Form }>(
    '/agency/records',
    // The record's text is checked as every filing's is (checkRecordInput), so refusals land on the form's fields.
    { ...page, config: { ...page.config, ownTextCheck: ['body'] }, schema: { hide: true, body: { type: 'object' } } },
    async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      const values = stringsOf(request.body);
      const input = recordInput(
        values,
        Object.keys(deps.rt.policy.record_types.get(values.type ?? '')?.attributes ?? {}),
      );
      const result = await fileRecords(
        deps.rt,
        { agency_id: clerk.principal.agency_id!, agency_kind: clerk.agencyKind },
        [input],
      );
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
}

/** One of the clerk's own records by source_ref or number; others' records are "not found". */
async function findRecord(deps: AppDeps, clerk: Clerk, query: string | undefined): Promise<RecordSearch> {
  const q = (query ?? '').trim().slice(0, 200);
  if (q === '') return { query: '', found: undefined };
  return { query: q, found: (await findOwnRecord(deps.rt, clerk.principal, q)) ?? null };
}

/**
 * The form's flat fields as one intake item; empty optional fields are left out, not sent as "". The attributes are
 * the chosen type's group (`attr.<type>.<name>`), or the flat `attributes.<name>` a script may post.
 */
function recordInput(values: FormValues, attributes: readonly string[]): Record<string, unknown> {
  const optional = (name: string) => (values[name] ? { [name]: values[name] } : {});
  const type = values.type ?? '';
  const attrs = Object.fromEntries(
    attributes
      .map((a) => [a, values[attributeField(type, a)] || values[`attributes.${a}`] || ''])
      .filter((e) => e[1] !== ''),
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

/** The resolution in the reader's language; an outcome that is none of the three (a hand-edited URL) as it came. */
function resolvedText(ctx: PageContext, outcome: string): string {
  if (outcome === 'upheld') return ctx.t('agency_resolved_upheld');
  if (outcome === 'revoked') return ctx.t('agency_resolved_revoked');
  if (outcome === 'corrected') return ctx.t('agency_resolved_corrected');
  return ctx.t('agency_resolved', { outcome });
}

function flashOf(ctx: PageContext, query: Form): AgencyConsole['flash'] {
  if (query.filed)
    return { kind: 'success', text: ctx.t('agency_filed', { id: query.filed, status: query.status ?? '' }) };
  if (query.resolved) return { kind: 'success', text: resolvedText(ctx, query.resolved) };
  if (query.revoked) return { kind: 'success', text: ctx.t('agency_revoked', { id: query.revoked }) };
  if (query.corrected)
    return { kind: 'success', text: ctx.t('agency_corrected', { id: query.corrected, version: query.version ?? '' }) };
  if (query.decided) return { kind: 'success', text: ctx.t('agency_decided', { decision: query.decided }) };
  return undefined;
}
