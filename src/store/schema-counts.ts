/**
 * Kysely's view of the counts kept by triggers (migration 019), in their own schema `read_counts`: derived from
 * the base tables, never written by the application. Each row is one writer's shard; a read sums the shards.
 */

export interface CountersTable {
  /** What is counted: `notices.delivery_status` (key: status), `records` (key: agency/status). */
  name: string;
  key: string;
  shard: number;
  n: string;
}

export interface ListEntriesDailyTable {
  list_id: string;
  status: string;
  /** The subject's kind. */
  kind: string;
  /** The UTC day the newest record the entry rests on was decided: disclosure periods run from it. */
  day: Date;
  shard: number;
  n: string;
}

export interface RecordsFiledDailyTable {
  /** The UTC day of `filed_at`. */
  day: Date;
  type: string;
  agency_id: string;
  shard: number;
  n: string;
}

export interface DecisionsDailyTable {
  /** The UTC day of the decision (an inquiry of kind `decision` not taken after a review). */
  day: Date;
  action: string;
  outcome: string;
  shard: number;
  n: string;
}

/** The tables of schema `read_counts`, by their qualified names. */
export interface ReadCountsTables {
  'read_counts.counters': CountersTable;
  'read_counts.list_entries_daily': ListEntriesDailyTable;
  'read_counts.records_filed_daily': RecordsFiledDailyTable;
  'read_counts.decisions_daily': DecisionsDailyTable;
}
