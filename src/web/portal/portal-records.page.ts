/**
 * The portal's records: each record about the subject with its agency, legal basis, decision
 * and status, what due process is under way, and the forms to dispute it (FCRA § 611: the
 * agency reinvestigates within the type's deadline) or apply for credit repair (NDRC measures:
 * after the tier's minimum period). One card per record, so forms stay usable at 360 px.
 */

import { nameIn } from '../../domain/local-text.ts';
import type { SubjectReport } from '../../services/due-process/reports.service.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/en.ts';
import { localDay } from '../format.ts';
import type { PageContext } from '../layout.ts';
import { commitmentForRepair, needsCommitment, repairState } from './portal-commitments.page.ts';
import type { PortalView } from './portal-view.ts';
import { repairOpening, repairOpeningNote, statementForm } from './portal-due-process.page.ts';
import { recordLists } from './portal-meaning.page.ts';
import { relationshipsSection } from './portal-relationships.page.ts';

type ReportRecord = SubjectReport['records'][number];

/** Only a record in force can be disputed (disputes.service): revoked, repaired or expired ones no longer count. */
const DISPUTABLE = new Set(['active']);
/** Statuses under which a record can still count; "counts until" means nothing for the others. */
const COUNTING = new Set(['active', 'disputed', 'suspended']);

export function recordsSection(ctx: PageContext, view: PortalView): SafeHtml {
  const { t } = ctx;
  const records = [...view.report.records].sort(
    (a, b) => new Date(b.decided_at).getTime() - new Date(a.decided_at).getTime(),
  );
  return html`<section class="margin-bottom-5"><h2 id="records-heading">${t('portal_records_heading')}</h2>
${
  records.length === 0
    ? html`<p>${t('portal_records_none')}</p>`
    : html`<ul class="usa-list usa-list--unstyled">${records.map((r) => recordCard(ctx, view, r))}</ul>`
}
</section>${relationshipsSection(ctx, view)}`;
}

function recordCard(ctx: PageContext, view: PortalView, r: ReportRecord): SafeHtml {
  const { t } = ctx;
  const type = view.policy.record_types.get(r.type);
  const field = (label: MessageKey, value: string) =>
    html`<dt class="text-bold">${t(label)}</dt><dd class="margin-left-0 margin-bottom-1 break-word">${value}</dd>`;
  return html`<li class="border-1px border-base-lighter radius-md padding-2 margin-bottom-2" id="record-${r.id}">
<h3 class="margin-top-0">${nameIn(ctx.locale, type, r.type)} <span class="usa-tag ${
    r.status === 'active' ? 'bg-secondary-dark' : 'bg-base'
  }">${t(`portal_status_${r.status}` as MessageKey)}</span></h3>
<dl>
${field('portal_record_agency', view.names.agency(r.agency_id))}
${field('portal_record_legal_basis', r.legal_basis)}
${field('portal_record_document', r.document_ref)}
${field('portal_record_decided', localDay(ctx.locale, r.decided_at))}
${
  r.counts_until === null || !COUNTING.has(r.status)
    ? ''
    : field('portal_record_counts_until', localDay(ctx.locale, r.counts_until))
}
</dl>
${recordLists(ctx, view, r)}
${dueProcessState(ctx, r)}
${r.statements.map((s) => html`<p class="usa-prose">${t('portal_statement', { text: s.statement })}</p>`)}
${r.notes.map(
  (n) =>
    html`<p class="usa-prose">${t('portal_operator_note', { date: localDay(ctx.locale, n.at), text: n.text })}</p>`,
)}
${statementForm(ctx, view, r)}
${r.dispute === null && DISPUTABLE.has(r.status) ? disputeForm(ctx, view, r, type?.dispute.days ?? 30) : ''}
${
  r.dispute === null && r.repair === null && r.status === 'active' && (type?.points ?? 0) < 0
    ? repairForm(ctx, view, r)
    : ''
}
</li>`;
}

function dueProcessState(ctx: PageContext, r: ReportRecord): SafeHtml {
  const { t } = ctx;
  const parts: SafeHtml[] = [];
  if (r.dispute !== null) {
    const due = localDay(ctx.locale, r.dispute.due_at);
    parts.push(
      html`<p><strong>${
        r.dispute.overdue ? t('portal_dispute_overdue', { due }) : t('portal_dispute_open', { due })
      }</strong></p>`,
    );
  }
  if (r.repair !== null) parts.push(html`<p><strong>${repairState(ctx, r.repair)}</strong></p>`);
  return html`${parts}`;
}

function disputeForm(ctx: PageContext, view: PortalView, r: ReportRecord, days: number): SafeHtml {
  const { t } = ctx;
  // A refused dispute comes back open, as it was typed.
  const draft = view.draft?.dispute?.record_id === r.id ? view.draft.dispute.statement : undefined;
  const open = draft === undefined ? '' : ' open';
  return html`<details class="margin-bottom-1"${open}><summary class="usa-link text-bold">${t(
    'portal_dispute_summary',
  )}</summary>
<form class="usa-form" method="post" action="/portal/records/${r.id}/disputes">
<input type="hidden" name="csrf" value="${view.subject.csrf_token}">
<label class="usa-label" for="dispute-${r.id}">${t('portal_dispute_label')}</label>
<span class="usa-hint" id="dispute-${r.id}-hint">${t('portal_dispute_hint', { days })}</span>
<textarea class="usa-textarea" id="dispute-${
    r.id
  }" name="statement" required maxlength="4000" aria-describedby="dispute-${r.id}-hint">${draft ?? ''}</textarea>
<button class="usa-button margin-top-1 width-auto" type="submit">${t('portal_dispute_submit')}</button>
</form></details>`;
}

function repairForm(ctx: PageContext, view: PortalView, r: ReportRecord): SafeHtml {
  const { t } = ctx;
  // When repair opens is said first; before then there is no form to fill in (issue 11).
  const opening = repairOpening(view, r);
  if (opening.kind === 'from') return repairOpeningNote(ctx, opening);
  // NDRC Order No. 36 (2025): the commitment first; the application once one goes with it.
  const drafted = view.draft?.commitment?.record_id === r.id || view.draft?.repair?.record_id === r.id;
  const open = drafted ? ' open' : '';
  return html`${repairOpeningNote(ctx, opening)}<details${open}><summary class="usa-link text-bold">${t(
    'portal_repair_summary',
  )}</summary>
${commitmentForRepair(ctx, view, r)}${needsCommitment(view, r) ? '' : applicationForm(ctx, view, r)}</details>`;
}

function applicationForm(ctx: PageContext, view: PortalView, r: ReportRecord): SafeHtml {
  const { t } = ctx;
  // A refused application comes back as it was typed.
  const draft = view.draft?.repair?.record_id === r.id ? view.draft.repair : undefined;
  return html`<form class="usa-form" method="post" action="/portal/records/${r.id}/repairs">
<input type="hidden" name="csrf" value="${view.subject.csrf_token}">
<label class="usa-label" for="evidence-${r.id}">${t('portal_repair_evidence')}</label>
<textarea class="usa-textarea" id="evidence-${r.id}" name="evidence" required maxlength="4000">${
    draft?.evidence ?? ''
  }</textarea>
<label class="usa-label" for="document-${r.id}">${t('portal_repair_document')}</label>
<input class="usa-input" id="document-${r.id}" name="document_ref" type="text" maxlength="200" value="${
    draft?.document_ref ?? ''
  }">
<div class="usa-checkbox margin-top-2"><input class="usa-checkbox__input" id="performed-${
    r.id
  }" type="checkbox" name="performed" value="true"${draft?.performed === true ? html` checked` : ''}>
<label class="usa-checkbox__label" for="performed-${r.id}">${t('portal_repair_performed')}</label></div>
<button class="usa-button margin-top-1 width-auto" type="submit">${t('portal_repair_submit')}</button>
</form>`;
}
