/**
 * The fields a correction may change (CORRECTABLE_FIELDS: dates, legal basis, document,
 * summary and the record type's attributes), prefilled with the record as it stands. Used by
 * the "correct this record" form and by the dispute queue's "corrected" outcome, so both post
 * the same field names and show the service's problems inline next to the same fields.
 */

import type { Policy } from '../../domain/policy.ts';
import { html, type SafeHtml } from '../html.ts';
import { isoDate, type PageContext } from '../layout.ts';
import type { CreditRecord } from '../../domain/record.ts';
import { textInput, type FormState, type FormValues } from '../form-fields.ts';

/** The record's correctable content as form values. */
export function correctionValues(record: CreditRecord): FormValues {
  return {
    decided_at: isoDate(record.decided_at),
    effective_at: isoDate(record.effective_at),
    expires_at: record.expires_at === null ? '' : isoDate(record.expires_at),
    legal_basis: record.legal_basis,
    document_ref: record.document_ref,
    summary: record.summary ?? '',
    ...Object.fromEntries(Object.entries(record.attributes).map(([k, v]) => [`attributes.${k}`, String(v)])),
  };
}

/** The attribute names the record's type declares (a correction keeps the type). */
export function correctableAttributes(policy: Policy, recordType: string): string[] {
  return Object.keys(policy.record_types.get(recordType)?.attributes ?? {}).sort();
}

/** The fields, with ids prefixed by `prefix` (one page may carry several of these forms). */
export function correctionFields(
  ctx: PageContext,
  policy: Policy,
  record: CreditRecord,
  state: FormState,
  prefix: string,
): SafeHtml {
  const { t } = ctx;
  const s: FormState = { values: { ...correctionValues(record), ...state.values }, problems: state.problems };
  return html`${textInput(s, prefix, 'decided_at', t('agency_field_decided_at'), 'date')}
${textInput(s, prefix, 'effective_at', t('agency_field_effective_at'), 'date', t('agency_hint_optional'))}
${textInput(s, prefix, 'expires_at', t('agency_field_expires_at'), 'date', t('agency_hint_optional'))}
${textInput(s, prefix, 'legal_basis', t('agency_field_legal_basis'))}
${textInput(s, prefix, 'document_ref', t('agency_field_document_ref'))}
${textInput(s, prefix, 'summary', t('agency_field_summary'), 'text', t('agency_hint_optional'))}
${correctableAttributes(policy, record.type).map((name) => textInput(s, prefix, `attributes.${name}`, name))}`;
}

/** POST /agency/records/:id/corrections: the changes and a required reason. */
export function correctionForm(
  ctx: PageContext,
  policy: Policy,
  csrf: string,
  record: CreditRecord,
  state: FormState,
): SafeHtml {
  const { t } = ctx;
  return html`<h4 id="correct-heading">${t('agency_correct_heading')}</h4>
<p class="usa-hint">${t('agency_correct_hint')}</p>
${refusedAlert(state, t('agency_correct_invalid'))}
<form class="usa-form" method="post" action="/agency/records/${record.id}/corrections" novalidate>
<input type="hidden" name="csrf" value="${csrf}">
${correctionFields(ctx, policy, record, state, 'c')}
${textareaReason(ctx, state, 'c-reason')}
<button class="usa-button margin-top-1" type="submit">${t('agency_correct_submit')}</button>
</form>`;
}

/** The required reason, with its own inline error when it was left empty. */
export function textareaReason(ctx: PageContext, state: FormState, id: string): SafeHtml {
  const error = state.problems.find((p) => p.path === 'reason');
  return html`<div class="usa-form-group${error ? ' usa-form-group--error' : ''}">
<label class="usa-label${error ? ' usa-label--error' : ''}" for="${id}">${ctx.t('agency_reason')}</label>
${error ? html`<span class="usa-error-message" id="${id}-error" role="alert">${error.message}</span>` : ''}
<textarea class="usa-textarea height-8" id="${id}" name="reason" required maxlength="2000"${
    error ? html` aria-describedby="${id}-error" aria-invalid="true"` : ''
  }>${state.values.reason ?? ''}</textarea></div>`;
}

/**
 * The posted correction fields as `changes`: every field given (an empty date means "none"), attributes as one object.
 */
export function changesOf(values: FormValues, attributes: readonly string[]): Record<string, unknown> {
  const fields = ['decided_at', 'effective_at', 'expires_at', 'legal_basis', 'document_ref', 'summary'] as const;
  const changes: Record<string, unknown> = Object.fromEntries(
    fields.filter((f) => values[f] !== undefined).map((f) => [f, values[f]]),
  );
  const attrs = Object.fromEntries(
    attributes.map((a) => [a, values[`attributes.${a}`] ?? '']).filter((e) => e[1] !== ''),
  );
  if (attributes.some((a) => values[`attributes.${a}`] !== undefined)) changes.attributes = attrs;
  return changes;
}

/**
 * The refusal's heading line and every problem's message (some, like "changes nothing", have no field of their own).
 */
export function refusedAlert(state: FormState, text: string): SafeHtml {
  if (state.problems.length === 0) return html``;
  const body = html`<div class="usa-alert__body"><p class="usa-alert__text">${text}</p>
<ul class="usa-list">${state.problems.map((p) => html`<li>${p.message}</li>`)}</ul></div>`;
  return html`<div class="usa-alert usa-alert--error usa-alert--slim" role="alert">${body}</div>`;
}
