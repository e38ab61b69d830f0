/**
 * The agency console's dispute queue: deadline first, overdue marked (FCRA § 611 gives 30 days
 * to reinvestigate). Each card is its own plain form: upheld, corrected (the correction fields,
 * prefilled with the record as it stands) or revoked, with the reason shown to the subject.
 */

import type { Policy } from '../../domain/policy.ts';
import type { DisputeView } from '../../services/due-process/disputes.service.ts';
import { html, type SafeHtml } from '../html.ts';
import { localDay } from '../format.ts';
import type { PageContext } from '../layout.ts';
import { correctionFields, refusedAlert, textareaReason } from './agency-correction.page.ts';
import type { CreditRecord } from '../../domain/record.ts';
import type { FormState } from '../form-fields.ts';

export interface DisputeQueue {
  readonly items: readonly DisputeView[];
  /** The disputed records by id, to prefill the "corrected" changes. */
  readonly records: ReadonlyMap<string, CreditRecord>;
  /** A refused resolution: its dispute and what was posted, shown again with the problems inline. */
  readonly refused?: { readonly disputeId: string; readonly state: FormState };
}

const EMPTY: FormState = { values: {}, problems: [] };

export function disputeQueue(ctx: PageContext, policy: Policy, csrf: string, queue: DisputeQueue): SafeHtml {
  const { t } = ctx;
  const sorted = [...queue.items].sort((a, b) => new Date(a.due_at).getTime() - new Date(b.due_at).getTime());
  // One card per dispute, not a table: its form stays usable on a 360 px phone.
  const body =
    sorted.length === 0
      ? html`<p>${t('agency_disputes_none')}</p>`
      : html`<ul class="usa-list usa-list--unstyled">${sorted.map(
          (d) => html`<li class="border-1px border-base-lighter radius-md padding-2 margin-bottom-2">
<h3 class="margin-top-0">${t('agency_col_record')} <span class="break-word">${d.record_id}</span>${
            d.overdue ? html` <span class="usa-tag bg-secondary-dark">${t('agency_overdue')}</span>` : ''
          }</h3>
<p><strong>${t('agency_col_due')}:</strong> ${localDay(ctx.locale, d.due_at)}</p>
<p><strong>${t('agency_col_statement')}:</strong> <span class="break-word">${d.statement}</span></p>
${resolveForm(
  ctx,
  policy,
  csrf,
  d,
  queue.records.get(d.record_id),
  queue.refused?.disputeId === d.dispute_id ? queue.refused.state : EMPTY,
)}</li>`,
        )}</ul>`;
  return html`<section class="margin-bottom-5"><h2 id="disputes-heading">${t('agency_disputes_heading')}</h2>${
    body
  }</section>`;
}

function resolveForm(
  ctx: PageContext,
  policy: Policy,
  csrf: string,
  d: DisputeView,
  record: CreditRecord | undefined,
  state: FormState,
): SafeHtml {
  const { t } = ctx;
  const id = d.dispute_id;
  const chosen = state.values.outcome ?? 'upheld';
  const radio = (value: 'upheld' | 'corrected' | 'revoked', label: string) => html`<div class="usa-radio">
<input class="usa-radio__input" id="outcome-${id}-${value}" type="radio" name="outcome" value="${value}"${
    chosen === value ? html` checked` : ''
  }>
<label class="usa-radio__label" for="outcome-${id}-${value}">${label}</label></div>`;
  return html`<form class="usa-form" method="post" action="/agency/disputes/${id}/resolution" novalidate>
<input type="hidden" name="csrf" value="${csrf}">
${refusedAlert(state, t('agency_resolve_invalid'))}
<fieldset class="usa-fieldset"><legend class="usa-legend usa-legend--small">${t('agency_outcome')}</legend>
${radio('upheld', t('agency_outcome_upheld'))}${
  record ? radio('corrected', t('agency_outcome_corrected')) : ''
}${radio('revoked', t('agency_outcome_revoked'))}</fieldset>
${
  record
    ? html`<details class="margin-top-2"${
        state.problems.some((p) => p.path !== 'reason') ? html` open` : ''
      }><summary>${t('agency_changes_legend')}</summary>
<fieldset class="usa-fieldset"><legend class="usa-sr-only">${t('agency_changes_legend')}</legend>
${correctionFields(ctx, policy, record, state, `d-${id}`)}</fieldset></details>`
    : ''
}
${textareaReason(ctx, state, `reason-${id}`)}
<button class="usa-button margin-top-1" type="submit">${t('agency_resolve_submit')}</button>
</form>`;
}
