/**
 * The refusal of special-category data (DESIGN: "What Credence refuses to be"): no record type,
 * attribute, attribute value, list or identifier scheme may be about ethnicity, religion,
 * political opinion, union membership, health, sex life, genetics, biometrics, or location and
 * movement (GDPR art. 9(1); EU AI Act art. 5(1)(c) and (h)). Matching is on whole words, so
 * `market.abnormal_operations` passes and `religious_affiliation` does not.
 */

import type { ProblemDetail } from '../errors.ts';
import { objectEntries, policyProblem, stringItems } from './document.ts';
import type { PathSegment } from './paths.ts';

/** Refused terms, each a sequence of words. */
const REFUSED_TERMS: readonly (readonly string[])[] = [
  ['ethnicity'],
  ['ethnic'],
  ['race'],
  ['racial'],
  ['religion'],
  ['religious'],
  ['political'],
  ['union', 'membership'],
  ['trade', 'union'],
  ['health'],
  ['medical'],
  ['disability'],
  ['sex', 'life'],
  ['sexual', 'orientation'],
  ['genetic'],
  ['dna'],
  ['biometric'],
  ['face'],
  ['facial'],
  ['iris'],
  ['fingerprint'],
  ['voice'],
  ['location'],
  ['gps'],
  ['movement'],
  ['geolocation'],
];

export const SPECIAL_CATEGORY_MESSAGE = 'special-category data is refused (DESIGN: what Credence refuses to be)';

/** The words of an id or name: lower-cased, split on anything but letters and digits. */
export function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** The refused term `text` mentions (`"trade union"`), or `null`. Plurals count (`faces`). */
export function findSpecialCategory(text: string): string | null {
  const words = wordsOf(text);
  const matches = (word: string | undefined, refused: string): boolean => word === refused || word === `${refused}s`;
  for (const term of REFUSED_TERMS) {
    for (let i = 0; i + term.length <= words.length; i++) {
      if (term.every((refused, k) => matches(words[i + k], refused))) return term.join(' ');
    }
  }
  return null;
}

/** Every mention of a special category among the ids and names the policy declares. */
export function checkSpecialCategories(document: Readonly<Record<string, unknown>>): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const check = (segments: PathSegment[], text: string): void => {
    const term = findSpecialCategory(text);
    if (term !== null)
      problems.push(policyProblem(segments, `${SPECIAL_CATEGORY_MESSAGE}: "${text}" concerns ${term}`));
  };
  for (const [id, type] of objectEntries(document.record_types)) {
    const at: PathSegment[] = ['record_types', id];
    check(at, id);
    if (typeof type.name === 'string') check([...at, 'name'], type.name);
    for (const [name, spec] of objectEntries(type.attributes)) {
      check([...at, 'attributes', name], name);
      for (const [index, value] of stringItems(spec.enum)) check([...at, 'attributes', name, 'enum', index], value);
    }
  }
  for (const [id, list] of objectEntries(document.lists)) {
    check(['lists', id], id);
    if (typeof list.name === 'string') check(['lists', id, 'name'], list.name);
  }
  for (const [id, scheme] of objectEntries(document.identifier_schemes)) {
    check(['identifier_schemes', id], id);
    if (typeof scheme.name === 'string') check(['identifier_schemes', id, 'name'], scheme.name);
  }
  return problems;
}
