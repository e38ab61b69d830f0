/**
 * The operator console's pages (issue 4): GET /operator, and the forms it posts — create a
 * principal (post/redirect/get: its key shown once, on the page the redirect opens), revoke one, verify the ledger;
 * GET /operator/deliveries (failed notices, paged) and POST /operator/notices/:id/redelivery;
 * GET /operator/activity (the transparency charts); the agencies and their contacts (operator-agencies.routes.ts).
 * Thin: each route admits an operator by session (`requireStaff`, which checks CSRF on POST),
 * calls the same service as the API, and renders. Errors render as coded HTML pages.
 */

import { localError, localProblems } from '../local-errors.ts';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../domain/principal.ts';
import { CredenceError, isCredenceError } from '../../errors.ts';
import { verifyLedger } from '../../services/ledger/ledger.service.ts';
import {
  getDeliveryOverview,
  requestRedelivery,
  type DeliveryRow,
} from '../../services/due-process/notice-delivery.service.ts';
import { readActivePolicyRef } from '../../services/ledger/policy.service.ts';
import {
  createPrincipal,
  listPrincipals,
  revokePrincipal,
  type NewPrincipal,
} from '../../services/accounts/principals.service.ts';
import { getTransparencyReportWithAgencies } from '../../services/public/transparency.service.ts';
import { pageErrorHandler, requireStaff } from '../sign-in/require-staff.ts';
import { noStore, pageContext, sendPage } from '../page-context.ts';
import { CreatedKeys } from './created-keys.ts';
import { agenciesRoutes } from './operator-agencies.routes.ts';
import { activityPage } from './operator-activity.page.ts';
import { deliveriesPage } from './operator-deliveries.page.ts';
import { EMPTY_FORM, type CreateFormValues } from './operator-form.page.ts';
import { operatorPage, type OperatorView } from './operator.page.ts';
import { simulationRoutes } from './operator-simulation.routes.ts';
import { transparencyNames } from '../public/transparency.page.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { refuseTextIn } from '../../shell/request-checks.ts';

type Query = Record<string, string | undefined>;
type Form = Record<string, string | string[] | undefined>;
const page = { config: { public: true }, schema: { hide: true } } as const;
/** A form that checks its own text, so a refusal is shown inline on its fields. */
const ownText = { config: { public: true, ownTextCheck: ['body'] }, schema: { hide: true } } as const;

export function operatorPagesRoutes(app: FastifyInstance, deps: AppDeps): void {
  const createdKeys = new CreatedKeys();
  app.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) await scope.register(formbody);
    scope.setErrorHandler(pageErrorHandler);
    consoleRoutes(scope, deps, createdKeys);
    deliveriesRoutes(scope, deps);
    activityRoute(scope, deps);
    simulationRoutes(scope, deps);
    agenciesRoutes(scope, deps);
  });
}

/** The console, with what the last action produced (a new key, a revocation, a verification, a refused form). */
async function renderConsole(
  deps: AppDeps,
  request: FastifyRequest<{ Querystring: Query }>,
  reply: FastifyReply,
  extra: Partial<OperatorView> = {},
): Promise<FastifyReply> {
  const staff = await requireStaff(request, ['operator']);
  // the switch returns to the console, never to a POST target
  const ctx = pageContext(request, reply, { path: '/operator' });
  return sendPage(
    reply,
    operatorPage(ctx, {
      ...(await gather(deps, request.query)),
      form: { values: EMPTY_FORM, problems: [] },
      staff,
      ...extra,
    }),
    { signedIn: true },
  );
}

function consoleRoutes(scope: FastifyInstance, deps: AppDeps, createdKeys: CreatedKeys): void {
  // `?created=` names a new key waiting to be shown once (post/redirect/get): a reload shows it no more.
  scope.get<{ Querystring: Query }>('/operator', page, async (request, reply) => {
    const staff = await requireStaff(request, ['operator']);
    const created = createdKeys.take(staff.username, request.query.created);
    return renderConsole(deps, request, reply, created === undefined ? {} : { created });
  });

  scope.post<{ Querystring: Query; Body: Form }>('/operator/principals', ownText, async (request, reply) => {
    const staff = await requireStaff(request, ['operator']); // CSRF first: nothing is validated for a forged form
    const values = formValues(request.body ?? {});
    try {
      refuseTextIn(values);
      const created = await createPrincipal(deps.rt, toNewPrincipal(values));
      const id = createdKeys.put(staff.username, created);
      return noStore(reply).redirect(`/operator?created=${id}`, 303);
    } catch (error) {
      if (!isCredenceError(error) || error.status < 400 || error.status >= 500 || error.status === 403) throw error;
      // In the page's language (issue 11).
      const ctx = pageContext(request, reply, { path: '/operator' });
      const details =
        error.details.length > 0 ? error.details : [{ code: error.code, path: 'name', message: error.message }];
      const problems = localProblems(ctx, details, { policy: deps.rt.policy });
      reply.status(400);
      return renderConsole(deps, request, reply, { form: { values, problems, message: localError(ctx, error) } });
    }
  });

  scope.post<{ Querystring: Query; Params: { id: string } }>(
    '/operator/principals/:id/revoke',
    page,
    async (request, reply) => {
      await requireStaff(request, ['operator']);
      const revoked = await revokePrincipal(deps.rt, request.params.id);
      deps.keys.evictPrincipal(revoked.id); // refused at once, as after the API's revocation
      return renderConsole(deps, request, reply, { revoked });
    },
  );

  scope.post<{ Querystring: Query }>('/operator/verify', page, async (request, reply) => {
    await requireStaff(request, ['operator']);
    return renderConsole(deps, request, reply, { verify: await verifyLedger(deps.rt, { logKey: deps.logKey }) });
  });
}

/** Failed deliveries a page at a time; after a redelivery, the first page and the notice queued again. */
async function renderDeliveries(
  deps: AppDeps,
  request: FastifyRequest<{ Querystring: Query }>,
  reply: FastifyReply,
  redelivered?: DeliveryRow,
): Promise<FastifyReply> {
  const staff = await requireStaff(request, ['operator']);
  const ctx = pageContext(request, reply, { path: '/operator/deliveries', keepQuery: redelivered === undefined });
  const after = redelivered === undefined ? request.query.after : undefined;
  // A bad link is no error: a cursor that is not one of ours opens the first page.
  const overview = await getDeliveryOverview(deps.rt, 'failed', after).catch((error: unknown) => {
    if (error instanceof CredenceError && error.code === 'CRD_VALIDATION')
      return getDeliveryOverview(deps.rt, 'failed');
    throw error;
  });
  return sendPage(
    reply,
    deliveriesPage(ctx, { staff, overview, ...(redelivered === undefined ? {} : { redelivered }) }),
    { signedIn: true },
  );
}

function deliveriesRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.get<{ Querystring: Query }>('/operator/deliveries', page, async (request, reply) =>
    renderDeliveries(deps, request, reply),
  );

  // The same service as POST /v1/notices/{id}/redelivery: due at once, same Idempotency-Key.
  scope.post<{ Querystring: Query; Params: { id: string } }>(
    '/operator/notices/:id/redelivery',
    page,
    async (request, reply) => {
      await requireStaff(request, ['operator']);
      return renderDeliveries(deps, request, reply, await requestRedelivery(deps.rt, request.params.id.slice(0, 64)));
    },
  );
}

function activityRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.get<{ Querystring: Query }>('/operator/activity', page, async (request, reply) => {
    const staff = await requireStaff(request, ['operator']);
    const { report, agencies } = await getTransparencyReportWithAgencies(deps.rt, {});
    const ctx = pageContext(request, reply);
    const html = await activityPage(ctx, staff, report, transparencyNames(deps.rt.policy, agencies, ctx.locale));
    return sendPage(reply, html, { signedIn: true });
  });
}

async function gather(deps: AppDeps, _query: Query): Promise<Omit<OperatorView, 'staff' | 'form'>> {
  const [principals, ref, overview] = await Promise.all([
    listPrincipals(deps.rt),
    readActivePolicyRef(deps.rt),
    getDeliveryOverview(deps.rt, 'failed'),
  ]);
  return {
    principals: sortPrincipals(principals),
    policy: deps.rt.policy,
    activatedAt: ref?.at ?? null,
    deliveries: overview,
  };
}

/** Active keys first, newest first: what an operator acts on is at the top. */
function sortPrincipals(principals: readonly Principal[]): Principal[] {
  return [...principals].sort(
    (a, b) =>
      Number(a.revoked_at !== null) - Number(b.revoked_at !== null) || b.created_at.getTime() - a.created_at.getTime(),
  );
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).slice(0, 200);
const many = (v: string | string[] | undefined) =>
  (v === undefined ? [] : Array.isArray(v) ? v : [v]).slice(0, 50).map((s) => s.slice(0, 100));

function formValues(body: Form): CreateFormValues {
  return {
    role: one(body.role),
    name: one(body.name),
    agency_kind: one(body.agency_kind),
    actions: many(body.actions),
    purposes: many(body.purposes),
    subject: one(body.subject).trim(),
  };
}

/** Only the fields the chosen role uses go to the service, so a stray checkbox is no error. */
function toNewPrincipal(v: CreateFormValues): NewPrincipal {
  return {
    role: v.role,
    name: v.name,
    ...(v.role === 'agency' && v.agency_kind !== '' ? { agency_kind: v.agency_kind } : {}),
    ...(v.role === 'relying' ? { actions: v.actions, purposes: v.purposes } : {}),
    ...(v.role === 'subject' && v.subject !== '' ? { subject: v.subject } : {}),
  };
}
