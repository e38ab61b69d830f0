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

/**
 * USWDS pagination, previous / current / next, for a query that knows only whether more follow. The previous and
 * next links are plain items, not `usa-pagination__arrow` (which USWDS hides below 40em), so they show at 360 px.
 */
export function pagination(ctx: PageContext, page: number, hasMore: boolean): SafeHtml {
  const { t } = ctx;
  if (page === 1 && !hasMore) return html``;
  const link = (n: number, label: string, rel: string) => html`<li class="usa-pagination__item">
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

/**
 * USWDS pagination with the total known: "page X of Y", then previous, the first and last pages, the pages next to
 * this one (an ellipsis for the rest; seven slots at most, as USWDS advises), next. The list wraps rather than
 * scrolls at 360 px, and previous and next are plain items so that they show at every width.
 */
export function numberedPagination(ctx: PageContext, page: number, pages: number): SafeHtml {
  const { t } = ctx;
  const status = html`<p class="margin-bottom-0" id="page-status">${t('page_of', { page, pages })}</p>`;
  if (pages <= 1) return status;
  const href = (n: number) => withQuery(ctx, { page: String(n) });
  const arrow = (n: number, label: string, rel: 'previous' | 'next') =>
    html`<li class="usa-pagination__item"><a href="${href(n)}" class="usa-pagination__link usa-pagination__${rel}-page"
 rel="${rel}"><span class="usa-pagination__link-text">${label}</span></a></li>`;
  const number = (n: number) =>
    html`<li class="usa-pagination__item usa-pagination__page-no"><a href="${href(n)}" class="usa-pagination__button${
      n === page ? ' usa-current' : ''
    }"${n === page ? html` aria-current="page"` : ''} aria-label="${t('page_n', { n })}">${n}</a></li>`;
  const gap = html`<li class="usa-pagination__item usa-pagination__overflow" role="presentation"><span>…</span></li>`;
  const shown = [...new Set([1, page - 1, page, page + 1, pages])]
    .filter((n) => n >= 1 && n <= pages)
    .sort((a, b) => a - b);
  const items = shown.flatMap((n, i) => (i > 0 && n - shown[i - 1]! > 1 ? [gap, number(n)] : [number(n)]));
  const previous = page > 1 ? arrow(page - 1, t('previous'), 'previous') : '';
  const next = page < pages ? arrow(page + 1, t('next'), 'next') : '';
  return html`${status}<nav aria-label="${t('pagination')}" class="usa-pagination">
<ul class="usa-pagination__list flex-wrap">${previous}${items}${next}</ul></nav>`;
}
