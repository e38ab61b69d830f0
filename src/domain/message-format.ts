/**
 * ICU MessageFormat (through @messageformat/core), the one way a text a person reads is filled in: notices, errors,
 * decision reasons, the PDF report. A template is compiled once per language and time zone; `{x, day}` formats a
 * date in the reader's language and the deployment's zone (CREDENCE_TIME_ZONE), `{x, duration}` an ISO 8601
 * duration in words, and plurals and selects follow the language's rules.
 */

import MessageFormatModule from '@messageformat/core';
import type { Language } from './local-text.ts';
import { formatDay, formatDuration } from './local-time.ts';

// The package is CommonJS (`module.exports = MessageFormat`) but typed as an ES module with a default export.
const MessageFormat = MessageFormatModule as unknown as typeof MessageFormatModule.default;

export type CompiledMessage = (params: Record<string, unknown>) => string;

const compiled = new Map<string, CompiledMessage>();

/** `template` compiled for `language` (dates shown in `timeZone`), once: later calls reuse it. */
export function compileMessage(language: Language, template: string, timeZone = 'UTC'): CompiledMessage {
  const key = `${language}|${timeZone}|${template}`;
  let fn = compiled.get(key);
  if (fn === undefined) {
    const mf = new MessageFormat(language, {
      customFormatters: {
        day: (value: unknown) => formatDay(String(value), language, timeZone),
        duration: (value: unknown) => formatDuration(String(value), language),
      },
    });
    fn = mf.compile(template) as CompiledMessage;
    compiled.set(key, fn);
  }
  return fn;
}
