/**
 * SQL for the policy store: documents kept by digest in `policies`, and which one is active
 * (the one named by the latest `policy.activated` ledger event).
 */

import { sql, type Transaction } from 'kysely';
import type { Executor } from './executor.ts';
import { parsePayload } from './ledger.repository.ts';
import type { DB } from './schema.ts';

/** Arbitrary constant shared by every Credence process: one policy activation at a time. */
const ACTIVATION_LOCK = 7_312_002;

export interface ActivePolicyRef {
  readonly digest: string;
  readonly seq: string;
  readonly at: Date;
}

export interface PolicyVersionRow {
  readonly digest: string;
  readonly id: string;
  readonly version: string;
  /** The merged policy document, as JSON text. */
  readonly document: string;
  readonly stored_at: Date;
}

/** The latest `policy.activated` event: the digest it names, its seq and when; undefined before any. */
export async function getActivePolicyRef(db: Executor): Promise<ActivePolicyRef | undefined> {
  const row = await db
    .selectFrom('ledger')
    .select(['seq', 'at', 'payload'])
    .where('type', '=', 'policy.activated')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : { digest: String(parsePayload(row).digest), seq: row.seq, at: row.at };
}

/** The document stored under `digest`, if any. */
export async function getPolicyDocument(db: Executor, digest: string): Promise<Record<string, unknown> | undefined> {
  return (await db.selectFrom('policies').select('document').where('digest', '=', digest).executeTakeFirst())?.document;
}

/** Stores a policy version; one already stored under the same digest is kept as it is. */
export async function insertPolicyVersion(db: Executor, row: PolicyVersionRow): Promise<void> {
  await db
    .insertInto('policies')
    .values(row)
    .onConflict((oc) => oc.column('digest').doNothing())
    .execute();
}

/** Takes the activation lock for the rest of the transaction. */
export async function lockPolicyActivation(trx: Transaction<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${ACTIVATION_LOCK})`.execute(trx);
}
