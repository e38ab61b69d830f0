/**
 * The PDF report's credit commitments (NDRC Order No. 36 (2025); Guo Ban Fa [2019] 35 (1)), oldest first as the
 * JSON report has them: when each was made, for which record (by its type and decision) or for conduct at large,
 * the subject's own words, and the written commitment an operator filed it from.
 */

import { nameIn } from '../../domain/local-text.ts';
import { formatDay } from '../../domain/local-time.ts';
import { BULLET_INDENT, type Pen, type PdfSectionInput } from './report-pdf-layout.ts';
import type { ReportText } from './report-text.ts';

export function commitmentsSection(pen: Pen, t: ReportText, input: PdfSectionInput): void {
  const { report, policy, language, timeZone } = input;
  pen.heading(t('commitments_heading'));
  if (report.commitments.length === 0) {
    pen.paragraph(t('commitments_none'));
    return;
  }
  pen.paragraph(t('commitments_note'), { small: true });
  for (const c of report.commitments) {
    const date = formatDay(c.made_at, language, timeZone);
    const record = c.record_id === null ? undefined : report.records.find((r) => r.id === c.record_id);
    pen.subheading(
      c.record_id === null
        ? t('commitment_for_conduct', { date })
        : t('commitment_for_record', {
            date,
            type:
              record === undefined ? c.record_id : nameIn(language, policy.record_types.get(record.type), record.type),
            document: record?.document_ref ?? c.record_id,
          }),
    );
    pen.paragraph(c.text, { indent: BULLET_INDENT });
    if (c.document_ref !== null)
      pen.paragraph(t('commitment_letter', { document: c.document_ref }), { indent: BULLET_INDENT, small: true });
  }
}
