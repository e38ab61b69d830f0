/** Reading one record: a read of personal data, so it is authorised and logged as an inquiry. */

import type { Principal } from '../../domain/principal.ts';
import { CredenceError } from '../../errors.ts';
import {
  getNewestRecordIdByDocumentRef,
  getRecordById,
  getRecordsBySourceRefs,
  type StoredRecord,
} from '../../store/records.repository.ts';
import { getIdentifiersOfSubjects, getSubjectsByIds } from '../../store/subjects.repository.ts';
import type { ServiceContext } from '../context.ts';
import { logInquiries } from '../due-process/inquiries.service.ts';

/** The record, if the principal may see it: agencies their own filings, operators and auditors any. */
export async function readRecord(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
): Promise<Omit<StoredRecord, 'body_digest'>> {
  const record = await getRecordById(ctx.db, id);
  // An agency learns nothing about other agencies' record ids: not found, not forbidden.
  if (record === undefined || (principal.role === 'agency' && record.agency_id !== principal.agency_id)) {
    throw new CredenceError('CRD_NOT_FOUND', `no record ${id}`);
  }
  await logInquiries(ctx, principal, [record.subject_id], `record ${record.id}`);
  const { body_digest: _digest, ...view } = record;
  return view;
}

/** Whom a record is about, as the agency that filed it knows them: name and identifiers. */
export interface RecordSubject {
  readonly name: string;
  readonly identifiers: readonly { readonly scheme: string; readonly value: string }[];
}

/**
 * An agency's own record found by its source_ref, else by record number, else by its document reference (a court's
 * case number, 案号: the newest record with it); undefined when there is none it may see. It comes with its subject,
 * so the clerk sees whom it is about. The read is logged like any other (see readRecord).
 */
export async function findOwnRecord(
  ctx: ServiceContext,
  principal: Principal,
  query: string,
): Promise<(Omit<StoredRecord, 'body_digest'> & { readonly subject: RecordSubject }) | undefined> {
  const agencyId = principal.agency_id;
  const bySourceRef = agencyId === null ? [] : await getRecordsBySourceRefs(ctx.db, agencyId, [query]);
  const byId = /^[0-9]{1,18}$/.test(query) ? query : undefined;
  const id =
    bySourceRef[0]?.id ??
    byId ??
    (agencyId === null ? undefined : await getNewestRecordIdByDocumentRef(ctx.db, agencyId, query));
  if (id === undefined) return undefined;
  try {
    const record = await readRecord(ctx, principal, id);
    return { ...record, subject: await recordSubject(ctx, record.subject_id) };
  } catch (error) {
    if (error instanceof CredenceError && error.code === 'CRD_NOT_FOUND') return undefined;
    throw error;
  }
}

async function recordSubject(ctx: ServiceContext, subjectId: string): Promise<RecordSubject> {
  const [subject] = await getSubjectsByIds(ctx.db, [subjectId]);
  const identifiers = await getIdentifiersOfSubjects(ctx.db, [subjectId]);
  return { name: subject?.name ?? '', identifiers: identifiers.map(({ scheme, value }) => ({ scheme, value })) };
}
