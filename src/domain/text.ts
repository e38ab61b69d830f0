/** Checks on free text that every shell and service share. */

import type { MessageParams, ProblemDetail } from '../errors.ts';

/** Whether `text` holds a C0 control character (U+0000–U+001F) or DEL (U+007F). */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** A control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) other than tab, LF and CR. */
function isRefusedControl(code: number): boolean {
  if (code < 0x20) return code !== TAB && code !== LINE_FEED && code !== CARRIAGE_RETURN;
  return code >= 0x7f && code <= 0x9f;
}

const ALLOWED_CONTROLS = 'text may hold no control characters but tab, line feed and carriage return';
const codePoint = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** `text` less what `textFault` refuses (control characters but tab, LF and CR; lone surrogates become U+FFFD). */
export function storableText(text: string): string {
  let kept = '';
  for (const character of text.toWellFormed()) if (!isRefusedControl(character.charCodeAt(0))) kept += character;
  return kept;
}

/**
 * Why `text` cannot be stored as text, or null. Control characters other than tab, LF and CR are refused (NUL above
 * all: PostgreSQL cannot store it), and so are lone surrogates (not Unicode: they would be stored as U+FFFD).
 */
export function textFault(text: string): string | null {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (isRefusedControl(code)) return `contains the control character ${codePoint(code)}; ${ALLOWED_CONTROLS}`;
  }
  return text.isWellFormed() ? null : 'is not well-formed Unicode (it holds a lone surrogate)';
}

/** Whether every string in `value`, and every key, passes `textFault`; walks as `textProblems` does. */
function isCleanTree(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (textFault(item) !== null) return false;
    } else if (Array.isArray(item)) {
      for (const child of item) stack.push(child);
    } else if (typeof item === 'object' && item !== null) {
      for (const key of Object.keys(item)) {
        if (textFault(key) !== null) return false;
        stack.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return true;
}

/**
 * textFault's refusal as data (issue 11): the template key of the error catalogue (`control_character`, with the
 * character's code point, or `not_unicode`) and its parameters; the field is the caller's to add.
 */
export function textFaultKey(fault: string): { key: string; params: MessageParams } {
  const char = /U\+[0-9A-F]{4}/.exec(fault)?.[0];
  return char === undefined ? { key: 'not_unicode', params: {} } : { key: 'control_character', params: { char } };
}

/** At most this many problems are reported for one input: enough to act on, bounded for a hostile one. */
const MAX_TEXT_PROBLEMS = 20;

/**
 * Every string in `value` (a parsed JSON body, a query, route parameters; keys too) that `textFault` refuses, with
 * its path from `path` (`body.records[3].subject.name`). Walks without recursion, so no nesting depth can
 * overflow the stack.
 */
export function textProblems(value: unknown, path: string): ProblemDetail[] {
  if (isCleanTree(value)) return []; // the common case, on every request: no paths are built
  const problems: ProblemDetail[] = [];
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0 && problems.length < MAX_TEXT_PROBLEMS) {
    const [item, at] = stack.pop()!;
    if (typeof item === 'string') {
      const fault = textFault(item);
      if (fault !== null) {
        const { key, params } = textFaultKey(fault);
        const field = at || 'the value';
        problems.push({
          code: 'CRD_VALIDATION',
          path: at,
          message: `${field} ${fault}`,
          key,
          params: { field, ...params },
        });
      }
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i -= 1) stack.push([item[i], `${at}[${i}]`]);
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, child] of Object.entries(item).reverse()) {
        const fault = textFault(key);
        if (fault === null) stack.push([child, at === '' ? key : `${at}.${key}`]);
        else
          problems.push({ code: 'CRD_VALIDATION', path: at, message: `a field name in ${at || 'the value'} ${fault}` });
      }
    }
  }
  return problems;
}

/** A JSON `\u0000` escape: one preceded by an even number of backslashes (an odd one escapes the backslash). */
const JSON_NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * `value` (JSON data) with every NUL replaced by U+FFFD, for keeping a copy of refused input in PostgreSQL, which
 * cannot store NUL in text or jsonb; the copy shows where the NUL was.
 */
export function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD');
  const json = JSON.stringify(value);
  return json === undefined ? value : JSON.parse(json.replace(JSON_NUL_ESCAPE, '$1\\uFFFD'));
}
