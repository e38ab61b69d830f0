/**
 * SQL for the log's witnesses (issue 9): who they are and what the log knows of each, the cosignatures they
 * returned, and the quorum publication needs (migrations/2026-12-02-011-log-witnesses.ts).
 */

import { sql } from 'kysely';
import type { Executor } from './executor.ts';

/** A witness as stored: sizes as numbers, null when unknown. */
export interface WitnessRow {
  readonly verifier_key: string;
  readonly url: string;
  readonly active: boolean;
  readonly cosigned_size: number | null;
  readonly known_size: number | null;
  readonly failures: number;
  readonly failing_since: Date | null;
  readonly next_attempt_at: Date | null;
  readonly last_error: string | null;
}

/** What an attempt changes of a witness's state. */
export type WitnessUpdate = Partial<Omit<WitnessRow, 'verifier_key' | 'url' | 'active'>>;

const nullableSize = (size: string | null) => (size === null ? null : Number(size));

/**
 * Makes exactly these witnesses active (adding new ones; others stay, inactive, with their history) and
 * stores the quorum. Run in one transaction.
 */
export async function setActiveWitnesses(
  db: Executor,
  witnesses: readonly { readonly url: string; readonly verifierKey: string }[],
  quorum: number,
): Promise<void> {
  await db.updateTable('log_witnesses').set({ active: false }).execute();
  if (witnesses.length > 0) {
    await db
      .insertInto('log_witnesses')
      .values(witnesses.map((w) => ({ verifier_key: w.verifierKey, url: w.url, active: true })))
      .onConflict((oc) =>
        oc.column('verifier_key').doUpdateSet((eb) => ({ url: eb.ref('excluded.url'), active: true })),
      )
      .execute();
  }
  await db
    .insertInto('log_publication')
    .values({ id: true, quorum })
    .onConflict((oc) => oc.column('id').doUpdateSet({ quorum }))
    .execute();
}

/** The quorum a published checkpoint needs; undefined if no server has set it (then: 0). */
export async function getPublicationQuorum(db: Executor): Promise<number | undefined> {
  return (await db.selectFrom('log_publication').select('quorum').executeTakeFirst())?.quorum;
}

/** The active witnesses, by verifier key. */
export async function getActiveWitnesses(db: Executor): Promise<WitnessRow[]> {
  const rows = await db
    .selectFrom('log_witnesses')
    .selectAll()
    .where('active', '=', true)
    .orderBy('verifier_key')
    .execute();
  return rows.map((r) => ({
    ...r,
    cosigned_size: nullableSize(r.cosigned_size),
    known_size: nullableSize(r.known_size),
  }));
}

/** Records the outcome of an attempt on one witness. */
export async function updateWitness(db: Executor, verifierKey: string, update: WitnessUpdate): Promise<void> {
  const { cosigned_size, known_size, ...rest } = update;
  await db
    .updateTable('log_witnesses')
    .set({
      ...rest,
      ...(cosigned_size === undefined ? {} : { cosigned_size: cosigned_size === null ? null : String(cosigned_size) }),
      ...(known_size === undefined ? {} : { known_size: known_size === null ? null : String(known_size) }),
    })
    .where('verifier_key', '=', verifierKey)
    .execute();
}

/** Stores a witness's verified cosignature line on the checkpoint of tree size `size`. */
export async function insertCosignature(db: Executor, size: number, verifierKey: string, line: string): Promise<void> {
  await db
    .insertInto('log_cosignatures')
    .values({ size: String(size), verifier_key: verifierKey, line })
    .onConflict((oc) => oc.columns(['size', 'verifier_key']).doUpdateSet({ line }))
    .execute();
}

/** The largest tree size whose checkpoint at least `quorum` (≥ 1) active witnesses cosigned, if any. */
export async function getLargestCosignedSize(db: Executor, quorum: number): Promise<number | undefined> {
  const row = await sql<{ size: string }>`
    select c.size from log_cosignatures c join log_witnesses w using (verifier_key)
    where w.active group by c.size having count(*) >= ${quorum}
    order by c.size desc limit 1`.execute(db);
  return row.rows[0] === undefined ? undefined : Number(row.rows[0].size);
}

/** The cosignature lines of active witnesses on the checkpoint of tree size `size`, by verifier key. */
export async function getCosignatureLines(db: Executor, size: number): Promise<string[]> {
  const rows = await db
    .selectFrom('log_cosignatures as c')
    .innerJoin('log_witnesses as w', 'w.verifier_key', 'c.verifier_key')
    .select('c.line')
    .where('c.size', '=', String(size))
    .where('w.active', '=', true)
    .orderBy('c.verifier_key')
    .execute();
  return rows.map((r) => r.line);
}

/** The signed checkpoint note of tree size `size`, if the log signed one. */
export async function getCheckpointNote(db: Executor, size: number): Promise<string | undefined> {
  const row = await db.selectFrom('log_checkpoints').select('note').where('size', '=', String(size)).executeTakeFirst();
  return row?.note;
}
