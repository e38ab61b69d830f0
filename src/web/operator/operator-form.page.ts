/**
 * The operator console's "create a principal" form: plain POST with the session's CSRF token,
 * the service's validation problems shown inline (usa-error-message) next to their fields.
 */

import { inLanguage, type LocalText } from '../../domain/local-text.ts';
import { ROLES } from '../../domain/principal.ts';
import type { Policy } from '../../domain/policy.ts';
import type { ProblemDetail } from '../../errors.ts';
import { html, type SafeHtml } from '../html.ts';
import type { PageContext } from '../layout.ts';

/** What the operator typed, echoed back when the form is shown again with errors. */
export interface CreateFormValues {
  readonly role: string;
  readonly name: string;
  readonly agency_kind: string;
  readonly actions: readonly string[];
  readonly purposes: readonly string[];
  readonly subject: string;
}

export const EMPTY_FORM: CreateFormValues = {
  role: 'relying',
  name: '',
  agency_kind: '',
  actions: [],
  purposes: [],
  subject: '',
};

export interface CreateFormState {
  readonly values: CreateFormValues;
  readonly message?: string;
  readonly problems: readonly ProblemDetail[];
}

function errorsFor(problems: readonly ProblemDetail[], path: string): readonly string[] {
  return problems.filter((p) => p.path === path).map((p) => p.message);
}

/** A form group: the label, inline errors (linked by aria-describedby), then the control. */
function group(
  id: string,
  label: string,
  errors: readonly string[],
  control: (describedBy: string) => SafeHtml,
): SafeHtml {
  const errorId = `${id}-error`;
  return html`<div class="usa-form-group${errors.length > 0 ? ' usa-form-group--error' : ''}">
<label class="usa-label" for="${id}">${label}</label>
${errors.length > 0 ? html`<span class="usa-error-message" id="${errorId}">${errors.join('; ')}</span>` : ''}
${control(errors.length > 0 ? errorId : '')}</div>`;
}

function describedBy(id: string): SafeHtml | string {
  return id === '' ? '' : html` aria-describedby="${id}"`;
}

function checkboxes(
  name: string,
  legend: string,
  options: readonly { id: string; name: string }[],
  checked: readonly string[],
  errors: readonly string[],
): SafeHtml {
  const errorId = `${name}-error`;
  return html`<fieldset class="usa-fieldset margin-top-3${
    errors.length > 0 ? ' usa-form-group usa-form-group--error' : ''
  }"${errors.length > 0 ? html` aria-describedby="${errorId}"` : ''}>
<legend class="usa-legend">${legend}</legend>
${errors.length > 0 ? html`<span class="usa-error-message" id="${errorId}">${errors.join('; ')}</span>` : ''}
${options.map(
  (o) => html`<div class="usa-checkbox"><input class="usa-checkbox__input" type="checkbox" id="${
    name
  }-${o.id}" name="${name}" value="${o.id}"${checked.includes(o.id) ? ' checked' : ''}>
<label class="usa-checkbox__label" for="${name}-${o.id}">${o.name} <code>${o.id}</code></label></div>`,
)}
</fieldset>`;
}

export function createPrincipalForm(ctx: PageContext, policy: Policy, csrf: string, state: CreateFormState): SafeHtml {
  const { t } = ctx;
  const { values, problems } = state;
  const named = (entries: Iterable<{ readonly id: string; readonly name: LocalText }>) =>
    [...entries].map((e) => ({ id: e.id, name: inLanguage(e.name, ctx.locale) }));
  const kinds = named(policy.agency_kinds.values());
  return html`<form class="usa-form usa-form--large" method="post" action="/operator/principals" novalidate>
<input type="hidden" name="csrf" value="${csrf}">
${group(
  'role',
  t('op_field_role'),
  errorsFor(problems, 'role'),
  (d) => html`<select class="usa-select" id="role" name="role"${describedBy(d)}>
${ROLES.map(
  (r) => html`<option value="${r}"${values.role === r ? ' selected' : ''}>${t(`op_role_label_${r}`)}</option>`,
)}</select>`,
)}
${group(
  'name',
  t('op_field_name'),
  errorsFor(problems, 'name'),
  (d) => html`<input class="usa-input" id="name" name="name" maxlength="200" value="${values.name}"${describedBy(d)}>`,
)}
${group(
  'agency_kind',
  t('op_field_agency_kind'),
  errorsFor(problems, 'agency_kind'),
  (d) => html`<select class="usa-select" id="agency_kind" name="agency_kind"${describedBy(d)}>
<option value="">–</option>${kinds.map(
    (k) => html`<option value="${k.id}"${values.agency_kind === k.id ? ' selected' : ''}>${k.name}</option>`,
  )}</select>`,
)}
${checkboxes(
  'actions',
  t('op_field_actions'),
  named(policy.actions.values()),
  values.actions,
  errorsFor(problems, 'actions'),
)}
${checkboxes(
  'purposes',
  t('op_field_purposes'),
  named(policy.purposes.values()),
  values.purposes,
  errorsFor(problems, 'purposes'),
)}
${group(
  'subject',
  t('op_field_subject'),
  errorsFor(problems, 'subject'),
  (d) =>
    html`<input class="usa-input" id="subject" name="subject" maxlength="200" value="${
      values.subject
    }"${describedBy(d)}>`,
)}
<button class="usa-button margin-top-3" type="submit">${t('op_create_submit')}</button>
</form>`;
}
