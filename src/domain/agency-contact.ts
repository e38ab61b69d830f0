/**
 * How to reach an agency, as it was registered (issue 11): what to do or where to go in each language (its office,
 * its hours), and optionally a telephone number and an address in each language. Shown with the exit route of every
 * list and record the agency's records put a person on.
 */

import type { MessageParams, ProblemDetail } from '../errors.ts';
import type { LocalText } from './local-text.ts';
import { textFault, textFaultKey } from './text.ts';

export interface AgencyContact extends LocalText {
  readonly phone?: string;
  readonly address?: LocalText;
}

/** The longest text of a contact or an address, in characters: an office and its hours, not a page. */
export const MAX_CONTACT_TEXT = 300;
const PHONE = /^[0-9+() -]{3,40}$/;

/**
 * Every problem with `contact` as given (at `path`), each with its template key: both languages of its text and of its
 * address (issue 11: people read it in either), storable text within MAX_CONTACT_TEXT, a telephone number of digits.
 */
export function agencyContactProblems(contact: AgencyContact, path: string): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const add = (at: string, message: string, key: string, params: MessageParams = {}) =>
    problems.push({ code: 'CRD_VALIDATION', path: at, message, key, params: { field: at, ...params } });
  const texts = (at: string, text: LocalText) => {
    if (text.en.trim() === '' || text.zh.trim() === '')
      add(at, `${at} needs its text in English and in Chinese`, 'contact_bilingual');
    for (const language of ['en', 'zh'] as const) {
      const fault = textFault(text[language]);
      if (fault !== null)
        add(`${at}.${language}`, `${at}.${language} ${fault}`, textFaultKey(fault).key, textFaultKey(fault).params);
      else if (text[language].length > MAX_CONTACT_TEXT)
        add(`${at}.${language}`, `${at}.${language} must be at most ${MAX_CONTACT_TEXT} characters`, 'too_long', {
          limit: MAX_CONTACT_TEXT,
        });
    }
  };
  texts(path, contact);
  if (contact.address !== undefined) texts(`${path}.address`, contact.address);
  if (contact.phone !== undefined && !PHONE.test(contact.phone))
    add(
      `${path}.phone`,
      `${path}.phone must be a telephone number: 3 to 40 digits, spaces, +, ( ) or -`,
      'phone_invalid',
    );
  return problems;
}
