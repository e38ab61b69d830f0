/**
 * The portal's sign-in page (OpenID Connect; the demo sign-in only in demo mode) and its coded
 * error page, in the site layout and both languages.
 */

import type { CredenceError } from '../../errors.ts';
import { alert } from '../components.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import { layout, type PageContext } from '../layout.ts';
import { localError } from '../local-errors.ts';

export interface PortalSignInView {
  /** The provider's host, when OpenID Connect sign-in is set up. */
  readonly oidcIssuer: string | null;
  /** The double-submit token of the demo form, when demo mode is on. */
  readonly demoCsrf: string | null;
  readonly schemes: readonly { id: string; name: string }[];
  readonly next?: string | undefined;
  readonly error?: CredenceError | undefined;
}

export function portalSignInPage(ctx: PageContext, view: PortalSignInView): SafeHtml {
  const { t } = ctx;
  const next = view.next === undefined ? '' : `?next=${encodeURIComponent(view.next)}`;
  return layout(
    ctx,
    t('portal_sign_in_title'),
    html`
${view.error ? errorAlert(ctx, view.error) : ''}
<p class="usa-intro">${t('portal_sign_in_intro')}</p>
${
  view.oidcIssuer !== null
    ? html`<p><a class="usa-button usa-button--big" href="/portal/sign-in/oidc${next}">${t(
        'portal_sign_in_oidc',
      )}</a></p>
<p class="usa-hint">${t('portal_sign_in_oidc_hint', { issuer: view.oidcIssuer })}</p>`
    : ''
}
${
  view.oidcIssuer === null && view.demoCsrf === null
    ? alert('info', t('portal_sign_in_title'), t('portal_sign_in_unavailable'))
    : ''
}
${view.demoCsrf !== null ? demoForm(ctx, view, view.demoCsrf) : ''}`,
  );
}

function demoForm(ctx: PageContext, view: PortalSignInView, csrf: string): SafeHtml {
  const { t } = ctx;
  return html`<section class="margin-top-4"><h2>${t('portal_demo_heading')}</h2>
${alert('warning', t('portal_demo_warning_heading'), t('portal_demo_warning'))}
<form class="usa-form" method="post" action="/portal/demo-sign-in">
<input type="hidden" name="csrf" value="${csrf}">
${view.next === undefined ? '' : html`<input type="hidden" name="next" value="${view.next}">`}
<label class="usa-label" for="demo-scheme">${t('portal_demo_scheme')}</label>
<select class="usa-select" id="demo-scheme" name="scheme">${view.schemes.map(
    (s) => html`<option value="${s.id}">${s.name} (${s.id})</option>`,
  )}</select>
<label class="usa-label" for="demo-id">${t('portal_demo_id')}</label>
${raw(
  '<input class="usa-input" id="demo-id" name="id" type="text" required maxlength="100" autocomplete="off" ' +
    'spellcheck="false">',
)}
<button class="usa-button margin-top-2" type="submit">${t('portal_demo_submit')}</button>
</form></section>`;
}

function errorAlert(ctx: PageContext, error: CredenceError): SafeHtml {
  return html`<div class="usa-alert usa-alert--error" role="alert"><div class="usa-alert__body">
<h2 class="usa-alert__heading">${ctx.t('portal_error_title')}</h2>
<p class="usa-alert__text">${localError(ctx, error)}</p>
<p class="usa-alert__text">${ctx.t('portal_error_code')}: <code>${error.code}</code></p></div></div>`;
}

/** A refused portal request: the message, its code, and the way back. */
export function portalErrorPage(ctx: PageContext, error: CredenceError): SafeHtml {
  return layout(
    ctx,
    ctx.t('portal_error_title'),
    html`${errorAlert(ctx, error)}
<p><a class="usa-link" href="/portal">${ctx.t('portal_back')}</a></p>`,
  );
}
