/**
 * Policy activation. The active policy is the one named by the latest `policy.activated`
 * ledger event; its document is kept in `policies`, addressed by digest. Activating a new
 * policy rescores every subject in the same transaction, so projections never mix policies.
 */

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Policy } from '../../domain/policy.ts';
import { parsePayload } from '../../store/ledger.repository.ts';
import type { DB } from '../../store/schema.ts';
import { LEDGER_CHANNEL } from '../records/intake.service.ts';
import { appendEvents } from './ledger.service.ts';
import { reprojectSubjects } from './projection.service.ts';

const RESCORE_PAGE = 5000;

export interface ActivePolicyRef {
  readonly digest: string;
  readonly seq: string;
  readonly at: Date;
}

export async function getActivePolicyRef(db: Kysely<DB> | Transaction<DB>): Promise<ActivePolicyRef | undefined> {
  const row = await db
    .selectFrom('ledger')
    .select(['seq', 'at', 'payload'])
    .where('type', '=', 'policy.activated')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : { digest: String(parsePayload(row).digest), seq: row.seq, at: row.at };
}

export async function getPolicyDocument(
  db: Kysely<DB> | Transaction<DB>,
  digest: string,
): Promise<Record<string, unknown> | undefined> {
  return (await db.selectFrom('policies').select('document').where('digest', '=', digest).executeTakeFirst())?.document;
}

/** Makes `policy` the active one unless it already is; returns true when it changed. */
export async function activatePolicy(
  db: Kysely<DB>,
  policy: Policy,
  document: Record<string, unknown>,
  now: Date,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(7312002)`.execute(trx); // one activation at a time
    if ((await getActivePolicyRef(trx))?.digest === policy.digest) return false;
    await trx
      .insertInto('policies')
      .values({
        digest: policy.digest,
        id: policy.id,
        version: policy.version,
        document: JSON.stringify(document),
        stored_at: now,
      })
      .onConflict((oc) => oc.column('digest').doNothing())
      .execute();
    await appendEvents(trx, now, [
      {
        type: 'policy.activated',
        subject_id: null,
        payload: { digest: policy.digest, id: policy.id, version: policy.version },
      },
    ]);
    await rescoreAll(trx, policy, now);
    await sql`select pg_notify(${LEDGER_CHANNEL}, '')`.execute(trx);
    return true;
  });
}

/** Re-evaluates every subject, a page at a time, under `policy` at `at`. */
export async function rescoreAll(trx: Transaction<DB>, policy: Policy, at: Date): Promise<number> {
  let after = '0';
  let count = 0;
  for (;;) {
    const ids = (
      await trx.selectFrom('subjects').select('id').where('id', '>', after).orderBy('id').limit(RESCORE_PAGE).execute()
    ).map((r) => r.id);
    if (ids.length === 0) return count;
    await reprojectSubjects(trx, policy, ids, at, { notify: true });
    count += ids.length;
    after = ids[ids.length - 1]!;
  }
}
