/** `/lists/{list}`: one page of a public list's members, with usa-pagination links. */

import type { listPublicMembers } from '../../services/public.service.ts';
import { alert, table } from '../components.ts';
import { html, type SafeHtml } from '../html.ts';
import { isoDate, layout, withQuery, type PageContext } from '../layout.ts';

export type ListPage = Awaited<ReturnType<typeof listPublicMembers>>;

export function listPage(ctx: PageContext, data: ListPage): SafeHtml {
  const { t } = ctx;
  const members = data.members.length === 0 ? alert('info', t('search_none_heading'), t('list_empty'))
    : table(t('list_members'), [t('col_name'), t('identifiers'), t('col_since'), t('col_until'), t('records')], data.members.map((m) => [
      html`${m.name}<br><span class="text-base font-body-3xs">${t(m.kind === 'person' ? 'kind_person' : 'kind_organization')}</span>`,
      html`<span class="break-word">${m.identifiers.map((i) => i.id).join(', ')}</span>`,
      isoDate(m.since), isoDate(m.until),
      html`${m.records.map((r, n) => html`${n > 0 ? html`<br>` : ''}${r.type_name} (${r.agency.name}, <span class="break-word">${r.document_ref}</span>)`)}`,
    ]));
  return layout(ctx, t('list_title', { name: data.list.name }), html`
<p>${t('col_legal_basis')}: ${data.list.legal_basis}</p>
${members}
${pagination(ctx, data.page, data.has_more)}`);
}

export function listMissingPage(ctx: PageContext, message: string): SafeHtml {
  return layout(ctx, ctx.t('list_not_found'), alert('error', ctx.t('list_not_found'), message));
}

/** Previous / current / next: the service knows only whether more follow, not the total. */
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
