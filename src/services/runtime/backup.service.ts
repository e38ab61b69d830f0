/**
 * `credence db backup FILE` (issue 13): a consistent logical snapshot of the whole database, made by Credence
 * itself so it works with the embedded cluster and with any DATABASE_URL server (the embedded package ships no
 * pg_dump). Every table is read in one REPEATABLE READ, READ ONLY transaction and written as COPY text with a
 * manifest (store/backup-file.ts has the file's layout; backup-manifest.ts what the manifest says). The log's
 * signing key is a file, not data: it is not in the backup.
 */

import type { Config } from '../../config.ts';
import { CredenceError } from '../../errors.ts';
import { encodeFrame, readBackupFile, writeBackupFile } from '../../store/backup-file.ts';
import { getAppliedMigrations, getSequenceValues, getTableShapes } from '../../store/backup.repository.ts';
import { type CopySession, openSnapshotSession, type TableShape } from '../../store/copy-session.ts';
import { openDatabase } from '../../store/database.ts';
import { getLatestCheckpoint } from '../../store/log.repository.ts';
import { knownMigrations } from '../../store/migrate.ts';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  type BackupManifest,
  checkSchema,
  checkTables,
  dependencyOrder,
  invalid,
  parseManifest,
  TableDigester,
  type TableDigest,
} from './backup-manifest.ts';

export interface BackupSummary {
  readonly manifest: BackupManifest;
  /** The file's size in bytes (compressed). */
  readonly bytes: number;
}

/** Writes a backup of the database `config` names to `file` (via `file.partial`, renamed once complete). */
export async function backupDatabase(
  config: Config,
  file: string,
  clock: () => Date = () => new Date(),
): Promise<BackupSummary> {
  const database = await openDatabase(config, 'credence-backup');
  try {
    const session = await openSnapshotSession(database.pool);
    try {
      const tables = dependencyOrder(await getTableShapes(session.db));
      const header = await manifestHeader(session, tables, clock());
      const made: { manifest?: BackupManifest } = {};
      const bytes = await writeBackupFile(file, backupBytes(session, tables, header, made));
      await session.commit();
      return { manifest: made.manifest!, bytes };
    } finally {
      session.close();
    }
  } finally {
    await database.close();
  }
}

type ManifestHeader = Omit<BackupManifest, 'tables'>;

async function manifestHeader(session: CopySession, tables: readonly TableShape[], now: Date): Promise<ManifestHeader> {
  const migrations = await getAppliedMigrations(session.db);
  if (migrations.length === 0)
    throw new CredenceError(
      'CRD_NOT_FOUND',
      'the database holds no Credence schema: there is nothing to back up (is DATABASE_URL the right database?)',
    );
  // Read after the snapshot's first query, so every id in the snapshot was handed out before these values.
  const sequences = await getSequenceValues(session.db);
  const logged = tables.some((t) => t.name === 'log_checkpoints'); // a schema before the log has none
  const checkpoint = logged ? await getLatestCheckpoint(session.db) : undefined;
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_FORMAT_VERSION,
    created_at: now.toISOString(),
    schema: { version: migrations.at(-1)!, migrations },
    log:
      checkpoint === undefined
        ? null
        : { origin: checkpoint.note.split('\n')[0]!, size: checkpoint.size, checkpoint: checkpoint.note },
    sequences,
  };
}

/** The file's frames: each table's name and data, then the manifest with every table's count and checksum. */
async function* backupBytes(
  session: CopySession,
  tables: readonly TableShape[],
  header: ManifestHeader,
  made: { manifest?: BackupManifest },
): AsyncGenerator<Buffer> {
  const digests: TableDigest[] = [];
  for (const table of tables) {
    yield* encodeFrame('T', Buffer.from(table.name, 'utf8'));
    const digester = new TableDigester();
    for await (const chunk of session.copyOut(table) as AsyncIterable<Buffer>) {
      digester.update(chunk);
      yield* encodeFrame('D', chunk);
    }
    digests.push({ name: table.name, columns: table.columns, ...digester.digest() });
  }
  made.manifest = { ...header, tables: digests };
  yield* encodeFrame('M', Buffer.from(JSON.stringify(made.manifest), 'utf8'));
}

/**
 * Reads the whole backup once, without a database: the frames in order, every table's rows and checksum as its
 * manifest lists them, and a schema this build can restore. Resolves to the manifest; throws CRD_BACKUP_INVALID
 * (not a backup, truncated, corrupt) or CRD_BACKUP_NEWER (a newer format or schema).
 */
export async function checkBackupFile(file: string): Promise<BackupManifest> {
  const read: TableDigest[] = [];
  let table: { name: string; digester: TableDigester } | null = null;
  let manifest: BackupManifest | null = null;
  const closeTable = () => {
    if (table !== null) read.push({ name: table.name, columns: [], ...table.digester.digest() });
    table = null;
  };
  for await (const frame of readBackupFile(file)) {
    if (manifest !== null) throw invalid(file, 'it goes on after its manifest');
    if (frame.kind === 'D') {
      if (table === null) throw invalid(file, 'data comes before any table');
      table.digester.update(frame.payload);
    } else {
      closeTable();
      if (frame.kind === 'T') table = { name: frame.payload.toString('utf8'), digester: new TableDigester() };
      else manifest = parseManifest(file, frame.payload);
    }
  }
  if (manifest === null) throw new CredenceError('CRD_BACKUP_INVALID', `${file} is truncated: it has no manifest`);
  checkSchema(file, manifest, knownMigrations());
  checkTables(file, manifest, read);
  return manifest;
}
