/**
 * An agency's own records, listed for its console: newest filing first, by status and by text,
 * a page at a time. Only the principal's own agency's records are ever read, and the listing
 * is a read of personal data (names), so every subject shown is logged as an inquiry.
 */

import type { Principal } from '../../domain/principal.ts';
import type { RecordStatus } from '../../domain/record.ts';
import { CredenceError } from '../../errors.ts';
import { listAgencyRecords, type AgencyRecordRow } from '../../store/agency-records.repository.ts';
import type { ServiceContext } from '../context.ts';
import { logInquiries } from '../due-process/inquiries.service.ts';

export const RECORD_STATUSES: readonly RecordStatus[] = [
  'active',
  'disputed',
  'suspended',
  'corrected',
  'revoked',
  'repaired',
  'expired',
];
export const AGENCY_RECORDS_PAGE_SIZE = 20;

export interface OwnRecordsQuery {
  readonly status?: RecordStatus | undefined;
  readonly text?: string | undefined;
  /** 1-based. */
  readonly page: number;
}

export interface OwnRecordsPage {
  readonly records: readonly AgencyRecordRow[];
  readonly page: number;
  readonly hasMore: boolean;
}

/** One page of the agency principal's own records; CRD_FORBIDDEN for any other role. */
export async function listOwnRecords(
  ctx: ServiceContext,
  principal: Principal,
  query: OwnRecordsQuery,
): Promise<OwnRecordsPage> {
  if (principal.role !== 'agency' || principal.agency_id === null)
    throw new CredenceError('CRD_FORBIDDEN', 'only an agency lists its own records');
  const size = AGENCY_RECORDS_PAGE_SIZE;
  const rows = await listAgencyRecords(ctx.db, {
    agencyId: principal.agency_id,
    status: query.status,
    text: query.text,
    limit: size + 1,
    offset: (query.page - 1) * size,
  });
  const records = rows.slice(0, size);
  await logInquiries(
    ctx,
    principal,
    records.map((r) => r.subject_id),
    'record list',
  );
  return { records, page: query.page, hasMore: rows.length > size };
}
