/**
 * A ledger event stores its entry's salt, not the entry (issue 12). The entry, the exact bytes of the event's Merkle
 * leaf (domain/log/ledger-entry.ts), is the canonical JSON of the event's columns with the salt, so it held the
 * payload a second time: half of what a bulk import wrote to the ledger. Now `salt` holds the 32 bytes and `entry`
 * is null, and the entry is encoded from the columns when read (store/ledger-entries.ts). An existing row keeps its
 * stored entry when that is not the encoding of its columns: nothing the log was built from is lost, and such an
 * entry goes on failing the log's checks as it did.
 */

import { sql, type Kysely } from 'kysely';

/** encodeLedgerEntry in SQL: the entry of the columns of ledger row `l` with `salt` (only compared, never stored). */
const ENCODED = (salt: string) => `convert_to('{"at":' || to_json(to_char(l.at at time zone 'UTC',
  'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text || ',"payload":' || l.payload || ',"salt":' || to_json(${salt})::text ||
  ',"seq":"' || l.seq || '","subject_id":' || coalesce('"' || l.subject_id || '"', 'null') || ',"type":' ||
  to_json(l.type)::text || '}', 'UTF8')`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ledger add column salt bytea, alter column entry drop not null`.execute(db);
  // The salt is the entry's last "salt" member (a payload may hold one of its own, earlier): 44 characters of base64
  // for 32 bytes. Read from bytea's escape form, which any bytes have; the comparison below settles the rest.
  await sql
    .raw(`
    with salts as (
      select seq, substring(encode(entry, 'escape') from '.*"salt":"([A-Za-z0-9+/]{43}=)"') as salt from ledger)
    update ledger l set salt = decode(s.salt, 'base64'),
      entry = case when l.entry = ${ENCODED('s.salt')} then null else l.entry end
    from salts s where l.seq = s.seq and s.salt is not null`)
    .execute(db);
  await sql`alter table ledger
    add constraint ledger_entry_or_salt check (entry is not null or salt is not null)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`update ledger l set entry = ${ENCODED("encode(l.salt, 'base64')")} where l.entry is null`).execute(db);
  await sql`alter table ledger drop constraint ledger_entry_or_salt, drop column salt,
    alter column entry set not null`.execute(db);
}
