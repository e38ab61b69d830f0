/**
 * Decision index warm-up: how long a server takes, from the database, to build its index of listed subjects
 * (LedgerFollower.warm). Synthetic listed subjects are written straight into the projections (no records: warm-up
 * reads only subject_state and subject_identifiers), the index is warmed, then they are deleted again.
 */

import { sql, type Kysely } from 'kysely';
import type { Registry } from '../src/services/runtime/open-registry.ts';
import type { DB } from '../src/store/schema.ts';

/** Above the ids of real subjects; the synthetic ones are removed afterwards. */
const FIRST_ID = 9_000_000_000_000;

/**
 * Inserts `count` listed subjects in the mix the default policy produces (most on judgment-defaulters, some on
 * two lists, a few only graded), each with a resident ID and a next change within 2 years.
 */
async function insertListedSubjects(db: Kysely<DB>, count: number, digest: string): Promise<void> {
  await sql`
    insert into subjects (id, kind, name, created_at)
    select ${FIRST_ID}::bigint + n, 'person', 'bench', now() from generate_series(1, ${count}::int) n
  `.execute(db);
  await sql`
    insert into subject_identifiers (scheme, value, subject_id)
    select 'cn-rid', '9' || lpad(n::text, 16, '0') || (n % 10)::text, ${FIRST_ID}::bigint + n
    from generate_series(1, ${count}::int) n
  `.execute(db);
  await sql`
    insert into subject_state
      (subject_id, score, grade, lists, active_lists, next_change_at, evaluated_at, policy_digest, indexed)
    select ${FIRST_ID}::bigint + n, 900, case when n % 10 = 9 then 'D' else 'B' end, '[]',
      case n % 10 when 9 then '{}'::text[] when 8 then '{judgment-defaulters,serious-dishonesty}'
        else '{judgment-defaulters}' end,
      now() + make_interval(days => 1 + n % 730), now(), ${digest}, true
    from generate_series(1, ${count}::int) n
  `.execute(db);
  await sql`analyze subjects, subject_identifiers, subject_state`.execute(db);
}

async function deleteListedSubjects(db: Kysely<DB>): Promise<void> {
  for (const table of ['subject_state', 'subject_identifiers'] as const)
    await sql`delete from ${sql.table(table)} where subject_id > ${FIRST_ID}::bigint`.execute(db);
  await sql`delete from subjects where id > ${FIRST_ID}::bigint`.execute(db);
}

/**
 * Warms the registry's index over `count` synthetic listed subjects (plus those already there) and returns the
 * time per million indexed identifiers; the synthetic subjects are gone afterwards and the index warmed again.
 */
export async function measureIndexWarmup(
  registry: Registry,
  count: number,
): Promise<{ msPerMillion: number; entries: number; ms: number }> {
  const db = registry.rt.db;
  await insertListedSubjects(db, count, registry.rt.policy.digest);
  try {
    // Once to load the pages into PostgreSQL's cache (a restarted server finds them on disk or in the OS cache).
    await registry.follower.warm();
    const started = performance.now();
    await registry.follower.warm();
    const ms = performance.now() - started;
    const entries = registry.rt.index.size;
    return { msPerMillion: ms / (entries / 1e6), entries, ms };
  } finally {
    await deleteListedSubjects(db);
    await registry.follower.warm();
  }
}
