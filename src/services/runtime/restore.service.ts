/**
 * `credence db restore FILE` (issue 13): a backup (backup.service.ts) into an empty database, all or nothing.
 * The whole file is checked first, before the database is touched; then one transaction refuses a database
 * that holds data, migrates the schema to the backup's version, loads every table with COPY in dependency
 * order (each freshly truncated, so its rows keep the original's order), sets the sequences, and reads every
 * table back to check its row count and checksum. Any failure rolls it all back. The log's signing key is not
 * in the backup: the summary says whether the one configured here signed the backup's checkpoint.
 */

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config.ts';
import { openCheckpoint } from '../../domain/log/checkpoint.ts';
import { parseSignerKey, parseVerifierKey } from '../../domain/log/note-keys.ts';
import { CredenceError, isCredenceError } from '../../errors.ts';
import { type Frame, readBackupFile } from '../../store/backup-file.ts';
import {
  getTableShapes,
  getTablesWithRows,
  lockTables,
  setSequenceValues,
  truncateTables,
} from '../../store/backup.repository.ts';
import { type CopySession, openRestoreSession, type TableShape } from '../../store/copy-session.ts';
import { openDatabase } from '../../store/database.ts';
import { migrateWithinTransaction } from '../../store/migrate.ts';
import { readPrivateFile } from '../../store/private-file.ts';
import { rebuildCounts } from '../../store/counts.repository.ts';
import { type BackupManifest, invalid, TableDigester } from './backup-manifest.ts';
import { checkBackupFile } from './backup.service.ts';
import { logKeyFile } from '../ledger/log-key.service.ts';

export interface RestoreSummary {
  readonly manifest: BackupManifest;
  /**
   * The log's signing key where this configuration keeps it: `matches` when it signed the backup's latest
   * checkpoint, `missing` or `differs` when the server cannot go on signing the restored log with it.
   * Null when the backup has no checkpoint.
   */
  readonly logKey: { readonly file: string; readonly state: 'matches' | 'missing' | 'differs' } | null;
}

/** Restores `file` into the (empty) database `config` names. */
export async function restoreDatabase(config: Config, file: string): Promise<RestoreSummary> {
  const manifest = await checkBackupFile(file);
  const database = await openDatabase(config, 'credence-restore');
  try {
    const session = await openRestoreSession(database.pool);
    try {
      await refuseUnlessEmpty(session);
      await migrateWithinTransaction(session.db, manifest.schema.version);
      const shapes = checkShapes(file, manifest, await getTableShapes(session.db));
      await truncateTables(
        session.db,
        shapes.map((shape) => shape.name),
      ); // empty already: for the rows' order
      await loadTables(session, file, shapes);
      // The counts (schema read_counts) are derived, not backed up: recomputed once every table is in.
      await rebuildCounts(session.db);
      await setSequenceValues(session.db, manifest.sequences);
      await verifyTables(session, file, manifest, shapes);
      await session.commit();
    } finally {
      session.close();
    }
  } finally {
    await database.close();
  }
  return { manifest, logKey: await checkLogKey(config, manifest.log) };
}

/** Locks every table there is and refuses if any holds a row: a restore never mixes with data. */
async function refuseUnlessEmpty(session: CopySession): Promise<void> {
  const names = (await getTableShapes(session.db)).map((t) => t.name);
  await lockTables(session.db, names);
  const filled = await getTablesWithRows(session.db, names);
  if (filled.length > 0)
    throw new CredenceError(
      'CRD_RESTORE_TARGET_NOT_EMPTY',
      `the database already holds data (in ${filled.join(', ')}): a backup is restored only into an empty ` +
        'database: a new database for DATABASE_URL, or a new CREDENCE_DATA_DIR for the embedded one',
    );
}

/** The schema's tables, in the backup's order, once checked to be the backup's tables with the same columns. */
function checkShapes(file: string, manifest: BackupManifest, shapes: readonly TableShape[]): TableShape[] {
  const byName = new Map(shapes.map((s) => [s.name, s]));
  const extra = shapes.filter((s) => !manifest.tables.some((t) => t.name === s.name)).map((s) => s.name);
  if (extra.length > 0)
    throw new CredenceError(
      'CRD_RESTORE_TARGET_NOT_EMPTY',
      `the database has tables that are not in the backup of schema ${manifest.schema.version}: ${extra.join(', ')}`,
    );
  return manifest.tables.map((listed) => {
    const shape = byName.get(listed.name);
    if (shape === undefined || shape.columns.join() !== listed.columns.join())
      throw invalid(
        file,
        `its table ${listed.name} (${listed.columns.join(', ')}) is not the one of schema ` +
          `${manifest.schema.version} (${shape?.columns.join(', ') ?? 'no such table'})`,
      );
    return shape;
  });
}

/** Streams each table's data from the file into its table, in the file's order. */
async function loadTables(session: CopySession, file: string, shapes: readonly TableShape[]): Promise<void> {
  const frames = readBackupFile(file)[Symbol.asyncIterator]();
  let next: IteratorResult<Frame> = await frames.next();
  // The data frames after a table's T frame, up to the next T or M frame (left in `next`).
  async function* tableData(): AsyncGenerator<Buffer> {
    for (next = await frames.next(); !next.done && next.value.kind === 'D'; next = await frames.next())
      yield next.value.payload;
  }
  try {
    for (const shape of shapes) {
      if (next.done || next.value.kind !== 'T' || next.value.payload.toString('utf8') !== shape.name)
        throw invalid(file, `table ${shape.name} is not where its manifest puts it`);
      await pipeline(Readable.from(tableData()), session.copyIn(shape.name, shape.columns)).catch((error) => {
        if (isCredenceError(error) || !/^2[23]/.test(String((error as { code?: unknown }).code))) throw error;
        throw invalid(file, `the data of table ${shape.name} does not load: ${(error as Error).message}`);
      });
    }
  } finally {
    await frames.return?.(undefined);
  }
}

/** Reads every table back as COPY text and checks its row count and checksum against the manifest. */
async function verifyTables(
  session: CopySession,
  file: string,
  manifest: BackupManifest,
  shapes: readonly TableShape[],
): Promise<void> {
  for (const [i, shape] of shapes.entries()) {
    const digester = new TableDigester();
    for await (const chunk of session.copyOut(shape) as AsyncIterable<Buffer>) digester.update(chunk);
    const { rows, sha256 } = digester.digest();
    const listed = manifest.tables[i]!;
    if (rows !== listed.rows || sha256 !== listed.sha256)
      throw invalid(
        file,
        `once loaded, table ${shape.name} holds ${rows} rows (SHA-256 ${sha256}), ` +
          `not the ${listed.rows} of the backup (${listed.sha256})`,
      );
  }
}

/** Whether the log key this configuration would use signed the backup's latest checkpoint (never creating one). */
async function checkLogKey(config: Config, log: BackupManifest['log']): Promise<RestoreSummary['logKey']> {
  if (log === null) return null;
  const file = logKeyFile(config);
  const text = await readPrivateFile(file);
  if (text === null) return { file, state: 'missing' };
  try {
    const signer = parseSignerKey(text.trim());
    openCheckpoint(log.checkpoint, { log: parseVerifierKey(signer.verifierKey), origin: log.origin });
    return { file, state: 'matches' };
  } catch (error) {
    if (!isCredenceError(error)) throw error;
    return { file, state: 'differs' };
  }
}
