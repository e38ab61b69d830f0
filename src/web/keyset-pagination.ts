/**
 * USWDS pagination for a list paged by keyset (issue 12): "page X of Y" and links to the first, previous, next
 * and last pages, each carrying the cursor the service gave (`after`). A keyset page cannot jump to page N, so
 * there are no numbered links; the last page is a reverse scan, as fast as the first.
 */

import { html, type SafeHtml } from './html.ts';
import type { PageContext } from './layout.ts';

export interface KeysetPages {
  readonly page: number;
  /** Null when the total is unknown: then "page X" alone. */
  readonly pages: number | null;
  /** Cursors for `after`; null where there is no such page. */
  readonly previous: string | null;
  readonly next: string | null;
  readonly last: string | null;
}

export function keysetPagination(ctx: PageContext, at: KeysetPages): SafeHtml {
  const { t } = ctx;
  const where = at.pages === null ? t('page_n', { n: at.page }) : t('page_of', { page: at.page, pages: at.pages });
  const status = html`<p class="margin-bottom-0" id="page-status">${where}</p>`;
  if (at.previous === null && at.next === null && at.last === null) return status;
  const link = (cursor: string | undefined, label: string, rel: 'previous' | 'next', kind: string) =>
    html`<li class="usa-pagination__item"><a href="${hrefAfter(ctx, cursor)}"
 class="usa-pagination__link usa-pagination__${rel}-page" data-page="${kind}"${
   kind === rel ? html` rel="${rel}"` : ''
 }><span class="usa-pagination__link-text">${label}</span></a></li>`;
  const items = [
    at.previous === null ? '' : link(undefined, t('page_first'), 'previous', 'first'),
    at.previous === null ? '' : link(at.previous, t('previous'), 'previous', 'previous'),
    at.next === null ? '' : link(at.next, t('next'), 'next', 'next'),
    at.last === null ? '' : link(at.last, t('page_last'), 'next', 'last'),
  ];
  return html`${status}<nav aria-label="${t('pagination')}" class="usa-pagination">
<ul class="usa-pagination__list flex-wrap">${items}</ul></nav>`;
}

/** This page's address with `after` set to the cursor, or without it (the first page). */
function hrefAfter(ctx: PageContext, cursor: string | undefined): string {
  const { after: _, page: __, ...rest } = ctx.query;
  const params = new URLSearchParams(cursor === undefined ? rest : { ...rest, after: cursor });
  const query = params.toString();
  return query === '' ? ctx.path : `${ctx.path}?${query}`;
}
