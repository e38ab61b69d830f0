/**
 * The staff sign-in form and the coded error page, in the site layout (USWDS, language switch),
 * working without JavaScript. The form's field names (`username`, `password`, `csrf`, `next`)
 * are the contract with POST /sign-in. An error always shows its code, so a person can quote it.
 */

import type { CredenceError, ErrorCode } from '../../errors.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/en.ts';
import { layout, type PageContext } from '../layout.ts';
import { localError } from '../local-errors.ts';

export interface SignInView {
  readonly csrf: string;
  readonly next?: string | undefined;
  readonly username?: string | undefined;
  readonly error?: CredenceError | undefined;
}

/** Codes a person meets on these pages, explained in their language; others show the error's own message. */
const EXPLAINED: Partial<Record<ErrorCode, MessageKey>> = {
  CRD_SIGN_IN_FAILED: 'auth_error_failed',
  CRD_SIGN_IN_LOCKED: 'auth_error_locked',
  CRD_RATE_LIMITED: 'auth_error_rate_limited',
  CRD_CSRF_INVALID: 'auth_error_csrf',
  CRD_FORBIDDEN: 'auth_error_forbidden',
  CRD_VALIDATION: 'auth_error_validation',
};

function explain(ctx: PageContext, error: CredenceError): string {
  const key = EXPLAINED[error.code];
  // A refusal that names its fields (a control character in `reason`) says more than the general explanation.
  return key === undefined || error.details.length > 0 ? localError(ctx, error) : ctx.t(key);
}

/** The message and its code, e.g. "Code: CRD_SIGN_IN_FAILED". */
function codedMessage(ctx: PageContext, error: CredenceError): SafeHtml {
  return html`<p class="usa-alert__text">${explain(ctx, error)}</p>
<p class="usa-alert__text">${ctx.t('auth_error_code')}: <code>${error.code}</code></p>`;
}

/** GET /sign-in, and the same form again after a refused attempt (with what was typed, never the password). */
export function signInPage(ctx: PageContext, view: SignInView): SafeHtml {
  const { t } = ctx;
  const error =
    view.error === undefined
      ? ''
      : html`<div class="usa-alert usa-alert--error" role="alert" id="sign-in-error"><div class="usa-alert__body">
<h2 class="usa-alert__heading">${t('auth_sign_in_refused')}</h2>${codedMessage(ctx, view.error)}</div></div>`;
  const described = view.error === undefined ? '' : html` aria-describedby="sign-in-error"`;
  return layout(
    ctx,
    t('auth_sign_in_title'),
    html`${error}
<form class="usa-form" method="post" action="/sign-in">
  <input type="hidden" name="csrf" value="${view.csrf}">
  ${view.next === undefined ? '' : html`<input type="hidden" name="next" value="${view.next}">`}
  <label class="usa-label" for="username">${t('auth_username')}</label>
  ${raw(
    '<input class="usa-input" id="username" name="username" type="text" autocomplete="username" ' +
      'autocapitalize="none" spellcheck="false" required maxlength="64"',
  )} value="${view.username ?? ''}"${described}>
  <label class="usa-label" for="password">${t('auth_password')}</label>
  ${raw(
    '<input class="usa-input" id="password" name="password" type="password" autocomplete="current-password" ' +
      'required maxlength="1024">',
  )}
  <button class="usa-button margin-top-3" type="submit">${t('auth_sign_in_submit')}</button>
</form>
<p class="margin-top-4">${t('auth_sign_in_hint')}</p>`,
  );
}

/** The page every refused page request gets: what happened, its code, and where to go next. */
export function errorPage(ctx: PageContext, error: CredenceError): SafeHtml {
  const { t } = ctx;
  return layout(
    ctx,
    t('auth_error_title'),
    html`<div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body">
<h2 class="usa-alert__heading">${t('auth_error_heading')}</h2>${codedMessage(ctx, error)}</div></div>
<p class="margin-top-3"><a class="usa-link" href="/">${t(
      'auth_error_home',
    )}</a> · <a class="usa-link" href="/sign-in">${t('auth_sign_in_title')}</a></p>`,
  );
}
