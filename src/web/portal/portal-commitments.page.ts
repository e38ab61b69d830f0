/**
 * The portal's credit commitments (NDRC Order No. 36 (2025): repair needs the subject's public credit commitment).
 * The section lists the subject's commitments with a form for one about their conduct at large; each record's repair
 * form is preceded, until a commitment covers the record, by a form for a commitment made for that record. The forms
 * are plain POSTs (PRG); a refused form comes back with the text the subject typed.
 */

import { commitmentCovers, MAX_COMMITMENT_LENGTH } from '../../domain/commitment.ts';
import type { SubjectReport } from '../../services/due-process/reports.service.ts';
import { localDay } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { PageContext } from '../layout.ts';
import type { PortalView } from './portal-view.ts';

type ReportRecord = SubjectReport['records'][number];
type Commitment = SubjectReport['commitments'][number];

export function commitmentsSection(ctx: PageContext, view: PortalView): SafeHtml {
  const { t } = ctx;
  const items = view.report.commitments.map(
    (c) => html`<li class="border-1px border-base-lighter radius-md padding-2 margin-bottom-2">
<p class="margin-top-0 text-bold">${t('commitment_made_on', { date: localDay(ctx.locale, c.made_at) })}, ${
      c.record_id === null ? t('commitment_for_conduct') : t('commitment_for_record', { record: c.record_id })
    }</p>
<p class="margin-bottom-0 break-word">${c.text}</p></li>`,
  );
  return html`<section class="margin-bottom-5"><h2 id="commitments-heading">${t('commitment_heading')}</h2>
<p class="maxw-tablet-lg">${t('commitment_intro')}</p>
${
  items.length === 0
    ? html`<p>${t('commitment_none')}</p>`
    : html`<ul class="usa-list usa-list--unstyled">${items}</ul>`
}
<details${view.draft?.commitment?.record_id === null ? ' open' : ''}><summary class="usa-link text-bold">${t(
    'commitment_general_summary',
  )}</summary>
${commitmentForm(ctx, view, null)}</details>
</section>`;
}

/** The commitment that goes with an application to repair `r`, if the subject has made one (the newest). */
function coveringCommitment(view: PortalView, r: ReportRecord): Commitment | undefined {
  const covering = view.report.commitments.filter((c) =>
    commitmentCovers({ scope_record_id: c.record_id, made_at: new Date(c.made_at) }, r.id, new Date(r.decided_at)),
  );
  return covering[covering.length - 1];
}

/** What precedes a record's repair form: the commitment that goes with it, or the form to make one first. */
export function commitmentForRepair(ctx: PageContext, view: PortalView, r: ReportRecord): SafeHtml {
  const covering = coveringCommitment(view, r);
  if (covering !== undefined) {
    const date = localDay(ctx.locale, covering.made_at);
    return html`<p class="usa-hint">${ctx.t('commitment_covered', { date })}</p>`;
  }
  return html`<p>${ctx.t('commitment_needed')}</p>${commitmentForm(ctx, view, r.id)}`;
}

/** Whether a repair needs a commitment the subject has not made yet (the policy asks for one). */
export function needsCommitment(view: PortalView, r: ReportRecord): boolean {
  return view.policy.repair.commitment !== undefined && coveringCommitment(view, r) === undefined;
}

function commitmentForm(ctx: PageContext, view: PortalView, recordId: string | null): SafeHtml {
  const { t } = ctx;
  const id = `commitment-${recordId ?? 'general'}`;
  const draft = view.draft?.commitment;
  const typed = draft !== undefined && draft.record_id === recordId ? draft.text : '';
  return html`<form class="usa-form" method="post" action="/portal/commitments">
<input type="hidden" name="csrf" value="${view.subject.csrf_token}">
${recordId === null ? '' : html`<input type="hidden" name="record_id" value="${recordId}">`}
<label class="usa-label" for="${id}">${t('commitment_label')}</label>
<span class="usa-hint" id="${id}-hint">${t('commitment_hint', { max: MAX_COMMITMENT_LENGTH })}</span>
<textarea class="usa-textarea" id="${id}" name="text" required maxlength="${MAX_COMMITMENT_LENGTH}"
 aria-describedby="${id}-hint">${typed}</textarea>
<button class="usa-button margin-top-1 width-auto" type="submit">${t('commitment_submit')}</button>
</form>`;
}

/** A pending repair's state in plain words: when it was made and by when the agency must decide. */
export function repairState(ctx: PageContext, repair: NonNullable<ReportRecord['repair']>): string {
  const date = localDay(ctx.locale, repair.applied_at);
  if (repair.due_at === null) return ctx.t('portal_repair_pending', { date });
  const due = localDay(ctx.locale, repair.due_at);
  return repair.overdue ? ctx.t('repair_overdue', { date, due }) : ctx.t('repair_due', { date, due });
}
