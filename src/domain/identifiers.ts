/**
 * Subject identifiers: normalising, validating and masking `{scheme, value}` pairs.
 * Built-in schemes carry a check-digit algorithm (GB 11643, GB 32100, ISO 17442); deployment
 * schemes carry a pattern. Pure; messages name the failing part, never echo the whole value.
 */

import type { MessageParams, ProblemDetail } from '../errors.ts';
import { isValidLei, isValidResidentId, isValidUscc } from './identifier-fast-check.ts';
import type { IdentifierScheme, SubjectKind } from './policy.ts';
import { hasControlCharacters } from './text.ts';

/** No scheme's value may be longer than this; checked before any pattern runs. */
export const MAX_IDENTIFIER_LENGTH = 64;

/**
 * The value as Credence stores it: trimmed, and upper-cased for the built-in schemes (so a
 * resident ID ending in `x` becomes `X`). Pattern schemes are only trimmed.
 */
export function normalizeIdentifier(scheme: IdentifierScheme, value: string): string {
  const trimmed = value.trim();
  return scheme.check === undefined ? trimmed : trimmed.toUpperCase();
}

/**
 * Checks `value` in its normalised form (see `normalizeIdentifier`) against the scheme.
 * Returns `[]` when valid, otherwise one `CRD_INVALID_IDENTIFIER` problem at `path`.
 */
export function validateIdentifier(scheme: IdentifierScheme, value: string, path: string): readonly ProblemDetail[] {
  const normalized = normalizeIdentifier(scheme, value);
  if (isValidFast(scheme, normalized)) return NO_PROBLEMS;
  const problem = findIdentifierProblem(scheme, normalized);
  return problem === undefined ? [] : [{ code: 'CRD_INVALID_IDENTIFIER', path, ...problem }];
}

/**
 * The identifier as shown to anyone but its subject. A person's identifier keeps its first 6
 * (the division code) and last 4 characters; shorter values keep at most a third at each end.
 * Organisation identifiers are public and returned unchanged. `scheme` is accepted so callers
 * need not branch; masking depends only on the kind today.
 */
export function maskIdentifier(_scheme: string, value: string, kind: SubjectKind): string {
  if (kind === 'organization') return value;
  const chars = [...value];
  const third = Math.floor(chars.length / 3);
  const head = Math.min(6, third);
  const tail = Math.min(4, third);
  const hidden = chars.length - head - tail;
  return chars.slice(0, head).join('') + '*'.repeat(hidden) + chars.slice(chars.length - tail).join('');
}

const NO_PROBLEMS: readonly ProblemDetail[] = Object.freeze([]);

/** The hot-path verdict for the built-in schemes; pattern schemes always take the full check. */
function isValidFast(scheme: IdentifierScheme, value: string): boolean {
  switch (scheme.check) {
    case 'gb11643':
      return isValidResidentId(value);
    case 'gb32100':
      return isValidUscc(value);
    case 'iso17442':
      return isValidLei(value);
    case undefined:
      return false;
  }
}

/** Why an identifier is invalid, as data (a template key of the error catalogue and its parameters) and in English. */
export interface IdentifierProblem {
  readonly key: string;
  readonly params: MessageParams;
  readonly message: string;
}

const problem = (key: string, params: MessageParams, message: string): IdentifierProblem => ({ key, params, message });

/** The descriptive check: why a value is invalid (in English), or undefined when it is valid. */
export function findProblem(scheme: IdentifierScheme, value: string): string | undefined {
  return findIdentifierProblem(scheme, value)?.message;
}

/** The descriptive check: why a value is invalid, or undefined when it is valid. */
export function findIdentifierProblem(scheme: IdentifierScheme, value: string): IdentifierProblem | undefined {
  const id = { scheme: scheme.id };
  if (value.length === 0) return problem('identifier_empty', id, `${scheme.id} must not be empty`);
  if (value.length > MAX_IDENTIFIER_LENGTH)
    return problem(
      'identifier_too_long',
      { ...id, limit: MAX_IDENTIFIER_LENGTH },
      `${scheme.id} must be at most ${MAX_IDENTIFIER_LENGTH} characters`,
    );
  if (hasControlCharacters(value))
    return problem('identifier_control', id, `${scheme.id} must not contain control characters`);
  switch (scheme.check) {
    case 'gb11643':
      return findResidentIdProblem(scheme.id, value);
    case 'gb32100':
      return findUsccProblem(scheme.id, value);
    case 'iso17442':
      return findLeiProblem(scheme.id, value);
    case undefined:
      return findPatternProblem(scheme, value);
  }
}

// --- GB 11643-1999: citizen identity number, ISO 7064 MOD 11-2 --------------------------------

const GB11643_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const GB11643_CHECK_CHARS = '10X98765432';

/** The check character (`0`-`9` or `X`) for the first 17 digits of a resident ID. */
export function gb11643CheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('gb11643CheckDigit needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * GB11643_WEIGHTS[i]!;
  return GB11643_CHECK_CHARS[sum % 11]!;
}

function findResidentIdProblem(id: string, value: string): IdentifierProblem | undefined {
  if (!/^\d{17}[\dX]$/.test(value))
    return problem('rid_shape', { scheme: id }, `${id} must be 18 characters: 17 digits and a check digit 0-9 or X`);
  const dateProblem = findBirthDateProblem(id, value.slice(6, 14));
  if (dateProblem !== undefined) return dateProblem;
  const expected = gb11643CheckDigit(value.slice(0, 17));
  if (value[17] !== expected)
    return problem(
      'check_digit',
      { scheme: id, actual: value[17]!, expected },
      `${id} check digit is ${value[17]} but should be ${expected}`,
    );
  return undefined;
}

function findBirthDateProblem(id: string, yyyymmdd: string): IdentifierProblem | undefined {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  const params = { scheme: id, date: yyyymmdd };
  if (year < 1900 || year > 2100)
    return problem('rid_birth_year', params, `${id} birth date ${yyyymmdd} must be in the years 1900 to 2100`);
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = month >= 1 && month <= 12 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? undefined : problem('rid_birth_date', params, `${id} birth date ${yyyymmdd} is not a real date`);
}

// --- GB 32100-2015: unified social credit code, mod 31 --------------------------------------

/** The code's 31 characters: digits and capitals without I, O, Z, S, V. Index = value. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const GB32100_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const USCC_ALPHABET_TEXT = '0-9 and A-Z except I, O, S, V and Z';

/** The check character for the first 17 characters of a unified social credit code. */
export function gb32100CheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError('gb32100CheckChar needs exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i]!);
    if (value < 0) throw new RangeError(`gb32100CheckChar: '${first17[i]}' is not in the USCC alphabet`);
    sum += value * GB32100_WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

function findUsccProblem(id: string, value: string): IdentifierProblem | undefined {
  if (value.length !== 18)
    return problem('uscc_shape', { scheme: id }, `${id} must be 18 characters from ${USCC_ALPHABET_TEXT}`);
  const badAt = [...value].findIndex((c) => !USCC_ALPHABET.includes(c));
  if (badAt >= 0)
    return problem(
      'uscc_character',
      { scheme: id, char: value[badAt]!, position: badAt + 1 },
      `${id} may not contain '${value[badAt]}' (character ${badAt + 1}); allowed are ${USCC_ALPHABET_TEXT}`,
    );
  const division = value.slice(2, 8);
  if (!/^\d{6}$/.test(division))
    return problem(
      'uscc_division',
      { scheme: id, division },
      `${id} characters 3-8 must be a 6-digit administrative division code, not ${division}`,
    );
  const expected = gb32100CheckChar(value.slice(0, 17));
  if (value[17] !== expected)
    return problem(
      'check_character',
      { scheme: id, actual: value[17]!, expected },
      `${id} check character is ${value[17]} but should be ${expected}`,
    );
  return undefined;
}

// --- ISO 17442: legal entity identifier, ISO 7064 MOD 97-10 ---------------------------------

/** The two check digits for the first 18 characters (`0-9A-Z`) of an LEI. */
export function iso17442CheckDigits(first18: string): string {
  if (!/^[0-9A-Z]{18}$/.test(first18)) throw new RangeError('iso17442CheckDigits needs 18 characters from 0-9 and A-Z');
  return String(98 - mod97(`${first18}00`)).padStart(2, '0');
}

/** The remainder mod 97 of the number formed by writing letters as 10 (A) to 35 (Z). */
function mod97(value: string): number {
  let remainder = 0;
  for (const c of value) {
    const n = parseInt(c, 36);
    remainder = (remainder * (n < 10 ? 10 : 100) + n) % 97;
  }
  return remainder;
}

function findLeiProblem(id: string, value: string): IdentifierProblem | undefined {
  if (!/^[0-9A-Z]{18}\d{2}$/.test(value))
    return problem('lei_shape', { scheme: id }, `${id} must be 20 characters: 18 letters or digits and 2 check digits`);
  if (mod97(value) === 1) return undefined;
  const expected = iso17442CheckDigits(value.slice(0, 18));
  return problem(
    'lei_check_digits',
    { scheme: id, actual: value.slice(18), expected },
    `${id} check digits are ${value.slice(18)} but should be ${expected}`,
  );
}

// --- Deployment schemes ---------------------------------------------------------------------

// Compiled patterns, by source. Schemes are few, so the cache stays small.
const patterns = new Map<string, RegExp>();

function findPatternProblem(scheme: IdentifierScheme, value: string): IdentifierProblem | undefined {
  if (scheme.pattern === undefined) return undefined;
  let pattern = patterns.get(scheme.pattern);
  if (pattern === undefined) {
    pattern = new RegExp(scheme.pattern);
    patterns.set(scheme.pattern, pattern);
  }
  if (pattern.test(value)) return undefined;
  return problem(
    'pattern',
    { scheme: scheme.id, name: scheme.name.en, pattern: scheme.pattern },
    `${scheme.id} (${scheme.name.en}) must match the pattern ${scheme.pattern}`,
  );
}
