/** Small USWDS building blocks shared by the pages. */

import { html, type Interpolation, type SafeHtml } from './html.ts';
import { withQuery, type PageContext } from './layout.ts';

/**
 * A usa-table in a scrollable container: a wide table scrolls inside its own box, never the
 * page. The container is focusable and labelled, so keyboard users can scroll it (WCAG 2.1.1).
 */
export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly Interpolation[])[],
): SafeHtml {
  return html`<div class="usa-table-container--scrollable" tabindex="0" role="region" aria-label="${caption}">
<table class="usa-table usa-table--borderless usa-table--compact width-full">
<caption>${caption}</caption>
<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((row) => html`<tr>${row.map((cell) => html`<td>${cell}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

export function alert(kind: 'info' | 'warning' | 'error' | 'success', heading: string, text: string): SafeHtml {
  return html`<div class="usa-alert usa-alert--${kind}" role="${
    kind === 'error' ? 'alert' : 'status'
  }"><div class="usa-alert__body">
<h2 class="usa-alert__heading">${heading}</h2><p class="usa-alert__text">${text}</p></div></div>`;
}

/** USWDS pagination, previous / current / next: the queries know only whether more follow, not the total. */
export function pagination(ctx: PageContext, page: number, hasMore: boolean): SafeHtml {
  const { t } = ctx;
  if (page === 1 && !hasMore) return html``;
  const link = (n: number, label: string, rel: string) => html`<li class="usa-pagination__item usa-pagination__arrow">
<a href="${withQuery(ctx, { page: String(n) })}" class="usa-pagination__link usa-pagination__${rel}-page" rel="${
    rel
  }"><span class="usa-pagination__link-text">${label}</span></a></li>`;
  return html`<nav aria-label="${t('pagination')}" class="usa-pagination"><ul class="usa-pagination__list">
${page > 1 ? link(page - 1, t('previous'), 'previous') : ''}
<li class="usa-pagination__item usa-pagination__page-no"><a href="${withQuery(ctx, {
    page: String(page),
  })}" class="usa-pagination__button usa-current" aria-current="page" aria-label="${t('page_n', { n: page })}">${
    page
  }</a></li>
${hasMore ? link(page + 1, t('next'), 'next') : ''}
</ul></nav>`;
}
