/**
 * Form fields that show their own errors: field names are the intake problem paths
 * (`subject.id`, `attributes.criterion`), so each problem is shown inline next to its field
 * (USWDS usa-form-group--error + usa-error-message). `prefix` keeps ids unique when one page
 * carries several forms with the same field names.
 */

import type { ProblemDetail } from '../errors.ts';
import { html, type SafeHtml } from './html.ts';

export type FormValues = Readonly<Record<string, string>>;

export interface FormState {
  readonly values: FormValues;
  readonly problems: readonly ProblemDetail[];
}

export const fieldId = (prefix: string, name: string) => `${prefix}-${name.replace(/[^a-z0-9_-]/gi, '-')}`;

export function problemsFor(state: FormState, name: string): ProblemDetail[] {
  return state.problems.filter(
    (p) => p.path === name || p.path.startsWith(`${name}.`) || p.path.startsWith(`${name}[`),
  );
}

/** Label, hint, error message and the control, described by the hint and the error. */
export function group(
  state: FormState,
  prefix: string,
  name: string,
  label: string,
  control: (id: string, described: string) => SafeHtml,
  hint?: string,
): SafeHtml {
  const id = fieldId(prefix, name);
  const errors = problemsFor(state, name);
  const described = [hint ? `${id}-hint` : '', errors.length > 0 ? `${id}-error` : ''].filter(Boolean).join(' ');
  const messages = errors.map((e) => e.message).join('; ');
  return html`<div class="usa-form-group${errors.length > 0 ? ' usa-form-group--error' : ''}">
<label class="usa-label${errors.length > 0 ? ' usa-label--error' : ''}" for="${id}">${label}</label>
${hint ? html`<div class="usa-hint" id="${id}-hint">${hint}</div>` : ''}
${errors.length > 0 ? html`<span class="usa-error-message" id="${id}-error" role="alert">${messages}</span>` : ''}
${control(id, described)}
</div>`;
}

export function textInput(
  state: FormState,
  prefix: string,
  name: string,
  label: string,
  type: 'text' | 'date' = 'text',
  hint?: string,
): SafeHtml {
  const invalid = problemsFor(state, name).length > 0;
  const errorClass = invalid ? ' usa-input--error' : '';
  return group(
    state,
    prefix,
    name,
    label,
    (id, described) =>
      html`<input class="usa-input${errorClass}" id="${id}" name="${name}" type="${type}" value="${
        state.values[name] ?? ''
      }"${described ? html` aria-describedby="${described}"` : ''}${invalid ? html` aria-invalid="true"` : ''}>`,
    hint,
  );
}
