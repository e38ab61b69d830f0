/**
 * The PDF report's texts in the reader's language: ICU MessageFormat templates (@messageformat/core, as the
 * notices') from messages/report.en.ts and report.zh.ts, compiled once per language and key.
 */

import type { Language } from '../../domain/local-text.ts';
import { compileMessage } from '../../domain/message-format.ts';
import { REPORT_EN } from './messages/report.en.ts';
import { REPORT_ZH } from './messages/report.zh.ts';

export type ReportMessageKey = keyof typeof REPORT_EN;
type Params = Readonly<Record<string, string | number>>;
/** A report text by key, filled with its parameters. */
export type ReportText = (key: ReportMessageKey, params?: Params) => string;

const CATALOGUES: Readonly<Record<Language, Readonly<Record<ReportMessageKey, string>>>> = {
  en: REPORT_EN,
  zh: REPORT_ZH,
};

/** The report's texts in `language`. */
export function reportText(language: Language): ReportText {
  return (key, params = {}) => compileMessage(language, CATALOGUES[language][key])(params);
}
