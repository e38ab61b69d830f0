/**
 * The portal's activity: every notice sent to the subject (what, who, legal basis, until when
 * it may be disputed) and "who checked me", every inquiry about them (GDPR Art. 15(1)(c): the
 * recipients to whom personal data have been disclosed), newest first.
 */

import { nameIn } from '../../domain/local-text.ts';
import { table } from '../components.ts';
import { html, type SafeHtml } from '../html.ts';
import { isoDate, type PageContext } from '../layout.ts';
import type { PortalView } from './portal-view.ts';

export function noticesSection(ctx: PageContext, view: PortalView): SafeHtml {
  const { t } = ctx;
  const items = view.report.notices.map(
    (n) => html`<li class="border-left-05 border-primary padding-left-2 margin-bottom-2">
<p class="margin-y-05"><strong>${isoDate(n.at)}</strong> · ${view.names.agency(n.agency_id)}</p>
<p class="margin-y-05 break-word">${n.what}</p>
<p class="margin-y-05 text-base-dark">${t('portal_list_basis', { basis: n.legal_basis })}${
      n.dispute_by ? html` ${t('portal_notice_dispute_by', { date: isoDate(n.dispute_by) })}` : ''
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

export function inquiriesSection(ctx: PageContext, view: PortalView): SafeHtml {
  const { t } = ctx;
  const { policy } = view;
  const rows = view.report.inquiries.map((i) => {
    const what =
      i.kind === 'decision'
        ? t('portal_inquiry_decision', {
            action: nameIn(ctx.locale, policy.actions.get(i.action ?? ''), i.action ?? ''),
            purpose: nameIn(ctx.locale, policy.purposes.get(i.purpose ?? ''), i.purpose ?? ''),
          })
        : t(i.kind === 'report' ? 'portal_inquiry_report' : 'portal_inquiry_record');
    const who = i.by.role === 'subject' ? t('portal_inquiry_self') : i.by.name;
    return [new Date(i.at).toISOString().slice(0, 16).replace('T', ' '), who, what, i.outcome ?? '—'];
  });
  return html`<section class="margin-bottom-5"><h2 id="inquiries-heading">${t('portal_inquiries_heading')}</h2>
${
  rows.length === 0
    ? html`<p>${t('portal_inquiries_none')}</p>`
    : table(
        t('portal_inquiries_heading'),
        [t('portal_col_when'), t('portal_col_who'), t('portal_col_what'), t('portal_col_outcome')],
        rows,
      )
}</section>`;
}
