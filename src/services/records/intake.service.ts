/**
 * Filing records: one transaction per batch writes subjects, records, ledger events and
 * projections together, so a batch is either wholly durable or not there at all. Idempotent
 * on (agency, source_ref): a retry answers `duplicate` with the original record id.
 */

import type { Transaction } from 'kysely';
import {
  conflictProblem,
  planBatch,
  type Accepted,
  type BatchPlan,
  type Candidate,
  type Rejected,
} from '../../domain/intake-plan.ts';
import { recordFiledNotice } from '../../domain/notice.ts';
import type { Policy } from '../../domain/policy.ts';
import type { SubjectFile } from '../../domain/record.ts';
import { pipelineCopies } from '../../store/copy-in.ts';
import { lockLedgerHead, notifyLedger } from '../../store/ledger.repository.ts';
import {
  getRecordById,
  getRecordsBySourceRefs,
  insertRecords,
  type StoredRecord,
} from '../../store/records.repository.ts';
import type { DB } from '../../store/schema.ts';
import {
  insertNameVariants,
  insertSubjects,
  reserveRecordIds,
  type NameVariantRow,
} from '../../store/subjects.repository.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import { appendEvents, prepareAppends, type NewEvent } from '../ledger/ledger.service.ts';
import { prepareProjections, projectUnderTheirPolicies, recordNotices } from '../ledger/projection.service.ts';
import { loadSubjectFiles } from '../ledger/subject-files.service.ts';
import { readExemptionsBefore, writeExemptionAmendments } from '../due-process/exemption-amendments.service.ts';
import { withActivatingTypes } from './activation-intake.service.ts';
import { excludeUnknownCommitments } from './commitment-breaches.service.ts';
import {
  keyOf,
  nameVariants,
  resolveSubjects,
  subjectRegisteredEvents,
  type Resolution,
} from './subject-resolution.service.ts';

export interface Filer {
  readonly agency_id: string;
  readonly agency_kind: string;
}

export interface IntakeResult {
  readonly accepted: Accepted[];
  readonly rejected: Rejected[];
  /** Subjects whose state changed, for the decision index. */
  readonly changedSubjects: string[];
}

/**
 * Files a batch for one agency, at the context's clock, under its policy. Never throws for bad
 * items: they come back in `rejected`.
 */
export async function fileRecords(
  ctx: ServiceContext,
  filer: Filer,
  inputs: readonly unknown[],
): Promise<IntakeResult> {
  return filePlanned(ctx, filer, planRecords(ctx, filer, inputs));
}

/** A batch checked at `now` under `policy`, ready to be filed. */
export interface PlannedBatch {
  readonly now: Date;
  readonly policy: Policy;
  readonly plan: BatchPlan;
  /** The items as sent: those of a type only a policy being activated knows are checked again under it. */
  readonly inputs: readonly unknown[];
}

/**
 * Checks a batch at the context's clock, under its policy, without asking the database anything: a bulk import
 * checks its next batch while the current one is written (import.service.ts).
 */
export function planRecords(ctx: ServiceContext, filer: Filer, inputs: readonly unknown[]): PlannedBatch {
  const now = ctx.clock();
  return { now, policy: ctx.policy, plan: planBatch(ctx.policy, filer.agency_kind, inputs, now), inputs };
}

/**
 * Files a checked batch, at the clock it was checked at, in one transaction: under its policy, and its items of a
 * type only the policy being activated knows under that one (activation-intake.service.ts).
 */
export async function filePlanned(ctx: ServiceContext, filer: Filer, planned: PlannedBatch): Promise<IntakeResult> {
  const { now } = planned;
  const batches = await withActivatingTypes(ctx, filer.agency_kind, planned);
  const accepted: Accepted[] = [];
  const rejected = batches.flatMap((b) => b.plan.rejected);
  const changedSubjects: string[] = [];
  if (batches.some((b) => b.plan.candidates.length > 0)) {
    await writeTransaction(ctx, async (trx) => {
      await lockLedgerHead(trx); // serialises writers: the idempotency check below cannot race
      for (const { policy, plan } of batches) {
        const fresh = await excludeFiled(trx, filer, plan.candidates, accepted, rejected);
        const exemptions = await readExemptionsBefore(trx, policy, fresh);
        changedSubjects.push(...(await writeBatch(trx, policy, filer, fresh, now, accepted, rejected)));
        await writeExemptionAmendments(trx, policy, now, exemptions, accepted);
      }
    });
  }
  for (const { plan } of batches) answerRepeats(plan.repeats, accepted, rejected);
  accepted.sort((a, b) => a.index - b.index);
  rejected.sort((a, b) => a.index - b.index);
  return { accepted, rejected, changedSubjects };
}

/** A repeat of an item earlier in the batch is answered as that item was: a duplicate of it, or rejected alike. */
function answerRepeats(repeats: ReadonlyMap<number, number>, accepted: Accepted[], rejected: Rejected[]): void {
  const byIndex = new Map(accepted.map((a) => [a.index, a]));
  for (const [index, first] of repeats) {
    const original = byIndex.get(first);
    if (original !== undefined) accepted.push({ ...original, index, status: 'duplicate' });
    else
      rejected.push({
        index,
        source_ref: rejected.find((r) => r.index === first)?.source_ref ?? null,
        errors: rejected.find((r) => r.index === first)?.errors ?? [],
      });
  }
}

/** Answers already-filed source_refs as duplicates (same content) or conflicts; returns the rest. */
async function excludeFiled(
  trx: Transaction<DB>,
  filer: Filer,
  candidates: readonly Candidate[],
  accepted: Accepted[],
  rejected: Rejected[],
): Promise<Candidate[]> {
  const filed = new Map(
    (
      await getRecordsBySourceRefs(
        trx,
        filer.agency_id,
        candidates.map((c) => c.record.source_ref),
      )
    ).map((r) => [r.source_ref, r]),
  );
  return candidates.filter((c) => {
    const previous = filed.get(c.record.source_ref);
    if (previous === undefined) return true;
    if (previous.body_digest === c.record.digest)
      accepted.push({ index: c.index, source_ref: c.record.source_ref, record_id: previous.id, status: 'duplicate' });
    else
      rejected.push({
        index: c.index,
        source_ref: c.record.source_ref,
        errors: [conflictProblem(c.record.source_ref, 'by this agency')],
      });
    return false;
  });
}

/** Writes the fresh candidates: subjects, records, name variants, ledger events, projections and notices. */
async function writeBatch(
  trx: Transaction<DB>,
  policy: Policy,
  filer: Filer,
  candidates: Candidate[],
  now: Date,
  accepted: Accepted[],
  rejected: Rejected[],
): Promise<string[]> {
  if (candidates.length === 0) return [];
  const resolution = await resolveSubjects(trx, candidates, now);
  const extensionsChecked = await excludeBadExtensions(
    trx,
    policy,
    filer,
    resolution,
    excludeKindMismatches(resolution, candidates, rejected),
    rejected,
  );
  const fitting = await excludeUnknownCommitments(trx, resolution, extensionsChecked, rejected);
  const records = await newRecords(trx, resolution, filer, fitting, now);
  const variants = nameVariants(resolution, fitting, records, now);
  const touched = [...new Set(records.map((r) => r.subject_id))];
  // Everything read before the first write, so that the writes are one pipelined stream (copy-in.ts): PostgreSQL
  // copies the subjects and records while the ledger's events are made, the events while the subjects are
  // evaluated, and the projections while the notices are drafted.
  const files = await filesOf(trx, resolution, records, touched);
  const fresh = new Set(resolution.newSubjects.map((s) => s.id));
  await pipelineCopies(trx, async () => {
    await prepareAppends(trx);
    await prepareProjections(trx);
    await insertSubjects(trx, resolution.newSubjects);
    await insertRecords(trx, records);
    const newVariants = await insertNameVariants(trx, variants);
    await appendEvents(trx, now, ledgerEvents(resolution, records, newVariants));
    const { evaluations } = await projectUnderTheirPolicies(trx, policy, files, now, { notify: true, fresh });
    await recordNotices(
      trx,
      records.map((r) => recordFiledNotice(policy, r, evaluations.get(r.subject_id)!)),
      now,
    );
    await notifyLedger(trx);
  });
  fitting.forEach((c, i) => {
    accepted.push({ index: c.index, source_ref: c.record.source_ref, record_id: records[i]!.id, status: 'created' });
  });
  return touched;
}

/** Rejects the candidates whose subject is registered as another kind; returns the rest. */
function excludeKindMismatches(resolution: Resolution, candidates: Candidate[], rejected: Rejected[]): Candidate[] {
  const kinds = new Map([...resolution.existing.values(), ...resolution.newSubjects].map((s) => [s.id, s.kind]));
  return candidates.filter((c) => {
    const kind = kinds.get(resolution.subjectIdByKey.get(keyOf(c))!);
    if (kind === c.record.subject.kind) return true;
    rejected.push({
      index: c.index,
      source_ref: c.record.source_ref,
      errors: [
        { code: 'CRD_SUBJECT_KIND_MISMATCH', path: 'subject.kind', message: `${keyOf(c)} is registered as a ${kind}` },
      ],
    });
    return false;
  });
}

/**
 * Rejects the extensions (Fa Shi [2017] 7 art. 2) that do not name, in `listing`, a record in force (active or
 * disputed) of the type they extend, about the same subject and filed by the same agency; returns the rest.
 */
async function excludeBadExtensions(
  trx: Transaction<DB>,
  policy: Policy,
  filer: Filer,
  resolution: Resolution,
  candidates: Candidate[],
  rejected: Rejected[],
): Promise<Candidate[]> {
  const fitting: Candidate[] = [];
  for (const c of candidates) {
    const extended = policy.record_types.get(c.record.type)?.extends;
    const listing = c.record.attributes.listing ?? '';
    if (extended === undefined) {
      fitting.push(c);
      continue;
    }
    const target = /^[1-9][0-9]{0,17}$/.test(listing) ? await getRecordById(trx, listing) : undefined;
    const fits =
      target !== undefined &&
      target.type === extended &&
      target.agency_id === filer.agency_id &&
      target.subject_id === resolution.subjectIdByKey.get(keyOf(c)) &&
      (target.status === 'active' || target.status === 'disputed');
    if (fits) fitting.push(c);
    else {
      const message =
        `listing "${listing}" is not a ${extended} record in force about this subject filed by this agency: ` +
        'an extension lengthens such a listing only';
      rejected.push({
        index: c.index,
        source_ref: c.record.source_ref,
        errors: [{ code: 'CRD_EXTENSION_INVALID', path: 'attributes.listing', message }],
      });
    }
  }
  return fitting;
}

/** The records the candidates become, with ids reserved, filed by `filer` at `now`. */
async function newRecords(
  trx: Transaction<DB>,
  resolution: Resolution,
  filer: Filer,
  candidates: readonly Candidate[],
  now: Date,
): Promise<StoredRecord[]> {
  const recordIds = await reserveRecordIds(trx, candidates.length);
  return candidates.map((c, i) => {
    const { subject, digest, ...rest } = c.record;
    return {
      ...rest,
      id: recordIds[i]!,
      subject_id: resolution.subjectIdByKey.get(keyOf(c))!,
      agency_id: filer.agency_id,
      filed_at: now,
      status: 'active',
      body_digest: digest,
    };
  });
}

/** New subjects' files are all in this batch; existing subjects' are read from the store, with this batch's records. */
async function filesOf(
  trx: Transaction<DB>,
  resolution: Resolution,
  records: readonly StoredRecord[],
  touched: readonly string[],
): Promise<Map<string, SubjectFile>> {
  const files = new Map<string, { kind: SubjectFile['kind']; records: StoredRecord[] }>();
  for (const s of resolution.newSubjects) files.set(s.id, { kind: s.kind, records: [] });
  for (const r of records) files.get(r.subject_id)?.records.push(r);
  const stored = await loadSubjectFiles(
    trx,
    touched.filter((id) => !files.has(id)),
  );
  // Read before this batch's records are written (in id order, as the store gives them): they join the files here.
  const batch = Map.groupBy(records, (r) => r.subject_id);
  const joined = [...stored].map(([id, file]): [string, SubjectFile] => [
    id,
    { kind: file.kind, records: [...file.records, ...(batch.get(id) ?? [])] },
  ]);
  return new Map([...files, ...joined]);
}

function ledgerEvents(
  resolution: Resolution,
  records: readonly StoredRecord[],
  variants: readonly NameVariantRow[],
): NewEvent[] {
  return [
    ...subjectRegisteredEvents(resolution.newSubjects),
    ...records.map((r) => ({ type: 'record.filed', subject_id: r.subject_id, payload: { record: r } })),
    ...variants.map((v) => ({ type: 'subject.name_variant', subject_id: v.subject_id, payload: { variant: v } })),
  ];
}
