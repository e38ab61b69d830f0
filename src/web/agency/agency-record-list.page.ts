/**
 * `/agency/records`: the clerk's own agency's records, newest filing first, filtered by status
 * and text with a plain GET form, a page at a time (usa-pagination first / previous / next / last, by cursor).
 * Each row links to the record's view on the console ("find my record"), where it is corrected.
 */

import { RECORD_STATUSES, type OwnRecordsPage } from '../../services/records/agency-records.service.ts';
import { table } from '../components.ts';
import { keysetPagination } from '../keyset-pagination.ts';
import { html, type SafeHtml } from '../html.ts';
import { localDay } from '../format.ts';
import { layout, type PageContext } from '../layout.ts';

export interface RecordListView {
  readonly agencyName: string;
  readonly status: string;
  readonly text: string;
  readonly result: OwnRecordsPage;
}

export function agencyRecordListPage(ctx: PageContext, view: RecordListView): SafeHtml {
  const { t } = ctx;
  const { records, page } = view.result;
  const rows = records.map((r) => [
    html`<a class="usa-link" href="/agency?find=${r.id}#find-heading">${r.id}</a>`,
    html`<span class="break-word">${r.source_ref}</span>`,
    r.type,
    r.status,
    r.subject_name,
    localDay(ctx.locale, r.filed_at),
  ]);
  return layout(
    ctx,
    t('agency_records_title'),
    html`
<p><a class="usa-link" href="/agency">${t('agency_back')}</a></p>
<p>${t('agency_records_intro', { agency: view.agencyName })}</p>
<form class="usa-form margin-bottom-3" method="get" action="/agency/records">
<label class="usa-label" for="records-status">${t('agency_records_status')}</label>
<select class="usa-select" id="records-status" name="status">
<option value="">${t('agency_records_any_status')}</option>
${RECORD_STATUSES.map((s) => html`<option value="${s}"${view.status === s ? html` selected` : ''}>${s}</option>`)}
</select>
<label class="usa-label" for="records-q">${t('agency_records_text')}</label>
<input class="usa-input" id="records-q" name="q" type="search" maxlength="200" value="${view.text}">
<button class="usa-button margin-top-1" type="submit">${t('agency_records_filter')}</button>
</form>
${
  records.length === 0
    ? html`<p>${t('agency_records_none')}</p>`
    : table(
        t('agency_records_caption', { page }),
        [
          t('agency_col_record'),
          t('agency_col_source_ref'),
          t('agency_col_type'),
          t('agency_col_status'),
          t('agency_col_subject'),
          t('agency_col_filed'),
        ],
        rows,
      )
}
${keysetPagination(ctx, view.result)}`,
  );
}
