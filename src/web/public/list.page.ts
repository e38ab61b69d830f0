/**
 * `/lists/{list}`: one page of a public list's members, with usa-pagination links (keyset: first, previous, next,
 * last), under the list's legal basis and how to leave it, in the page's language.
 */

import type { listPublicMembers } from '../../services/public/public-lists.service.ts';
import { alert, table } from '../components.ts';
import { keysetPagination } from '../keyset-pagination.ts';
import { html, type SafeHtml } from '../html.ts';
import { localDay } from '../format.ts';
import { layout, type PageContext } from '../layout.ts';
import { relatedPersons } from './related-persons.ts';

export type ListPage = Awaited<ReturnType<typeof listPublicMembers>>;

export function listPage(ctx: PageContext, data: ListPage): SafeHtml {
  const { t } = ctx;
  const members =
    data.members.length === 0
      ? alert('info', t('search_none_heading'), t('list_empty'))
      : table(
          t('list_members'),
          [t('col_name'), t('identifiers'), t('col_since'), t('col_until'), t('records')],
          data.members.map((m) => [
            html`${m.name}<br><span class="text-base font-body-3xs">${t(
              m.kind === 'person' ? 'kind_person' : 'kind_organization',
            )}</span>${relatedPersons(ctx, m.related_persons)}`,
            html`<span class="break-word">${m.identifiers.map((i) => i.id).join(', ')}</span>`,
            localDay(ctx.locale, m.since),
            localDay(ctx.locale, m.until),
            html`${m.records.map(
              (r, n) =>
                html`${n > 0 ? html`<br>` : ''}${r.type_name} (${r.agency.name}, <span class="break-word">${
                  r.document_ref
                }</span>)`,
            )}`,
          ]),
        );
  return layout(
    ctx,
    t('list_title', { name: data.list.name }),
    html`
<p>${t('col_legal_basis')}: ${data.list.legal_basis}</p>
<section class="margin-y-3" aria-labelledby="exit-heading"><h2 id="exit-heading">${t('list_exit')}</h2>
<p class="maxw-tablet-lg">${data.list.exit}</p></section>
<p class="text-bold">${t(data.total_capped ? 'list_total_capped' : 'list_total', { total: data.total })}</p>
${members}
${keysetPagination(ctx, data)}`,
  );
}

export function listMissingPage(ctx: PageContext, message: string): SafeHtml {
  return layout(ctx, ctx.t('list_not_found'), alert('error', ctx.t('list_not_found'), message));
}
