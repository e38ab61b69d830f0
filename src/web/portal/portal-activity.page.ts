/**
 * The portal's activity: every notice sent to the subject (what, who, legal basis, until when
 * it may be disputed) and "who checked me", every inquiry about them (GDPR Art. 15(1)(c): the
 * recipients to whom personal data have been disclosed), newest first.
 */

import { inLanguage, nameIn } from '../../domain/local-text.ts';
import { table } from '../components.ts';
import { html, type SafeHtml } from '../html.ts';
import { localDateTime, localDay, localDuration, pageTimeZone } from '../format.ts';
import type { PageContext } from '../layout.ts';
import type { Outcome, Policy } from '../../domain/policy.ts';
import { noticeText } from '../../services/due-process/notice-text.ts';
import type { SubjectReport } from '../../services/due-process/reports.service.ts';
import type { PortalView } from './portal-view.ts';

/** A notice's legal basis: a list's as the policy words it, in the page's language; a record's as it was filed. */
function noticeBasis(ctx: PageContext, view: PortalView, n: PortalView['report']['notices'][number]): string {
  const list = n.list_id === null ? undefined : view.policy.lists.get(n.list_id);
  return list === undefined ? n.legal_basis : inLanguage(list.legal_basis, ctx.locale);
}

export function noticesSection(ctx: PageContext, view: PortalView): SafeHtml {
  const { t } = ctx;
  const reader = {
    language: ctx.locale,
    timeZone: pageTimeZone(),
    policy: view.policy,
    agency: (id: string) => view.names.agency(id),
  };
  const items = view.report.notices.map(
    (n) => html`<li class="border-left-05 border-primary padding-left-2 margin-bottom-2">
<p class="margin-y-05"><strong>${localDay(ctx.locale, n.at)}</strong> · ${view.names.agency(n.agency_id)}</p>
<p class="margin-y-05 break-word">${noticeText(n, reader).what}</p>
<p class="margin-y-05 text-base-dark">${t('portal_list_basis', { basis: noticeBasis(ctx, view, n) })}${
      n.dispute_by ? html` ${t('portal_notice_dispute_by', { date: localDay(ctx.locale, n.dispute_by) })}` : ''
    }</p>
</li>`,
  );
  return html`<section class="margin-bottom-5"><h2 id="notices-heading">${t('portal_notices_heading')}</h2>
${
  items.length === 0
    ? html`<p>${t('portal_notices_none')}</p>`
    : html`<ul class="usa-list usa-list--unstyled">${items}</ul>`
}</section>`;
}

type Inquiry = SubjectReport['inquiries'][number];

/** A page of "who checked me" as a table, newest first. */
export function inquiriesTable(ctx: PageContext, policy: Policy, inquiries: readonly Inquiry[]): SafeHtml {
  const { t } = ctx;
  const rows = inquiries.map((i) => {
    const what =
      i.kind === 'decision'
        ? t('portal_inquiry_decision', {
            action: nameIn(ctx.locale, policy.actions.get(i.action ?? ''), i.action ?? ''),
            purpose: nameIn(ctx.locale, policy.purposes.get(i.purpose ?? ''), i.purpose ?? ''),
          })
        : t(i.kind === 'report' ? 'portal_inquiry_report' : 'portal_inquiry_record');
    const who = i.by.role === 'subject' ? t('portal_inquiry_self') : i.by.name;
    return [localDateTime(ctx.locale, i.at), who, what, i.outcome === null ? '—' : t(`effect_${i.outcome as Outcome}`)];
  });
  return table(
    t('portal_inquiries_heading'),
    [t('portal_col_when'), t('portal_col_who'), t('portal_col_what'), t('portal_col_outcome')],
    rows,
  );
}

/** How long inquiries are kept, and on what basis (the policy's `inquiries`). */
export function inquiryRetention(ctx: PageContext, policy: Policy): SafeHtml {
  const { retention, legal_basis } = policy.inquiries;
  const text = ctx.t('portal_inquiries_retention', {
    period: localDuration(ctx.locale, retention),
    basis: inLanguage(legal_basis, ctx.locale),
  });
  return html`<p class="text-base-dark">${text}</p>`;
}

/** The link to the page of older inquiries, when there is one. */
export function olderInquiriesLink(ctx: PageContext, next: string | null): SafeHtml {
  return next === null
    ? html``
    : html`<p><a class="usa-link" href="/portal/inquiries?after=${encodeURIComponent(next)}">${ctx.t(
        'portal_inquiries_older',
      )}</a></p>`;
}

/** The newest page of "who checked me", how many there are in all, and the link to the older ones. */
export function inquiriesSection(ctx: PageContext, view: PortalView): SafeHtml {
  const { t } = ctx;
  const { report } = view;
  return html`<section class="margin-bottom-5"><h2 id="inquiries-heading">${t('portal_inquiries_heading')}</h2>
${
  report.inquiries.length === 0
    ? html`<p>${t('portal_inquiries_none')}</p>`
    : html`<p>${t('portal_inquiries_count', { shown: report.inquiries.length, total: report.inquiries_total })}</p>
${inquiriesTable(ctx, view.policy, report.inquiries)}
${olderInquiriesLink(ctx, report.inquiries_next)}`
}
${inquiryRetention(ctx, view.policy)}
${report.own_views > 0 ? html`<p>${t('portal_own_views', { count: report.own_views })}</p>` : ''}</section>`;
}
