/**
 * The portal's registered roles (Fa Shi [2015] 17 art. 3 para. 2), on both sides: a person sees the organisations
 * they hold a role in, an organisation the persons holding its roles; each with its period, or its revocation.
 * Nothing is shown where none is registered.
 */

import { nameIn } from '../../domain/local-text.ts';
import type { RelationshipRole } from '../../domain/policy.ts';
import { html, type SafeHtml } from '../html.ts';
import { localDay } from '../format.ts';
import type { PageContext } from '../layout.ts';
import type { PortalView } from './portal-view.ts';

type ReportRelationship = PortalView['report']['relationships'][number];

export function relationshipsSection(ctx: PageContext, view: PortalView): SafeHtml {
  const relationships = view.report.relationships;
  if (relationships.length === 0) return html``;
  return html`<section class="margin-bottom-5" aria-labelledby="relationships-heading">
<h2 id="relationships-heading">${ctx.t('portal_relationships_heading')}</h2>
<p class="usa-prose">${ctx.t('portal_relationships_note')}</p>
<ul class="usa-list">${relationships.map((r) => relationshipItem(ctx, view, r))}</ul>
</section>`;
}

function relationshipItem(ctx: PageContext, view: PortalView, r: ReportRelationship): SafeHtml {
  const { t } = ctx;
  const role = nameIn(ctx.locale, view.policy.relationships?.roles.get(r.role as RelationshipRole), r.role);
  const from = localDay(ctx.locale, r.from);
  const period =
    r.until === null
      ? t('portal_relationship_from', { from })
      : t('portal_relationship_from_until', { from, until: localDay(ctx.locale, r.until) });
  const revoked =
    r.revoked_at === null
      ? ''
      : html` <strong>${t('portal_relationship_revoked', {
          day: localDay(ctx.locale, r.revoked_at),
          reason: r.revocation_reason ?? '',
        })}</strong>`;
  const organization_id = `${r.organization.scheme} ${r.organization.id}`;
  return html`<li>${t('portal_relationship_role', {
    person: r.person.name,
    role,
    organization: r.organization.name,
    organization_id,
  })}. ${period}.${revoked}</li>`;
}
