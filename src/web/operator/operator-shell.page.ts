/**
 * What every operator console page shares: who is signed in, the sign-out form, and the
 * console's sections (keys, policy and ledger; notice delivery; agencies; registry activity) as links.
 */

import type { SignedInStaff } from '../../services/accounts/staff-sessions.service.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/en.ts';
import { layout, type PageContext } from '../layout.ts';

/** The console's pages, in the order of its section navigation. */
export const OPERATOR_PAGES: readonly { readonly path: string; readonly label: MessageKey }[] = [
  { path: '/operator', label: 'op_nav_console' },
  { path: '/operator/deliveries', label: 'op_nav_deliveries' },
  { path: '/operator/agencies', label: 'op_nav_agencies' },
  { path: '/operator/activity', label: 'op_nav_activity' },
  { path: '/operator/policy/simulate', label: 'op_nav_simulate' },
];

/** An instant as ISO 8601 without zero milliseconds, as the API writes it. */
export const isoInstant = (d: Date | string): string =>
  (typeof d === 'string' ? d : d.toISOString()).replace('.000Z', 'Z');

function sectionNav(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return html`<nav aria-label="${t('op_sections')}" class="margin-bottom-3"><ul class="usa-button-group">
${OPERATOR_PAGES.map(
  (p) =>
    html`<li class="usa-button-group__item">${
      ctx.path === p.path
        ? html`<a class="usa-button" href="${p.path}" aria-current="page">${t(p.label)}</a>`
        : html`<a class="usa-button usa-button--outline" href="${p.path}">${t(p.label)}</a>`
    }</li>`,
)}
</ul></nav>`;
}

/** A console page in the site layout, headed by the signed-in operator and the section links. */
export function operatorLayout(ctx: PageContext, title: string, staff: SignedInStaff, body: SafeHtml): SafeHtml {
  const { t } = ctx;
  return layout(
    ctx,
    title,
    html`<p>${t('op_signed_in')} <strong>${staff.username}</strong>, ${t('op_role_operator')}.</p>
<form method="post" action="/sign-out" class="margin-bottom-2"><input type="hidden" name="csrf" value="${
      staff.csrf_token
    }"><button class="usa-button usa-button--outline" type="submit">${t('op_sign_out')}</button></form>
${sectionNav(ctx)}
${body}`,
  );
}
