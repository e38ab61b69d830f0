/**
 * GET /v1/subjects/{scheme}/{id}/report.pdf and the portal's /portal/report.pdf: the subject's report as a PDF in
 * the reader's language. The same file, authorisation and inquiry log as the JSON report (reports.service.ts); the
 * font is found first, so a server that cannot print logs no read it did not answer.
 */

import type { Language } from '../../domain/local-text.ts';
import type { Principal } from '../../domain/principal.ts';
import type { ServiceContext } from '../context.ts';
import type { SubjectRef } from '../decisions/decisions.service.ts';
import { noticeText } from './notice-text.ts';
import { renderReportPdf } from './report-pdf.ts';
import { reportFonts } from './report-pdf-font.ts';
import { readSubjectFile } from './subject-file.service.ts';

/** Who reads the PDF: their language, the deployment's time zone, and the log key to verify with. */
export interface PdfReader {
  readonly language: Language;
  readonly timeZone: string;
  readonly logKey: string;
}

/** The subject's report as PDF bytes; the read is logged as the JSON report's is. */
export async function getReportPdf(
  ctx: ServiceContext,
  principal: Principal,
  subject: SubjectRef,
  reader: PdfReader,
): Promise<Buffer> {
  const fonts = await reportFonts();
  const { report, agencyNames } = await readSubjectFile(ctx, principal, subject);
  const agency = (id: string) => agencyNames.get(id) ?? id;
  const noticeReader = { language: reader.language, timeZone: reader.timeZone, policy: ctx.policy, agency };
  const notices = report.notices.map((n) => ({
    at: n.at,
    agency: n.agency_id === null ? 'Credence' : agency(n.agency_id),
    what: noticeText(n, noticeReader).what,
  }));
  return renderReportPdf({ report, notices, policy: ctx.policy, agency, ...reader }, fonts);
}
