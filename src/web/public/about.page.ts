/**
 * `/about`: how scores, lists, measures, disputes and repair work, in plain language, generated
 * from the active policy, so the explanation cannot drift from the rules applied (every list and
 * measure with its legal basis and maximum duration, as issue 4 and the NDRC list measures ask), and how to
 * leave each list. The policy's texts are shown in the page's language.
 */

import { inLanguage, type LocalText, nameIn } from '../../domain/local-text.ts';
import type { ListDefinition, Policy, Tier } from '../../domain/policy.ts';
import { table } from '../components.ts';
import { html, type SafeHtml } from '../html.ts';
import { localDuration } from '../format.ts';
import { layout, type PageContext } from '../layout.ts';

export function aboutPage(ctx: PageContext, policy: Policy): SafeHtml {
  const { t, locale } = ctx;
  const lists = [...policy.lists.values()];
  const types = [...policy.record_types.values()];
  const noticeDays = Math.min(...lists.map((l) => l.notice_days));
  const target = (m: Policy['measures'][number]) =>
    html`${m.list !== undefined ? nameIn(locale, policy.lists.get(m.list), m.list) : (m.grades ?? []).join(', ')}${
      m.description === undefined
        ? ''
        : html`<br><span class="text-base font-body-3xs">${inLanguage(m.description, locale)}</span>`
    }`;
  const tiers = Object.entries(policy.repair.minimum_periods) as [Exclude<Tier, 'positive'>, string][];
  return layout(
    ctx,
    t('about_title'),
    html`
<p class="usa-intro">${t('about_intro', { id: policy.id, version: policy.version })}</p>
<section class="margin-top-5"><h2>${t('about_scores')}</h2>
<p>${t('about_scores_text', { base: policy.scoring.base })}</p>
${table(
  t('about_scores'),
  [t('col_grade'), t('col_min_score')],
  policy.scoring.grades.map((g) => [g.grade, g.min]),
)}</section>
<section class="margin-top-5"><h2>${t('about_lists')}</h2>
<p>${t('about_lists_text', { days: noticeDays })}</p>
${table(
  t('about_lists'),
  [t('col_list'), t('col_kind'), t('col_legal_basis'), t('col_max_duration')],
  lists.map((l) => [
    html`<a class="usa-link" href="/lists/${encodeURIComponent(l.id)}">${inLanguage(l.name, locale)}</a>`,
    t(l.kind === 'sanction' ? 'kind_sanction' : 'kind_reward'),
    inLanguage(l.legal_basis, locale),
    localDuration(locale, l.max_duration),
  ]),
)}
${exitRoutes(ctx, lists)}</section>
<section class="margin-top-5"><h2>${t('about_measures')}</h2>
<p>${t('about_measures_text')}</p>
${table(
  t('about_measures'),
  [t('col_applies_to'), t('col_effect'), t('col_actions'), t('col_legal_basis')],
  policy.measures.map((m) => [
    target(m),
    t(`effect_${m.effect}`),
    m.actions.map((a) => nameIn(locale, policy.actions.get(a), a)).join('; '),
    inLanguage(m.legal_basis, locale),
  ]),
)}</section>
<section class="margin-top-5"><h2>${t('about_records')}</h2>
${table(
  t('about_records'),
  [t('col_record'), t('col_legal_basis'), t('col_counts_for'), t('col_max_duration'), t('col_dispute_days')],
  types.map((r) => [
    html`${inLanguage(r.name, locale)}<br><span class="text-base font-body-3xs">${t(`tier_${r.tier}`)}</span>`,
    inLanguage(r.legal_basis, locale),
    r.duration === null ? t('until_ended') : localDuration(locale, r.duration),
    localDuration(locale, r.max_duration),
    html`${t('days_n', { n: r.dispute.days })}<br><span class="text-base font-body-3xs">${t(
      r.dispute.while_disputed === 'keep' ? 'while_keep' : 'while_suspend',
    )}</span>`,
  ]),
)}</section>
<section class="margin-top-5"><h2>${t('about_disputes')}</h2><p>${t('about_disputes_text')}</p></section>
<section class="margin-top-5"><h2>${t('about_repair')}</h2>
<p>${t('about_repair_text')}</p>
<ul class="usa-list">${tiers.map(
      ([tier, period]) => html`<li>${t(`tier_${tier}`)}: ${localDuration(locale, period)}</li>`,
    )}</ul>
${
  policy.repair.on_performance.length === 0
    ? ''
    : html`<p>${t('about_repair_performance', {
        types: policy.repair.on_performance.map((id) => nameIn(locale, policy.record_types.get(id), id)).join('; '),
      })}</p>`
}
${repairConditions(ctx, policy)}
</section>
${relatedPersons(ctx, policy)}
<section class="margin-top-5"><h2>${t('about_relied')}</h2>
<p>${t('about_relied_text', { lookback: localDuration(locale, policy.amendments.lookback) })}</p>
<p class="text-base">${inLanguage(policy.amendments.legal_basis, locale)}</p>
<p>${t('about_amendments_retention', { retention: localDuration(locale, policy.amendments.retention) })}</p>
<p>${t('about_inquiries_text', { retention: localDuration(locale, policy.inquiries.retention) })}</p>
<p class="text-base">${inLanguage(policy.inquiries.legal_basis, locale)}</p>
</section>`,
  );
}

/** NDRC Order No. 36 (2025): the credit commitment a repair needs, and by when the agency must decide. */
function repairConditions(ctx: PageContext, policy: Policy): SafeHtml {
  const { t, locale } = ctx;
  const { commitment, decision } = policy.repair;
  return html`${
    commitment === undefined
      ? ''
      : html`<p>${t('about_repair_commitment')} ${basis(commitment.legal_basis, locale)}</p>`
  }${
    decision === undefined
      ? ''
      : html`<p>${t('about_repair_deadline', { days: decision.working_days })}
${basis(decision.legal_basis, locale)}</p>`
  }`;
}

/** Fa Shi [2015] 17 art. 3 para. 2: whom a listed organisation's measures also bind, and on what law. */
function relatedPersons(ctx: PageContext, policy: Policy): SafeHtml {
  const { t, locale } = ctx;
  const rules = policy.relationships;
  if (rules === null) return html``;
  const binding = policy.measures.filter((m) => m.binds_related !== undefined);
  return html`<section class="margin-top-5"><h2>${t('about_related')}</h2>
<p>${t('about_related_text', {
    roles: [...rules.roles.values()].map((r) => inLanguage(r.name, locale)).join(locale === 'zh' ? '、' : ', '),
  })}</p>
<ul class="usa-list">${binding.map(
    (m) =>
      html`<li>${m.list === undefined ? '' : nameIn(locale, policy.lists.get(m.list), m.list)}: ${
        m.description === undefined ? m.id : inLanguage(m.description, locale)
      } ${basis(m.binds_related!.legal_basis, locale)}</li>`,
  )}</ul>
</section>`;
}

/** How to leave each list (what to do, which agency, by when, how to appeal), from the policy's `exit`. */
function exitRoutes(ctx: PageContext, lists: readonly ListDefinition[]): SafeHtml {
  const { t, locale } = ctx;
  return html`<h3 id="exit-routes">${t('about_exit')}</h3>
<p>${t('about_exit_text')}</p>
${lists.map(
  (l) => html`<h4 id="exit-${l.id}">${inLanguage(l.name, locale)}</h4>
<p class="maxw-tablet-lg">${inLanguage(l.exit, locale)}</p>`,
)}`;
}

/** A legal basis after the sentence it supports, in brackets, in the page's language. */
function basis(text: LocalText, locale: PageContext['locale']): SafeHtml {
  return html`<span class="text-base">(${inLanguage(text, locale)})</span>`;
}
