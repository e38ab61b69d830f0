/**
 * /operator/deliveries: webhook delivery as the API's `GET /v1/notices/deliveries` reports it
 * (counts by status, the oldest pending notice, failed notices a page at a time with their
 * attempts and last error, never a notice's body), and a "Deliver again" form per failed notice.
 */

import {
  DELIVERY_STATUSES,
  type DeliveryOverview,
  type DeliveryRow,
  type DeliveryStatus,
} from '../../services/due-process/notice-delivery.service.ts';
import type { SignedInStaff } from '../../services/accounts/staff-sessions.service.ts';
import { alert, table } from '../components.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/en.ts';
import { localDateTime } from '../format.ts';
import { withQuery, type PageContext } from '../layout.ts';
import { operatorLayout } from './operator-shell.page.ts';

export interface DeliveriesView {
  readonly staff: SignedInStaff;
  readonly overview: DeliveryOverview;
  /** The notice just queued again, shown once on the answer page. */
  readonly redelivered?: DeliveryRow;
}

function summary(ctx: PageContext, overview: DeliveryOverview): SafeHtml {
  const { t } = ctx;
  const label = (s: DeliveryStatus) => t(`op_status_${s}` as MessageKey);
  const oldest = overview.oldest_pending;
  return html`${table(
    t('op_deliveries'),
    [t('op_delivery_status'), t('op_delivery_count')],
    DELIVERY_STATUSES.map((s) => [label(s), overview.counts[s]]),
  )}
<p class="break-word">${
    oldest === null
      ? t('op_no_pending')
      : t('op_oldest_pending', {
          id: oldest.id,
          at: localDateTime(ctx.locale, oldest.next_attempt_at),
          attempts: oldest.attempts,
        })
  }</p>`;
}

function redeliverForm(ctx: PageContext, csrf: string, notice: DeliveryRow): SafeHtml {
  return html`<form method="post" action="/operator/notices/${encodeURIComponent(
    notice.id,
  )}/redelivery" class="margin-0">
<input type="hidden" name="csrf" value="${csrf}">
<button class="usa-button usa-button--secondary" type="submit" aria-label="${ctx.t('op_redeliver_label', {
    id: notice.id,
  })}">${ctx.t('op_redeliver')}</button></form>`;
}

/** One card per failed notice, not a table: its "Deliver again" button stays in view on a 360 px phone. */
function failedList(ctx: PageContext, view: DeliveriesView): SafeHtml {
  const { t } = ctx;
  return html`<ul class="usa-list usa-list--unstyled">${view.overview.notices.map(
    (n) => html`<li class="border-1px border-base-lighter radius-md padding-2 margin-bottom-2">
<h3 class="margin-top-0">${t('op_col_notice')} <code class="font-mono-3xs break-word">${n.id}</code></h3>
<dl class="margin-y-1"><dt class="text-bold">${t('op_col_kind')}</dt><dd class="margin-left-0">${n.kind}</dd>
<dt class="text-bold">${t('op_col_attempts')}</dt><dd class="margin-left-0">${n.attempts}</dd>
<dt class="text-bold">${t('op_col_last_attempt')}</dt><dd class="margin-left-0">${
      n.last_attempt_at === null ? '–' : localDateTime(ctx.locale, n.last_attempt_at)
    }</dd>
<dt class="text-bold">${t('op_col_last_error')}</dt><dd class="margin-left-0 break-word">${
      n.last_error ?? '–'
    }</dd></dl>
${redeliverForm(ctx, view.staff.csrf_token, n)}</li>`,
  )}</ul>`;
}

/** First / previous / next / last links (cursors: keyset pages) when the failed notices fill more than one page. */
function pager(ctx: PageContext, overview: DeliveryOverview): SafeHtml | string {
  const { t } = ctx;
  const { previous, next, last } = overview;
  if (previous === null && next === null && last === null) return '';
  const { after: _, ...rest } = ctx.query;
  const first = new URLSearchParams(rest).toString();
  const link = (cursor: string | null, label: string) =>
    html`<li class="margin-right-3"><a class="usa-link" href="${
      cursor === null ? `${ctx.path}${first === '' ? '' : `?${first}`}` : withQuery(ctx, { after: cursor })
    }">${label}</a></li>`;
  return html`<nav aria-label="${t('op_page_label')}"><ul class="usa-list usa-list--unstyled display-flex flex-wrap">
${previous === null ? '' : html`${link(null, t('page_first'))}${link(previous, t('op_page_previous'))}`}
<li class="margin-right-3" aria-current="page">${t('op_page_number', { page: overview.page })} / ${overview.pages}</li>
${next === null ? '' : link(next, t('op_page_next'))}${last === null ? '' : link(last, t('page_last'))}</ul></nav>`;
}

/** The whole page. */
export function deliveriesPage(ctx: PageContext, view: DeliveriesView): SafeHtml {
  const { t } = ctx;
  const done =
    view.redelivered === undefined
      ? ''
      : alert('success', t('op_redelivered'), t('op_redelivered_text', { id: view.redelivered.id }));
  const failed =
    view.overview.notices.length === 0
      ? html`<p>${t('op_failed_none')}</p>`
      : html`<p>${t('op_failed_hint')}</p>${failedList(ctx, view)}`;
  return operatorLayout(
    ctx,
    t('op_deliveries'),
    view.staff,
    html`<div class="break-word">${done}</div>
<section>${summary(ctx, view.overview)}</section>
<section><h2 id="failed-heading">${t('op_failed_heading')}</h2>${failed}${pager(ctx, view.overview)}</section>`,
  );
}
