/**
 * The decision index warm-up's read: every identifier whose subject is indexed, as binary COPY, split by subject id
 * into ranges copied at once on separate connections that share one snapshot (pg_export_snapshot), so PostgreSQL
 * joins and sends the rows on more than one backend while the index takes them in. The COPY is read straight from
 * the socket (copy-out.ts).
 *
 * Columns: scheme, value, grade, active lists joined by commas, next change (a timestamp; null: none), related
 * listings as JSON text (null: none), and the policy the state was evaluated under (null: the one given, the usual
 * case, so a row carries no digest). Binary, because text COPY made PostgreSQL format every row's columns and the
 * index parse them back (the timestamp as seconds cost a third of PostgreSQL's time).
 */

import type pg from 'pg';
import { copyOut } from './copy-out.ts';

/** PostgreSQL writes on while the index takes in what it has sent (the default, 16 KiB, stalls it). */
const READ_AHEAD_BYTES = 8 * 1024 * 1024;
/**
 * Rows sampled to split the subjects into ranges: enough for ranges within a few percent of each other. Sampled by
 * page (SYSTEM: only the pages sampled are read; BERNOULLI would read the whole table to pick its rows).
 */
const SAMPLE_ROWS = 20_000;

export interface CopySplit {
  /** COPYs at most. */
  readonly parts: number;
  /** Fewer indexed subjects than this are read by one COPY: the split's sample and extra connections cost more. */
  readonly from: number;
}

const rowsQuery = (client: pg.Client, policyDigest: string, range: string) => `copy (
  select i.scheme, i.value, s.grade, array_to_string(s.active_lists, ','), s.next_change_at,
    case when s.related <> '[]'::jsonb then s.related::text end,
    nullif(s.policy_digest, ${client.escapeLiteral(policyDigest)})
  from subject_state s join subject_identifiers i on i.subject_id = s.subject_id
  where s.indexed${range}
) to stdout (format binary)`;

/**
 * Subject ids splitting the indexed subjects into `parts` ranges of about as many each, from a sample of
 * subject_state's rows: none when there are fewer than `from`.
 */
async function getSplitPoints(client: pg.PoolClient, { parts, from }: CopySplit): Promise<string[]> {
  const fractions = Array.from({ length: parts - 1 }, (_, i) => (i + 1) / parts);
  const size = await client.query<{ rows: number }>(
    `select reltuples::float8 as rows from pg_class where oid = 'subject_state'::regclass`,
  );
  const rows = size.rows[0]?.rows ?? -1;
  // Never analysed (-1) or small: every row.
  const percent = rows <= SAMPLE_ROWS ? 100 : (100 * SAMPLE_ROWS) / rows;
  const sample = await client.query<{ sampled: string; points: string[] | null }>(
    `select count(*) as sampled, percentile_disc($1::float8[]) within group (order by subject_id)::text[] as points
     from subject_state tablesample system ($2) where indexed`,
    [fractions, percent],
  );
  const row = sample.rows[0];
  if (row === undefined || row.points === null || (Number(row.sampled) * 100) / percent < from) return [];
  return [...new Set(row.points)];
}

/** About how many identifiers of a scheme a warm-up reads, and their bytes, estimated from a sample. */
export interface ExpectedScheme {
  readonly scheme: string;
  readonly identifiers: number;
  readonly bytes: number;
}

/**
 * Indexed identifiers per scheme, from a sample of subject_state's pages (their identifiers looked up by subject,
 * `offset 0` keeping the lookup a nested loop rather than a scan of every identifier): none under `from` rows, where
 * tables growing as they fill cost little.
 */
async function getExpectedSchemes(client: pg.PoolClient, from: number): Promise<ExpectedScheme[]> {
  const size = await client.query<{ rows: number }>(
    `select reltuples::float8 as rows from pg_class where oid = 'subject_state'::regclass`,
  );
  const rows = size.rows[0]?.rows ?? -1;
  if (rows < from) return [];
  const percent = rows <= SAMPLE_ROWS ? 100 : (100 * SAMPLE_ROWS) / rows;
  const sample = await client.query<{ scheme: string; sampled: string; bytes: string }>(
    `select i.scheme, count(*) as sampled, sum(octet_length(i.value)) as bytes
     from (select subject_id from subject_state tablesample system ($1) where indexed) s
     cross join lateral (select scheme, value from subject_identifiers where subject_id = s.subject_id offset 0) i
     group by i.scheme`,
    [percent],
  );
  return sample.rows.map((row) => ({
    scheme: row.scheme,
    identifiers: Math.round((Number(row.sampled) * 100) / percent),
    bytes: Math.round((Number(row.bytes) * 100) / percent),
  }));
}

/**
 * `and` conditions for the ranges between split points (the first and last open-ended), on both sides of the join:
 * a merge join would otherwise read the identifiers below a range before reaching it.
 */
function ranges(points: readonly string[]): string[] {
  const bounds = [null, ...points, null];
  const on = (column: string, op: string, bound: string | null) =>
    bound === null ? '' : ` and ${column} ${op} ${BigInt(bound)}`;
  return bounds.slice(1).map((upper, i) => {
    const lower = bounds[i] ?? null;
    return ['s.subject_id', 'i.subject_id'].map((c) => on(c, '>=', lower) + on(c, '<', upper)).join('');
  });
}

/** One range's rows; the connection is returned once its COPY has ended, closed if it stopped half way. */
async function* copyRange(client: pg.PoolClient, query: string): AsyncGenerator<Buffer> {
  let ended = false;
  try {
    yield* copyOut(client, query, READ_AHEAD_BYTES);
    await client.query('commit');
    ended = true;
  } finally {
    client.release(ended ? undefined : new Error('the index warm-up stopped before its COPY ended'));
  }
}

export interface IndexedStatesCopy {
  /** The binary COPY (columns above), in up to `split.parts` streams: read them all to the end, at once. */
  readonly streams: AsyncIterable<Buffer>[];
  /** What the streams hold per scheme, about (none from `split.from` down): the index sizes its tables once. */
  readonly expected: readonly ExpectedScheme[];
}

/**
 * Every identifier whose subject is indexed, as binary COPY (columns above) in up to `split.parts` streams, all read
 * from one snapshot. Each stream holds a connection of `pool` until it ends.
 */
export async function copyIndexedStates(
  pool: pg.Pool,
  policyDigest: string,
  split: CopySplit,
): Promise<IndexedStatesCopy> {
  const clients: pg.PoolClient[] = [await pool.connect()];
  try {
    const first = clients[0]!;
    await first.query('begin isolation level repeatable read read only');
    const expected = await getExpectedSchemes(first, split.from);
    const points = split.parts > 1 ? await getSplitPoints(first, split) : [];
    if (points.length > 0) {
      const { rows } = await first.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
      for (let i = 0; i < points.length; i += 1) {
        const client = await pool.connect();
        clients.push(client);
        await client.query('begin isolation level repeatable read read only');
        await client.query(`set transaction snapshot ${client.escapeLiteral(rows[0]!.snapshot)}`);
      }
    }
    const streams = ranges(points).map((range, i) =>
      copyRange(clients[i]!, rowsQuery(clients[i]!, policyDigest, range)),
    );
    return { streams, expected };
  } catch (error) {
    for (const client of clients) client.release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}
