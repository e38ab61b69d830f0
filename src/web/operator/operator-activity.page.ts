/**
 * /operator/activity: the registry's activity as the transparency report shows it, charts included (shared rendering).
 */

import type { SignedInStaff } from '../../services/accounts/staff-sessions.service.ts';
import { html, type SafeHtml } from '../html.ts';
import type { PageContext } from '../layout.ts';
import { operatorLayout } from './operator-shell.page.ts';
import { transparencySections, type TransparencyNames, type TransparencyReport } from '../public/transparency.page.ts';

export async function activityPage(
  ctx: PageContext,
  staff: SignedInStaff,
  report: TransparencyReport,
  names: TransparencyNames,
): Promise<SafeHtml> {
  const { t } = ctx;
  return operatorLayout(
    ctx,
    t('op_activity_title'),
    staff,
    html`<p>${t('op_activity_intro')}</p>
${await transparencySections(ctx, report, names)}`,
  );
}
