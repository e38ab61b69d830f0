/**
 * `/portal/inquiries?after=CURSOR`: an older page of "who checked me", after the newest one the portal shows, with
 * the link to the page after it; together the pages show every inquiry about the subject.
 */

import type { Policy } from '../../domain/policy.ts';
import { html, type SafeHtml } from '../html.ts';
import { layout, type PageContext } from '../layout.ts';
import { inquiriesTable, inquiryRetention, olderInquiriesLink } from './portal-activity.page.ts';
import type { SubjectReport } from '../../services/due-process/reports.service.ts';

export interface InquiriesPage {
  readonly inquiries: SubjectReport['inquiries'];
  readonly inquiries_total: number;
  readonly next: string | null;
}

export function portalInquiriesPage(ctx: PageContext, policy: Policy, page: InquiriesPage): SafeHtml {
  const { t } = ctx;
  return layout(
    ctx,
    t('portal_inquiries_page_title'),
    html`<h1>${t('portal_inquiries_page_title')}</h1>
<p><a class="usa-link" href="/portal#inquiries-heading">${t('portal_inquiries_heading')}</a></p>
${
  page.inquiries.length === 0 ? html`<p>${t('portal_inquiries_none')}</p>` : inquiriesTable(ctx, policy, page.inquiries)
}
${olderInquiriesLink(ctx, page.next)}
${inquiryRetention(ctx, policy)}`,
  );
}
