/**
 * The agency console's "file a record" form. Field names are the intake problem paths (`subject.id`), so each
 * problem fileRecords reports is shown inline next to its own field (USWDS usa-form-group--error +
 * usa-error-message), and in a summary at the top of the form that takes the focus (issue 11). Attributes are
 * grouped per record type, each group under a legend naming the type, enumerations as selects labelled from the
 * policy in the page's language; only the chosen type's group is read (`attr.<type>.<name>`), so the form works
 * without JavaScript.
 */

import { inLanguage } from '../../domain/local-text.ts';
import type { AttributeSpec, Policy, RecordType } from '../../domain/policy.ts';
import { html, type SafeHtml } from '../html.ts';
import type { PageContext } from '../layout.ts';
import { fieldId, group as fieldGroup, textInput, type FormState, type FormValues } from '../form-fields.ts';

export type { FormValues };
export type FileFormState = FormState;

/** Record types the clerk's agency kind may file (the policy's `agency_kinds`). */
export function fileableTypes(policy: Policy, agencyKind: string): RecordType[] {
  return [...policy.record_types.values()].filter((type) => type.agency_kinds.includes(agencyKind));
}

/** The form field of a type's attribute: one per type, so each type's group has its own inputs. */
export const attributeField = (type: string, name: string) => `attr.${type}.${name}`;

/** The form field a problem's path names: `attributes.criterion` of the chosen type is that type's own input. */
export function fieldOfPath(path: string, type: string | undefined): string {
  return type !== undefined && path.startsWith('attributes.')
    ? attributeField(type, path.slice('attributes.'.length))
    : path;
}

/** The label of each field the form has, by the problem path it answers to, in the page's language. */
export function fileFormLabel(ctx: PageContext, policy: Policy, type: string | undefined) {
  const { t } = ctx;
  const labels: Readonly<Record<string, string>> = {
    type: t('agency_field_type'),
    source_ref: t('agency_field_source_ref'),
    'subject.kind': t('agency_field_subject_kind'),
    'subject.scheme': t('agency_field_subject_scheme'),
    'subject.id': t('agency_field_subject_id'),
    'subject.name': t('agency_field_subject_name'),
    decided_at: t('agency_field_decided_at'),
    effective_at: t('agency_field_effective_at'),
    expires_at: t('agency_field_expires_at'),
    legal_basis: t('agency_field_legal_basis'),
    document_ref: t('agency_field_document_ref'),
  };
  const recordType = type === undefined ? undefined : policy.record_types.get(type);
  return (path: string): string | undefined => {
    if (labels[path] !== undefined) return labels[path];
    const name = path.startsWith('attributes.') ? path.slice('attributes.'.length) : undefined;
    const spec = name === undefined ? undefined : recordType?.attributes[name];
    return spec === undefined ? undefined : attributeLabel(ctx, name!, spec);
  };
}

/** An attribute's label: the policy's description of it in the page's language, else its name. */
function attributeLabel(ctx: PageContext, name: string, spec: AttributeSpec): string {
  return spec.description === undefined ? name : inLanguage(spec.description, ctx.locale);
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

/**
 * Every problem of the last post, at the top of the form, each linking to its field; it takes the focus when the page
 * loads (USWDS error summary), so a keyboard or screen-reader user starts from what to correct.
 */
function summary(ctx: PageContext, policy: Policy, state: FileFormState): SafeHtml {
  if (state.problems.length === 0) return html``;
  const type = state.values.type;
  const label = fileFormLabel(ctx, policy, type);
  return html`<div class="usa-alert usa-alert--error" role="alert" id="file-errors" tabindex="-1" autofocus>
<div class="usa-alert__body">
<h3 class="usa-alert__heading">${ctx.t('agency_file_invalid')}</h3>
<ul class="usa-list">${state.problems.map((p) => {
    const field = fieldOfPath(p.path, type);
    const target = field.startsWith('attr.') ? field : field.split('.').slice(0, 2).join('.');
    const named = p.params !== undefined && 'field' in p.params;
    const prefix = named ? '' : `${label(p.path) ?? p.path}: `;
    return html`<li><a class="usa-link" href="#${fieldId(PREFIX, target)}">${prefix}${p.message}</a></li>`;
  })}</ul>
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
  const schemes = [...policy.identifier_schemes.values()];
  // Each problem lands on the input it is about: an attribute's on the chosen type's own input.
  const shown = {
    values: state.values,
    problems: state.problems.map((p) => ({ ...p, path: fieldOfPath(p.path, state.values.type) })),
  };
  return html`<section aria-labelledby="file-heading" class="margin-bottom-5">
<h2 id="file-heading">${t('agency_file_heading')}</h2>
${summary(ctx, policy, state)}
<form class="usa-form usa-form--large" method="post" action="/agency/records" novalidate>
<input type="hidden" name="csrf" value="${csrf}">
${select(
  shown,
  'type',
  t('agency_field_type'),
  types.map((type) => ({ value: type.id, label: inLanguage(type.name, ctx.locale) })),
)}
${input(shown, 'source_ref', t('agency_field_source_ref'), 'text', t('agency_hint_source_ref'))}
<fieldset class="usa-fieldset"><legend class="usa-legend">${t('agency_subject')}</legend>
${select(shown, 'subject.kind', t('agency_field_subject_kind'), [
  { value: 'person', label: t('kind_person') },
  { value: 'organization', label: t('kind_organization') },
])}
${select(
  shown,
  'subject.scheme',
  t('agency_field_subject_scheme'),
  schemes.map((s) => ({ value: s.id, label: inLanguage(s.name, ctx.locale) })),
)}
${input(shown, 'subject.id', t('agency_field_subject_id'))}
${input(shown, 'subject.name', t('agency_field_subject_name'))}
</fieldset>
${input(shown, 'decided_at', t('agency_field_decided_at'), 'date')}
${input(shown, 'effective_at', t('agency_field_effective_at'), 'date', t('agency_hint_optional'))}
${input(shown, 'expires_at', t('agency_field_expires_at'), 'date', t('agency_hint_optional'))}
${input(shown, 'legal_basis', t('agency_field_legal_basis'))}
${input(shown, 'document_ref', t('agency_field_document_ref'))}
${attributeGroups(ctx, types, shown)}
<button class="usa-button margin-top-2" type="submit">${t('agency_file_submit')}</button>
</form></section>`;
}

/** One fieldset per record type that has attributes, under a legend naming the type; only the chosen one is read. */
function attributeGroups(ctx: PageContext, types: readonly RecordType[], state: FileFormState): SafeHtml {
  const withAttributes = types.filter((type) => Object.keys(type.attributes).length > 0);
  if (withAttributes.length === 0) return html``;
  return html`<p class="usa-hint margin-top-3">${ctx.t('agency_attributes_hint')}</p>
${withAttributes.map(
  (type) => html`<fieldset class="usa-fieldset margin-top-2"><legend class="usa-legend">${ctx.t(
    'agency_attributes_for',
    { type: inLanguage(type.name, ctx.locale) },
  )}</legend>
${Object.entries(type.attributes).map(([name, spec]) => attributeInput(ctx, type, name, spec, state))}
</fieldset>`,
)}`;
}

/** A select of the policy's labelled values for an enumeration, else a text input; "(optional)" where it is. */
function attributeInput(
  ctx: PageContext,
  type: RecordType,
  name: string,
  spec: AttributeSpec,
  state: FileFormState,
): SafeHtml {
  const field = attributeField(type.id, name);
  const label = attributeLabel(ctx, name, spec);
  const hint = spec.required ? undefined : ctx.t('agency_hint_optional');
  if (spec.enum === undefined) return input(state, field, label, 'text', hint);
  const options = [
    { value: '', label: ctx.t('agency_attribute_choose') },
    ...spec.enum.map((value) => ({
      value,
      label: spec.labels?.[value] === undefined ? value : inLanguage(spec.labels[value], ctx.locale),
    })),
  ];
  return select(state, field, label, options);
}
