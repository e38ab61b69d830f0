/**
 * What a resident can do about one record, said before any form (issue 11, "what it means for me"): when credit
 * repair opens (NDRC Order No. 36 (2025): after the tier's minimum period from the decision; the court list once the
 * obligation is performed), and, after an upheld dispute, the form for their own statement, shown with the record in
 * every report (FCRA § 611(b)-(c)). Forms refused by the service come back with what was typed.
 */

import { checkRepairEligibility } from '../../domain/repair.ts';
import type { SubjectReport } from '../../services/due-process/reports.service.ts';
import { localDay } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { PageContext } from '../layout.ts';
import type { PortalView } from './portal-view.ts';

type ReportRecord = SubjectReport['records'][number];

/** When repair of a record opens: `open` now, or the date it does, or once the obligation is performed. */
export type RepairOpening =
  | { readonly kind: 'open' }
  | { readonly kind: 'from'; readonly date: Date }
  | { readonly kind: 'on_performance' };

/** When the subject may apply to repair the record, as the service will judge it (checkRepairEligibility). */
export function repairOpening(view: PortalView, r: ReportRecord): RepairOpening {
  const now = new Date(view.report.evaluated_at);
  if (checkRepairEligibility(view.policy, r, false, now) === null) return { kind: 'open' };
  const refusal = checkRepairEligibility(view.policy, r, true, now);
  if (refusal === null) return { kind: 'on_performance' };
  return refusal.eligible_at === undefined ? { kind: 'open' } : { kind: 'from', date: refusal.eligible_at };
}

/** The sentence said above the repair form: from when one may apply, or that it needs the obligation performed. */
export function repairOpeningNote(ctx: PageContext, opening: RepairOpening): SafeHtml {
  if (opening.kind === 'from')
    return html`<p class="margin-y-1"><strong>${ctx.t('portal_repair_opens', {
      date: localDay(ctx.locale, opening.date),
    })}</strong></p>`;
  if (opening.kind === 'on_performance')
    return html`<p class="margin-y-1">${ctx.t('portal_repair_on_performance')}</p>`;
  return html`<p class="margin-y-1">${ctx.t('portal_repair_open_now')}</p>`;
}

/** After an upheld dispute: the subject's statement, written or replaced, with the words they last typed. */
export function statementForm(ctx: PageContext, view: PortalView, r: ReportRecord): SafeHtml {
  const disputeId = r.upheld_dispute_id;
  if (disputeId === null) return html``;
  const { t } = ctx;
  const draft = view.draft?.statement?.dispute_id === disputeId ? view.draft.statement.text : undefined;
  const current = r.statements.find((s) => s.dispute_id === disputeId)?.statement;
  const open = draft !== undefined ? ' open' : '';
  return html`<details class="margin-bottom-1"${open}><summary class="usa-link text-bold">${t(
    current === undefined ? 'portal_statement_summary' : 'portal_statement_replace',
  )}</summary>
<form class="usa-form" method="post" action="/portal/disputes/${disputeId}/statement">
<input type="hidden" name="csrf" value="${view.subject.csrf_token}">
<label class="usa-label" for="statement-${r.id}">${t('portal_statement_label')}</label>
<span class="usa-hint" id="statement-${r.id}-hint">${t('portal_statement_hint')}</span>
<textarea class="usa-textarea" id="statement-${r.id}" name="statement" required maxlength="4000"
 aria-describedby="statement-${r.id}-hint">${draft ?? current ?? ''}</textarea>
<button class="usa-button margin-top-1 width-auto" type="submit">${t('portal_statement_submit')}</button>
</form></details>`;
}
