/**
 * The transparency log (issue 9). Each ledger event gets `entry`: the exact bytes of its Merkle leaf, the
 * canonical JSON of {at, payload, salt, seq, subject_id, type} with a 32-byte random salt in base64
 * (leaf index = seq − 1). Existing events are backfilled here, in pages. `log_tiles` holds the C2SP
 * tlog-tiles hash tiles (the latest data of each: a full tile never changes, a partial one grows) and
 * `log_checkpoints` every signed checkpoint. Frozen in time: the encoding is copied here on purpose.
 */

import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

const PAGE = 5000;

interface Row {
  seq: string;
  at: Date;
  type: string;
  subject_id: string | null;
  payload: string;
}

function entryOf(row: Row): Buffer {
  const salt = randomBytes(32).toString('base64');
  const subject = row.subject_id === null ? 'null' : JSON.stringify(row.subject_id);
  return Buffer.from(
    `{"at":${JSON.stringify(row.at.toISOString())},"payload":${row.payload},"salt":${JSON.stringify(salt)},` +
      `"seq":${JSON.stringify(String(row.seq))},"subject_id":${subject},"type":${JSON.stringify(row.type)}}`,
    'utf8',
  );
}

async function backfill(db: Kysely<any>): Promise<void> {
  let after = '0';
  for (;;) {
    const rows = (
      await sql<Row>`select seq, at, type, subject_id, payload from ledger
        where seq > ${after} order by seq limit ${PAGE}`.execute(db)
    ).rows;
    if (rows.length === 0) return;
    const seqs = rows.map((r) => String(r.seq));
    const entries = rows.map(entryOf);
    await sql`update ledger l set entry = v.entry
      from unnest(${seqs}::bigint[], ${entries}::bytea[]) as v (seq, entry)
      where l.seq = v.seq`.execute(db);
    after = seqs[seqs.length - 1]!;
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ledger add column entry bytea`.execute(db);
  await backfill(db);
  await sql`
    alter table ledger alter column entry set not null;

    create table log_tiles (
      level smallint not null,
      idx bigint not null,
      width smallint not null check (width between 1 and 256),
      -- the tile's hashes concatenated: width × 32 bytes
      hashes bytea not null,
      primary key (level, idx)
    );

    create table log_checkpoints (
      size bigint primary key,
      root bytea not null,
      -- the signed note, exactly as signed
      note text not null,
      signed_at timestamptz not null
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table log_checkpoints;
    drop table log_tiles;
    alter table ledger drop column entry;
  `.execute(db);
}
