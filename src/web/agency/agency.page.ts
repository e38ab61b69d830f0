/**
 * `/agency`: the agency clerk's console. Filing form, dispute queue (deadline first, overdue
 * marked: FCRA § 611 gives 30 days to reinvestigate) and repair queue (NDRC credit repair
 * measures), each row with its own plain form, so everything works without JavaScript.
 */

import type { Policy } from '../../domain/policy.ts';
import type { RepairView } from '../../services/due-process/repairs.service.ts';
import { alert } from '../components.ts';
import { html, type SafeHtml } from '../html.ts';
import { localDay } from '../format.ts';
import { layout, type PageContext } from '../layout.ts';
import { fileRecordForm, type FileFormState } from './agency-file-form.page.ts';
import { disputeQueue, type DisputeQueue } from './agency-disputes.page.ts';
import { recordSearchSection, type RecordSearch } from './agency-records.page.ts';
import { uploadSection, type UploadLimits } from './agency-upload.page.ts';
import type { ImportRow } from '../../services/records/agency-imports.service.ts';

export interface AgencyConsole {
  readonly username: string;
  readonly agencyName: string;
  readonly agencyKind: string;
  readonly csrf: string;
  readonly disputes: DisputeQueue;
  readonly repairs: readonly RepairView[];
  readonly form: FileFormState;
  /** The agency's recent uploads, newest first. */
  readonly uploads: readonly ImportRow[];
  readonly uploadLimits: UploadLimits;
  readonly search: RecordSearch;
  /** What the last form did, shown once after its redirect. */
  readonly flash?: { kind: 'success' | 'error'; text: string };
}

export function agencyConsolePage(ctx: PageContext, policy: Policy, data: AgencyConsole): SafeHtml {
  const { t } = ctx;
  // A refused filing comes first, its error summary at the top of the page, where the focus goes (issue 11).
  const refused = data.form.problems.length > 0;
  return layout(
    ctx,
    t('agency_title'),
    html`
<p>${t('agency_signed_in_as')} <strong>${data.username}</strong>${t('agency_clerk_at', { agency: data.agencyName })}</p>
<form method="post" action="/sign-out" class="margin-bottom-3"><input type="hidden" name="csrf" value="${
      data.csrf
    }"><button class="usa-button usa-button--outline" type="submit">${t('agency_sign_out')}</button></form>
<nav aria-label="${t('agency_sections')}"><ul class="usa-list">
<li><a class="usa-link" href="#disputes-heading">${t('agency_disputes_heading')} (${
      data.disputes.items.length
    })</a></li>
<li><a class="usa-link" href="#repairs-heading">${t('agency_repairs_heading')} (${data.repairs.length})</a></li>
<li><a class="usa-link" href="#find-heading">${t('agency_nav_find')}</a></li>
<li><a class="usa-link" href="#file-heading">${t('agency_file_heading')}</a></li>
<li><a class="usa-link" href="#upload-heading">${t('agency_nav_upload')}</a></li>
<li><a class="usa-link" href="/agency/records">${t('agency_nav_records')}</a></li>
</ul></nav>
${
  data.flash
    ? alert(
        data.flash.kind,
        data.flash.kind === 'success' ? t('agency_done') : t('agency_file_invalid'),
        data.flash.text,
      )
    : ''
}
${refused ? fileRecordForm(ctx, policy, data.agencyKind, data.csrf, data.form) : ''}
${disputeQueue(ctx, policy, data.csrf, data.disputes)}
${repairQueue(ctx, data)}
${recordSearchSection(ctx, policy, data.csrf, data.search)}
${refused ? '' : fileRecordForm(ctx, policy, data.agencyKind, data.csrf, data.form)}
${uploadSection(ctx, data.csrf, data.uploads, data.uploadLimits)}`,
  );
}

function reasonField(ctx: PageContext, id: string): SafeHtml {
  return html`<label class="usa-label" for="reason-${id}">${ctx.t('agency_reason')}</label>
<textarea class="usa-textarea height-8" id="reason-${id}" name="reason" required maxlength="2000"></textarea>`;
}

/**
 * A repair's deadline, shown and marked overdue as a dispute's: a deletion within 3 working days (Fa Shi [2017] 7
 * art. 10), any other application within the policy's decision deadline (NDRC Order No. 36 (2025): 10 working days).
 */
function repairDue(ctx: PageContext, r: RepairView): SafeHtml | string {
  if (r.due_at === null) return '';
  const overdue = r.overdue ? html` <span class="usa-tag bg-secondary-dark">${ctx.t('agency_overdue')}</span>` : '';
  return html`<p><strong>${ctx.t('agency_col_due')}:</strong> ${localDay(ctx.locale, r.due_at)}${overdue}</p>`;
}

function repairQueue(ctx: PageContext, data: AgencyConsole): SafeHtml {
  const { t } = ctx;
  const body =
    data.repairs.length === 0
      ? html`<p>${t('agency_repairs_none')}</p>`
      : html`<ul class="usa-list usa-list--unstyled">${data.repairs.map(
          (r) => html`<li class="border-1px border-base-lighter radius-md padding-2 margin-bottom-2">
<h3 class="margin-top-0">${t('agency_col_record')} <span class="break-word">${r.record_id}</span></h3>
<p><strong>${t('agency_col_applied')}:</strong> ${localDay(ctx.locale, r.applied_at)}</p>
${repairDue(ctx, r)}
${
  r.commitment_text === null
    ? ''
    : html`<p><strong>${t('agency_col_commitment')}:</strong> <span class="break-word">${r.commitment_text}</span></p>`
}
<p><strong>${t('agency_col_evidence')}:</strong> <span class="break-word">${r.evidence}</span>${
            r.document_ref ? html` (<span class="break-word">${r.document_ref}</span>)` : ''
          }</p>
<form class="usa-form" method="post" action="/agency/repairs/${r.repair_id}/decision">
<input type="hidden" name="csrf" value="${data.csrf}">
${reasonField(ctx, r.repair_id)}
<button class="usa-button margin-top-1" type="submit" name="approve" value="true">${t('agency_approve')}</button>
<button class="usa-button usa-button--secondary margin-top-1" type="submit" name="approve" value="false">${t(
            'agency_refuse',
          )}</button>
</form></li>`,
        )}</ul>`;
  return html`<section class="margin-bottom-5"><h2 id="repairs-heading">${t('agency_repairs_heading')}</h2>${
    body
  }</section>`;
}
