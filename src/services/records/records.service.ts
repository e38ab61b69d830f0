/** Reading one record: a read of personal data, so it is authorised and logged as an inquiry. */

import type { Principal } from '../../domain/principal.ts';
import { CredenceError } from '../../errors.ts';
import { getRecordById, getRecordsBySourceRefs, type StoredRecord } from '../../store/records.repository.ts';
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

/**
 * An agency's own record found by its source_ref, else by record number; undefined when there
 * is none it may see. The read is logged like any other (see readRecord).
 */
export async function findOwnRecord(
  ctx: ServiceContext,
  principal: Principal,
  query: string,
): Promise<Omit<StoredRecord, 'body_digest'> | undefined> {
  const bySourceRef =
    principal.agency_id === null ? [] : await getRecordsBySourceRefs(ctx.db, principal.agency_id, [query]);
  const id = bySourceRef[0]?.id ?? (/^[0-9]{1,18}$/.test(query) ? query : undefined);
  if (id === undefined) return undefined;
  try {
    return await readRecord(ctx, principal, id);
  } catch (error) {
    if (error instanceof CredenceError && error.code === 'CRD_NOT_FOUND') return undefined;
    throw error;
  }
}
