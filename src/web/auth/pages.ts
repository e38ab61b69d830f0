/**
 * The sign-in form, the console placeholders and the coded error page: plain, accessible HTML
 * that works without JavaScript. The page layout (design system, language switch) replaces the
 * `document` wrapper later; the forms and their field names are the contract.
 */

import type { CredenceError } from '../../errors.ts';
import { html, type SafeHtml } from '../html.ts';
import type { SignedInStaff } from './staff-sessions.service.ts';

function document(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Credence</title></head>
<body><main id="main-content">
${body}
</main></body>
</html>`.value;
}

export interface SignInView {
  readonly csrf: string;
  readonly next?: string | undefined;
  readonly username?: string | undefined;
  readonly error?: CredenceError | undefined;
}

export function signInPage(view: SignInView): string {
  return document('Staff sign-in', html`<h1>Staff sign-in</h1>
${view.error === undefined ? '' : html`<div role="alert" id="sign-in-error"><p>${view.error.message}</p><p>Code: <code>${view.error.code}</code></p></div>`}
<form method="post" action="/sign-in">
  <input type="hidden" name="csrf" value="${view.csrf}">
  ${view.next === undefined ? '' : html`<input type="hidden" name="next" value="${view.next}">`}
  <p><label for="username">Username</label><br>
  <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" value="${view.username ?? ''}"${view.error === undefined ? '' : html` aria-describedby="sign-in-error"`}></p>
  <p><label for="password">Password</label><br>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"></p>
  <p><button type="submit">Sign in</button></p>
</form>`);
}

/** The form every signed-in page carries to end its session. */
export function signOutForm(staff: SignedInStaff): SafeHtml {
  return html`<form method="post" action="/sign-out"><input type="hidden" name="csrf" value="${staff.csrf_token}"><button type="submit">Sign out</button></form>`;
}


export function errorPage(error: CredenceError): string {
  return document('Error', html`<h1>This request was refused</h1>
<p>${error.message}</p>
<p>Code: <code>${error.code}</code></p>
<p><a href="/">Home</a> · <a href="/sign-in">Sign in</a></p>`);
}
