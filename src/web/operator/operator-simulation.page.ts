/**
 * /operator/policy/simulate: what the candidate policy (CREDENCE_POLICY_CANDIDATE_DIR) would change, by subject kind:
 * grade transitions, list joins and leaves, measures gained and lost, as bar charts and tables. Counts only: the
 * sample subject ids (personal data) are never asked for here.
 */

import type { KindSimulation, ListChange, MeasureChange, PolicySide } from '../../domain/policy-simulation.ts';
import type { Policy, SubjectKind } from '../../domain/policy.ts';
import type { ProblemDetail } from '../../errors.ts';
import type { SignedInStaff } from '../../services/accounts/staff-sessions.service.ts';
import type { PolicySimulation } from '../../services/ledger/policy-simulation.service.ts';
import type { PolicyActivationRow } from '../../services/ledger/policy.service.ts';
import { type FormState, group, textInput } from '../form-fields.ts';
import { barChart } from '../charts.ts';
import { alert, table } from '../components.ts';
import { localDateTime } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/en.ts';
import type { PageContext } from '../layout.ts';
import { operatorLayout } from './operator-shell.page.ts';

/** The candidate as the console found it: none configured, invalid (with its problems), or loaded. */
export type CandidateState =
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid'; readonly problems: readonly ProblemDetail[] }
  | { readonly kind: 'loaded'; readonly policy: Policy };

export interface SimulationView {
  readonly staff: SignedInStaff;
  readonly active: Policy;
  readonly candidate: CandidateState;
  /** The simulation just run (POST), if any. */
  readonly simulation?: PolicySimulation;
  /** The activation under way, if any, and the latest ones (issue 12). */
  readonly activations: { readonly open: PolicyActivationRow | null; readonly recent: readonly PolicyActivationRow[] };
  /** The activation form as sent, with its problems, when it was refused. */
  readonly form?: FormState & { readonly message: string };
}

const code = (text: string) => html`<code>${text}</code>`;

function policiesTable(ctx: PageContext, active: PolicySide, candidate: PolicySide): SafeHtml {
  const { t } = ctx;
  const row = (label: string, p: PolicySide) => [label, code(p.id), code(p.version), code(p.digest.slice(0, 12))];
  return table(
    t('sim_policies'),
    [t('sim_col_policy'), t('sim_col_id'), t('sim_col_version'), t('sim_col_digest')],
    [row(t('sim_active'), active), row(t('sim_candidate'), candidate)],
  );
}

function runForm(ctx: PageContext, csrf: string): SafeHtml {
  return html`<form method="post" action="/operator/policy/simulate" class="margin-y-2">
<input type="hidden" name="csrf" value="${csrf}">
<p>${ctx.t('sim_run_note')}</p>
<button class="usa-button" type="submit">${ctx.t('sim_run')}</button></form>`;
}

/** A list's or measure's name in the page's language, from the candidate (or the active policy, if it dropped it). */
function listName(ctx: PageContext, view: SimulationView, id: string): string {
  const candidate = view.candidate.kind === 'loaded' ? view.candidate.policy : undefined;
  const list = candidate?.lists.get(id) ?? view.active.lists.get(id);
  return list === undefined ? id : list.name[ctx.locale];
}

function definitionNote(ctx: PageContext, change: ListChange['definition']): string {
  return change === 'unchanged' ? '' : ` (${ctx.t(`sim_definition_${change}` as MessageKey)})`;
}

function kindLabel(ctx: PageContext, kind: SubjectKind): string {
  return ctx.t(`sim_kind_${kind}` as MessageKey);
}

async function gradeSection(ctx: PageContext, k: KindSimulation, kind: string): Promise<SafeHtml> {
  const { t } = ctx;
  if (k.grades.length === 0) return html`<p>${t('sim_no_grade_change')}</p>`;
  const bars = k.grades.map((g) => ({ label: `${g.from} → ${g.to}`, value: g.count }));
  return html`${await barChart(bars, t('sim_chart_grades', { kind }))}
${table(
  t('sim_grades', { kind }),
  [t('sim_col_from'), t('sim_col_to'), t('sim_col_subjects')],
  k.grades.map((g) => [g.from, g.to, g.count]),
)}`;
}

async function listSection(ctx: PageContext, view: SimulationView, k: KindSimulation, kind: string) {
  const { t } = ctx;
  // Only the lists that change: a chart of zeros says less than the table under it.
  const bars = k.lists
    .flatMap((l) => {
      const list = listName(ctx, view, l.list);
      return [
        { label: t('sim_bar_joins', { list }), value: l.joins.count },
        { label: t('sim_bar_leaves', { list }), value: l.leaves.count },
      ];
    })
    .filter((bar) => bar.value > 0);
  const chart = bars.length > 0 ? await barChart(bars, t('sim_chart_lists', { kind })) : '';
  return html`${chart}
${table(
  t('sim_lists', { kind }),
  [
    ...['sim_col_list', 'sim_col_active_now', 'sim_col_pending_now', 'sim_col_active_then', 'sim_col_pending_then'],
    ...['sim_col_joins', 'sim_col_leaves', 'sim_col_pending_joins', 'sim_col_pending_leaves'],
  ].map((key) => t(key as MessageKey)),
  k.lists.map((l) => [
    `${listName(ctx, view, l.list)}${definitionNote(ctx, l.definition)}`,
    ...[l.before.active, l.before.pending, l.after.active, l.after.pending],
    ...[l.joins, l.leaves, l.pending_joins, l.pending_leaves].map((c) => c.count),
  ]),
)}`;
}

function measureSection(ctx: PageContext, measures: readonly MeasureChange[], kind: string): SafeHtml {
  const { t } = ctx;
  if (measures.length === 0) return html`<p>${t('sim_no_measure_change')}</p>`;
  return table(
    t('sim_measures', { kind }),
    [t('sim_col_measure'), t('sim_col_gains'), t('sim_col_losses')],
    measures.map((m) => [html`${code(m.measure)}${definitionNote(ctx, m.definition)}`, m.gains.count, m.losses.count]),
  );
}

async function kindSection(ctx: PageContext, view: SimulationView, k: KindSimulation): Promise<SafeHtml> {
  const kind = kindLabel(ctx, k.kind);
  const heading = ctx.t('sim_kind_heading', { kind, subjects: k.subjects, changed: k.changed.count });
  return html`<section class="margin-top-4"><h2>${heading}</h2>
${await gradeSection(ctx, k, kind)}
${await listSection(ctx, view, k, kind)}
${measureSection(ctx, k.measures, kind)}</section>`;
}

async function results(ctx: PageContext, view: SimulationView, s: PolicySimulation): Promise<SafeHtml> {
  const summary = ctx.t('sim_summary', {
    at: localDateTime(ctx.locale, s.at),
    subjects: s.subjects,
    seconds: (s.elapsed_ms / 1000).toFixed(1),
    rate: s.subjects_per_second,
  });
  const sections: SafeHtml[] = [];
  for (const k of s.kinds) sections.push(await kindSection(ctx, view, k));
  return html`<p>${summary}</p>${sections}`;
}

function candidateBody(ctx: PageContext, view: SimulationView): SafeHtml {
  const { t } = ctx;
  const candidate = view.candidate;
  if (candidate.kind === 'none') return alert('info', t('sim_none_heading'), t('sim_none_text'));
  if (candidate.kind === 'invalid') {
    const problem = (p: ProblemDetail) => html`<li>${p.path === '' ? '' : html`${code(p.path)}: `}${p.message}</li>`;
    return html`${alert('error', t('sim_invalid_heading'), t('sim_invalid_text'))}
<ul class="break-word">${candidate.problems.map(problem)}</ul>`;
  }
  return html`${policiesTable(ctx, view.active, candidate.policy)}${runForm(ctx, view.staff.csrf_token)}`;
}

/** How far an activation has come: subjects rescored of those there were, as a share. */
function progress(ctx: PageContext, a: PolicyActivationRow): string {
  const done = Number(a.subjects_done);
  const total = Number(a.subjects_total);
  const share = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
  const number = (n: number) => n.toLocaleString(ctx.locale === 'zh' ? 'zh-CN' : 'en');
  return ctx.t('act_progress', { done: number(done), total: number(total), share });
}

/** Who asked: a staff member by name, an API key by id, or the command line or configuration, in words. */
function requester(ctx: PageContext, by: string): string {
  if (by === 'config' || by === 'cli') return ctx.t(`act_by_${by}` as MessageKey);
  return by.startsWith('staff:') ? by.slice('staff:'.length) : by;
}

function activationRows(ctx: PageContext, recent: readonly PolicyActivationRow[]): SafeHtml {
  const { t } = ctx;
  return table(
    t('act_recent'),
    [t('sim_col_version'), t('act_col_status'), t('act_col_progress'), t('act_col_requested'), t('act_col_reason')],
    recent.map((a) => [
      code(a.version),
      t(`act_status_${a.status}` as MessageKey),
      progress(ctx, a),
      `${localDateTime(ctx.locale, a.requested_at)} (${requester(ctx, a.requested_by)})`,
      // Activations Credence schedules itself carry a reason it wrote: shown in the page's language instead.
      a.requested_by === 'config' ? t('act_reason_config') : a.reason,
    ]),
  );
}

/**
 * The activation section: the activation under way with its progress (a running server rescores in the background;
 * the page shows where it is when loaded), the latest ones, and the form activating the candidate when none is open.
 */
function activationSection(ctx: PageContext, view: SimulationView): SafeHtml {
  const { t } = ctx;
  const { open, recent } = view.activations;
  const underWay =
    open === null
      ? ''
      : alert(
          'info',
          t('act_open_heading', { version: open.version }),
          `${t(`act_status_${open.status}` as MessageKey)}: ${progress(ctx, open)}. ${t('act_open_text')}`,
        );
  const canActivate = open === null && view.candidate.kind === 'loaded';
  return html`<h2>${t('act_heading')}</h2>
<p>${t('act_intro')} ${code('credence policy activate DIR --reason TEXT [--at ISO]')}</p>
${underWay}${canActivate ? activateForm(ctx, view) : ''}${recent.length === 0 ? '' : activationRows(ctx, recent)}`;
}

function activateForm(ctx: PageContext, view: SimulationView): SafeHtml {
  const { t } = ctx;
  const state: FormState = view.form ?? { values: {}, problems: [] };
  const summary =
    view.form === undefined
      ? ''
      : html`<div class="usa-alert usa-alert--error" role="alert" tabindex="-1" id="activate-errors">
<div class="usa-alert__body"><h3 class="usa-alert__heading">${t('act_refused')}</h3>
<p class="usa-alert__text">${view.form.message}</p></div></div>`;
  const reason = group(
    state,
    'activate',
    'reason',
    t('act_reason'),
    (id, described) =>
      html`<textarea class="usa-textarea" id="${id}" name="reason" maxlength="500" required${
        described ? html` aria-describedby="${described}"` : ''
      }>${state.values.reason ?? ''}</textarea>`,
  );
  return html`${summary}<form method="post" action="/operator/policy/activate" class="usa-form usa-form--large">
<input type="hidden" name="csrf" value="${view.staff.csrf_token}">
${reason}
${textInput(state, 'activate', 'starts_at', t('act_starts_at'), 'text', t('act_starts_at_hint'))}
<button class="usa-button usa-button--secondary margin-top-2" type="submit">${t('act_submit')}</button></form>`;
}

export async function simulationPage(ctx: PageContext, view: SimulationView): Promise<SafeHtml> {
  const { t } = ctx;
  return operatorLayout(
    ctx,
    t('sim_title'),
    view.staff,
    html`<p>${t('sim_intro')} ${code('credence policy simulate DIR --samples N')}</p>
${candidateBody(ctx, view)}
${view.simulation === undefined ? '' : await results(ctx, view, view.simulation)}
${activationSection(ctx, view)}`,
  );
}
