/**
 * The refusal of special-category data (DESIGN: "What Credence refuses to be"): no record type,
 * attribute (name, description or value), list or identifier scheme may be about ethnicity,
 * religion, political opinion, union membership, health, sex life, genetics, biometrics, or
 * location and movement (GDPR art. 9(1); EU AI Act art. 5(1)(c) and (h)), nor about the other
 * sensitive personal information of PIPL art. 28: financial accounts, specific identities, and
 * children under 14. English terms match whole words, so `market.abnormal_operations` passes and
 * `religious_affiliation` does not; Chinese terms match anywhere, Chinese having no spaces.
 */

import type { ProblemDetail } from '../errors.ts';
import { isObject, objectEntries, policyProblem, stringItems } from './document.ts';
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
  // PIPL art. 28: financial accounts (GB/T 45574-2025 A.5: account and card numbers).
  ['financial', 'account'],
  ['bank', 'account'],
  ['bank', 'card'],
  ['credit', 'card'],
  ['debit', 'card'],
  ['card', 'number'],
  ['account', 'number'],
  ['payment', 'account'],
  ['securities', 'account'],
  ['iban'],
  // PIPL art. 28: specific identities (GB/T 45574-2025 A.3: e.g. a person's disability status).
  ['specific', 'identity'],
  ['specific', 'identities'],
  ['disabled'],
  // PIPL art. 28: personal information of children under 14.
  ['child'],
  ['children'],
  ['juvenile'],
  ['under', '14'],
  ['under', 'fourteen'],
];

/** The same categories in Chinese, matched as substrings. */
const REFUSED_TERMS_ZH: readonly string[] = [
  '民族',
  '种族',
  '宗教',
  '信仰',
  '政治',
  '工会',
  '健康',
  '医疗',
  '疾病',
  '病历',
  '残疾',
  '残障',
  '性生活',
  '性取向',
  '基因',
  '生物识别',
  '人脸',
  '面部',
  '虹膜',
  '指纹',
  '声纹',
  '行踪',
  '轨迹',
  '位置信息',
  '定位',
  '金融账户',
  '银行账户',
  '支付账户',
  '证券账户',
  '银行卡',
  '卡号',
  '账号',
  '特定身份',
  '儿童',
  '不满十四周岁',
  '未满十四周岁',
  '不满14周岁',
  '未满14周岁',
];

export const SPECIAL_CATEGORY_MESSAGE = 'special-category data is refused (DESIGN: what Credence refuses to be)';

/** The words of an id or name: lower-cased, split on anything but letters and digits. */
export function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** The refused term `text` mentions (`"trade union"`, `"银行账户"`), or `null`. Plurals count (`faces`). */
export function findSpecialCategory(text: string): string | null {
  const words = wordsOf(text);
  const matches = (word: string | undefined, refused: string): boolean => word === refused || word === `${refused}s`;
  for (const term of REFUSED_TERMS) {
    for (let i = 0; i + term.length <= words.length; i++) {
      if (term.every((refused, k) => matches(words[i + k], refused))) return term.join(' ');
    }
  }
  return REFUSED_TERMS_ZH.find((term) => text.includes(term)) ?? null;
}

/** Every mention of a special category among the ids, names and attribute texts (descriptions, value labels). */
export function checkSpecialCategories(document: Readonly<Record<string, unknown>>): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const check = (segments: PathSegment[], text: string): void => {
    const term = findSpecialCategory(text);
    if (term !== null)
      problems.push(policyProblem(segments, `${SPECIAL_CATEGORY_MESSAGE}: "${text}" concerns ${term}`));
  };
  // A text a person reads is a string or one string per language (`{en: …, zh: …}`).
  const checkText = (segments: PathSegment[], value: unknown): void => {
    if (typeof value === 'string') check(segments, value);
    else if (isObject(value))
      for (const [language, text] of Object.entries(value))
        if (typeof text === 'string') check([...segments, language], text);
  };
  for (const [id, type] of objectEntries(document.record_types)) {
    const at: PathSegment[] = ['record_types', id];
    check(at, id);
    checkText([...at, 'name'], type.name);
    for (const [name, spec] of objectEntries(type.attributes)) {
      check([...at, 'attributes', name], name);
      checkText([...at, 'attributes', name, 'description'], spec.description);
      for (const [index, value] of stringItems(spec.enum)) check([...at, 'attributes', name, 'enum', index], value);
      if (isObject(spec.labels))
        for (const [value, label] of Object.entries(spec.labels))
          checkText([...at, 'attributes', name, 'labels', value], label);
    }
  }
  for (const [id, list] of objectEntries(document.lists)) {
    check(['lists', id], id);
    checkText(['lists', id, 'name'], list.name);
  }
  for (const [id, scheme] of objectEntries(document.identifier_schemes)) {
    check(['identifier_schemes', id], id);
    checkText(['identifier_schemes', id, 'name'], scheme.name);
  }
  return problems;
}
