/**
 * The page shell: skip link, `<html lang>`, USWDS header with navigation and a language switch
 * that is a plain link (works without JavaScript), main, footer. No inline scripts or styles.
 */

import { html, type SafeHtml } from './html.ts';
import { LOCALE_INFO, LOCALES, type Locale, type Translate } from './i18n/index.ts';

export interface PageContext {
  readonly locale: Locale;
  readonly t: Translate;
  /** The request's path and query, so the language switch returns to the same page. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

export function layout(ctx: PageContext, title: string, body: SafeHtml): SafeHtml {
  const { t, locale } = ctx;
  return html`<!DOCTYPE html>
<html lang="${LOCALE_INFO[locale].tag}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t('site_name')}</title>
<link rel="stylesheet" href="/assets/uswds/css/uswds.min.css">
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<a class="usa-skipnav" href="#main-content">${t('skip_to_content')}</a>
<header class="usa-header usa-header--basic border-bottom-1px border-base-lighter">
  <div class="grid-container padding-y-2">
    <div class="usa-logo margin-y-1"><em class="usa-logo__text"><a href="/" title="${t('site_name')}">${t(
      'site_name',
    )}</a></em></div>
    <div class="display-flex flex-wrap flex-justify flex-align-center">
      <nav aria-label="${t('site_name')}">
        <ul class="usa-list usa-list--unstyled display-flex flex-wrap">
          ${[
            navLink(ctx, '/', t('nav_search')),
            navLink(ctx, '/transparency', t('nav_transparency')),
            navLink(ctx, '/about', t('nav_about')),
            navLink(ctx, '/portal', t('nav_portal')),
          ]}
        </ul>
      </nav>
      ${languageSwitch(ctx)}
    </div>
  </div>
</header>
<main id="main-content" class="grid-container padding-y-4">
<h1 class="margin-top-0">${title}</h1>
${body}
</main>
<footer class="usa-footer usa-footer--slim">
  <div class="usa-footer__primary-section"><div class="grid-container padding-y-2"><p class="margin-0">${t(
    'footer_text',
  )}</p></div></div>
</footer>
</body>
</html>`;
}

function navLink(ctx: PageContext, href: string, label: string): SafeHtml {
  const current = ctx.path === href;
  return html`<li class="margin-right-3 margin-y-05"><a class="usa-link${current ? ' text-bold' : ''}" href="${href}"${
    current ? html` aria-current="page"` : ''
  }>${label}</a></li>`;
}

/** Each other language as a link to this same page with `?lang=`; the server sets the cookie. */
function languageSwitch(ctx: PageContext): SafeHtml {
  const item = (l: Locale) =>
    l === ctx.locale
      ? html`<strong lang="${LOCALE_INFO[l].tag}" aria-current="true">${LOCALE_INFO[l].label}</strong>`
      : html`<a class="usa-link" href="${withQuery(ctx, {
          lang: l,
        })}" hreflang="${LOCALE_INFO[l].tag}" lang="${LOCALE_INFO[l].tag}">${LOCALE_INFO[l].label}</a>`;
  return html`<nav aria-label="${ctx.t('language')}" class="margin-y-05">${LOCALES.map(
    (l, i) => html`${i > 0 ? ' / ' : ''}${item(l)}`,
  )}</nav>`;
}

/** This page's URL with some query parameters replaced. */
export function withQuery(ctx: PageContext, changes: Readonly<Record<string, string>>): string {
  const params = new URLSearchParams({ ...ctx.query, ...changes });
  return `${ctx.path}?${params.toString()}`;
}

export function isoDate(value: Date | string): string {
  return (typeof value === 'string' ? value : value.toISOString()).slice(0, 10);
}
