/**
 * `/agency/records`: the clerk's own agency's records, newest filing first, filtered by status
 * and text with a plain GET form, a page at a time (usa-pagination previous / current / next).
 * Each row links to the record's view on the console ("find my record"), where it is corrected.
 */

import { RECORD_STATUSES, type OwnRecordsPage } from '../../services/agency-records.service.ts';
import { table } from '../components.ts';
import { html, type SafeHtml } from '../html.ts';
import { isoDate, layout, withQuery, type PageContext } from '../layout.ts';

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
    html`<a class="usa-link" href="/agency?find=${r.id}#find-heading">${r.id}</a>`, html`<span class="break-word">${r.source_ref}</span>`,
    r.type, r.status, r.subject_name, isoDate(r.filed_at),
  ]);
  return layout(ctx, t('agency_records_title'), html`
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
${records.length === 0 ? html`<p>${t('agency_records_none')}</p>` : table(t('agency_records_caption', { page }), [
    t('agency_col_record'), t('agency_col_source_ref'), t('agency_col_type'), t('agency_col_status'), t('agency_col_subject'), t('agency_col_filed'),
  ], rows)}
${pagination(ctx, page, view.result.hasMore)}`);
}

/** Previous / current / next: the query knows only whether more follow, not the total. */
function pagination(ctx: PageContext, page: number, hasMore: boolean): SafeHtml {
  const { t } = ctx;
  if (page === 1 && !hasMore) return html``;
  const link = (n: number, label: string, rel: string) => html`<li class="usa-pagination__item usa-pagination__arrow">
<a href="${withQuery(ctx, { page: String(n) })}" class="usa-pagination__link usa-pagination__${rel}-page" rel="${rel}"><span class="usa-pagination__link-text">${label}</span></a></li>`;
  return html`<nav aria-label="${t('pagination')}" class="usa-pagination"><ul class="usa-pagination__list">
${page > 1 ? link(page - 1, t('previous'), 'previous') : ''}
<li class="usa-pagination__item usa-pagination__page-no"><a href="${withQuery(ctx, { page: String(page) })}" class="usa-pagination__button usa-current" aria-current="page" aria-label="${t('page_n', { n: page })}">${page}</a></li>
${hasMore ? link(page + 1, t('next'), 'next') : ''}
</ul></nav>`;
}
