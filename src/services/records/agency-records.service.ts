/**
 * An agency's own records, listed for its console: newest filing first, by status and by text,
 * a page at a time. Only the principal's own agency's records are ever read, and the listing
 * is a read of personal data (names), so every subject shown is logged as an inquiry.
 */

import type { Principal } from '../../domain/principal.ts';
import type { RecordStatus } from '../../domain/record.ts';
import { CredenceError } from '../../errors.ts';
import {
  listAgencyRecords,
  type AgencyRecordKey,
  type AgencyRecordRow,
} from '../../store/agency-records.repository.ts';
import { getCounter } from '../../store/counts.repository.ts';
import type { ServiceContext } from '../context.ts';
import { logInquiries } from '../due-process/inquiries.service.ts';
import { readKeysetPage } from '../keyset-page.ts';

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
  /** A cursor from an earlier page (its next, previous or last); none: the first page. */
  readonly after?: string | undefined;
}

export interface OwnRecordsPage {
  readonly records: readonly AgencyRecordRow[];
  readonly page: number;
  /** Null when a text filter is set: only the unfiltered and status-filtered lists are counted. */
  readonly pages: number | null;
  readonly next: string | null;
  readonly previous: string | null;
  readonly last: string | null;
}

/**
 * One page of the agency principal's own records, by keyset (the last page is as fast as the first); the total
 * from the counts the database keeps (migration 019) unless a text filter is set. CRD_FORBIDDEN for any other role.
 */
export async function listOwnRecords(
  ctx: ServiceContext,
  principal: Principal,
  query: OwnRecordsQuery,
): Promise<OwnRecordsPage> {
  if (principal.role !== 'agency' || principal.agency_id === null)
    throw new CredenceError('CRD_FORBIDDEN', 'only an agency lists its own records');
  const agencyId = principal.agency_id;
  const total = query.text === undefined ? await countOwnRecords(ctx, agencyId, query.status) : null;
  const page = await readKeysetPage<AgencyRecordRow, AgencyRecordKey>({
    after: query.after,
    size: AGENCY_RECORDS_PAGE_SIZE,
    total,
    keyLength: 2,
    keyOf: (r) => [r.filed_at.toISOString(), r.id],
    parseKey: ([filedAt, id]) => {
      const instant = new Date(filedAt!);
      return Number.isNaN(instant.getTime()) || !/^[0-9]{1,18}$/.test(id!) ? undefined : { filed_at: instant, id: id! };
    },
    read: (from, toward, limit) =>
      listAgencyRecords(ctx.db, { agencyId, status: query.status, text: query.text, from, toward, limit }),
  });
  const records = page.rows;
  await logInquiries(
    ctx,
    principal,
    records.map((r) => r.subject_id),
    'record list',
  );
  return { records, page: page.page, pages: page.pages, next: page.next, previous: page.previous, last: page.last };
}

/** The agency's records (in one status), from the maintained counts. */
async function countOwnRecords(ctx: ServiceContext, agencyId: string, status: RecordStatus | undefined) {
  const counted = await getCounter(ctx.db, 'records');
  const ours = [...counted].filter(([key]) =>
    status === undefined ? key.startsWith(`${agencyId}/`) : key === `${agencyId}/${status}`,
  );
  return ours.reduce((n, [, count]) => n + count, 0);
}
