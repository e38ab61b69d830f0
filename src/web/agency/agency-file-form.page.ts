/**
 * The agency console's "file a record" form. Field names are the intake problem paths
 * (`subject.id`, `attributes.criterion`), so each problem fileRecords reports is shown inline
 * next to its own field (USWDS usa-form-group--error + usa-error-message), and in a summary.
 */

import { inLanguage } from '../../domain/local-text.ts';
import type { Policy, RecordType } from '../../domain/policy.ts';
import { html, type SafeHtml } from '../html.ts';
import type { PageContext } from '../layout.ts';
import { fieldId, group as fieldGroup, textInput, type FormState, type FormValues } from '../form-fields.ts';

export type { FormValues };
export type FileFormState = FormState;

/** Record types the clerk's agency kind may file (the policy's `agency_kinds`). */
export function fileableTypes(policy: Policy, agencyKind: string): RecordType[] {
  return [...policy.record_types.values()].filter((type) => type.agency_kinds.includes(agencyKind));
}

/** Every attribute declared by any type the agency may file, once each. */
export function attributeNames(types: readonly RecordType[]): string[] {
  return [...new Set(types.flatMap((type) => Object.keys(type.attributes)))].sort();
}

const PREFIX = 'f';
const group = (state: FormState, name: string, label: string, control: (id: string, described: string) => SafeHtml) =>
  fieldGroup(state, PREFIX, name, label, control);
const input = (state: FormState, name: string, label: string, type: 'text' | 'date' = 'text', hint?: string) =>
  textInput(state, PREFIX, name, label, type, hint);

function select(
  state: FileFormState,
  name: string,
  label: string,
  options: readonly { value: string; label: string }[],
): SafeHtml {
  return group(
    state,
    name,
    label,
    (id, described) => html`<select class="usa-select" id="${id}" name="${name}"${
      described ? html` aria-describedby="${described}"` : ''
    }>
${options.map(
  (o) => html`<option value="${o.value}"${state.values[name] === o.value ? html` selected` : ''}>${o.label}</option>`,
)}
</select>`,
  );
}

/** Problems with no field of their own (e.g. a source_ref conflict is on a field; a batch error is not). */
function summary(ctx: PageContext, state: FileFormState): SafeHtml {
  if (state.problems.length === 0) return html``;
  return html`<div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body">
<h3 class="usa-alert__heading">${ctx.t('agency_file_invalid')}</h3>
<ul class="usa-list">${state.problems.map(
    (p) =>
      html`<li><a class="usa-link" href="#${fieldId(
        PREFIX,
        p.path
          .split('.')
          .slice(0, p.path.startsWith('attributes.') || p.path.startsWith('subject.') ? 2 : 1)
          .join('.'),
      )}">${p.path}</a>: ${p.message}</li>`,
  )}</ul>
</div></div>`;
}

export function fileRecordForm(
  ctx: PageContext,
  policy: Policy,
  agencyKind: string,
  csrf: string,
  state: FileFormState,
): SafeHtml {
  const { t } = ctx;
  const types = fileableTypes(policy, agencyKind);
  const schemes = [...policy.identifier_schemes.keys()];
  return html`<section aria-labelledby="file-heading" class="margin-bottom-5">
<h2 id="file-heading">${t('agency_file_heading')}</h2>
${summary(ctx, state)}
<form class="usa-form usa-form--large" method="post" action="/agency/records" novalidate>
<input type="hidden" name="csrf" value="${csrf}">
${select(
  state,
  'type',
  t('agency_field_type'),
  types.map((type) => ({ value: type.id, label: `${inLanguage(type.name, ctx.locale)} (${type.id})` })),
)}
${input(state, 'source_ref', t('agency_field_source_ref'), 'text', t('agency_hint_source_ref'))}
<fieldset class="usa-fieldset"><legend class="usa-legend">${t('agency_subject')}</legend>
${select(state, 'subject.kind', t('agency_field_subject_kind'), [
  { value: 'person', label: t('kind_person') },
  { value: 'organization', label: t('kind_organization') },
])}
${select(
  state,
  'subject.scheme',
  t('agency_field_subject_scheme'),
  schemes.map((s) => ({ value: s, label: s })),
)}
${input(state, 'subject.id', t('agency_field_subject_id'))}
${input(state, 'subject.name', t('agency_field_subject_name'))}
</fieldset>
${input(state, 'decided_at', t('agency_field_decided_at'), 'date')}
${input(state, 'effective_at', t('agency_field_effective_at'), 'date', t('agency_hint_optional'))}
${input(state, 'expires_at', t('agency_field_expires_at'), 'date', t('agency_hint_optional'))}
${input(state, 'legal_basis', t('agency_field_legal_basis'))}
${input(state, 'document_ref', t('agency_field_document_ref'))}
<fieldset class="usa-fieldset"><legend class="usa-legend">${t('agency_attributes')}</legend>
${attributeNames(types).map((name) => input(state, `attributes.${name}`, name, 'text', attributeHint(types, name)))}
</fieldset>
<button class="usa-button margin-top-2" type="submit">${t('agency_file_submit')}</button>
</form></section>`;
}

/** Which types use the attribute, and its allowed values: the clerk's only guide without JavaScript. */
function attributeHint(types: readonly RecordType[], name: string): string {
  return types
    .filter((type) => name in type.attributes)
    .map((type) => {
      const spec = type.attributes[name]!;
      return `${type.id}${spec.required ? '*' : ''}${spec.enum ? `: ${spec.enum.join(' | ')}` : ''}`;
    })
    .join('; ');
}
