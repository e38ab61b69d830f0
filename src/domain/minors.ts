/**
 * No minors on a list. SPC Provisions on Publishing the List of Dishonest Judgment Debtors (Fa Shi [2013] 17 as
 * amended by Fa Shi [2017] 7), art. 4: a judgment debtor who is a minor is not placed on the list. Credence holds
 * every sanction list to it (DESIGN: "no minors on any list"): a record that would place a person on one is refused
 * when their resident ID (GB 11643-1999: digits 7-14 are the birth date, YYYYMMDD) shows them under 18 on the day
 * of the decision. Pure.
 */

import type { ProblemDetail } from '../errors.ts';
import { addDays, addDuration } from './duration.ts';
import { meetsCriterion } from './evaluate.ts';
import type { Policy, SubjectKind } from './policy.ts';

/** Beijing time, UTC+8 (no daylight saving since 1991): the calendar a Chinese authority dates its decisions in. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** Civil Code of the PRC, art. 17: a natural person of 18 years of age or more is an adult. */
const AGE_OF_MAJORITY = 'P18Y';

/** The birth date a resident ID carries (GB 11643-1999: digits 7-14), as UTC midnight; null if it carries none. */
export function residentIdBirthDate(id: string): Date | null {
  const match = /^\d{6}(\d{4})(\d{2})(\d{2})\d{3}[\dX]$/.exec(id);
  if (match === null) return null;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

/**
 * Whether a person born on `birth` (UTC midnight) is a minor on the Beijing calendar day of `at`. Ages count in the
 * subject's favour: 18 years are reached the day after the 18th birthday (SPC Interpretation on Juvenile Criminal
 * Cases, Fa Shi [2006] 1, art. 2; Civil Code arts. 201-202), and a birthday on 29 February falls on 28 February.
 */
export function isMinorOn(birth: Date, at: Date): boolean {
  const local = new Date(at.getTime() + BEIJING_OFFSET_MS); // its UTC fields read the Beijing calendar
  const day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  return day < addDays(addDuration(birth, AGE_OF_MAJORITY), 1).getTime();
}

/** What `minorListingProblem` reads of a checked record. */
export interface ListableRecord {
  readonly type: string;
  readonly subject: { readonly kind: SubjectKind; readonly scheme: string; readonly id: string };
  readonly decided_at: Date;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * The problem with a record that would place a minor on a sanction list (it meets a criterion of a sanction list
 * that takes persons, and the subject's resident ID shows them under 18 on `decided_at`), or null. The message
 * names the law and the lists, never the identifier or the birth date.
 */
export function minorListingProblem(policy: Policy, record: ListableRecord): ProblemDetail | null {
  const { subject } = record;
  if (subject.kind !== 'person' || policy.identifier_schemes.get(subject.scheme)?.check !== 'gb11643') return null;
  const lists = [...policy.lists.values()].filter(
    (list) =>
      list.kind === 'sanction' &&
      list.subject_kinds.includes('person') &&
      list.criteria.some((criterion) => meetsCriterion(criterion, record)),
  );
  if (lists.length === 0) return null;
  const birth = residentIdBirthDate(subject.id);
  if (birth === null || !isMinorOn(birth, record.decided_at)) return null;
  return {
    code: 'CRD_SUBJECT_MINOR',
    path: 'subject.id',
    message:
      `a minor is never listed (Fa Shi [2017] 7 art. 4): the resident ID shows the subject under 18 on decided_at, ` +
      `and a ${record.type} record would place them on ${lists.map((l) => l.id).join(', ')}`,
  };
}
