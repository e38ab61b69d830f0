/**
 * Corrections and revocations by the filing agency only. A correction makes a new version of
 * the record, checked against the policy exactly like a filing, and keeps the old one in
 * record_versions; a revocation ends the record's effect and keeps it in the history marked
 * revoked. Both are ledger events, re-evaluate the subject and notice them in one transaction.
 */

import type { Transaction } from 'kysely';
import { changesNothing, correctionInput, type RecordChanges } from '../../domain/correction.ts';
import { recordCorrectedNotice, recordRevokedNotice } from '../../domain/due-process-notices.ts';
import type { Policy } from '../../domain/policy.ts';
import type { Principal } from '../../domain/principal.ts';
import { checkRecordInput } from '../../domain/record-input.ts';
import type { CreditRecord, RecordStatus } from '../../domain/record.ts';
import { CredenceError } from '../../errors.ts';
import { lockLedgerHead } from '../../store/ledger.repository.ts';
import {
  getRecordVersionNumbers,
  getRecordVersions,
  type RecordContent,
  type RecordVersionRow,
} from '../../store/record-changes.repository.ts';
import type { StoredRecord } from '../../store/records.repository.ts';
import type { DB } from '../../store/schema.ts';
import { getIdentifiersOfSubjects, getSubjectsByIds } from '../../store/subjects.repository.ts';
import { lockAgencyRecord, recordView, refuseWhileDisputed, requireStatus } from '../due-process/access.service.ts';
import { commitChanges, type SubjectChange } from '../due-process/events.service.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import { readRecord } from './records.service.ts';

export type RecordView = ReturnType<typeof recordView>;

export interface CorrectionRequest {
  readonly changes: RecordChanges;
  readonly reason: string;
}

/**
 * The record with `changes` applied, checked like a filing by an agency of `agencyKind`.
 * Throws the intake problems (paths under `changes.`) when the corrected record is not valid.
 */
export async function checkCorrection(
  trx: Transaction<DB>,
  policy: Policy,
  agencyKind: string,
  current: StoredRecord,
  changes: RecordChanges,
  now: Date,
): Promise<{ record: StoredRecord; changed: boolean }> {
  const [subject] = await getSubjectsByIds(trx, [current.subject_id]);
  const [identifier] = await getIdentifiersOfSubjects(trx, [current.subject_id]);
  const input = correctionInput(
    current,
    { kind: subject!.kind, scheme: identifier!.scheme, id: identifier!.value, name: subject!.name },
    changes,
  );
  const check = checkRecordInput(policy, agencyKind, input, now);
  if (!check.ok) {
    const problems = check.problems.map((p) => ({ ...p, path: `changes.${p.path}` }));
    throw new CredenceError(
      problems[0]!.code,
      `the corrected record is not valid: ${problems.map((p) => p.message).join('; ')}`,
      problems,
    );
  }
  const { decided_at, effective_at, expires_at, legal_basis, document_ref, summary, attributes } = check.record;
  // body_digest stays the original filing's: a retried filing is still recognised as a duplicate.
  const record = { ...current, decided_at, effective_at, expires_at, legal_basis, document_ref, summary, attributes };
  return { record, changed: !changesNothing(current, check.record) };
}

/** The whole corrected record a `record.corrected` event carries. */
function contentOf(record: StoredRecord): RecordContent {
  return {
    id: record.id,
    subject_id: record.subject_id,
    agency_id: record.agency_id,
    source_ref: record.source_ref,
    type: record.type,
    filed_at: record.filed_at.toISOString(),
    body_digest: record.body_digest,
    decided_at: record.decided_at.toISOString(),
    effective_at: record.effective_at.toISOString(),
    expires_at: record.expires_at?.toISOString() ?? null,
    legal_basis: record.legal_basis,
    document_ref: record.document_ref,
    summary: record.summary,
    attributes: record.attributes,
    status: record.status,
  };
}

/**
 * The event of a correction to `next`, as version `version`, and the subject's notice. A
 * correction resolving a dispute is noticed as the dispute's resolution instead.
 */
export function correctionChange(
  policy: Policy,
  next: StoredRecord,
  version: number,
  meta: { reason: string; principal_id: string; dispute_id: string | null; at: Date },
): SubjectChange {
  return {
    subject_id: next.subject_id,
    events: [
      {
        type: 'record.corrected',
        payload: {
          record: contentOf(next),
          version,
          reason: meta.reason,
          principal_id: meta.principal_id,
          dispute_id: meta.dispute_id,
        },
      },
    ],
    notices: (evaluation) =>
      meta.dispute_id !== null
        ? []
        : [recordCorrectedNotice(policy, next, evaluation, { version, reason: meta.reason, at: meta.at })],
  };
}

/** POST /v1/records/{id}/corrections. A correction that changes nothing is answered as is, with no new version. */
export async function correctRecord(
  ctx: ServiceContext,
  principal: Principal,
  recordId: string,
  request: CorrectionRequest,
): Promise<{ record: RecordView }> {
  const now = ctx.clock();
  const policy = ctx.policy;
  return writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx);
    const current = await lockAgencyRecord(trx, principal, recordId);
    requireStatus(current, ['active', 'expired', 'repaired'], 'a revoked record cannot be corrected');
    await refuseWhileDisputed(trx, current, 'resolve the dispute with outcome "corrected" instead');
    const { record, changed } = await checkCorrection(
      trx,
      policy,
      principal.agency_kind!,
      current,
      request.changes,
      now,
    );
    const version = (await getRecordVersionNumbers(trx, [recordId])).get(recordId)!;
    if (!changed) return { record: recordView(current, version) };
    await commitChanges(trx, policy, now, [
      correctionChange(policy, record, version + 1, {
        reason: request.reason,
        principal_id: principal.id,
        dispute_id: null,
        at: now,
      }),
    ]);
    return { record: recordView(record, version + 1) };
  });
}

/**
 * The event of a revocation and the subject's notice (a revocation resolving a dispute is noticed as its
 * resolution).
 */
export function revocationChange(
  policy: Policy,
  record: CreditRecord,
  meta: { reason: string; principal_id: string; dispute_id: string | null },
): SubjectChange {
  const revoked = { ...record, status: 'revoked' as RecordStatus };
  return {
    subject_id: record.subject_id,
    events: [
      {
        type: 'record.revoked',
        payload: {
          record_id: record.id,
          reason: meta.reason,
          principal_id: meta.principal_id,
          dispute_id: meta.dispute_id,
          record_status: 'revoked',
        },
      },
    ],
    notices: (evaluation) =>
      meta.dispute_id !== null ? [] : [recordRevokedNotice(policy, revoked, evaluation, meta.reason)],
  };
}

/** POST /v1/records/{id}/revocation. Revoking a revoked record answers it as is. */
export async function revokeRecord(
  ctx: ServiceContext,
  principal: Principal,
  recordId: string,
  reason: string,
): Promise<{ record: RecordView }> {
  const now = ctx.clock();
  const policy = ctx.policy;
  return writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx);
    const record = await lockAgencyRecord(trx, principal, recordId);
    const version = (await getRecordVersionNumbers(trx, [recordId])).get(recordId)!;
    if (record.status === 'revoked') return { record: recordView(record, version) };
    await refuseWhileDisputed(trx, record, 'resolve the dispute with outcome "revoked" instead');
    await commitChanges(trx, policy, now, [
      revocationChange(policy, record, { reason, principal_id: principal.id, dispute_id: null }),
    ]);
    return { record: recordView({ ...record, status: 'revoked' }, version) };
  });
}

/**
 * GET /v1/records/{id}/versions: the record now and every superseded version (the read is logged like
 * GET /v1/records/{id}).
 */
export async function readRecordVersions(
  ctx: ServiceContext,
  principal: Principal,
  recordId: string,
): Promise<{ record: RecordView; versions: RecordVersionRow[] }> {
  const current = await readRecord(ctx, principal, recordId);
  const versions = await getRecordVersions(ctx.db, recordId);
  return { record: { ...current, version: versions.length + 1 }, versions };
}
