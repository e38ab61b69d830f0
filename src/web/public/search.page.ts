/** `/`: the public search form, and its results on the same page (a GET form: no JavaScript). */

import type { PublicSearchResult, searchPublicPage } from '../../services/public/public.service.ts';
import { alert, table } from '../components.ts';
import { keysetPagination } from '../keyset-pagination.ts';
import { html, type SafeHtml } from '../html.ts';
import { localDay } from '../format.ts';
import { layout, type PageContext } from '../layout.ts';
import { relatedPersons } from './related-persons.ts';

export type SearchResults = readonly PublicSearchResult[];
export type SearchOutcome =
  | { kind: 'form' }
  | { kind: 'invalid'; message: string }
  | ({ kind: 'results' } & Awaited<ReturnType<typeof searchPublicPage>>);

export function searchPage(ctx: PageContext, q: string, outcome: SearchOutcome): SafeHtml {
  const { t } = ctx;
  return layout(
    ctx,
    t('search_title'),
    html`
<div role="search"><form class="usa-search usa-search--big maxw-tablet" method="get" action="/">
  <label class="usa-label" for="q">${t('search_label')}</label>
  <div class="usa-hint" id="q-hint">${t('search_hint')}</div>
  <div class="display-flex margin-top-1">
    <input class="usa-input" id="q" type="search" name="q" value="${
      q
    }" maxlength="100" aria-describedby="q-hint" autocomplete="off">
    <button class="usa-button" type="submit">${t('search_button')}</button>
  </div>
</form></div>
<div class="margin-top-4">${outcomeView(ctx, outcome)}</div>`,
  );
}

function outcomeView(ctx: PageContext, outcome: SearchOutcome): SafeHtml {
  const { t } = ctx;
  if (outcome.kind === 'form') return html``;
  if (outcome.kind === 'invalid') return alert('error', t('search_title'), outcome.message);
  if (outcome.results.length === 0) return alert('info', t('search_none_heading'), t('search_none'));
  const total = t(outcome.total_capped ? 'search_total_capped' : 'search_total', { total: outcome.total });
  return html`<h2>${t('search_results')}</h2>
<p class="text-bold" role="status">${total}</p>
<ul class="usa-card-group">${outcome.results.map((r) => resultCard(ctx, r))}</ul>
${keysetPagination(ctx, outcome)}`;
}

function resultCard(ctx: PageContext, result: SearchResults[number]): SafeHtml {
  const { t } = ctx;
  return html`<li class="usa-card tablet:grid-col-12"><div class="usa-card__container">
<div class="usa-card__header"><h3 class="usa-card__heading">${result.name}</h3>
<p class="margin-0 text-base">${t(
    result.kind === 'person' ? 'kind_person' : 'kind_organization',
  )} · ${t('identifiers')}:
${result.identifiers.map(
  (i, n) => html`${n > 0 ? ', ' : ''}<span class="break-word">${i.scheme} ${i.id}</span>`,
)}${relatedPersons(ctx, result.related_persons)}</p></div>
<div class="usa-card__body">
${
  result.lists.length === 0
    ? ''
    : table(
        t('on_lists'),
        [t('col_list'), t('col_since'), t('col_until'), t('col_legal_basis')],
        result.lists.map((l) => [
          html`<a class="usa-link" href="/lists/${encodeURIComponent(l.list)}">${l.list_name}</a>`,
          localDay(ctx.locale, l.since),
          localDay(ctx.locale, l.until),
          l.legal_basis,
        ]),
      )
}
${recordsTable(ctx, t('records'), result.records)}
${commitmentsList(ctx, result.commitments)}
</div></div></li>`;
}

/** The subject's public credit commitments (NDRC Order No. 36 (2025)), in their own words. */
function commitmentsList(ctx: PageContext, commitments: SearchResults[number]['commitments']): SafeHtml | string {
  if (commitments.length === 0) return '';
  const items = commitments.map(
    (c) =>
      html`<li><span class="break-word">${c.text}</span> (${ctx.t('commitment_made_on', {
        date: localDay(ctx.locale, c.made_at),
      })})</li>`,
  );
  return html`<h4 class="margin-bottom-05">${ctx.t('commitment_heading')}</h4><ul class="usa-list">${items}</ul>`;
}

export function recordsTable(ctx: PageContext, caption: string, records: SearchResults[number]['records']): SafeHtml {
  const { t } = ctx;
  return table(
    caption,
    [t('col_record'), t('col_agency'), t('col_decided'), t('col_document'), t('col_disclosed_until')],
    records.map((r) => [
      html`${r.type_name}${
        r.under_dispute ? html` <span class="usa-tag bg-secondary-dark">${t('under_dispute')}</span>` : ''
      }<br><span class="text-base font-body-3xs">${r.legal_basis}</span>`,
      r.agency.name,
      localDay(ctx.locale, r.decided_at),
      html`<span class="break-word">${r.document_ref}</span>`,
      localDay(ctx.locale, r.disclosed_until),
    ]),
  );
}
