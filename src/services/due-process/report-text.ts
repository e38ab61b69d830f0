/**
 * The PDF report's texts in the reader's language: ICU MessageFormat templates (@messageformat/core, as the
 * notices') from messages/report.en.ts and report.zh.ts, compiled once per language and key.
 */

import MessageFormatModule from '@messageformat/core';
import type { Language } from '../../domain/local-text.ts';
import { REPORT_EN } from './messages/report.en.ts';
import { REPORT_ZH } from './messages/report.zh.ts';

// The package is CommonJS (`module.exports = MessageFormat`) but typed as an ES module with a default export.
const MessageFormat = MessageFormatModule as unknown as typeof MessageFormatModule.default;

export type ReportMessageKey = keyof typeof REPORT_EN;
type Params = Readonly<Record<string, string | number>>;
/** A report text by key, filled with its parameters. */
export type ReportText = (key: ReportMessageKey, params?: Params) => string;

const CATALOGUES: Readonly<Record<Language, Readonly<Record<ReportMessageKey, string>>>> = {
  en: REPORT_EN,
  zh: REPORT_ZH,
};
const compiled = new Map<string, (params: Params) => string>();

/** The report's texts in `language`. */
export function reportText(language: Language): ReportText {
  return (key, params = {}) => {
    const cacheKey = `${language}|${key}`;
    let fn = compiled.get(cacheKey);
    if (fn === undefined) {
      fn = new MessageFormat(language).compile(CATALOGUES[language][key]) as (params: Params) => string;
      compiled.set(cacheKey, fn);
    }
    return fn(params);
  };
}
