/**
 * Bulk upload on the agency console: the form (a plain multipart POST that answers when the
 * file is filed; with JavaScript, /assets/agency-upload.js sends it with XMLHttpRequest and
 * shows its progress), the agency's recent uploads, and the page of one upload with its counts.
 */

import type { ImportRow } from '../../services/records/agency-imports.service.ts';
import { alert, table } from '../components.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/en.ts';
import { localDateTime } from '../format.ts';
import { layout, type PageContext } from '../layout.ts';

export interface UploadLimits {
  readonly maxBytes: number;
  readonly batchSize: number;
}

const statusKey = (status: ImportRow['status']): MessageKey => `agency_upload_status_${status}`;

/** The upload form and the recent uploads, as a console section. */
export function uploadSection(
  ctx: PageContext,
  csrf: string,
  uploads: readonly ImportRow[],
  limits: UploadLimits,
): SafeHtml {
  const { t } = ctx;
  const rows = uploads.map((u) => [
    html`<a class="usa-link break-word" href="/agency/imports/${u.id}">${u.file_name}</a>`,
    t(statusKey(u.status)),
    String(u.lines),
    String(u.created),
    String(u.duplicate),
    String(u.rejected),
    localDateTime(ctx.locale, u.started_at),
  ]);
  return html`<section class="margin-bottom-5"><h2 id="upload-heading">${t('agency_upload_heading')}</h2>
<p>${t('agency_upload_resume', { batch: limits.batchSize })}</p>
<form class="usa-form" id="upload-form" method="post" action="/agency/imports" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="${csrf}">
<label class="usa-label" for="upload-file">${t('agency_upload_label')}</label>
<div class="usa-hint" id="upload-file-hint">${t('agency_upload_hint', {
    size: Math.floor(limits.maxBytes / (1024 * 1024)),
  })}</div>
${raw(
  '<input class="usa-file-input" id="upload-file" name="file" type="file" accept=".ndjson,.jsonl,.csv" required ' +
    'aria-describedby="upload-file-hint">',
)}
<div id="upload-sending" hidden><label class="usa-label" for="upload-sent">${t(
    'agency_upload_sent',
  )}</label><progress id="upload-sent" max="100" value="0"></progress>
<p id="upload-live" role="status"></p></div>
<button class="usa-button margin-top-1" type="submit">${t('agency_upload_submit')}</button>
</form>
<h3>${t('agency_uploads_heading')}</h3>
${
  uploads.length === 0
    ? html`<p>${t('agency_uploads_none')}</p>`
    : table(
        t('agency_uploads_caption'),
        [
          t('agency_upload_file'),
          t('agency_upload_status'),
          t('agency_upload_lines'),
          t('agency_upload_created'),
          t('agency_upload_duplicate'),
          t('agency_upload_rejected'),
          t('agency_upload_started'),
        ],
        rows,
      )
}
<script type="module" src="/assets/agency-upload.js"></script>
</section>`;
}

/**
 * `/agency/imports/:id`: the counts (ids the script updates while it runs), a progress bar and the rejects download.
 */
export function uploadPage(ctx: PageContext, upload: ImportRow, limits: UploadLimits): SafeHtml {
  const { t } = ctx;
  const finished = upload.status === 'done' || upload.status === 'failed';
  const count = (id: string, label: MessageKey, value: number) =>
    html`<dt class="text-bold">${t(label)}</dt><dd class="margin-left-0 margin-bottom-1" id="upload-${id}">${
      value
    }</dd>`;
  return layout(
    ctx,
    t('agency_upload_title', { name: upload.file_name }),
    html`
<p><a class="usa-link" href="/agency">${t('agency_back')}</a></p>
<div id="upload-status" data-status-url="/agency/imports/${upload.id}/status.json" data-status="${upload.status}">
<label class="usa-label" for="upload-progress">${t('agency_upload_progress')}: <span id="upload-state">${t(
      statusKey(upload.status),
    )}</span></label>
${
  finished
    ? html`<progress id="upload-progress" max="1" value="1"></progress>`
    : html`<progress id="upload-progress"></progress>`
}
<div role="status"><dl>
${count('lines', 'agency_upload_lines', upload.lines)}${count('created', 'agency_upload_created', upload.created)}
${[
  count('duplicate', 'agency_upload_duplicate', upload.duplicate),
  count('rejected', 'agency_upload_rejected', upload.rejected),
]}
</dl></div></div>
${
  upload.status === 'failed'
    ? alert(
        'error',
        t('agency_upload_status_failed'),
        t('agency_upload_error', { message: upload.error_message ?? '', code: upload.error_code ?? '' }),
      )
    : ''
}
${
  upload.rejected > 0
    ? html`<p><a class="usa-link" id="upload-rejects" href="/agency/imports/${
        upload.id
      }/rejects.ndjson" download>${t('agency_upload_rejects')}</a></p>`
    : ''
}
<p>${t('agency_upload_resume', { batch: limits.batchSize })}</p>
${finished ? '' : html`<script type="module" src="/assets/agency-upload.js"></script>`}`,
  );
}
