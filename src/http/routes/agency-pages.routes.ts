/**
 * The agency console (issue 4): GET /agency and its form POSTs. Clerks only (operators get
 * 403), every POST checks the session's CSRF token (requireStaff), and each action calls the
 * same service as the API with an agency principal built from the clerk, so a clerk sees and
 * touches only their own agency's disputes, repairs and records.
 */

import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../domain/principal.ts';
import { CredenceError } from '../../errors.ts';
import { resolveDispute } from '../../services/dispute-resolution.service.ts';
import { listDisputes } from '../../services/disputes.service.ts';
import { fileRecords } from '../../services/intake.service.ts';
import { decideRepair, listRepairs } from '../../services/repairs.service.ts';
import { revokeRecord } from '../../services/corrections.service.ts';
import { findOwnRecord } from '../../services/records.service.ts';
import { getAgency } from '../../store/principals.repository.ts';
import { noStore, pageErrorHandler, requireStaff } from '../../web/auth/require-staff.ts';
import type { SignedInStaff } from '../../web/auth/staff-sessions.service.ts';
import { pageContext, sendPage } from '../../web/page-context.ts';
import type { PageContext } from '../../web/layout.ts';
import { attributeNames, fileableTypes, type FileFormState, type FormValues } from '../../web/pages/agency-file-form.ts';
import type { RecordSearch } from '../../web/pages/agency-records.ts';
import { agencyConsolePage, type AgencyConsole } from '../../web/pages/agency.ts';
import type { AppDeps } from '../app.ts';

type Form = Record<string, string | undefined>;
const page = { config: { public: true }, schema: { hide: true } } as const;
const uuidParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } } } as const;
const reason = { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } as const;
const csrf = { type: 'string', maxLength: 100 } as const;

interface Clerk {
  readonly staff: SignedInStaff;
  readonly principal: Principal;
  readonly agencyName: string;
  readonly agencyKind: string;
}

/** The API's agency principal, for the clerk: services scope and authorise by `agency_id`. */
async function clerkOf(request: FastifyRequest, deps: AppDeps): Promise<Clerk> {
  const staff = await requireStaff(request, ['agency']);
  const agency = staff.agency_id === null ? undefined : await getAgency(deps.rt.db, staff.agency_id);
  if (agency === undefined) throw new CredenceError('CRD_FORBIDDEN', 'this clerk account belongs to no known agency');
  const principal: Principal = {
    id: `staff:${staff.id}`, name: staff.username, role: 'agency', agency_id: agency.id, agency_kind: agency.kind,
    actions: [], purposes: [], subject: null, created_at: staff.created_at, revoked_at: null,
  };
  return { staff, principal, agencyName: agency.name, agencyKind: agency.kind };
}

export function agencyPagesRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) await scope.register(formbody);
    scope.setErrorHandler(pageErrorHandler);
    const querySchema = { hide: true, querystring: { type: 'object', additionalProperties: true, properties: {} } };

    scope.get<{ Querystring: Form }>('/agency', { ...page, schema: querySchema }, async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      const ctx = pageContext(request, reply, { path: '/agency', keepQuery: false });
      const search = await findRecord(deps, clerk, request.query.find);
      return render(deps, reply, 200, ctx, clerk, { values: {}, problems: [] }, flashOf(ctx, request.query), search);
    });

    scope.post<{ Body: Form }>('/agency/records', { ...page, schema: { hide: true, body: { type: 'object' } } }, async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      const values = stringsOf(request.body);
      const input = recordInput(values, attributeNames(fileableTypes(deps.rt.policy, clerk.agencyKind)));
      const result = await fileRecords(deps.rt.db, deps.rt.policy, { agency_id: clerk.principal.agency_id!, agency_kind: clerk.agencyKind }, [input], deps.rt.clock());
      await deps.follower.catchUp(); // the next decision reflects what was just accepted
      const accepted = result.accepted[0];
      if (accepted !== undefined) return noStore(reply).redirect(`/agency?filed=${encodeURIComponent(accepted.record_id)}&status=${encodeURIComponent(accepted.status)}`, 303);
      const problems = (result.rejected[0]?.errors ?? []).map((p) => ({ ...p, path: p.path.replace(/^records\[\d+\]\./, '') }));
      return render(deps, reply, 422, pageContext(request, reply, { path: '/agency', keepQuery: false }), clerk, { values, problems });
    });

    scope.post<{ Params: { id: string }; Body: { csrf?: string; outcome: 'upheld' | 'revoked'; reason: string } }>('/agency/disputes/:id/resolution', {
      ...page, schema: { hide: true, params: uuidParams, body: { type: 'object', required: ['outcome', 'reason'], additionalProperties: false, properties: { csrf, outcome: { enum: ['upheld', 'revoked'] }, reason } } },
    }, async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      const { outcome } = request.body;
      await resolveDispute(deps.rt.db, deps.rt.policy, clerk.principal, request.params.id, { outcome, reason: request.body.reason }, deps.rt.clock());
      await deps.follower.catchUp();
      return noStore(reply).redirect(`/agency?resolved=${outcome}`, 303);
    });

    scope.post<{ Params: { id: string }; Body: { csrf?: string; reason: string } }>('/agency/records/:id/revocation', {
      ...page, schema: { hide: true, params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9]{1,18}$' } } }, body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { csrf, reason } } },
    }, async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      await revokeRecord(deps.rt.db, deps.rt.policy, clerk.principal, request.params.id, request.body.reason, deps.rt.clock());
      await deps.follower.catchUp(); // a revoked record stops counting in the next decision
      return noStore(reply).redirect(`/agency?revoked=${request.params.id}&find=${request.params.id}`, 303);
    });

    scope.post<{ Params: { id: string }; Body: { csrf?: string; approve: 'true' | 'false'; reason: string } }>('/agency/repairs/:id/decision', {
      ...page, schema: { hide: true, params: uuidParams, body: { type: 'object', required: ['approve', 'reason'], additionalProperties: false, properties: { csrf, approve: { enum: ['true', 'false'] }, reason } } },
    }, async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      const approve = request.body.approve === 'true';
      await decideRepair(deps.rt.db, deps.rt.policy, clerk.principal, request.params.id, { approve, reason: request.body.reason }, deps.rt.clock());
      await deps.follower.catchUp(); // an approved repair lifts the record's measures in the next decision
      return noStore(reply).redirect(`/agency?decided=${approve ? 'approved' : 'refused'}`, 303);
    });
  });
}

/** The whole console: queues are read fresh (the reads are logged as inquiries by the services). */
async function render(deps: AppDeps, reply: FastifyReply, status: number, ctx: PageContext, clerk: Clerk, form: FileFormState, flash?: AgencyConsole['flash'], search: RecordSearch = { query: '', found: undefined }): Promise<FastifyReply> {
  const { disputes } = await listDisputes(deps.rt, clerk.principal, { status: 'open', limit: 100 });
  const { repairs } = await listRepairs(deps.rt, clerk.principal, { status: 'pending', limit: 100 });
  return sendPage(noStore(reply), agencyConsolePage(ctx, deps.rt.policy, {
    username: clerk.staff.username, agencyName: clerk.agencyName, agencyKind: clerk.agencyKind, csrf: clerk.staff.csrf_token,
    disputes, repairs, form, search, ...(flash ? { flash } : {}),
  }), { status, signedIn: true });
}

/** One of the clerk's own records by source_ref or number; others' records are "not found". */
async function findRecord(deps: AppDeps, clerk: Clerk, query: string | undefined): Promise<RecordSearch> {
  const q = (query ?? '').trim().slice(0, 200);
  if (q === '') return { query: '', found: undefined };
  return { query: q, found: (await findOwnRecord(deps.rt, clerk.principal, q)) ?? null };
}

function stringsOf(body: Form | undefined): FormValues {
  return Object.fromEntries(Object.entries(body ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'csrf'));
}

/** The form's flat fields as one intake item; empty optional fields are left out, not sent as "". */
function recordInput(values: FormValues, attributes: readonly string[]): Record<string, unknown> {
  const optional = (name: string) => (values[name] ? { [name]: values[name] } : {});
  const attrs = Object.fromEntries(attributes.map((a) => [a, values[`attributes.${a}`] ?? '']).filter((e) => e[1] !== ''));
  return {
    type: values.type, source_ref: values.source_ref,
    subject: { kind: values['subject.kind'], scheme: values['subject.scheme'], id: values['subject.id'], name: values['subject.name'] },
    decided_at: values.decided_at, ...optional('effective_at'), ...optional('expires_at'),
    legal_basis: values.legal_basis, document_ref: values.document_ref, attributes: attrs,
  };
}

function flashOf(ctx: PageContext, query: Form): AgencyConsole['flash'] {
  if (query.filed) return { kind: 'success', text: ctx.t('agency_filed', { id: query.filed, status: query.status ?? '' }) };
  if (query.resolved) return { kind: 'success', text: ctx.t('agency_resolved', { outcome: query.resolved }) };
  if (query.revoked) return { kind: 'success', text: ctx.t('agency_revoked', { id: query.revoked }) };
  if (query.decided) return { kind: 'success', text: ctx.t('agency_decided', { decision: query.decided }) };
  return undefined;
}

