/**
 * A subject's whole file: score, grade, factors, lists, measures, every record and every
 * inquiry made about them. Reading a report is itself an inquiry, committed before the read.
 */

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { evaluateSubject, recordWindow } from '../../domain/evaluate.ts';
import { PORTAL_PRINCIPAL_ID, type Principal } from '../../domain/principal.ts';
import { CredenceError } from '../../errors.ts';
import { getNoticesOfSubject } from '../../store/notices.repository.ts';
import { getRecordsOfSubjects } from '../../store/records.repository.ts';
import type { DB } from '../../store/schema.ts';
import { getIdentifiersOfSubjects, getNameVariants, getSubjectByIdentifier } from '../../store/subjects.repository.ts';
import { checkSubjectRef, type SubjectRef } from '../decisions/decisions.service.ts';
import { annotationFor, getRecordAnnotations } from './record-annotations.service.ts';
import type { Runtime } from '../runtime/runtime.ts';

/** Operators and auditors read any file; a subject key only its own. */
export function authorizeReport(principal: Principal, ref: SubjectRef): void {
  if (principal.role === 'operator' || principal.role === 'auditor') return;
  if (principal.role === 'subject' && principal.subject?.scheme === ref.scheme && principal.subject.id === ref.id)
    return;
  throw new CredenceError(
    'CRD_FORBIDDEN',
    principal.role === 'subject'
      ? 'a subject key may read only its own file'
      : `a ${principal.role} key may not read subject files`,
  );
}

async function inquiriesAbout(db: Kysely<DB>, identifiers: readonly SubjectRef[]) {
  if (identifiers.length === 0) return [];
  return db
    .selectFrom('inquiries')
    .select([
      'id',
      'at',
      'kind',
      'principal_id',
      'action',
      'purpose',
      'outcome',
      'policy_version',
      'subject_scheme',
      'subject_value',
      'review_id',
    ])
    .where((eb) =>
      eb.or(identifiers.map((i) => eb.and([eb('subject_scheme', '=', i.scheme), eb('subject_value', '=', i.id)]))),
    )
    .orderBy('at', 'desc')
    .limit(1000)
    .execute();
}

/**
 * Who made each inquiry, for the subject: API keys by their name and role; the portal's own
 * reads as the subject themself; console reads by the staff member's account and role.
 */
async function principalNames(
  db: Kysely<DB>,
  ids: readonly string[],
): Promise<Map<string, { name: string; role: string }>> {
  const unique = [...new Set(ids)];
  const names = new Map<string, { name: string; role: string }>();
  if (unique.includes(PORTAL_PRINCIPAL_ID))
    names.set(PORTAL_PRINCIPAL_ID, { name: 'the subject, in the portal', role: 'subject' });
  const keys = unique.filter((id) => !id.includes(':'));
  if (keys.length > 0) {
    for (const r of await db.selectFrom('principals').select(['id', 'name', 'role']).where('id', 'in', keys).execute())
      names.set(r.id, { name: r.name, role: r.role });
  }
  const staff = unique.filter((id) => id.startsWith('staff:'));
  if (staff.length > 0) {
    const rows = await db
      .selectFrom('staff_accounts')
      .leftJoin('agencies', 'agencies.id', 'staff_accounts.agency_id')
      .select(['staff_accounts.id', 'staff_accounts.role', 'agencies.name as agency'])
      .where(
        'staff_accounts.id',
        'in',
        staff.map((id) => id.slice(6)),
      )
      .execute();
    for (const r of rows) names.set(`staff:${r.id}`, { name: r.agency ?? 'Credence operator', role: r.role });
  }
  return names;
}

export async function getReport(rt: Runtime, principal: Principal, requested: SubjectRef) {
  const ref = checkSubjectRef(rt, requested, 'subject');
  if ('code' in ref) throw new CredenceError(ref.code, ref.message, [ref]);
  authorizeReport(principal, ref);
  const now = rt.clock();
  await rt.log.append([
    {
      subject_scheme: ref.scheme,
      subject_value: ref.id,
      at: now,
      id: randomUUID(),
      kind: 'report',
      principal_id: principal.id,
      action: null,
      purpose: null,
      outcome: null,
      policy_version: rt.policy.version,
    },
  ]);
  const subject = await getSubjectByIdentifier(rt.db, ref.scheme, ref.id);
  const identifiers =
    subject === undefined
      ? [ref]
      : (await getIdentifiersOfSubjects(rt.db, [subject.id])).map((i) => ({ scheme: i.scheme, id: i.value }));
  const records = subject === undefined ? [] : await getRecordsOfSubjects(rt.db, [subject.id]);
  const evaluation = evaluateSubject(
    rt.policy,
    { kind: subject?.kind ?? rt.policy.identifier_schemes.get(ref.scheme)!.subject_kinds[0]!, records },
    now,
  );
  const inquiries = await inquiriesAbout(rt.db, identifiers);
  const notices = subject === undefined ? [] : await getNoticesOfSubject(rt.db, subject.id);
  const annotations =
    subject === undefined
      ? new Map()
      : await getRecordAnnotations(
          rt.db,
          subject.id,
          records.map((r) => r.id),
          now,
        );
  const names = await principalNames(
    rt.db,
    inquiries.map((i) => i.principal_id),
  );
  return {
    subject:
      subject === undefined
        ? { known: false, scheme: ref.scheme, id: ref.id, identifiers }
        : {
            known: true,
            id: subject.id,
            kind: subject.kind,
            name: subject.name,
            identifiers,
            name_variants: await getNameVariants(rt.db, subject.id),
          },
    policy_version: rt.policy.version,
    evaluated_at: now.toISOString(),
    score: evaluation.score,
    grade: evaluation.grade,
    factors: evaluation.factors,
    lists: evaluation.lists,
    measures: evaluation.measures,
    records: records.map((r) => {
      const type = rt.policy.record_types.get(r.type);
      const window = type === undefined ? null : recordWindow(type, r);
      const { body_digest: _digest, ...record } = r;
      return {
        ...record,
        ...annotationFor(annotations, r.id),
        counts_until: window?.end ?? null,
        record_type_name: type?.name ?? r.type,
      };
    }),
    notices: notices.map(
      ({ delivery_status: _s, attempts: _a, next_attempt_at: _n, last_error: _e, delivered_at: _d, ...notice }) =>
        notice,
    ),
    inquiries: inquiries.map((i) => ({
      id: i.id,
      at: i.at,
      kind: i.kind,
      action: i.action,
      purpose: i.purpose,
      outcome: i.outcome,
      // Set when this is a relying service's human decision after a review, not Credence's.
      review_id: i.review_id ?? null,
      by: { principal_id: i.principal_id, ...(names.get(i.principal_id) ?? { name: 'unknown', role: 'unknown' }) },
      identifier: { scheme: i.subject_scheme, id: i.subject_value },
    })),
  };
}

/** A subject's whole file as `getReport` returns it (the API's report and the portal's page). */
export type SubjectReport = Awaited<ReturnType<typeof getReport>>;
