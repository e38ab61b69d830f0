/**
 * The transparency report's figures as tables, each with a bar chart: the public
 * `/transparency` page, and the same sections on the operator console (one rendering, shared).
 */

import { nameIn, type Language } from '../../domain/local-text.ts';
import type { Policy } from '../../domain/policy.ts';
import type { getTransparencyReport } from '../../services/public/transparency.service.ts';
import { barChart, type Bar } from '../charts.ts';
import { table } from '../components.ts';
import { html, type SafeHtml } from '../html.ts';
import { layout, type PageContext } from '../layout.ts';

export type TransparencyReport = Awaited<ReturnType<typeof getTransparencyReport>>;

/** How ids in the report are shown to people. */
export interface TransparencyNames {
  readonly list: (id: string) => string;
  readonly type: (id: string) => string;
  readonly agency: (id: string) => string;
  readonly action: (id: string) => string;
}

/** Names from the policy, in `language`, and the agencies table, falling back to the id. */
export function transparencyNames(
  policy: Policy,
  agencies: ReadonlyMap<string, string>,
  language: Language,
): TransparencyNames {
  return {
    list: (id) => nameIn(language, policy.lists.get(id), id),
    type: (id) => nameIn(language, policy.record_types.get(id), id),
    agency: (id) => agencies.get(id) ?? id,
    action: (id) => nameIn(language, policy.actions.get(id), id),
  };
}

/**
 * The period line and every section; `level` is the sections' heading level (2 on its own page, 3 inside a console
 * section).
 */
export async function transparencySections(
  ctx: PageContext,
  report: TransparencyReport,
  names: TransparencyNames,
  level: 2 | 3 = 2,
): Promise<SafeHtml> {
  const { t } = ctx;
  const d = report.disputes;
  const heading = (title: string) => (level === 2 ? html`<h2>${title}</h2>` : html`<h3>${title}</h3>`);
  const section = async (title: string, bars: readonly Bar[], body: SafeHtml, note: SafeHtml | string = '') => html`
<section class="margin-top-5">${heading(title)}${note}
${bars.some((b) => b.value > 0) ? await barChart(bars, t('chart_of', { title })) : html`<p>${t('no_data')}</p>`}
${body}</section>`;
  const filed = report.records_filed.by_type_and_agency;
  return html`
<p>${t('transparency_period', { from: report.from, to: report.to, version: report.policy_version })}</p>
${await section(
  t('list_sizes'),
  report.lists.map((l) => ({ label: names.list(l.list), value: l.active })),
  table(
    t('list_sizes'),
    [t('col_list'), t('col_active'), t('col_pending')],
    report.lists.map((l) => [
      html`<a class="usa-link" href="/lists/${encodeURIComponent(l.list)}">${names.list(l.list)}</a>`,
      l.active,
      l.pending,
    ]),
  ),
)}
${await section(
  t('records_filed'),
  byLabel(filed.map((r) => ({ label: names.type(r.type), value: r.count }))),
  table(
    t('records_filed'),
    [t('col_type'), t('col_agency'), t('col_count')],
    filed.map((r) => [names.type(r.type), names.agency(r.agency_id), r.count]),
  ),
  html`<p>${t('records_filed_total', { n: report.records_filed.total })}</p>`,
)}
${await section(
  t('disputes'),
  [
    { label: t('disputes_opened'), value: d.opened },
    { label: t('disputes_upheld'), value: d.outcomes.upheld },
    { label: t('disputes_corrected'), value: d.outcomes.corrected },
    { label: t('disputes_revoked'), value: d.outcomes.revoked },
  ],
  table(
    t('disputes'),
    [t('disputes_opened'), t('disputes_upheld'), t('disputes_corrected'), t('disputes_revoked'), t('disputes_median')],
    [[d.opened, d.outcomes.upheld, d.outcomes.corrected, d.outcomes.revoked, d.median_days_to_resolve ?? '—']],
  ),
)}
${await section(
  t('decisions'),
  byLabel(report.decisions.by_action_and_outcome.map((r) => ({ label: names.action(r.action), value: r.count }))),
  table(
    t('decisions'),
    [t('col_action'), t('col_outcome'), t('col_count')],
    report.decisions.by_action_and_outcome.map((r) => [names.action(r.action), r.outcome, r.count]),
  ),
)}
<section class="margin-top-5">${heading(t('repairs'))}
${table(
  t('repairs'),
  [t('repairs_approved'), t('repairs_refused')],
  [[report.repairs.approved, report.repairs.refused]],
)}</section>`;
}

/** `/transparency`. */
export async function transparencyPage(
  ctx: PageContext,
  report: TransparencyReport,
  names: TransparencyNames,
): Promise<SafeHtml> {
  return layout(ctx, ctx.t('transparency_title'), await transparencySections(ctx, report, names));
}

/** Sums bars that share a label (e.g. one record type filed by several agencies). */
function byLabel(bars: readonly Bar[]): Bar[] {
  const sums = new Map<string, number>();
  for (const b of bars) sums.set(b.label, (sums.get(b.label) ?? 0) + b.value);
  return [...sums].map(([label, value]) => ({ label, value }));
}
