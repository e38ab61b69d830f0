/**
 * The console's agencies (issue 11): GET /operator/agencies and /operator/agencies/{id}; POST
 * /operator/agencies/{id}/contact replaces the contact and POST …/contact/removal removes it, through the same
 * service as PUT /v1/agencies/{id}/contact, so the same checks refuse it and the same ledger event records it.
 * Post/redirect/get: the agency's page then says what was done. A refused form is shown again, with what was typed
 * and each problem on its field, in the page's language. Operators only; CSRF on every POST (`requireStaff`).
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgencyContact } from '../../domain/agency-contact.ts';
import { isCredenceError, type ProblemDetail } from '../../errors.ts';
import { listAgencies, readAgency, setAgencyContact } from '../../services/accounts/agencies.service.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { refuseTextIn } from '../../shell/request-checks.ts';
import { localError, localProblems } from '../local-errors.ts';
import { noStore, pageContext, sendPage } from '../page-context.ts';
import { requireStaff } from '../sign-in/require-staff.ts';
import {
  agenciesPage,
  agencyContactPage,
  CONTACT_FIELDS,
  contactFieldLabel,
  contactFormValues,
  type AgencyContactView,
} from './operator-agencies.page.ts';

const page = { config: { public: true }, schema: { hide: true } } as const;
/** The contact form checks its own text, so a refusal is shown on its fields. */
const ownText = { config: { public: true, ownTextCheck: ['body'] }, schema: { hide: true } } as const;
type Form = Record<string, string | string[] | undefined>;
type Params = { id: string };

/** The agency's page: `?done=` says what the POST it was redirected from did. */
async function renderAgency(
  deps: AppDeps,
  request: FastifyRequest<{ Params: Params; Querystring: { done?: string } }>,
  reply: FastifyReply,
  refusal?: Pick<AgencyContactView, 'form' | 'refused'>,
): Promise<FastifyReply> {
  const staff = await requireStaff(request, ['operator']);
  const agency = await readAgency(deps.rt, request.params.id);
  const ctx = pageContext(request, reply, { path: `/operator/agencies/${encodeURIComponent(agency.agency_id)}` });
  const done = request.query.done;
  const view: AgencyContactView = {
    staff,
    agency,
    form: { values: contactFormValues(agency.contact), problems: [] },
    ...(done === 'saved' || done === 'removed' ? { done } : {}),
    ...refusal,
  };
  return sendPage(reply, agencyContactPage(ctx, view), { signedIn: true });
}

/** The contact the form describes: the telephone and the address only where given, as the CLI reads its options. */
function contactOf(values: Readonly<Record<string, string>>): AgencyContact {
  const phone = values['contact.phone']!;
  const address = { en: values['contact.address.en']!, zh: values['contact.address.zh']! };
  return {
    en: values['contact.en']!,
    zh: values['contact.zh']!,
    ...(phone === '' ? {} : { phone }),
    ...(address.en === '' && address.zh === '' ? {} : { address }),
  };
}

/**
 * A problem about a text as a whole (`contact`, `contact.address`: one language is missing) is shown on each of its
 * fields left empty, so the operator sees where to type.
 */
function onFields(problems: readonly ProblemDetail[], values: Readonly<Record<string, string>>): ProblemDetail[] {
  return problems.flatMap((p) => {
    if (p.path !== 'contact' && p.path !== 'contact.address') return [p];
    const empty = (['en', 'zh'] as const).filter((language) => values[`${p.path}.${language}`]!.trim() === '');
    return empty.length === 0 ? [p] : empty.map((language) => ({ ...p, path: `${p.path}.${language}` }));
  });
}

async function saveContact(
  deps: AppDeps,
  request: FastifyRequest<{ Params: Params; Body: Form; Querystring: { done?: string } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  await requireStaff(request, ['operator']); // CSRF first: nothing is validated for a forged form
  const body = request.body ?? {};
  const values = Object.fromEntries(
    CONTACT_FIELDS.map((name) => {
      const value = body[name];
      return [name, (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim()];
    }),
  );
  try {
    refuseTextIn(values);
    const agency = await setAgencyContact(deps.rt, request.params.id, contactOf(values));
    return noStore(reply).redirect(`/operator/agencies/${encodeURIComponent(agency.agency_id)}?done=saved`, 303);
  } catch (error) {
    if (!isCredenceError(error) || error.code !== 'CRD_VALIDATION') throw error;
    const ctx = pageContext(request, reply);
    const local = localProblems(ctx, error.details, { label: (path) => contactFieldLabel(ctx, path) });
    reply.status(error.status);
    // The alert names every problem, as the API's error does, each in the page's language with its field's label.
    const refused =
      local.length === 0 ? localError(ctx, error) : local.map((p) => p.message).join(ctx.locale === 'zh' ? '；' : '; ');
    return renderAgency(deps, request, reply, { form: { values, problems: onFields(local, values) }, refused });
  }
}

export function agenciesRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.get('/operator/agencies', page, async (request, reply) => {
    const staff = await requireStaff(request, ['operator']);
    const ctx = pageContext(request, reply, { path: '/operator/agencies' });
    const view = { staff, policy: deps.rt.policy, agencies: await listAgencies(deps.rt) };
    return sendPage(reply, agenciesPage(ctx, view), { signedIn: true });
  });
  scope.get<{ Params: Params; Querystring: { done?: string } }>('/operator/agencies/:id', page, (request, reply) =>
    renderAgency(deps, request, reply),
  );
  scope.post<{ Params: Params; Body: Form; Querystring: { done?: string } }>(
    '/operator/agencies/:id/contact',
    ownText,
    (request, reply) => saveContact(deps, request, reply),
  );
  scope.post<{ Params: Params }>('/operator/agencies/:id/contact/removal', page, async (request, reply) => {
    await requireStaff(request, ['operator']);
    const agency = await setAgencyContact(deps.rt, request.params.id, null);
    return noStore(reply).redirect(`/operator/agencies/${encodeURIComponent(agency.agency_id)}?done=removed`, 303);
  });
}
