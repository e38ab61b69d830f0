/**
 * "What does this mean for me, and what can I do?" (issue 11), for every list a resident is on or about to be on: what
 * it refuses or grants, from when and until when, which agency's record it rests on and how to reach that agency,
 * the way off the list in plain words (the policy's exit route: what to do, by when, which agency, how to appeal),
 * and how to dispute the record; a pending listing (Guo Ban Fa [2020] 49: notice before listing) previews what will
 * be refused and from when. Where a sanction and a reward bind the same action, it says which applies and why.
 */

import { inLanguage, nameIn } from '../../domain/local-text.ts';
import { OUTCOME_PRECEDENCE } from '../../domain/policy.ts';
import type { SubjectReport } from '../../services/due-process/reports.service.ts';
import { localDay } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/en.ts';
import type { PageContext } from '../layout.ts';
import type { PortalView } from './portal-view.ts';

type Membership = SubjectReport['lists'][number];
type ReportRecord = SubjectReport['records'][number];

const effectName = (ctx: PageContext, effect: string) => ctx.t(`portal_effect_${effect}` as MessageKey);

/** The lists section: one card per list, each saying what it means and the way off it. */
export function listsMeaningSection(ctx: PageContext, view: PortalView): SafeHtml {
  const { t } = ctx;
  const cards = view.report.lists.map((m) => listCard(ctx, view, m));
  return html`<section class="margin-bottom-5"><h2 id="lists-heading">${t('portal_lists_heading')}</h2>
${
  cards.length === 0
    ? html`<p>${t('portal_lists_none')}</p>`
    : html`<ul class="usa-list usa-list--unstyled">${cards}</ul>`
}</section>`;
}

function listCard(ctx: PageContext, view: PortalView, m: Membership): SafeHtml {
  const { t } = ctx;
  const definition = view.policy.lists.get(m.list);
  const name = nameIn(ctx.locale, definition, m.list);
  const from = localDay(ctx.locale, m.effective_from);
  const until = localDay(ctx.locale, m.until);
  const pending = m.status === 'pending';
  const basis = definition === undefined ? m.legal_basis : inLanguage(definition.legal_basis, ctx.locale);
  const record = view.report.records.find((r) => m.records.includes(r.id));
  return html`<li class="border-1px border-base-lighter radius-md padding-2 margin-bottom-2" id="list-${m.list}">
<h3 class="margin-top-0">${name} <span class="usa-tag ${pending ? 'bg-accent-warm-dark' : 'bg-secondary-dark'}">${t(
    pending ? 'portal_list_status_pending' : 'portal_list_status_active',
  )}</span></h3>
<p>${
    pending
      ? t('meaning_list_pending', { from, until })
      : t('meaning_list_active', { since: localDay(ctx.locale, m.since), until })
  } ${t('portal_list_basis', { basis })}</p>
<p class="margin-bottom-05"><strong>${pending ? t('meaning_will_refuse', { from }) : t('meaning_refuses')}</strong></p>
${listMeasures(ctx, view, m.list)}
${record === undefined ? '' : agencyLines(ctx, view, record.agency_id)}
${
  definition === undefined
    ? ''
    : html`<h4 class="margin-bottom-05">${t('meaning_exit_heading')}</h4>
<p class="margin-top-0 maxw-tablet-lg">${inLanguage(definition.exit, ctx.locale)}</p>`
}
${record === undefined || m.kind !== 'sanction' ? '' : appeal(ctx, view, record, pending ? from : undefined)}
</li>`;
}

/** What the list's measures refuse or grant: each effect with the actions it binds, by their names. */
function listMeasures(ctx: PageContext, view: PortalView, list: string): SafeHtml {
  const measures = view.policy.measures.filter((x) => x.list === list);
  if (measures.length === 0) return html`<p class="margin-top-0">${ctx.t('meaning_no_measures')}</p>`;
  return html`<ul class="usa-list margin-top-0">${measures.map(
    (x) =>
      html`<li>${ctx.t('meaning_effect_line', {
        effect: effectName(ctx, x.effect),
        actions: x.actions
          .map((a) => nameIn(ctx.locale, view.policy.actions.get(a), a))
          .join(ctx.locale === 'zh' ? '、' : ', '),
      })}</li>`,
  )}</ul>`;
}

/** The agency whose record the listing rests on, and how to reach it when it was registered with a contact. */
function agencyLines(ctx: PageContext, view: PortalView, agencyId: string): SafeHtml {
  const { t } = ctx;
  const contact = view.names.contact?.(agencyId);
  const lines = [
    html`<p class="margin-bottom-05">${t('meaning_agency', { agency: view.names.agency(agencyId) })}</p>`,
    contact === undefined
      ? ''
      : html`<p class="margin-y-05">${t('meaning_contact', { contact: contact[ctx.locale] })}</p>`,
    contact?.phone === undefined
      ? ''
      : html`<p class="margin-y-05">${t('meaning_contact_phone', { phone: contact.phone })}</p>`,
    contact?.address === undefined
      ? ''
      : html`<p class="margin-y-05">${t('meaning_contact_address', { address: contact.address[ctx.locale] })}</p>`,
  ];
  return html`${lines}`;
}

/** How to contest the record the listing rests on, and, for a pending listing, by when to be heard first. */
function appeal(ctx: PageContext, view: PortalView, r: ReportRecord, pendingFrom: string | undefined): SafeHtml {
  const { t } = ctx;
  const days = view.policy.record_types.get(r.type)?.dispute.days ?? 30;
  const record = nameIn(ctx.locale, view.policy.record_types.get(r.type), r.type);
  const text = t('meaning_appeal', { record, agency: view.names.agency(r.agency_id), days });
  return html`<p><a class="usa-link" href="#record-${r.id}">${text}</a>${
    pendingFrom === undefined ? '' : html` ${t('meaning_respond_by', { from: pendingFrom })}`
  }</p>`;
}

/** On a record's card: the lists it places the subject on, now or from a date. */
export function recordLists(ctx: PageContext, view: PortalView, r: ReportRecord): SafeHtml {
  const lists = view.report.lists.filter((m) => m.records.includes(r.id));
  if (lists.length === 0) return html``;
  const names = (ms: readonly Membership[]) =>
    ms.map((m) => nameIn(ctx.locale, view.policy.lists.get(m.list), m.list)).join(ctx.locale === 'zh' ? '、' : ', ');
  const active = lists.filter((m) => m.status === 'active');
  const pending = lists.filter((m) => m.status === 'pending');
  return html`${active.length === 0 ? '' : html`<p>${ctx.t('meaning_record_lists', { lists: names(active) })}</p>`}${
    pending.length === 0
      ? ''
      : html`<p>${ctx.t('meaning_record_pending', {
          lists: names(pending),
          from: localDay(ctx.locale, pending[0]!.effective_from),
        })}</p>`
  }`;
}

/**
 * Where measures with different effects bind the same action (a sanction list's refusal and a reward's waiver), which
 * one applies and why: the strongest effect, in the policy's order of precedence (decide.ts).
 */
export function measureConflicts(ctx: PageContext, view: PortalView): SafeHtml {
  const byAction = new Map<string, Set<string>>();
  for (const m of view.report.measures)
    for (const a of m.actions) byAction.set(a, (byAction.get(a) ?? new Set()).add(m.effect));
  const notes = [...byAction]
    .filter(([, effects]) => effects.size > 1)
    .map(([action, effects]) => {
      const ordered = OUTCOME_PRECEDENCE.filter((e) => effects.has(e));
      const [winner, ...others] = ordered;
      return html`<li>${ctx.t('meaning_conflict', {
        action: nameIn(ctx.locale, view.policy.actions.get(action), action),
        winner: effectName(ctx, winner!),
        others: others.map((e) => `“${effectName(ctx, e)}”`).join(ctx.locale === 'zh' ? '、' : ', '),
      })}</li>`;
    });
  return notes.length === 0 ? html`` : html`<ul class="usa-list">${notes}</ul>`;
}
