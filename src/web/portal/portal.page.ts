/**
 * `/portal`: a subject's own credit file in plain words. Score and grade with a gauge, the top
 * factors (FCRA § 615: adverse-action notices name the key factors), the lists and the measures
 * in effect (what I cannot do, why, until when), every record with its dispute and repair forms,
 * notices, and who checked me. Every form is a plain POST with the session's CSRF token.
 */

import { inLanguage, nameIn } from '../../domain/local-text.ts';
import { alert } from '../components.ts';
import { gaugeScale, scoreGauge } from '../gauge.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/en.ts';
import { localDay } from '../format.ts';
import { layout, type PageContext } from '../layout.ts';
import { inquiriesSection, noticesSection } from './portal-activity.page.ts';
import { commitmentsSection } from './portal-commitments.page.ts';
import { logSection } from './portal-log.page.ts';
import { listsMeaningSection, measureConflicts } from './portal-meaning.page.ts';
import { recordsSection } from './portal-records.page.ts';
import type { PortalView } from './portal-view.ts';

export function portalPage(ctx: PageContext, view: PortalView): SafeHtml {
  const { t } = ctx;
  return layout(
    ctx,
    t('portal_title'),
    html`
${view.subject.via === 'demo' ? alert('warning', t('portal_demo_heading'), t('portal_demo_banner')) : ''}
<div class="display-flex flex-wrap flex-align-center margin-bottom-2">
<p class="margin-y-1 margin-right-2">${t('portal_signed_in_as', {
      identifier: `${view.subject.scheme}:${view.subject.id}`,
    })}</p>
<form method="post" action="/portal/sign-out"><input type="hidden" name="csrf" value="${
      view.subject.csrf_token
    }"><button class="usa-button usa-button--outline" type="submit">${t('portal_sign_out')}</button></form>
</div>
${
  view.flash
    ? alert(view.flash.kind, view.flash.kind === 'success' ? t('portal_done') : t('portal_refused'), view.flash.text)
    : ''
}
<nav aria-label="${t('portal_sections')}"><ul class="usa-list">
<li><a class="usa-link" href="#score-heading">${t('portal_score_heading')}</a></li>
<li><a class="usa-link" href="#measures-heading">${t('portal_measures_heading')}</a></li>
<li><a class="usa-link" href="#records-heading">${t('portal_records_heading')} (${view.report.records.length})</a></li>
<li><a class="usa-link" href="#commitments-heading">${t('commitment_heading')} (${
      view.report.commitments.length
    })</a></li>
<li><a class="usa-link" href="#notices-heading">${t('portal_notices_heading')} (${view.report.notices.length})</a></li>
<li><a class="usa-link" href="#inquiries-heading">${t('portal_inquiries_heading')} (${
      view.report.inquiries.length
    })</a></li>
<li><a class="usa-link" href="#log-heading">${t('portal_log_heading')}</a></li>
</ul></nav>
<p><a class="usa-button usa-button--outline" href="/portal/data.json" download>${t('portal_download')}</a>
<a class="usa-button usa-button--outline" href="/portal/report.pdf">${t('portal_download_pdf')}</a></p>
<p class="usa-hint print-hide">${t('portal_print_hint')}</p>
${scoreSection(ctx, view)}
${listsMeaningSection(ctx, view)}
${measuresSection(ctx, view)}
${recordsSection(ctx, view)}
${commitmentsSection(ctx, view)}
${noticesSection(ctx, view)}
${inquiriesSection(ctx, view)}
${logSection(ctx, view)}`,
  );
}

function scoreSection(ctx: PageContext, view: PortalView): SafeHtml {
  const { t } = ctx;
  const { report, policy } = view;
  const scale = gaugeScale(policy.scoring);
  const factors = report.factors.map(
    (f) =>
      html`<li>${t('portal_factor', {
        type: nameIn(ctx.locale, policy.record_types.get(f.record_type), f.record_type),
        agency: view.names.agency(f.agency_id),
        points: f.points > 0 ? `+${f.points}` : String(f.points),
        basis: f.legal_basis,
      })}</li>`,
  );
  return html`<section class="margin-bottom-5"><h2 id="score-heading">${t('portal_score_heading')}</h2>
<div class="display-flex flex-wrap flex-align-center">
${scoreGauge(
  report.score,
  report.grade,
  scale,
  t('portal_gauge_label', { score: report.score, min: scale.min, max: scale.max, grade: report.grade }),
)}
<p class="margin-left-2 maxw-mobile-lg">${
    report.subject.known
      ? t('portal_score_text', { score: report.score, grade: report.grade, base: policy.scoring.base })
      : t('portal_unknown', { score: report.score, grade: report.grade })
  }</p>
</div>
<h3>${t('portal_factors_heading')}</h3>
${factors.length === 0 ? html`<p>${t('portal_factors_none')}</p>` : html`<ol class="usa-list">${factors}</ol>`}
</section>`;
}

function measuresSection(ctx: PageContext, view: PortalView): SafeHtml {
  const { t } = ctx;
  const { policy } = view;
  const items = view.report.measures.map((m) => {
    const because =
      m.list !== undefined
        ? t('portal_measure_because_list', { list: nameIn(ctx.locale, policy.lists.get(m.list), m.list) })
        : t('portal_measure_because_grade', { grade: m.grade ?? view.report.grade });
    const until =
      m.until === null ? t('portal_measure_while') : t('portal_measure_until', { date: localDay(ctx.locale, m.until) });
    const actions = m.actions.map((a) => nameIn(ctx.locale, policy.actions.get(a), a));
    const measure = policy.measures.find((x) => x.id === m.id);
    const basis = measure === undefined ? m.legal_basis : inLanguage(measure.legal_basis, ctx.locale);
    return html`<li class="border-1px border-base-lighter radius-md padding-2 margin-bottom-2">
<p class="margin-top-0"><span class="usa-tag ${
      m.effect === 'deny' || m.effect === 'restrict' ? 'bg-secondary-dark' : 'bg-primary'
    }">${t(`portal_effect_${m.effect}` as MessageKey)}</span></p>
<ul class="usa-list">${actions.map((a) => html`<li>${a}</li>`)}</ul>
<p class="margin-bottom-0">${t('portal_measure_detail', { because, basis, until })}</p></li>`;
  });
  return html`<section class="margin-bottom-5"><h2 id="measures-heading">${t('portal_measures_heading')}</h2>
${
  items.length === 0
    ? html`<p>${t('portal_measures_none')}</p>`
    : html`<ul class="usa-list usa-list--unstyled">${items}</ul>${measureConflicts(ctx, view)}`
}</section>`;
}
