/** SQL for the portal's subject sessions and the OpenID Connect sign-ins under way. */

import type { Insertable } from 'kysely';
import type { OidcSignInsTable, SubjectSessionsTable } from './schema-consoles.ts';

import type { Executor } from './executor.ts';

export interface SubjectSessionRow {
  readonly subject_scheme: string;
  readonly subject_value: string;
  readonly via: 'oidc' | 'demo';
  readonly last_seen_at: Date;
  readonly expires_at: Date;
}

export async function insertSubjectSession(db: Executor, row: Insertable<SubjectSessionsTable>): Promise<void> {
  await db.insertInto('subject_sessions').values(row).execute();
}

/** An open (not ended) session by the hash of its id. */
export async function getOpenSubjectSession(db: Executor, idHash: string): Promise<SubjectSessionRow | undefined> {
  return db
    .selectFrom('subject_sessions')
    .select(['subject_scheme', 'subject_value', 'via', 'last_seen_at', 'expires_at'])
    .where('id_hash', '=', idHash)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
}

export async function touchSubjectSession(db: Executor, idHash: string, at: Date): Promise<void> {
  await db.updateTable('subject_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function endSubjectSession(db: Executor, idHash: string, at: Date): Promise<void> {
  await db
    .updateTable('subject_sessions')
    .set({ ended_at: at })
    .where('id_hash', '=', idHash)
    .where('ended_at', 'is', null)
    .execute();
}

/** Deletes sessions that ended, or whose lifetime ran out, before `before`; returns how many. */
export async function deleteSubjectSessionsBefore(db: Executor, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('subject_sessions')
    .where((eb) => eb.or([eb('ended_at', '<', before), eb('expires_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertOidcSignIn(db: Executor, row: Insertable<OidcSignInsTable>): Promise<void> {
  await db.insertInto('oidc_sign_ins').values(row).execute();
}

/** Takes a sign-in under way: returns and deletes it, so each state is used at most once. */
export async function takeOidcSignIn(
  db: Executor,
  stateHash: string,
): Promise<{ code_verifier: string; nonce: string; next: string | null; created_at: Date } | undefined> {
  return db
    .deleteFrom('oidc_sign_ins')
    .where('state_hash', '=', stateHash)
    .returning(['code_verifier', 'nonce', 'next', 'created_at'])
    .executeTakeFirst();
}

/** Deletes sign-ins started before `before` and never finished; returns how many. */
export async function deleteOidcSignInsBefore(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('oidc_sign_ins').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
