/**
 * Fa Shi [2013] 17 as amended by Fa Shi [2017] 7, art. 6(1): beside an organisation debtor the public register
 * names its legal representative or principal, by name only (never an identifier), as the SPC list publishes it.
 */

import type { PublishedPerson } from '../../services/relationships/relationship-views.service.ts';
import { html, type SafeHtml } from '../html.ts';
import type { PageContext } from '../layout.ts';

export function relatedPersons(ctx: PageContext, persons: readonly PublishedPerson[]): SafeHtml {
  return html`${persons.map(
    (p) =>
      html`<br><span class="font-body-3xs">${ctx.t('public_related_person', {
        role: p.role_name,
        name: p.name,
      })}</span>`,
  )}`;
}
