/**
 * A subject's whole file: score, grade, factors, lists, measures, every record and every
 * inquiry made about them, and the proofs that the public log holds every ledger event about them.
 * Reading a report is itself an inquiry, committed before the read.
 */

import { evaluateSubject, extensionYears, recordWindow } from '../../domain/evaluate.ts';
import type { Policy } from '../../domain/policy.ts';
import { repairDueAt } from '../../domain/repair.ts';
import { PORTAL_PRINCIPAL_ID, type Principal } from '../../domain/principal.ts';
import { CredenceError } from '../../errors.ts';
import {
  countInquiriesAbout,
  countInquiriesBy,
  getInquiriesAbout,
  getKeyNames,
  getStaffNames,
  type InquiryCursor,
} from '../../store/inquiries.repository.ts';
import { getCommitmentsOfSubjects } from '../../store/commitments.repository.ts';
import type { StoredNotice } from '../../store/notices.repository.ts';
import { getRecordsOfSubjects, type StoredRecord } from '../../store/records.repository.ts';
import {
  getIdentifiersOfSubjects,
  getNameVariants,
  getSubjectByIdentifier,
  type SubjectRow,
} from '../../store/subjects.repository.ts';
import type { ServiceContext } from '../context.ts';
import { checkSubjectRef, type SubjectRef } from '../decisions/decisions.service.ts';
import { commitmentView } from './commitments.service.ts';
import { logInquiries } from './inquiries.service.ts';
import { annotationFor, getRecordAnnotations, type RecordAnnotation } from './record-annotations.service.ts';
import { readNoticesOfSubject } from './stored-notices.ts';
import { readSubjectLog } from '../ledger/subject-log.service.ts';
import { policyDecidingNow } from '../ledger/deciding-policy.ts';
import { loadRelatedOrganizations } from '../ledger/subject-files.service.ts';
import { relationshipsOfSubject } from '../relationships/relationship-views.service.ts';

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

/** What Credence holds about the subject an identifier names (nothing, if it names no one yet). */
interface SubjectFile {
  readonly subject: SubjectRow | undefined;
  readonly identifiers: readonly SubjectRef[];
  readonly records: readonly StoredRecord[];
  readonly notices: readonly StoredNotice[];
  readonly annotations: ReadonlyMap<string, RecordAnnotation>;
}

async function readSubjectFile(ctx: ServiceContext, ref: SubjectRef, now: Date): Promise<SubjectFile> {
  const subject = await getSubjectByIdentifier(ctx.db, ref.scheme, ref.id);
  if (subject === undefined) return { subject, identifiers: [ref], records: [], notices: [], annotations: new Map() };
  const identifiers = (await getIdentifiersOfSubjects(ctx.db, [subject.id])).map((i) => ({
    scheme: i.scheme,
    id: i.value,
  }));
  const records = await getRecordsOfSubjects(ctx.db, [subject.id]);
  const [notices, annotations] = await Promise.all([
    readNoticesOfSubject(ctx.db, ctx.policy, subject.id),
    getRecordAnnotations(
      ctx.db,
      subject.id,
      records.map((r) => r.id),
      now,
      (id, appliedAt) => repairDueAt(ctx.policy, records.find((r) => r.id === id)?.type ?? '', appliedAt),
    ),
  ]);
  return { subject, identifiers, records, notices, annotations };
}

/**
 * Who made each inquiry, for the subject: API keys by their name and role; the portal's own
 * reads as the subject themself; console reads by the staff member's account and role.
 */
async function principalNames(
  ctx: ServiceContext,
  ids: readonly string[],
): Promise<Map<string, { name: string; role: string }>> {
  const unique = [...new Set(ids)];
  const names = new Map<string, { name: string; role: string }>();
  if (unique.includes(PORTAL_PRINCIPAL_ID))
    names.set(PORTAL_PRINCIPAL_ID, { name: 'the subject, in the portal', role: 'subject' });
  const keys = unique.filter((id) => !id.includes(':'));
  for (const r of await getKeyNames(ctx.db, keys)) names.set(r.id, { name: r.name, role: r.role });
  const staff = unique.filter((id) => id.startsWith('staff:')).map((id) => id.slice(6));
  for (const r of await getStaffNames(ctx.db, staff))
    names.set(`staff:${r.id}`, { name: r.agency ?? 'Credence operator', role: r.role });
  return names;
}

/** Inquiries per page of a report's "who checked me" (the report carries the first, newest, page). */
export const INQUIRIES_PAGE = 100;

/** A page cursor as the API shows it: the last inquiry's time in µs since the epoch, a dot, and its id. */
function encodeCursor(cursor: InquiryCursor): string {
  return `${cursor.atMicros}.${cursor.id}`;
}

function decodeCursor(raw: string): InquiryCursor {
  const match = /^(\d{1,18})\.(.{1,100})$/s.exec(raw);
  if (match === null)
    throw new CredenceError('CRD_VALIDATION', 'inquiries_after must be an inquiries_next a report or page gave', [
      { code: 'CRD_VALIDATION', path: 'inquiries_after', message: 'not a cursor this registry gave' },
    ]);
  return { atMicros: match[1]!, id: match[2]! };
}

/**
 * One page of the inquiries about any of the subject's identifiers, newest first by (at, id), each with who made
 * it, with the cursor of the next page (null on the last).
 */
async function inquiriesPage(
  ctx: ServiceContext,
  identifiers: readonly SubjectRef[],
  after?: InquiryCursor,
  excluding: readonly string[] = [],
) {
  const rows = await getInquiriesAbout(ctx.db, identifiers, INQUIRIES_PAGE + 1, after, excluding);
  const page = rows.slice(0, INQUIRIES_PAGE);
  const names = await principalNames(
    ctx,
    page.map((i) => i.principal_id),
  );
  const last = page.at(-1);
  const inquiries = page.map((i) => ({
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
  }));
  const next =
    rows.length > INQUIRIES_PAGE && last !== undefined ? encodeCursor({ atMicros: last.at_micros, id: last.id }) : null;
  return { inquiries, next };
}

/** The identifiers whose inquiries are the subject's: every identifier of the subject, or the one asked. */
async function identifiersOf(ctx: ServiceContext, ref: SubjectRef): Promise<SubjectRef[]> {
  const subject = await getSubjectByIdentifier(ctx.db, ref.scheme, ref.id);
  if (subject === undefined) return [ref];
  return (await getIdentifiersOfSubjects(ctx.db, [subject.id])).map((i) => ({ scheme: i.scheme, id: i.value }));
}

/**
 * GET /v1/subjects/{scheme}/{id}/inquiries?after=CURSOR: the next page of "who checked me" after a report's first
 * (`inquiries_next`), newest first, with the next page's cursor; together the pages hold every inquiry. The read
 * is itself logged, as a report read is.
 */
export async function getInquiriesPage(
  ctx: ServiceContext,
  principal: Principal,
  requested: SubjectRef,
  after: string | undefined,
) {
  const ref = checkSubjectRef(ctx, requested, 'subject');
  if ('code' in ref) throw new CredenceError(ref.code, ref.message, [ref]);
  authorizeReport(principal, ref);
  const cursor = after === undefined ? undefined : decodeCursor(after);
  await logInquiries(ctx, principal, { identifiers: [ref] }, null, { kind: 'report' });
  const identifiers = await identifiersOf(ctx, ref);
  const own = ownReaders(principal);
  const page = await inquiriesPage(ctx, identifiers, cursor, own);
  return {
    inquiries: page.inquiries,
    inquiries_total: await countInquiriesAbout(ctx.db, identifiers, own),
    next: page.next,
  };
}

async function subjectView(ctx: ServiceContext, ref: SubjectRef, file: SubjectFile) {
  const { subject, identifiers } = file;
  return subject === undefined
    ? { known: false, scheme: ref.scheme, id: ref.id, identifiers }
    : {
        known: true,
        id: subject.id,
        kind: subject.kind,
        name: subject.name,
        identifiers,
        name_variants: await getNameVariants(ctx.db, subject.id),
      };
}

/** A record as its subject reads it: with due process's annotations and the end of its window. */
function reportRecord(
  policy: Policy,
  annotations: SubjectFile['annotations'],
  extended: ReadonlyMap<string, number>,
  r: StoredRecord,
) {
  const type = policy.record_types.get(r.type);
  const window = type === undefined ? null : recordWindow(type, r, undefined, extended.get(r.id));
  const { body_digest: _digest, ...record } = r;
  return {
    ...record,
    ...annotationFor(annotations, r.id),
    counts_until: window?.end ?? null,
    // English, as the API answers; the portal names the type in the page's language.
    record_type_name: type?.name.en ?? r.type,
  };
}

/**
 * Whose inquiries a reader's "who checked me" leaves out: a subject's own views of their file (in the portal, or
 * with their own key) are counted, not listed (issue 11), so the others' checks are not lost among them.
 */
function ownReaders(principal: Principal): string[] {
  return principal.role === 'subject' ? [PORTAL_PRINCIPAL_ID, principal.id] : [];
}

/**
 * The report's "who checked me": its first page, the total, and where the next page starts; for the subject, the
 * others' checks, with how many times they viewed their own file (`own_views`).
 */
async function reportInquiries(ctx: ServiceContext, principal: Principal, identifiers: readonly SubjectRef[]) {
  const own = ownReaders(principal);
  const [page, total, ownViews] = await Promise.all([
    inquiriesPage(ctx, identifiers, undefined, own),
    countInquiriesAbout(ctx.db, identifiers, own),
    countInquiriesBy(ctx.db, identifiers, own),
  ]);
  // How long the inquiries are kept, and why (the policy's `inquiries`): older months are dropped.
  const { retention, legal_basis } = ctx.policy.inquiries;
  const kept = { inquiries_retention: { period: retention, legal_basis } };
  return { inquiries: page.inquiries, inquiries_total: total, inquiries_next: page.next, own_views: ownViews, ...kept };
}

/** A subject's file, for the subject, operators and auditors; the read is logged first. */
export async function getReport(ctx: ServiceContext, principal: Principal, requested: SubjectRef) {
  const ref = checkSubjectRef(ctx, requested, 'subject');
  if ('code' in ref) throw new CredenceError(ref.code, ref.message, [ref]);
  authorizeReport(principal, ref);
  const now = ctx.clock();
  await logInquiries(ctx, principal, { identifiers: [ref] }, null, { kind: 'report' });
  const file = await readSubjectFile(ctx, ref, now);
  const own = {
    kind: file.subject?.kind ?? ctx.policy.identifier_schemes.get(ref.scheme)!.subject_kinds[0]!,
    records: file.records,
  };
  // While a policy activation runs, the subject reads the policy services are told its decisions under.
  const policy = file.subject === undefined ? ctx.policy : await policyDecidingNow(ctx, file.subject.id, own);
  // Fa Shi [2015] 17 art. 3 para. 2: a person's measures include those binding them through related organisations.
  const related =
    file.subject === undefined
      ? undefined
      : (await loadRelatedOrganizations(ctx.db, policy, new Map([[file.subject.id, own]]), now)).get(file.subject.id);
  const evaluation = evaluateSubject(policy, own, now, related);
  const extended = extensionYears(policy, file.records);
  return {
    subject: await subjectView(ctx, ref, file),
    policy_version: policy.version,
    evaluated_at: now.toISOString(),
    score: evaluation.score,
    grade: evaluation.grade,
    factors: evaluation.factors,
    lists: evaluation.lists,
    measures: evaluation.measures,
    // Both sides: a person's roles in organisations, an organisation's related persons (revoked ones marked so).
    relationships: await relationshipsOfSubject(ctx, file.subject),
    records: file.records.map((r) => reportRecord(policy, file.annotations, extended, r)),
    // NDRC Order No. 36 (2025): the subject's public credit commitments, oldest first.
    commitments: (file.subject === undefined ? [] : await getCommitmentsOfSubjects(ctx.db, [file.subject.id])).map(
      commitmentView,
    ),
    notices: file.notices.map(
      ({ delivery_status: _s, attempts: _a, next_attempt_at: _n, last_error: _e, delivered_at: _d, ...notice }) =>
        notice,
    ),
    // The newest page; `inquiries_next` pages on (GET .../inquiries?after=), `inquiries_total` counts them all.
    ...(await reportInquiries(ctx, principal, file.identifiers)),
    // Issue 9, item 5: the subject's ledger events with their inclusion proofs in the published checkpoint.
    ...(await readSubjectLog(ctx, file.subject?.id)),
  };
}

/** A subject's whole file as `getReport` returns it (the API's report and the portal's page). */
export type SubjectReport = Awaited<ReturnType<typeof getReport>>;
