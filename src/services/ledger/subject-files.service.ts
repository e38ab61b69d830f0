/**
 * Reading subjects' files (kind and every record) for evaluation, and the organisations a person is related to with
 * their memberships: what every projection, rescoring, simulation and replay evaluates.
 */

import type { Policy } from '../../domain/policy.ts';
import type { Membership } from '../../domain/evaluate.ts';
import { evaluateSubject } from '../../domain/evaluate.ts';
import type { RelatedOrganization } from '../../domain/related.ts';
import type { SubjectFile } from '../../domain/record.ts';
import type { Executor } from '../../store/executor.ts';
import { getRecordsOfSubjects } from '../../store/records.repository.ts';
import { getRelationshipsOfPersons } from '../../store/relationships.repository.ts';
import { getRecordsInSubjectRange, getSubjectKindsAfter } from '../../store/subject-pages.repository.ts';
import { getIdentifiersOfSubjects, getSubjectsByIds } from '../../store/subjects.repository.ts';

const NONE: ReadonlySet<string> = new Set();

/**
 * The organisations the persons among `files` are related to by a relationship not revoked, each with the
 * organisation's memberships evaluated at `at` from its stored records (never from its projection, so a replay,
 * which evaluates the person as of its last event, reads the same), by person id. `fresh` persons (registered in
 * this transaction) have no relationship yet.
 */
export async function loadRelatedOrganizations(
  trx: Executor,
  policy: Policy,
  files: ReadonlyMap<string, SubjectFile>,
  at: Date,
  fresh: ReadonlySet<string> = NONE,
): Promise<Map<string, RelatedOrganization[]>> {
  const persons = [...files].filter(([id, file]) => file.kind === 'person' && !fresh.has(id)).map(([id]) => id);
  const result = new Map<string, RelatedOrganization[]>();
  if (persons.length === 0) return result;
  const relationships = (await getRelationshipsOfPersons(trx, persons)).filter((r) => r.status === 'active');
  if (relationships.length === 0) return result;
  const ids = [...new Set(relationships.map((r) => r.organization_id))];
  const [organizations, identifiers] = await Promise.all([
    loadSubjectFiles(trx, ids),
    getIdentifiersOfSubjects(trx, ids),
  ]);
  const names = new Map((await getSubjectsByIds(trx, ids)).map((s) => [s.id, s.name]));
  const schemes = [...policy.identifier_schemes.keys()];
  const evaluated = new Map<string, readonly Membership[]>();
  for (const r of relationships) {
    const file = organizations.get(r.organization_id);
    if (file === undefined) continue;
    const own = identifiers
      .filter((i) => i.subject_id === r.organization_id)
      .sort((a, b) => schemes.indexOf(a.scheme) - schemes.indexOf(b.scheme) || a.value.localeCompare(b.value));
    const organization = {
      scheme: own[0]?.scheme ?? '',
      id: own[0]?.value ?? '',
      name: names.get(r.organization_id) ?? '',
      identifiers: own.map((i) => i.value),
    };
    let lists = evaluated.get(r.organization_id);
    if (lists === undefined) {
      lists = evaluateSubject(policy, file, at).lists;
      evaluated.set(r.organization_id, lists);
    }
    const entry = { relationship: r, organization, lists };
    result.set(r.person_id, [...(result.get(r.person_id) ?? []), entry]);
  }
  return result;
}

/**
 * One page of subject files: up to `size` subjects with ids after `after`, in id order, their records read by one
 * range scan (policy simulation and activation pages).
 */
export async function loadSubjectFilesAfter(
  trx: Executor,
  after: string,
  size: number,
): Promise<Map<string, SubjectFile>> {
  const subjects = await getSubjectKindsAfter(trx, after, size);
  const files = new Map<string, { kind: SubjectFile['kind']; records: SubjectFile['records'][number][] }>();
  if (subjects.length === 0) return files;
  for (const s of subjects) files.set(s.id, { kind: s.kind, records: [] });
  const records = await getRecordsInSubjectRange(trx, subjects[0]!.id, subjects[subjects.length - 1]!.id);
  for (const r of records) files.get(r.subject_id)?.records.push(r);
  return files;
}

/** Loads the current files (kind and every record) of the given subjects. */
export async function loadSubjectFiles(
  trx: Executor,
  subjectIds: readonly string[],
): Promise<Map<string, SubjectFile>> {
  const [subjects, records] = await Promise.all([
    getSubjectsByIds(trx, subjectIds),
    getRecordsOfSubjects(trx, subjectIds),
  ]);
  const files = new Map<string, { kind: SubjectFile['kind']; records: SubjectFile['records'][number][] }>();
  for (const s of subjects) files.set(s.id, { kind: s.kind, records: [] });
  for (const r of records) files.get(r.subject_id)?.records.push(r);
  return files;
}
