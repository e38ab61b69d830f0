/**
 * Who a filing is about: each candidate's subject identifier is looked up, and subjects not yet
 * registered get ids reserved (registered with the batch). Names are never merged: a name that
 * differs from the registered one is kept as a flagged variant.
 */

import type { Transaction } from 'kysely';
import type { Candidate } from '../../domain/intake-plan.ts';
import type { SubjectKind } from '../../domain/policy.ts';
import type { StoredRecord } from '../../store/records.repository.ts';
import type { DB } from '../../store/schema.ts';
import {
  getSubjectsByIdentifiers,
  reserveSubjectIds,
  type NameVariantRow,
  type SubjectRow,
} from '../../store/subjects.repository.ts';

export interface Resolution {
  readonly subjectIdByKey: Map<string, string>;
  readonly newSubjects: (SubjectRow & { scheme: string; value: string })[];
  readonly existing: Map<string, SubjectRow>;
}

/** The key a candidate's subject is resolved by: `scheme:identifier`. */
export const keyOf = (c: Candidate) => `${c.record.subject.scheme}:${c.record.subject.id}`;

/** Finds the candidates' registered subjects and reserves ids for the others (registered at `now`). */
export async function resolveSubjects(
  trx: Transaction<DB>,
  candidates: readonly Candidate[],
  now: Date,
): Promise<Resolution> {
  return resolveParties(
    trx,
    candidates.map((c) => c.record.subject),
    now,
  );
}

/** A subject as a filing names it: its kind, one identifier and the name the filer gives. */
export interface Party {
  readonly kind: SubjectKind;
  readonly scheme: string;
  readonly id: string;
  readonly name: string;
}

/** Finds the parties' registered subjects (by `scheme:id`) and reserves ids for the others (registered at `now`). */
export async function resolveParties(trx: Transaction<DB>, parties: readonly Party[], now: Date): Promise<Resolution> {
  const key = (p: Party) => `${p.scheme}:${p.id}`;
  const found = await getSubjectsByIdentifiers(
    trx,
    parties.map((p) => ({ scheme: p.scheme, value: p.id })),
  );
  const subjectIdByKey = new Map(found.map((s) => [`${s.scheme}:${s.value}`, s.id]));
  const existing = new Map(found.map((s) => [s.id, s]));
  const unknown = [...new Map(parties.filter((p) => !subjectIdByKey.has(key(p))).map((p) => [key(p), p])).values()];
  const ids = await reserveSubjectIds(trx, unknown.length);
  const newSubjects = unknown.map((p, i) => {
    subjectIdByKey.set(key(p), ids[i]!);
    return { id: ids[i]!, kind: p.kind, name: p.name, created_at: now, scheme: p.scheme, value: p.id };
  });
  return { subjectIdByKey, newSubjects, existing };
}

/** A name differing from the registered one is kept as a flagged variant, never merged. */
export function nameVariants(
  resolution: Resolution,
  candidates: readonly Candidate[],
  records: readonly StoredRecord[],
  now: Date,
): NameVariantRow[] {
  const registered = new Map([...resolution.existing.values(), ...resolution.newSubjects].map((s) => [s.id, s.name]));
  return candidates.flatMap((c, i) => {
    const subjectId = records[i]!.subject_id;
    return registered.get(subjectId) === c.record.subject.name
      ? []
      : [{ subject_id: subjectId, name: c.record.subject.name, first_seen_at: now, record_id: records[i]!.id }];
  });
}

/** The `subject.registered` ledger events of subjects registered by a filing (a replay registers them again). */
export function subjectRegisteredEvents(subjects: Resolution['newSubjects']) {
  return subjects.map((s) => ({
    type: 'subject.registered',
    subject_id: s.id,
    payload: {
      subject: { id: s.id, kind: s.kind, name: s.name, created_at: s.created_at },
      identifiers: [{ scheme: s.scheme, value: s.value }],
    },
  }));
}
