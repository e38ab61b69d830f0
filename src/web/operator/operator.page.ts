/**
 * The operator console (/operator): principals and keys (create, revoke; a new key shown once),
 * the active policy, ledger verification on request, notice delivery status. Every form is a
 * plain POST carrying the session's CSRF token, so the console works without JavaScript.
 */

import type { Policy } from '../../domain/policy.ts';
import type { Principal } from '../../domain/principal.ts';
import type { VerifyResult } from '../../services/ledger/ledger.service.ts';
import {
  DELIVERY_STATUSES,
  type DeliveryRow,
  type DeliveryStatus,
} from '../../services/due-process/notice-delivery.service.ts';
import type { SignedInStaff } from '../../services/accounts/staff-sessions.service.ts';
import { nameIn } from '../../domain/local-text.ts';
import { alert, table } from '../components.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/en.ts';
import type { PageContext } from '../layout.ts';
import { createPrincipalForm, type CreateFormState } from './operator-form.page.ts';
import { isoInstant as iso, operatorLayout } from './operator-shell.page.ts';

export interface OperatorView {
  readonly staff: SignedInStaff;
  readonly policy: Policy;
  readonly activatedAt: Date | null;
  readonly principals: readonly Principal[];
  readonly deliveries: {
    readonly counts: Readonly<Record<DeliveryStatus, number>>;
    readonly oldest_pending: DeliveryRow | null;
  };
  readonly form: CreateFormState;
  readonly verify?: VerifyResult;
  readonly created?: { readonly principal: Principal; readonly key: string };
  readonly revoked?: Principal;
}

function scopeOf(ctx: PageContext, policy: Policy, p: Principal): string {
  if (p.role === 'agency') {
    const kind =
      p.agency_kind === null ? '' : nameIn(ctx.locale, policy.agency_kinds.get(p.agency_kind), p.agency_kind);
    return `${p.agency_id ?? ''} (${kind})`;
  }
  if (p.role === 'relying') {
    const names = (ids: readonly string[], of: Policy['actions'] | Policy['purposes']) =>
      ids.map((id) => nameIn(ctx.locale, of.get(id), id)).join(', ');
    return `${names(p.actions, policy.actions)} / ${names(p.purposes, policy.purposes)}`;
  }
  if (p.role === 'subject' && p.subject !== null) return `${p.subject.scheme}:${p.subject.id}`;
  return '–';
}

/** One card per principal, not a wide table: its Revoke button stays in view at every width, 360 px too. */
function principalsList(ctx: PageContext, view: OperatorView): SafeHtml {
  const { t } = ctx;
  const revoke = (p: Principal) =>
    html`<form method="post" action="/operator/principals/${p.id}/revoke" class="margin-top-1">
<input type="hidden" name="csrf" value="${view.staff.csrf_token}">
<button class="usa-button usa-button--secondary" type="submit" aria-label="${t('op_revoke', {
      name: p.name,
    })}">${t('op_revoke', { name: '' }).trim()}</button></form>`;
  const status = (p: Principal) =>
    p.revoked_at === null ? t('op_active') : t('op_revoked', { date: iso(p.revoked_at) });
  const field = (label: string, value: string) =>
    html`<dt class="text-bold">${label}</dt><dd class="margin-left-0 break-word">${value}</dd>`;
  return html`<ul class="usa-list usa-list--unstyled" aria-label="${t('op_principals')}">${view.principals.map(
    (p) => html`<li class="border-1px border-base-lighter radius-md padding-2 margin-bottom-2">
<h3 class="margin-y-0 break-word">${p.name}</h3><code class="font-mono-3xs break-word">${p.id}</code>
<dl class="margin-y-1">${field(t('op_col_role'), t(`op_role_label_${p.role}`))}${field(
      t('op_col_scope'),
      scopeOf(ctx, view.policy, p),
    )}${field(t('op_col_status'), status(p))}</dl>
${p.revoked_at === null ? revoke(p) : ''}</li>`,
  )}</ul>`;
}

function createdAlert(ctx: PageContext, created: NonNullable<OperatorView['created']>): SafeHtml {
  const { t } = ctx;
  return html`<div class="usa-alert usa-alert--warning" role="status"><div class="usa-alert__body">
<h2 class="usa-alert__heading">${t('op_created', { name: created.principal.name })}</h2>
<p class="usa-alert__text">${t('op_created_warning')}</p>
</div></div>
<div class="margin-bottom-3"><label class="usa-label" for="new-key">${t('op_new_key')}</label>
<div class="usa-hint" id="new-key-hint">${t('op_key_copy_hint')}</div>
<input class="usa-input font-mono-xs" id="new-key" type="text" readonly value="${
    created.key
  }" aria-describedby="new-key-hint" autocomplete="off" spellcheck="false"></div>`;
}

function policySection(ctx: PageContext, view: OperatorView): SafeHtml {
  const { t } = ctx;
  const p = view.policy;
  const counts = t('op_policy_counts', {
    types: p.record_types.size,
    lists: p.lists.size,
    measures: p.measures.length,
  });
  return html`<section><h2 id="policy-heading">${t('op_policy')}</h2>
<dl><dt class="text-bold">${t('op_policy_version')}</dt><dd class="margin-left-0">${p.version}</dd>
<dt class="text-bold">${t('op_policy_digest')}</dt><dd class="margin-left-0"><code class="break-word">${
    p.digest
  }</code></dd>
<dt class="text-bold">${t('op_policy_activated')}</dt><dd class="margin-left-0">${
    view.activatedAt === null ? t('op_none') : iso(view.activatedAt)
  }</dd></dl>
<p>${counts}</p><p><a class="usa-link" href="/about">${t(
    'op_policy_link',
  )}</a> · <a class="usa-link" href="/transparency">${t('op_transparency_link')}</a></p></section>`;
}

function ledgerSection(ctx: PageContext, view: OperatorView): SafeHtml {
  const { t } = ctx;
  const v = view.verify;
  const result =
    v === undefined
      ? ''
      : v.ok
        ? alert('success', t('op_ledger_ok'), t('op_ledger_ok_text', { events: v.events, head: v.head }))
        : alert(
            'error',
            t('op_ledger_bad'),
            t('op_ledger_bad_text', { seq: v.firstBad?.seq ?? '?', reason: v.firstBad?.reason ?? v.log.problem ?? '' }),
          );
  return html`<section><h2 id="ledger-heading">${t('op_ledger')}</h2>
<div class="break-word">${result}</div>
<form method="post" action="/operator/verify"><input type="hidden" name="csrf" value="${view.staff.csrf_token}">
<p>${t('op_ledger_hint')}</p><button class="usa-button" type="submit">${t('op_verify_now')}</button></form></section>`;
}

function deliveriesSection(ctx: PageContext, view: OperatorView): SafeHtml {
  const { t } = ctx;
  const label = (s: DeliveryStatus) => t(`op_status_${s}` as MessageKey);
  const oldest = view.deliveries.oldest_pending;
  return html`<section><h2 id="deliveries-heading">${t('op_deliveries')}</h2>
${table(
  t('op_deliveries'),
  [t('op_delivery_status'), t('op_delivery_count')],
  DELIVERY_STATUSES.map((s) => [label(s), view.deliveries.counts[s]]),
)}
<p class="break-word">${
    oldest === null
      ? t('op_no_pending')
      : t('op_oldest_pending', { id: oldest.id, at: iso(oldest.next_attempt_at), attempts: oldest.attempts })
  }</p>
<p><a class="usa-link" href="/operator/deliveries">${t('op_deliveries_link')}</a></p></section>`;
}

/** Notices waiting with none delivered: the webhook is down or misconfigured, and subjects are not being told. */
function deliveryWarning(ctx: PageContext, counts: OperatorView['deliveries']['counts']): SafeHtml | string {
  if (counts.pending === 0 || counts.delivered > 0) return '';
  return html`<div class="usa-alert usa-alert--warning" role="status" id="delivery-warning">
<div class="usa-alert__body">
<h2 class="usa-alert__heading">${ctx.t('op_delivery_stalled_heading')}</h2>
<p class="usa-alert__text">${ctx.t('op_delivery_stalled_text', { pending: counts.pending })}</p>
<p class="usa-alert__text"><a class="usa-link" href="/operator/deliveries">${ctx.t('op_deliveries_link')}</a></p>
</div></div>`;
}

export function operatorPage(ctx: PageContext, view: OperatorView): SafeHtml {
  const { t } = ctx;
  const failed = view.form.message === undefined ? '' : alert('error', t('op_create_failed'), view.form.message);
  return operatorLayout(
    ctx,
    t('op_title'),
    view.staff,
    html`${deliveryWarning(ctx, view.deliveries.counts)}
${view.created === undefined ? '' : createdAlert(ctx, view.created)}
${
  view.revoked === undefined
    ? ''
    : alert('success', t('op_revoked_done'), t('op_revoked_text', { name: view.revoked.name }))
}
<section><h2 id="principals-heading">${t('op_principals')}</h2>
${principalsList(ctx, view)}
<h3 id="create">${t('op_create')}</h3>${failed}
${createPrincipalForm(ctx, view.policy, view.staff.csrf_token, view.form)}</section>
${policySection(ctx, view)}
${ledgerSection(ctx, view)}
${deliveriesSection(ctx, view)}`,
  );
}
