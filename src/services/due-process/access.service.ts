/**
 * Who may act on a record in due process (what they read is logged by inquiries.service.ts). A
 * principal that may not act on a record learns nothing about it: not found, never forbidden (the same
 * answer as GET /v1/records/{id}).
 */

import type { Transaction } from 'kysely';
import type { Principal } from '../../domain/principal.ts';
import type { RecordStatus } from '../../domain/record.ts';
import { CredenceError } from '../../errors.ts';
import { getUnresolvedDisputeOfRecord } from '../../store/disputes.repository.ts';
import type { Executor } from '../../store/executor.ts';
import { lockRecord } from '../../store/record-changes.repository.ts';
import { getRecordById, type StoredRecord } from '../../store/records.repository.ts';
import type { DB } from '../../store/schema.ts';
import { getSubjectByIdentifier } from '../../store/subjects.repository.ts';

export function recordNotFound(id: string): CredenceError {
  return new CredenceError('CRD_NOT_FOUND', `no record ${id}`);
}

/** The record, locked, if `principal` is the agency that filed it. */
export async function lockAgencyRecord(trx: Transaction<DB>, principal: Principal, id: string): Promise<StoredRecord> {
  await lockRecord(trx, id);
  const record = await getRecordById(trx, id);
  if (record === undefined || principal.role !== 'agency' || record.agency_id !== principal.agency_id)
    throw recordNotFound(id);
  return record;
}

/** The subject a subject key speaks for, if Credence knows them. */
export async function subjectIdOf(db: Executor, principal: Principal): Promise<string | null> {
  if (principal.subject === null) return null;
  return (await getSubjectByIdentifier(db, principal.subject.scheme, principal.subject.id))?.id ?? null;
}

/** True when `principal` may act for the subject: an operator on their behalf, or their own subject key. */
export async function actsForSubject(db: Executor, principal: Principal, subjectId: string): Promise<boolean> {
  if (principal.role === 'operator') return true;
  return principal.role === 'subject' && (await subjectIdOf(db, principal)) === subjectId;
}

/** The record, locked, if `principal` is its subject (by any of their identifiers) or an operator. */
export async function lockSubjectRecord(trx: Transaction<DB>, principal: Principal, id: string): Promise<StoredRecord> {
  await lockRecord(trx, id);
  const record = await getRecordById(trx, id);
  if (record === undefined || !(await actsForSubject(trx, principal, record.subject_id))) throw recordNotFound(id);
  return record;
}

/**
 * Refuses a change while a dispute is open on the record: the dispute's resolution is the way
 * to change it then, so its outcome stays on the record (FCRA § 611).
 */
export async function refuseWhileDisputed(trx: Transaction<DB>, record: StoredRecord, what: string): Promise<void> {
  const dispute = await getUnresolvedDisputeOfRecord(trx, record.id);
  if (dispute === undefined) return;
  throw new CredenceError(
    'CRD_DISPUTE_OPEN',
    `record ${record.id} has an unresolved dispute (${dispute.id}, due ${dispute.due_at.toISOString()}); ${what}`,
  );
}

/** Refuses a change unless the record is in one of `allowed` statuses. */
export function requireStatus(record: StoredRecord, allowed: readonly RecordStatus[], what: string): void {
  if (allowed.includes(record.status)) return;
  throw new CredenceError('CRD_RECORD_NOT_CHANGEABLE', `record ${record.id} is ${record.status}: ${what}`);
}

/** A record as the API shows it: without the idempotency digest, with its version number. */
export function recordView(
  record: StoredRecord,
  version: number,
): Omit<StoredRecord, 'body_digest'> & { version: number } {
  const { body_digest: _digest, ...view } = record;
  return { ...view, version };
}
