/**
 * The subject portal (issue 4): GET /portal (my file), GET /portal/data.json (download my data), and the forms it
 * posts: dispute a record, apply for repair, add a statement after an upheld dispute. Thin: each route admits the
 * session's subject (`requireSubject`, which checks CSRF on POST), calls the same service as the API with a subject
 * principal, and renders. Reads are logged as inquiries by the services. A refused form comes back with its text.
 */

import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CredenceError, isCredenceError } from '../../errors.ts';
import { openDispute } from '../../services/due-process/disputes.service.ts';
import { applyForRepair } from '../../services/due-process/repairs.service.ts';
import { getInquiriesPage, getReport } from '../../services/due-process/reports.service.ts';
import { getReportPdf } from '../../services/due-process/report-pdf.service.ts';
import { logPublicationStatus } from '../../services/ledger/log-publication.service.ts';
import { readSubjectFile } from '../../services/due-process/subject-file.service.ts';
import { portalErrorHandler, requireSubject, subjectPrincipal } from './require-subject.ts';
import type { Translate } from '../i18n/index.ts';
import { noStore, pageContext, sendPage } from '../page-context.ts';
import type { PageContext } from '../layout.ts';
import { portalInquiriesPage } from './portal-inquiries.page.ts';
import { commitmentRoute } from './portal-commitments.routes.ts';
import { statementRoute } from './portal-statement.routes.ts';
import { storableText } from '../../domain/text.ts';
import { portalPage } from './portal.page.ts';
import type { PortalView } from './portal-view.ts';
import { portalErrorPage } from '../sign-in/portal-sign-in.page.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { refuseTextIn } from '../../shell/request-checks.ts';
import { portalAuthRoutes } from '../sign-in/portal-sign-in.routes.ts';
import { localError } from '../local-errors.ts';

const page = { config: { public: true } } as const;
/** The forms check their own text, so a refusal is shown on the file with the form, not on an error page. */
const ownText = { config: { public: true, ownTextCheck: ['body'] } } as const;
const recordParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9]{1,18}$' } } } as const;
const csrf = { type: 'string', maxLength: 100 } as const;
const afterQuery = {
  type: 'object',
  properties: { after: { type: 'string', minLength: 3, maxLength: 120 }, lang: { type: 'string' } },
} as const;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '\\S' }) as const;

export function portalRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.decorate('subjectAuth', deps.rt);
  app.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) await scope.register(formbody);
    // Per-address limits on the sign-in routes (each start writes a row); the answer is a coded page.
    await scope.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) =>
        new CredenceError(
          'CRD_RATE_LIMITED',
          `too many sign-in attempts from this address: at most ${context.max} a minute; retry in ${context.after}`,
        ),
    });
    scope.setErrorHandler(
      portalErrorHandler((error, request, reply) =>
        sendPage(reply, portalErrorPage(pageContext(request, reply, { path: '/portal', keepQuery: false }), error), {
          status: error.status,
          signedIn: true,
        }),
      ),
    );
    portalAuthRoutes(scope, deps);
    fileRoutes(scope, deps);
    reportPdfRoute(scope, deps);
    disputeRoute(scope, deps);
    repairRoute(scope, deps);
    commitmentRoute(scope, deps, refusalsOnPage);
    statementRoute(scope, deps, refusalsOnPage);
  });
}

/** The subject's file as a page, and as a JSON download of their data. */
function fileRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.get<{ Querystring: Record<string, string | undefined> }>(
    '/portal',
    { ...page, schema: { hide: true } },
    async (request, reply) => {
      const ctx = pageContext(request, reply, { path: '/portal', keepQuery: false });
      const view = await portalView(deps, request);
      return sendPage(reply, portalPage(ctx, { ...view, ...flashOf(ctx.t, request.query) }), { signedIn: true });
    },
  );

  scope.get<{ Querystring: { after?: string } }>(
    '/portal/inquiries',
    { ...page, schema: { hide: true, querystring: afterQuery } },
    async (request, reply) => {
      const subject = await requireSubject(request);
      const ctx = pageContext(request, reply, { path: '/portal/inquiries' });
      const principal = subjectPrincipal(subject, deps.rt.clock());
      const inquiries = await getInquiriesPage(
        deps.rt,
        principal,
        { scheme: subject.scheme, id: subject.id },
        request.query.after,
      );
      return sendPage(reply, portalInquiriesPage(ctx, deps.rt.policy, inquiries), { signedIn: true });
    },
  );

  scope.get('/portal/data.json', { ...page, schema: { hide: true } }, async (request, reply) => {
    const subject = await requireSubject(request);
    const now = deps.rt.clock();
    const report = await getReport(deps.rt, subjectPrincipal(subject, now), {
      scheme: subject.scheme,
      id: subject.id,
    });
    return noStore(reply)
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="credence-file-${now.toISOString().slice(0, 10)}.json"`)
      .send(JSON.stringify(report, null, 2));
  });
}

/** The file as a printable PDF in the page's language (?lang=, the cookie, Accept-Language), logged as the page is. */
function reportPdfRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.get('/portal/report.pdf', { ...page, schema: { hide: true } }, async (request, reply) => {
    const subject = await requireSubject(request);
    const { locale } = pageContext(request, reply, { path: '/portal/report.pdf' });
    const now = deps.rt.clock();
    const pdf = await getReportPdf(
      deps.rt,
      subjectPrincipal(subject, now),
      { scheme: subject.scheme, id: subject.id },
      { language: locale, timeZone: deps.timeZone, logKey: deps.logKey },
    );
    return noStore(reply)
      .type('application/pdf')
      .header('content-disposition', `inline; filename="credit-report-${now.toISOString().slice(0, 10)}.pdf"`)
      .send(pdf);
  });
}

function disputeRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Params: { id: string }; Body: { csrf?: string; statement: string } }>(
    '/portal/records/:id/disputes',
    {
      ...ownText,
      schema: {
        hide: true,
        params: recordParams,
        body: {
          type: 'object',
          required: ['statement'],
          additionalProperties: false,
          properties: { csrf, statement: text(4000) },
        },
      },
    },
    async (request, reply) => {
      const subject = await requireSubject(request);
      const draft = { dispute: { record_id: request.params.id, statement: storableText(request.body.statement) } };
      return refusalsOnPage(
        deps,
        request,
        reply,
        async () => {
          refuseTextIn(request.body);
          const principal = subjectPrincipal(subject, deps.rt.clock());
          const dispute = await openDispute(deps.rt, principal, request.params.id, request.body.statement);
          return noStore(reply).redirect(
            `/portal?disputed=${dispute.due_at.toISOString().slice(0, 10)}#record-${request.params.id}`,
            303,
          );
        },
        draft,
      );
    },
  );
}

function repairRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{
    Params: { id: string };
    Body: { csrf?: string; evidence: string; document_ref?: string; performed?: 'true' };
  }>(
    '/portal/records/:id/repairs',
    {
      ...ownText,
      schema: {
        hide: true,
        params: recordParams,
        body: {
          type: 'object',
          required: ['evidence'],
          additionalProperties: false,
          properties: {
            csrf,
            evidence: text(4000),
            document_ref: { type: 'string', maxLength: 200 },
            performed: { enum: ['true'] },
          },
        },
      },
    },
    async (request, reply) => {
      const subject = await requireSubject(request);
      const { evidence, document_ref: documentRef, performed } = request.body;
      const draft = {
        repair: {
          record_id: request.params.id,
          evidence: storableText(evidence),
          document_ref: storableText(documentRef ?? ''),
          performed: performed === 'true',
        },
      };
      return refusalsOnPage(
        deps,
        request,
        reply,
        async () => {
          refuseTextIn(request.body);
          await applyForRepair(deps.rt, subjectPrincipal(subject, deps.rt.clock()), request.params.id, {
            evidence,
            ...(documentRef?.trim() ? { document_ref: documentRef.trim() } : {}),
            performed: performed === 'true',
          });
          return noStore(reply).redirect(`/portal?repair=applied#record-${request.params.id}`, 303);
        },
        draft,
      );
    },
  );
}

async function portalView(deps: AppDeps, request: FastifyRequest): Promise<PortalView> {
  const subject = await requireSubject(request);
  const { report, agencyNames, agencyContacts } = await readSubjectFile(
    deps.rt,
    subjectPrincipal(subject, deps.rt.clock()),
    {
      scheme: subject.scheme,
      id: subject.id,
    },
  );
  const publication = await logPublicationStatus(deps.rt);
  return {
    report,
    subject,
    policy: deps.rt.policy,
    names: {
      agency: (id) => (id === null ? 'Credence' : (agencyNames.get(id) ?? id)),
      contact: (id) => agencyContacts.get(id),
    },
    log: {
      origin: deps.logKey.slice(0, deps.logKey.indexOf('+')),
      key: deps.logKey,
      witnessKeys: publication.witnesses.map((w) => w.verifier_key),
      quorum: publication.quorum,
    },
  };
}

/**
 * Runs a form's action; a refusal the subject can act on (too early for repair, already
 * disputed, not found) is shown on their file with its reason, not on a bare error page.
 */
async function refusalsOnPage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  action: () => Promise<FastifyReply>,
  draft?: PortalView['draft'],
): Promise<FastifyReply> {
  try {
    return await action();
  } catch (error) {
    if (!isCredenceError(error) || error.status < 400 || error.status >= 500 || error.code === 'CRD_CSRF_INVALID')
      throw error;
    const ctx = pageContext(request, reply, { path: '/portal', keepQuery: false });
    const view = await portalView(deps, request);
    return sendPage(
      reply,
      portalPage(ctx, {
        ...view,
        ...(draft === undefined ? {} : { draft }),
        flash: {
          kind: 'error',
          text: `${localError(ctx, error, { policy: deps.rt.policy, label: formLabel(ctx) })} (${error.code})`,
        },
      }),
      { status: error.status, signedIn: true },
    );
  }
}

/** The portal forms' fields by their labels, so a refusal names the field the subject sees (issue 11). */
function formLabel(ctx: PageContext): (path: string) => string | undefined {
  const labels: Readonly<Record<string, string>> = {
    statement: ctx.t('portal_statement_label'),
    evidence: ctx.t('portal_repair_evidence'),
    document_ref: ctx.t('portal_repair_document'),
  };
  return (path) => labels[path];
}

/** What the last form did, told once after its redirect. */
function flashOf(t: Translate, query: Record<string, string | undefined>): Pick<PortalView, 'flash'> {
  if (query.disputed && /^\d{4}-\d{2}-\d{2}$/.test(query.disputed))
    return { flash: { kind: 'success', text: t('portal_done_disputed', { due: query.disputed }) } };
  if (query.repair === 'applied') return { flash: { kind: 'success', text: t('portal_done_repair') } };
  if (query.committed === '1') return { flash: { kind: 'success', text: t('commitment_done') } };
  if (query.statement === 'saved') return { flash: { kind: 'success', text: t('portal_done_statement') } };
  return {};
}
