/**
 * The console's agencies (issue 11): /operator/agencies lists every agency with its contact, and
 * /operator/agencies/{id} shows one agency's contact with the form that replaces it and the one that removes it.
 * Plain POST forms carrying the session's CSRF token, so both work without JavaScript. The fields are named by the
 * paths of the API's problems (`contact.en`, `contact.address.zh`), so each problem is shown on its field.
 */

import type { AgencyContact } from '../../domain/agency-contact.ts';
import { nameIn } from '../../domain/local-text.ts';
import type { Policy } from '../../domain/policy.ts';
import type { SignedInStaff } from '../../services/accounts/staff-sessions.service.ts';
import type { AgencyView } from '../../services/accounts/agencies.service.ts';
import { alert } from '../components.ts';
import { type FormState, textInput } from '../form-fields.ts';
import { html, type SafeHtml } from '../html.ts';
import type { PageContext } from '../layout.ts';
import { operatorLayout } from './operator-shell.page.ts';

/** The contact form's fields: the paths of the problems the API reports (agency-contact.ts). */
export const CONTACT_FIELDS = [
  'contact.en',
  'contact.zh',
  'contact.phone',
  'contact.address.en',
  'contact.address.zh',
] as const;

/** The form's values as a stored contact gives them: empty where it has none. */
export function contactFormValues(contact: AgencyContact | null): Record<string, string> {
  return {
    'contact.en': contact?.en ?? '',
    'contact.zh': contact?.zh ?? '',
    'contact.phone': contact?.phone ?? '',
    'contact.address.en': contact?.address?.en ?? '',
    'contact.address.zh': contact?.address?.zh ?? '',
  };
}

/** The form's label of a problem's path, to name the field in the problem's text. */
export function contactFieldLabel(ctx: PageContext, path: string): string | undefined {
  const labels: Record<string, string> = {
    contact: ctx.t('agc_contact_label'),
    'contact.en': ctx.t('agc_field_en'),
    'contact.zh': ctx.t('agc_field_zh'),
    'contact.phone': ctx.t('agc_field_phone'),
    'contact.address': ctx.t('agc_address'),
    'contact.address.en': ctx.t('agc_field_address_en'),
    'contact.address.zh': ctx.t('agc_field_address_zh'),
  };
  return labels[path];
}

const agencyHref = (id: string) => `/operator/agencies/${encodeURIComponent(id)}`;

/** A contact in the page's language, on one line: its text, telephone and address. */
function contactLine(ctx: PageContext, contact: AgencyContact | null): string {
  if (contact === null) return ctx.t('agc_none');
  const parts = [contact[ctx.locale], contact.phone ?? '', contact.address?.[ctx.locale] ?? ''];
  return parts.filter((part) => part !== '').join(' · ');
}

/** One card per agency, not a wide table: its contact stays in view at every width, 360 px too. */
export function agenciesPage(
  ctx: PageContext,
  view: { readonly staff: SignedInStaff; readonly policy: Policy; readonly agencies: readonly AgencyView[] },
): SafeHtml {
  const { t } = ctx;
  const field = (label: string, value: SafeHtml | string) =>
    html`<dt class="text-bold">${label}</dt><dd class="margin-left-0 break-word">${value}</dd>`;
  const kindName = (kind: string) => nameIn(ctx.locale, view.policy.agency_kinds.get(kind), kind);
  const card = (a: AgencyView) => html`<li class="border-1px border-base-lighter radius-md padding-2 margin-bottom-2">
<h2 class="margin-y-0 font-sans-md break-word"><a class="usa-link" href="${agencyHref(a.agency_id)}">${a.name}</a></h2>
<code class="font-mono-3xs break-word">${a.agency_id}</code>
<dl class="margin-y-1">${field(t('agc_col_kind'), kindName(a.kind))}${field(
    t('agc_col_contact'),
    contactLine(ctx, a.contact),
  )}</dl></li>`;
  return operatorLayout(
    ctx,
    t('agc_title'),
    view.staff,
    html`<p>${t('agc_intro')}</p>
${
  view.agencies.length === 0
    ? html`<p>${t('agc_none_yet')}</p>`
    : html`<ul class="usa-list usa-list--unstyled" aria-label="${t('agc_title')}">${view.agencies.map(card)}</ul>`
}`,
  );
}

/** One agency's page: what the last action did, the current contact, and the forms. */
export interface AgencyContactView {
  readonly staff: SignedInStaff;
  readonly agency: AgencyView;
  /** The form as shown: the stored contact, or what was typed with its problems after a refusal. */
  readonly form: FormState;
  /** The refusal's text, when the form was refused. */
  readonly refused?: string;
  readonly done?: 'saved' | 'removed';
}

function currentContact(ctx: PageContext, contact: AgencyContact | null): SafeHtml {
  const { t } = ctx;
  if (contact === null) return html`<p id="current-contact">${t('agc_current_none')}</p>`;
  const field = (label: string, value: string) =>
    html`<dt class="text-bold">${label}</dt><dd class="margin-left-0 break-word">${value}</dd>`;
  return html`<dl id="current-contact">${field(t('agc_contact_label'), contact[ctx.locale])}${
    contact.phone === undefined ? '' : field(t('agc_phone'), contact.phone)
  }${contact.address === undefined ? '' : field(t('agc_address'), contact.address[ctx.locale])}</dl>`;
}

function doneAlert(ctx: PageContext, view: AgencyContactView): SafeHtml | string {
  const { t } = ctx;
  if (view.done === 'saved') return alert('success', t('agc_saved'), t('agc_saved_text', { name: view.agency.name }));
  if (view.done === 'removed')
    return alert('success', t('agc_removed'), t('agc_removed_text', { name: view.agency.name }));
  return view.refused === undefined ? '' : alert('error', t('agc_refused'), view.refused);
}

export function agencyContactPage(ctx: PageContext, view: AgencyContactView): SafeHtml {
  const { t } = ctx;
  const { agency, form, staff } = view;
  const action = `${agencyHref(agency.agency_id)}/contact`;
  const csrf = html`<input type="hidden" name="csrf" value="${staff.csrf_token}">`;
  const remove =
    agency.contact === null
      ? ''
      : html`<section><h2>${t('agc_remove_heading')}</h2><p>${t('agc_remove_hint')}</p>
<form method="post" action="${action}/removal">${csrf}
<button class="usa-button usa-button--secondary" type="submit">${t('agc_remove')}</button></form></section>`;
  return operatorLayout(
    ctx,
    t('agc_page_title', { name: agency.name }),
    staff,
    html`<p><a class="usa-link" href="/operator/agencies">${t('agc_back')}</a> · <code>${agency.agency_id}</code></p>
${doneAlert(ctx, view)}
<section><h2>${t('agc_current')}</h2>${currentContact(ctx, agency.contact)}</section>
<section><h2 id="change">${t('agc_change')}</h2>
<form class="usa-form usa-form--large" method="post" action="${action}" novalidate>${csrf}
${textInput(form, 'agency', 'contact.en', t('agc_field_en'), 'text', t('agc_field_hint'))}
${textInput(form, 'agency', 'contact.zh', t('agc_field_zh'))}
${textInput(form, 'agency', 'contact.phone', t('agc_field_phone'))}
${textInput(form, 'agency', 'contact.address.en', t('agc_field_address_en'))}
${textInput(form, 'agency', 'contact.address.zh', t('agc_field_address_zh'))}
<button class="usa-button margin-top-3" type="submit">${t('agc_save')}</button></form></section>
${remove}`,
  );
}
