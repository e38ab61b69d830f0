/** SQL for amendments (FCRA § 611(d)): the decisions relied on, the amendments written, a principal's pages. */

import { sql, type Insertable, type Selectable, type Transaction } from 'kysely';
import type { Executor } from './executor.ts';
import type { AmendmentsTable } from './schema-amendments.ts';
import type { DB } from './schema.ts';

/** How many decision ids an amendment names (the newest); `decision_count` counts them all. */
const AMENDMENT_DECISION_IDS = 100;

/** The decisions one relying principal got about one identifier, for one action, with one outcome. */
export interface ReliedDecisions {
  readonly subject_id: string;
  readonly principal_id: string;
  readonly subject_scheme: string;
  readonly subject_value: string;
  readonly action: string;
  readonly outcome: string;
  /** The newest first, at most AMENDMENT_DECISION_IDS. */
  readonly decision_ids: string[];
  readonly decision_count: number;
  readonly first_decided_at: Date;
  readonly last_decided_at: Date;
  /** Whether the principal has a webhook now (its amendment then waits in the outbox). */
  readonly has_webhook: boolean;
}

/**
 * Every decision relying principals got about these subjects (under any of their identifiers) from `since` to
 * `until`, grouped by principal, identifier, action and outcome: one statement for a whole change, walking
 * `inquiries_subject` (scheme, value, at) from each identifier.
 */
export async function getReliedDecisions(
  db: Executor,
  subjectIds: readonly string[],
  since: Date,
  until: Date,
): Promise<ReliedDecisions[]> {
  if (subjectIds.length === 0) return [];
  const { rows } = await sql<ReliedDecisions>`
    select si.subject_id::text as subject_id, i.principal_id, i.subject_scheme, i.subject_value, i.action,
      i.outcome,
      (array_agg(i.id order by i.at desc, i.id desc))[1:${sql.lit(AMENDMENT_DECISION_IDS)}] as decision_ids,
      count(*)::integer as decision_count, min(i.at) as first_decided_at, max(i.at) as last_decided_at,
      bool_or(p.webhook_url is not null) as has_webhook
    from subject_identifiers si
    join inquiries i on i.subject_scheme = si.scheme and i.subject_value = si.value
      and i.at >= ${since} and i.at <= ${until}
    join principals p on p.id = i.principal_id and p.role = 'relying'
    where si.subject_id = any(${subjectIds}::bigint[]) and i.kind = 'decision' and i.action is not null
      and i.outcome is not null
    group by si.subject_id, i.principal_id, i.subject_scheme, i.subject_value, i.action, i.outcome
    order by si.subject_id, i.principal_id, i.subject_scheme, i.subject_value, i.action, i.outcome
  `.execute(db);
  return rows;
}

/** Each record's type, by id. */
export async function getRecordTypes(db: Executor, recordIds: readonly string[]): Promise<Map<string, string>> {
  if (recordIds.length === 0) return new Map();
  const rows = await db.selectFrom('records').select(['id', 'type']).where('id', 'in', recordIds).execute();
  return new Map(rows.map((r) => [String(r.id), r.type]));
}

const INSERT_CHUNK = 1000;

/**
 * Inserts amendments in the order given. Every writer holds the ledger lock (see events.service.ts), so ids are
 * taken and committed in the same order: a reader paging by id never passes over one committed later.
 */
export async function insertAmendments(
  trx: Transaction<DB>,
  rows: readonly Insertable<AmendmentsTable>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    await trx
      .insertInto('amendments')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute();
}

export type AmendmentRow = Selectable<AmendmentsTable>;

/** Up to `limit` of a principal's amendments after the id `since` (exclusive), oldest first. */
export async function getAmendmentsAfter(
  db: Executor,
  principalId: string,
  since: string,
  limit: number,
): Promise<AmendmentRow[]> {
  return db
    .selectFrom('amendments')
    .selectAll()
    .where('principal_id', '=', principalId)
    .where('id', '>', since)
    .orderBy('id')
    .limit(limit)
    .execute();
}
