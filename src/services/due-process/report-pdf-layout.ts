/**
 * How the PDF report (report-pdf.ts) is laid out: A4 with fixed margins, a title, headings that never end a page
 * alone, paragraphs and bullets in the report's fonts, and "Page 1 of 3" at the foot of every page. Its sections
 * write through a Pen and know nothing of pdfkit.
 */

import type { Language } from '../../domain/local-text.ts';
import type { Policy } from '../../domain/policy.ts';
import type { ReportText } from './report-text.ts';
import type { SubjectReport } from './reports.service.ts';

export const MARGIN = 56;
const SIZE = { title: 20, heading: 13, body: 10, small: 8 } as const;
/** How far a bullet's text, or a paragraph under a subheading, is set in from the left edge. */
export const BULLET_INDENT = 12;

export type Doc = PDFKit.PDFDocument;

/** What a section reads: the report, the policy that names its lists and types, and the reader's language. */
export interface PdfSectionInput {
  readonly report: SubjectReport;
  readonly policy: Policy;
  readonly language: Language;
  readonly timeZone: string;
}

/** The few ways the report writes text. */
export interface Pen {
  title(text: string): void;
  heading(text: string): void;
  subheading(text: string): void;
  paragraph(text: string, options?: { small?: boolean; indent?: number }): void;
  bullets(items: readonly string[]): void;
}

export function writer(doc: Doc, language: Language): Pen {
  const width = doc.page.width - 2 * MARGIN;
  // A CJK font sets quotes and apostrophes full width; English text takes their proportional forms.
  const features: PDFKit.Mixins.OpenTypeFeatures[] = language === 'en' ? ['pwid'] : [];
  /** Starts a new page unless `lines` more lines of body text fit on this one. */
  const room = (lines: number) => {
    if (doc.y + lines * SIZE.body * 1.6 > doc.page.height - MARGIN) doc.addPage();
  };
  // Every block sets its own left edge: wrapped lines of an indented block stay indented.
  const write = (font: string, size: number, text: string, indent = 0) =>
    doc
      .font(font)
      .fontSize(size)
      .fillColor('black')
      .text(text, MARGIN + indent, doc.y, { width: width - indent, lineGap: 2, features });
  return {
    title: (text) => write('bold', SIZE.title, text).moveDown(0.3),
    heading: (text) => {
      // A heading never ends a page alone: it starts the next one when fewer than three lines are left under it.
      room(4);
      doc.moveDown(0.8);
      write('bold', SIZE.heading, text).moveDown(0.3);
    },
    subheading: (text) => {
      room(2);
      write('bold', SIZE.body, text);
    },
    paragraph: (text, options = {}) => {
      write('regular', options.small ? SIZE.small : SIZE.body, text, options.indent ?? 0);
      doc.moveDown(0.2);
    },
    bullets: (items) => {
      for (const item of items) {
        room(1);
        const top = doc.y;
        write('regular', SIZE.body, '•');
        doc.y = top;
        write('regular', SIZE.body, item, BULLET_INDENT);
        doc.moveDown(0.2);
      }
    },
  };
}

/** "Page 1 of 3" at the foot of every page, written once the pages are known. */
export function pageNumbers(doc: Doc, t: ReportText): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Text below the bottom margin would start a new page: the footer is written with no bottom margin.
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(SIZE.small)
      .fillColor('#555555')
      .text(t('page', { page: i + 1, pages: count }), MARGIN, doc.page.height - MARGIN / 2 - SIZE.small, {
        width: doc.page.width - 2 * MARGIN,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.flushPages();
}
