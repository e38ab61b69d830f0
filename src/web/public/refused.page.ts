/** A refused request to a public page (a rate limit, text with control characters): the message and its code. */

import type { CredenceError } from '../../errors.ts';
import { alert } from '../components.ts';
import type { SafeHtml } from '../html.ts';
import { layout, type PageContext } from '../layout.ts';

export function refusedPage(ctx: PageContext, error: CredenceError): SafeHtml {
  const { t } = ctx;
  return layout(
    ctx,
    t('auth_error_title'),
    alert('error', t('auth_error_heading'), `${error.message} (${t('auth_error_code')}: ${error.code})`),
  );
}
