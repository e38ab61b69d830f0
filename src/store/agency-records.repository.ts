/** SQL for an agency's own records as the console lists them: newest filing first, filtered, paged by keyset. */

import { sql } from 'kysely';

import type { Executor } from './executor.ts';

export interface AgencyRecordFilter {
  readonly agencyId: string;
  readonly status?: string | undefined;
  /** Matches a source_ref, case number (document_ref) or subject name containing it, a record number or identifier. */
  readonly text?: string | undefined;
  /** Rows strictly past this (filed_at, id), newest first (`forward`) or oldest first (`backward`). */
  readonly from: AgencyRecordKey | null;
  readonly toward: 'forward' | 'backward';
  readonly limit: number;
}

export interface AgencyRecordKey {
  readonly filed_at: Date;
  readonly id: string;
}

export interface AgencyRecordRow {
  readonly id: string;
  readonly subject_id: string;
  readonly source_ref: string;
  readonly type: string;
  readonly status: string;
  readonly filed_at: Date;
  readonly decided_at: Date;
  readonly subject_name: string;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * One page of the agency's records; only rows with `records.agency_id = agencyId`, ever. Indexes
 * records_agency_keyset and records_agency_status_keyset (migration 019) serve the order both ways.
 */
export async function listAgencyRecords(db: Executor, filter: AgencyRecordFilter): Promise<AgencyRecordRow[]> {
  let query = db
    .selectFrom('records as r')
    .innerJoin('subjects as s', 's.id', 'r.subject_id')
    .select([
      'r.id',
      'r.subject_id',
      'r.source_ref',
      'r.type',
      'r.status',
      'r.filed_at',
      'r.decided_at',
      's.name as subject_name',
    ])
    .where('r.agency_id', '=', filter.agencyId);
  if (filter.status !== undefined) query = query.where('r.status', '=', filter.status);
  const text = filter.text;
  if (text !== undefined) {
    const pattern = likePattern(text);
    query = query.where((eb) =>
      eb.or([
        eb('r.source_ref', 'ilike', pattern),
        // A court's case number (案号) is the record's document reference.
        eb('r.document_ref', 'ilike', pattern),
        eb('s.name', 'ilike', pattern),
        ...(/^[0-9]{1,18}$/.test(text) ? [eb('r.id', '=', text)] : []),
        // Identifiers match whole (check-digit schemes store them upper-cased), never by fragment.
        eb.exists(
          eb
            .selectFrom('subject_identifiers as i')
            .select(sql`1`.as('one'))
            .whereRef('i.subject_id', '=', 'r.subject_id')
            .where('i.value', 'in', [text, text.toUpperCase()]),
        ),
      ]),
    );
  }
  const forward = filter.toward === 'forward';
  const from = filter.from;
  if (from !== null)
    query = query.where(
      sql`(r.filed_at, r.id)`,
      forward ? '<' : '>',
      sql`(${from.filed_at}::timestamptz, ${from.id}::bigint)`,
    );
  const direction = forward ? 'desc' : 'asc';
  return query.orderBy('r.filed_at', direction).orderBy('r.id', direction).limit(filter.limit).execute();
}
