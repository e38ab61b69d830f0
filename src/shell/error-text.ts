/**
 * Errors in the reader's language (issue 11, "error codes carry per-language templates with parameters"): a problem
 * or an error that carries a template key is rendered from the language's catalogue (ICU MessageFormat, through
 * @messageformat/core, as notices are), its parameters filled in: the field by the form's label where a page has
 * one, a record type by its policy name, dates in the deployment's time zone, durations in words. An error without a
 * key says its code's own sentence in Chinese, and its English message as thrown in English. Pages render in the
 * page's language; the API by Accept-Language, English by default; the envelope keeps `code` and adds `params`.
 */

import type { CredenceError, ErrorCode, MessageParams, ProblemDetail } from '../errors.ts';
import { type Language, nameIn } from '../domain/local-text.ts';
import { compileMessage } from '../domain/message-format.ts';
import type { Policy } from '../domain/policy.ts';
import type { ErrorMessages, ProblemKey } from './messages/error-keys.ts';
import { ERRORS_EN } from './messages/errors.en.ts';
import { ERRORS_ZH } from './messages/errors.zh.ts';

const CATALOGUES: Readonly<Record<Language, ErrorMessages>> = { en: ERRORS_EN, zh: ERRORS_ZH };

/** Who reads an error: their language, and what turns ids and paths into names for them. */
export interface ErrorReader {
  readonly language: Language;
  /** The IANA zone dates are shown in (CREDENCE_TIME_ZONE). */
  readonly timeZone?: string;
  /** Names record types by their policy names. */
  readonly policy?: Policy;
  /** A form's label for a problem's path (`subject.id` → "Identifier"), where the reader sees a form. */
  readonly label?: (path: string) => string | undefined;
}

function template(language: Language, timeZone: string, key: ErrorCode | ProblemKey) {
  return compileMessage(language, CATALOGUES[language][key], timeZone);
}

/** Whether `key` names a template of the catalogues. */
function isKey(key: string | undefined): key is ErrorCode | ProblemKey {
  return key !== undefined && Object.hasOwn(ERRORS_EN, key);
}

/** The parameters as the reader reads them: the field by its label, a record type by its name. */
function readable(params: MessageParams, path: string | undefined, reader: ErrorReader): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  const label = path === undefined ? undefined : reader.label?.(path);
  if (label !== undefined && 'field' in params) out.field = label;
  const other = typeof params.other === 'string' ? reader.label?.(params.other) : undefined;
  if (other !== undefined) out.other = other;
  const type = typeof params.type === 'string' ? reader.policy?.record_types.get(params.type) : undefined;
  if (type !== undefined) out.type = nameIn(reader.language, type, type.id);
  // In Chinese an attribute is named by the policy's description of it, its values by their labels.
  const spec = type !== undefined && typeof params.name === 'string' ? type.attributes[params.name] : undefined;
  if (spec !== undefined && reader.language !== 'en') {
    if (spec.description !== undefined) out.name = spec.description[reader.language].replace(/[。.]$/, '');
    if (spec.enum !== undefined) out.values = spec.enum.map((v) => spec.labels?.[v]?.[reader.language] ?? v).join('、');
  }
  return out;
}

let zone = 'Asia/Shanghai';

/** Sets CREDENCE_TIME_ZONE for error texts, once when the app is built (as the pages' format.ts does). */
export function useErrorTimeZone(timeZone: string): void {
  zone = timeZone;
}

/** One problem with an input, in the reader's language. */
export function problemText(problem: ProblemDetail, reader: ErrorReader): string {
  if (isKey(problem.key)) {
    const fn = template(reader.language, reader.timeZone ?? zone, problem.key);
    return fn(readable(problem.params ?? {}, problem.path, reader));
  }
  return reader.language === 'en' ? problem.message : codeText(problem.code, reader);
}

function codeText(code: ErrorCode, reader: ErrorReader): string {
  return template(reader.language, reader.timeZone ?? zone, code)({});
}

/**
 * An error in the reader's language: its own template, else its problems' (joined), else in English the message it
 * was thrown with and in Chinese its code's sentence.
 */
export function errorText(error: CredenceError, reader: ErrorReader): string {
  const { key, params } = error.ref;
  if (isKey(key))
    return template(reader.language, reader.timeZone ?? zone, key)(readable(params ?? {}, undefined, reader));
  if (reader.language === 'en') return error.message;
  const keyed = error.details.filter((d) => isKey(d.key));
  if (keyed.length > 0) return keyed.map((d) => problemText(d, reader)).join('；');
  return codeText(error.code, reader);
}

/** One problem as the API answers it: its code, path and message, and its parameters when it has them. */
export interface ProblemBody {
  readonly code: ErrorCode;
  readonly path: string;
  readonly message: string;
  readonly params?: MessageParams;
}

/** A problem as the API answers it, in the reader's language: the template key stays inside, the values go out. */
export function problemBody(problem: ProblemDetail, reader: ErrorReader): ProblemBody {
  const { code, path, params } = problem;
  return { code, path, message: problemText(problem, reader), ...(params === undefined ? {} : { params }) };
}

/** The coded envelope's `error`, in the reader's language: `code` stays, `params` are added where there are some. */
export function errorBody(
  error: CredenceError,
  reader: ErrorReader,
): { code: ErrorCode; message: string; details: ProblemBody[]; params?: MessageParams } {
  const details = error.details.map((d) => problemBody(d, reader));
  const params = error.ref.params;
  return { code: error.code, message: errorText(error, reader), details, ...(params === undefined ? {} : { params }) };
}
