/**
 * The agency console's "find my record" section: look one up by source_ref, record number or case number (案号, the
 * document reference), see whom it is about, correct or revoke it.
 */

import type { Policy } from '../../domain/policy.ts';
import type { CreditRecord } from '../../domain/record.ts';
import type { RecordSubject } from '../../services/records/records.service.ts';
import { nameIn } from '../../domain/local-text.ts';
import { alert } from '../components.ts';
import { html, type SafeHtml } from '../html.ts';
import { localDay } from '../format.ts';
import type { PageContext } from '../layout.ts';
import type { MessageKey } from '../i18n/en.ts';
import { correctionForm } from './agency-correction.page.ts';
import type { FormState } from '../form-fields.ts';

export interface RecordSearch {
  readonly query: string;
  /** undefined: no search made; null: nothing of this agency's matches. With its subject when the search found it. */
  readonly found: FoundRecord | null | undefined;
  /** The correction form's last post, when it was refused. */
  readonly correction?: FormState;
}

type FoundRecord = CreditRecord & { readonly subject?: RecordSubject };

export function recordSearchSection(ctx: PageContext, policy: Policy, csrf: string, search: RecordSearch): SafeHtml {
  const { t } = ctx;
  return html`<section class="margin-bottom-5"><h2 id="find-heading">${t('agency_find_heading')}</h2>
<form class="usa-form margin-bottom-2" method="get" action="/agency">
<label class="usa-label" for="find">${t('agency_find_label')}</label>
<input class="usa-input" id="find" type="text" name="find" value="${search.query}" maxlength="200">
<button class="usa-button margin-top-1" type="submit">${t('nav_search')}</button>
</form>
${
  search.found === null
    ? alert('info', t('agency_find_none_heading'), t('agency_find_none', { query: search.query }))
    : ''
}
${search.found ? foundRecord(ctx, policy, csrf, search.found, search.correction ?? { values: {}, problems: [] }) : ''}
</section>`;
}

function foundRecord(ctx: PageContext, policy: Policy, csrf: string, r: FoundRecord, correction: FormState): SafeHtml {
  const { t } = ctx;
  const revocable = r.status === 'active';
  const correctable = ['active', 'expired', 'repaired'].includes(r.status);
  return html`<div class="border-1px border-base-lighter radius-md padding-2">
<h3 class="margin-top-0">${t('agency_col_record')} <span class="break-word">${r.id}</span> · ${t(
    `portal_status_${r.status}` as MessageKey,
  )}</h3>
<dl>
${r.subject === undefined ? '' : subjectRow(ctx, r.subject)}
<dt class="text-bold">${t('agency_field_type')}</dt>
<dd class="margin-left-0">${nameIn(ctx.locale, policy.record_types.get(r.type), r.type)}</dd>
<dt class="text-bold">${t('agency_field_source_ref')}</dt><dd class="margin-left-0 break-word">${r.source_ref}</dd>
<dt class="text-bold">${t('agency_field_decided_at')}</dt>
<dd class="margin-left-0">${localDay(ctx.locale, r.decided_at)}</dd>
<dt class="text-bold">${t('agency_field_document_ref')}</dt><dd class="margin-left-0 break-word">${r.document_ref}</dd>
</dl>
${
  revocable
    ? html`<form class="usa-form" method="post" action="/agency/records/${r.id}/revocation">
<input type="hidden" name="csrf" value="${csrf}">
<label class="usa-label" for="revoke-reason">${t('agency_reason')}</label>
<textarea class="usa-textarea height-8" id="revoke-reason" name="reason" required maxlength="2000"></textarea>
<button class="usa-button usa-button--secondary margin-top-1" type="submit">${t('agency_revoke')}</button>
</form>`
    : ''
}
${correctable ? correctionForm(ctx, policy, csrf, r, correction) : ''}
${
  r.status === 'disputed' || r.status === 'suspended'
    ? html`<p><a class="usa-link" href="#disputes-heading">${t('agency_correct_disputed')}</a></p>`
    : ''
}
</div>`;
}

/** Whom the record is about: the name and every identifier the registry knows them by. */
function subjectRow(ctx: PageContext, subject: RecordSubject): SafeHtml {
  return html`<dt class="text-bold">${ctx.t('agency_subject')}</dt>
<dd class="margin-left-0 break-word">${subject.name}${subject.identifiers.map(
    (i) => html` · <code>${i.scheme}:${i.value}</code>`,
  )}</dd>`;
}
