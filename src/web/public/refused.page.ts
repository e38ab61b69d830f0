/**
 * A refused or failed browser request as a page in the site layout and the page's language (issue 11): a 404, 403,
 * 429 or 5xx says in the reader's language what happened and what to do next; any other refusal (a rate limit on a
 * form, text with control characters) shows its message. The code is always shown, so a person can quote it.
 */

import type { CredenceError } from '../../errors.ts';
import { alert } from '../components.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/en.ts';
import { layout, type PageContext } from '../layout.ts';
import { localError } from '../local-errors.ts';

/** The title and the explanation of each status a person meets by following a link or typing an address. */
const BY_STATUS: Readonly<Record<number, { title: MessageKey; text: MessageKey }>> = {
  403: { title: 'error_403_title', text: 'error_403_text' },
  404: { title: 'error_404_title', text: 'error_404_text' },
  429: { title: 'error_429_title', text: 'error_429_text' },
};

export interface RefusedView {
  readonly error: CredenceError;
  /** Seconds until a rate-limited request may be sent again (the Retry-After header). */
  readonly retryAfter?: number | undefined;
}

export function refusedPage(ctx: PageContext, view: RefusedView): SafeHtml {
  const { t } = ctx;
  const { error } = view;
  const known = error.status >= 500 ? { title: 'error_title', text: 'error_text' } : BY_STATUS[error.status];
  const title = t(known === undefined ? 'auth_error_title' : (known.title as MessageKey));
  const text =
    known === undefined
      ? localError(ctx, error)
      : t(known.text as MessageKey, { seconds: Math.max(1, Math.ceil(view.retryAfter ?? 60)) });
  const heading = t(known === undefined ? 'auth_error_heading' : 'error_next_heading');
  return layout(
    ctx,
    title,
    html`${alert(error.status >= 500 ? 'error' : 'warning', heading, text)}
<p class="margin-top-2">${t('auth_error_code')}: <code>${error.code}</code></p>
<p class="margin-top-3"><a class="usa-link" href="/">${t('error_home_link')}</a></p>`,
  );
}
