/**
 * The portal's "check your file against the public log" section (issue 9, item 5). The check itself runs in
 * the resident's browser (src/web/browser/log-check.js, served at /assets/log-check.js): it fetches the same
 * download as "Download my data", and verifies the checkpoint's signature, the witnesses' cosignatures and
 * every entry's inclusion proof with WebCrypto. The page gives it the keys to check with, shown so the resident
 * can compare them with those the log and its witnesses publish, and its messages in the page's language.
 * Without JavaScript the section says how to check a download with `credence verify-report`.
 */

import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/en.ts';
import type { PageContext } from '../layout.ts';
import type { PortalView } from './portal-view.ts';

/** The messages the script shows, by the names it uses; placeholders such as {index} are left for it to fill. */
const SCRIPT_MESSAGES = [
  'checking',
  'verified_heading',
  'verified',
  'no_witnesses',
  'pending',
  'entry',
  'nothing_yet_heading',
  'nothing_yet',
  'failed_heading',
  'failed_malformed',
  'failed_log_key',
  'failed_signature',
  'failed_witnesses',
  'failed_entry',
  'failed_subject',
  'failed_key_changed',
  'failed_fork',
  'failed_shrank',
  'failed_advice',
  'fetch_failed',
  'unavailable_heading',
  'no_crypto',
] as const;

export function logSection(ctx: PageContext, view: PortalView): SafeHtml {
  const { t } = ctx;
  const { log } = view;
  const messages = Object.fromEntries(SCRIPT_MESSAGES.map((name) => [name, t(`portal_log_${name}` as MessageKey)]));
  const witnesses =
    log.witnessKeys.length === 0
      ? html`<p>${t('portal_log_no_witness_keys')}</p>`
      : html`<p>${t('portal_log_witness_keys', { quorum: log.quorum })}</p>
<ul class="usa-list">${log.witnessKeys.map((key) => html`<li><code class="break-word">${key}</code></li>`)}</ul>`;
  return html`<section class="margin-bottom-5"><h2 id="log-heading">${t('portal_log_heading')}</h2>
<p>${t('portal_log_intro', { origin: log.origin })}</p>
<div data-log-check data-report-url="/portal/data.json" data-log-key="${log.key}" data-witness-keys="${JSON.stringify(
    log.witnessKeys,
  )}" data-quorum="${log.quorum}" data-messages="${JSON.stringify(messages)}">
<p data-log-check-nojs>${t('portal_log_nojs')}</p>
<div data-log-check-controls hidden>
<button class="usa-button" type="button" data-log-check-run>${t('portal_log_run')}</button>
<label class="usa-label" for="log-check-file">${t('portal_log_file')}</label>
<input class="margin-top-1" id="log-check-file" name="log-check-file" type="file" accept="application/json,.json"
 data-log-check-file>
</div>
<div role="status" data-log-check-result></div>
</div>
<details class="margin-top-2"><summary>${t('portal_log_keys')}</summary>
<p>${t('portal_log_key')}</p>
<p><code class="break-word">${log.key}</code></p>
${witnesses}
</details>
<script type="module" src="/assets/log-check.js"></script>
</section>`;
}
