/**
 * The PDF report's registered roles in organisations (Fa Shi [2015] 17 art. 3 para. 2), on both sides as the JSON
 * report has them (relationship-views.service.ts): a person's roles in organisations, an organisation's persons
 * (their resident IDs masked). Each with its period, the registration behind it, and its revocation if revoked.
 */

import { inLanguage, nameIn } from '../../domain/local-text.ts';
import { formatDay } from '../../domain/local-time.ts';
import type { RelationshipRole } from '../../domain/policy.ts';
import { BULLET_INDENT, type Pen, type PdfSectionInput } from './report-pdf-layout.ts';
import type { ReportText } from './report-text.ts';

type ReportRelationship = PdfSectionInput['report']['relationships'][number];

export function relationshipsSection(pen: Pen, t: ReportText, input: PdfSectionInput): void {
  const { report } = input;
  pen.heading(t('relationships_heading'));
  if (report.relationships.length === 0) {
    const organization = report.subject.known && report.subject.kind === 'organization';
    pen.paragraph(t(organization ? 'relationships_none_organization' : 'relationships_none_person'));
    return;
  }
  pen.paragraph(t('relationships_note'), { small: true });
  for (const r of report.relationships) relationship(pen, t, input, r);
}

function relationship(pen: Pen, t: ReportText, input: PdfSectionInput, r: ReportRelationship): void {
  const { policy, language, timeZone } = input;
  const day = (value: Date | string) => formatDay(value, language, timeZone);
  const rules = policy.relationships;
  pen.subheading(
    t('relationship_role', {
      person: `${r.person.name} (${r.person.scheme}:${r.person.id})`,
      role: nameIn(language, rules?.roles.get(r.role as RelationshipRole), r.role),
      organization: r.organization.name,
      organization_id: `${r.organization.scheme}:${r.organization.id}`,
    }),
  );
  const period =
    r.until === null
      ? t('relationship_from', { from: day(r.from) })
      : t('relationship_from_until', { from: day(r.from), until: day(r.until) });
  // A relationship filed on the policy's own legal basis reads it in the reader's language.
  const basis =
    rules !== null && rules.legal_basis.en === r.legal_basis ? inLanguage(rules.legal_basis, language) : r.legal_basis;
  const registered = t('relationship_registered', { document: r.document_ref, basis });
  pen.paragraph(`${period} ${registered}`, { indent: BULLET_INDENT });
  if (r.revoked_at !== null)
    pen.paragraph(t('relationship_revoked', { day: day(r.revoked_at), reason: r.revocation_reason ?? '' }), {
      indent: BULLET_INDENT,
    });
}
