/**
 * A subject's report as a printable PDF (issue 11, "a printable credit report"), in the reader's language: who it is
 * about, the score and grade with the factors behind it, the lists with their exit routes, what they mean (the
 * measures), the registered roles in organisations, every record, the credit commitments, who checked (the newest,
 * with the total), the notices, the generation time in the deployment's time zone, the policy version and digest,
 * and the log checkpoint the report's inclusion proofs were made against, with how to verify them. Set in an
 * embedded CJK font subset (report-pdf-font.ts); pdfkit lays it out (report-pdf-layout.ts).
 */

import PDFDocument from 'pdfkit';
import { parseCheckpoint } from '../../domain/log/checkpoint.ts';
import { encodeBase64 } from '../../domain/log/note-encoding.ts';
import { parseNote } from '../../domain/log/note.ts';
import { inLanguage, nameIn } from '../../domain/local-text.ts';
import { formatDateTime, formatDay } from '../../domain/local-time.ts';
import type { ReportFonts } from './report-pdf-font.ts';
import { commitmentsSection } from './report-pdf-commitments.ts';
import { BULLET_INDENT, MARGIN, type Pen, type PdfSectionInput, pageNumbers, writer } from './report-pdf-layout.ts';
import { relationshipsSection } from './report-pdf-relationships.ts';
import { type ReportText, reportText } from './report-text.ts';

/** A notice as the report summarises it: when, from whom, and what, already in the reader's language. */
export interface PdfNotice {
  readonly at: Date | string;
  readonly agency: string;
  readonly what: string;
}

/** Everything the PDF shows, and how to say it. */
export interface PdfReportInput extends PdfSectionInput {
  readonly notices: readonly PdfNotice[];
  /** The log's verifier key, as GET /log/key serves it. */
  readonly logKey: string;
  /** An agency's display name. */
  agency(id: string): string;
}

/** Inquiries and notices the PDF lists (the newest); the counts say how many there are in all. */
const INQUIRIES_SHOWN = 20;
const NOTICES_SHOWN = 5;
/** Writes the PDF; resolves to its bytes. */
export function renderReportPdf(input: PdfReportInput, fonts: ReportFonts): Promise<Buffer> {
  const t = reportText(input.language);
  const generatedAt = new Date(input.report.evaluated_at);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    lang: input.language === 'zh' ? 'zh-CN' : 'en',
    displayTitle: true,
    info: { Title: t('title'), Creator: 'Credence', Producer: 'Credence', CreationDate: generatedAt },
  });
  doc.registerFont('regular', fonts.regular.data, fonts.regular.face);
  doc.registerFont('bold', fonts.bold.data, fonts.bold.face);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const pen = writer(doc, input.language);
  header(pen, t, input);
  subjectSection(pen, t, input);
  scoreSection(pen, t, input);
  listsSection(pen, t, input);
  measuresSection(pen, t, input);
  relationshipsSection(pen, t, input);
  recordsSection(pen, t, input);
  commitmentsSection(pen, t, input);
  inquiriesSection(pen, t, input);
  noticesSection(pen, t, input);
  verificationSection(pen, t, input);
  pageNumbers(doc, t);
  doc.end();
  return done;
}

function header(pen: Pen, t: ReportText, input: PdfReportInput): void {
  const { report, policy, language, timeZone } = input;
  const first = report.subject.identifiers[0];
  pen.title(t('title'));
  pen.paragraph(
    t('generated', {
      at: formatDateTime(report.evaluated_at, language, timeZone),
      subject: first === undefined ? '' : `${first.scheme}:${first.id}`,
    }),
  );
  pen.paragraph(t('policy', { version: report.policy_version, digest: policy.digest }), { small: true });
}

function subjectSection(pen: Pen, t: ReportText, { report }: PdfReportInput): void {
  const { subject } = report;
  pen.heading(t('subject_heading'));
  const identifiers = subject.identifiers.map((i) => `${i.scheme}:${i.id}`).join(', ');
  if (!subject.known) {
    pen.paragraph(t('subject_unknown', { identifier: identifiers }));
    return;
  }
  if (subject.name) pen.paragraph(t('subject_name', { name: subject.name }));
  pen.paragraph(t('subject_identifiers', { identifiers }));
}

/** A record's legal basis in the reader's language, where it is its type's as the policy words it. */
function basisOf(input: PdfReportInput, recordType: string, basis: string): string {
  const type = input.policy.record_types.get(recordType);
  return type !== undefined && type.legal_basis.en === basis ? inLanguage(type.legal_basis, input.language) : basis;
}

function scoreSection(pen: Pen, t: ReportText, input: PdfReportInput): void {
  const { report, policy, language } = input;
  pen.heading(t('score_heading'));
  pen.paragraph(t('score_text', { score: report.score, grade: report.grade, base: policy.scoring.base }));
  pen.subheading(t('factors_heading'));
  if (report.factors.length === 0) pen.paragraph(t('factors_none'));
  pen.bullets(
    report.factors.map((f) =>
      t('factor', {
        type: nameIn(language, policy.record_types.get(f.record_type), f.record_type),
        agency: input.agency(f.agency_id),
        points: f.points > 0 ? `+${f.points}` : String(f.points),
        basis: basisOf(input, f.record_type, f.legal_basis),
      }),
    ),
  );
}

function listsSection(pen: Pen, t: ReportText, input: PdfReportInput): void {
  const { report, policy, language, timeZone } = input;
  const day = (value: Date | string) => formatDay(value, language, timeZone);
  pen.heading(t('lists_heading'));
  if (report.lists.length === 0) pen.paragraph(t('lists_none'));
  for (const m of report.lists) {
    const definition = policy.lists.get(m.list);
    const list = nameIn(language, definition, m.list);
    pen.paragraph(
      m.status === 'pending'
        ? t('list_pending', { list, from: day(m.effective_from), until: day(m.until) })
        : t('list_active', { list, since: day(m.since), until: day(m.until) }),
    );
    const basis = definition === undefined ? m.legal_basis : inLanguage(definition.legal_basis, language);
    pen.paragraph(t('list_basis', { basis }), { indent: BULLET_INDENT });
    if (definition !== undefined)
      pen.paragraph(t('list_exit', { exit: inLanguage(definition.exit, language) }), { indent: BULLET_INDENT });
  }
}

function measuresSection(pen: Pen, t: ReportText, input: PdfReportInput): void {
  const { report, policy, language, timeZone } = input;
  pen.heading(t('measures_heading'));
  if (report.measures.length === 0) pen.paragraph(t('measures_none'));
  for (const m of report.measures) {
    const actions = m.actions.map((a) => nameIn(language, policy.actions.get(a), a));
    pen.subheading(
      t('measure', { effect: t(`effect_${m.effect}`), actions: actions.join(language === 'zh' ? '、' : '; ') }),
    );
    const because =
      m.list !== undefined
        ? t('measure_because_list', { list: nameIn(language, policy.lists.get(m.list), m.list) })
        : t('measure_because_grade', { grade: m.grade ?? report.grade });
    const measure = policy.measures.find((x) => x.id === m.id);
    const basis = measure === undefined ? m.legal_basis : inLanguage(measure.legal_basis, language);
    const until =
      m.until === null ? t('measure_while') : t('measure_until', { date: formatDay(m.until, language, timeZone) });
    pen.paragraph(`${because} ${t('measure_basis', { basis })} ${until}`, { indent: BULLET_INDENT });
  }
}

/** Statuses under which a record still counts; "counts until" means nothing for the others. */
const COUNTING = new Set(['active', 'disputed', 'suspended']);

function recordsSection(pen: Pen, t: ReportText, input: PdfReportInput): void {
  const { report, policy, language, timeZone } = input;
  const day = (value: Date | string) => formatDay(value, language, timeZone);
  const records = [...report.records].sort(
    (a, b) => new Date(b.decided_at).getTime() - new Date(a.decided_at).getTime(),
  );
  pen.heading(t('records_heading', { count: records.length }));
  if (records.length === 0) pen.paragraph(t('records_none'));
  for (const r of records) {
    pen.subheading(
      t('record_heading', {
        type: nameIn(language, policy.record_types.get(r.type), r.type),
        status: t(`status_${r.status}`),
      }),
    );
    const detail = t('record_detail', {
      agency: input.agency(r.agency_id),
      basis: basisOf(input, r.type, r.legal_basis),
      document: r.document_ref,
      decided: day(r.decided_at),
    });
    const counts =
      r.counts_until !== null && COUNTING.has(r.status)
        ? ` ${t('record_counts_until', { date: day(r.counts_until) })}`
        : '';
    pen.paragraph(detail + counts, { indent: BULLET_INDENT });
  }
}

function inquiriesSection(pen: Pen, t: ReportText, input: PdfReportInput): void {
  const { report, policy, language, timeZone } = input;
  pen.heading(t('inquiries_heading'));
  if (report.inquiries.length === 0) {
    pen.paragraph(t('inquiries_none'));
    return;
  }
  const shown = report.inquiries.slice(0, INQUIRIES_SHOWN);
  pen.paragraph(t('inquiries_count', { shown: shown.length, total: report.inquiries_total }));
  pen.bullets(
    shown.map((i) => {
      const what =
        i.kind === 'decision'
          ? t('inquiry_decision', {
              action: nameIn(language, policy.actions.get(i.action ?? ''), i.action ?? ''),
              purpose: nameIn(language, policy.purposes.get(i.purpose ?? ''), i.purpose ?? ''),
            })
          : t(i.kind === 'report' ? 'inquiry_report' : 'inquiry_record');
      const who = i.by.role === 'subject' ? t('inquiry_self') : i.by.name;
      const outcome = i.outcome === null ? '' : ` → ${t(`effect_${i.outcome as 'allow'}`)}`;
      return `${formatDateTime(i.at, language, timeZone)} · ${who} · ${what}${outcome}`;
    }),
  );
}

function noticesSection(pen: Pen, t: ReportText, input: PdfReportInput): void {
  const { notices, language, timeZone } = input;
  pen.heading(t('notices_heading'));
  pen.paragraph(t('notices_count', { count: notices.length }));
  if (notices.length === 0) return;
  pen.subheading(t('notices_latest'));
  const latest = [...notices].sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime());
  pen.bullets(
    latest.slice(0, NOTICES_SHOWN).map((n) => `${formatDay(n.at, language, timeZone)} · ${n.agency}: ${n.what}`),
  );
}

function verificationSection(pen: Pen, t: ReportText, input: PdfReportInput): void {
  const { report } = input;
  pen.heading(t('log_heading'));
  if (report.log === null) pen.paragraph(t('log_none'));
  else {
    const checkpoint = parseCheckpoint(parseNote(report.log.checkpoint).text);
    pen.paragraph(
      t('log_checkpoint', {
        origin: checkpoint.origin,
        size: checkpoint.size,
        root: encodeBase64(checkpoint.rootHash),
        proved: report.log_status.proved_events,
      }),
    );
  }
  if (report.log_status.pending_events > 0)
    pen.paragraph(t('log_pending', { pending: report.log_status.pending_events }));
  const first = report.subject.identifiers[0];
  pen.paragraph(t('log_verify', { scheme: first?.scheme ?? '', id: first?.id ?? '', key: input.logKey }), {
    small: true,
  });
}
