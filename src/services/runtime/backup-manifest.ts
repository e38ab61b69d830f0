/**
 * What a backup says about itself (its manifest, the last frame of the file, see store/backup-file.ts): the
 * format's version, the schema version (every migration applied), when it was made, the log's latest signed
 * checkpoint, each table with its columns, row count and the SHA-256 of its COPY text, and each sequence's value.
 * Checking a manifest against the file and against this build is here; reading and writing are the service's.
 */

import { createHash, type Hash } from 'node:crypto';
import { CredenceError } from '../../errors.ts';
import type { SequenceValue } from '../../store/backup.repository.ts';
import type { TableShape } from '../../store/copy-session.ts';

export const BACKUP_FORMAT = 'credence-backup';
export const BACKUP_FORMAT_VERSION = 1;

export interface TableDigest {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: number;
  /** SHA-256 (hex) of the table's COPY text, exactly as stored in the file. */
  readonly sha256: string;
}

export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: number;
  readonly created_at: string;
  /** `version` is the last migration applied; `migrations` every one, in order. */
  readonly schema: { readonly version: string; readonly migrations: readonly string[] };
  /** The latest signed checkpoint of the transparency log (null before the first): its key is not in the backup. */
  readonly log: { readonly origin: string; readonly size: number; readonly checkpoint: string } | null;
  /** In the order a restore loads them: a table after every table it references. */
  readonly tables: readonly TableDigest[];
  readonly sequences: readonly SequenceValue[];
}

/** Counts the rows of a table's COPY text (one line each: a newline inside a value is escaped) and hashes it. */
export class TableDigester {
  private readonly hash: Hash = createHash('sha256');
  private rows = 0;

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) this.rows += 1;
  }

  digest(): { rows: number; sha256: string } {
    return { rows: this.rows, sha256: this.hash.digest('hex') };
  }
}

/** The tables ordered so that each follows every table it references (by name where the order is free). */
export function dependencyOrder(tables: readonly TableShape[]): TableShape[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const placed = new Set<string>();
  const ordered: TableShape[] = [];
  const visit = (table: TableShape, path: readonly string[]): void => {
    if (placed.has(table.name)) return;
    if (path.includes(table.name))
      throw new CredenceError('CRD_INTERNAL', `the tables' foreign keys form a cycle: ${[...path, table.name]}`);
    for (const name of table.references) {
      const referenced = byName.get(name);
      if (referenced !== undefined) visit(referenced, [...path, table.name]);
    }
    placed.add(table.name);
    ordered.push(table);
  };
  for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(table, []);
  return ordered;
}

/** The manifest in the M frame. Throws CRD_BACKUP_NEWER for a later format, CRD_BACKUP_INVALID for a bad one. */
export function parseManifest(file: string, payload: Buffer): BackupManifest {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid(file, 'its manifest is not JSON');
  }
  if (manifest?.format !== BACKUP_FORMAT) throw invalid(file, 'its manifest is not a Credence backup manifest');
  if (typeof manifest.version !== 'number' || manifest.version > BACKUP_FORMAT_VERSION)
    throw new CredenceError(
      'CRD_BACKUP_NEWER',
      `${file} is in backup format ${String(manifest.version)}; this Credence reads format ${BACKUP_FORMAT_VERSION}: ` +
        'restore it with the Credence that made it, or a later one',
    );
  if (!isManifest(manifest)) throw invalid(file, 'its manifest lacks a field or has one of the wrong type');
  return manifest;
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isTextList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isText);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function isManifest(m: Record<string, unknown>): m is BackupManifest & Record<string, unknown> {
  const schema = m.schema as BackupManifest['schema'] | undefined;
  const log = m.log as BackupManifest['log'] | undefined;
  return (
    isText(m.created_at) &&
    isText(schema?.version) &&
    isTextList(schema.migrations) &&
    schema.migrations.at(-1) === schema.version &&
    (log === null || (isText(log?.origin) && isCount(log.size) && isText(log.checkpoint))) &&
    Array.isArray(m.tables) &&
    (m.tables as TableDigest[]).every(
      (t) => isText(t?.name) && isTextList(t.columns) && isCount(t.rows) && /^[0-9a-f]{64}$/.test(String(t.sha256)),
    ) &&
    Array.isArray(m.sequences) &&
    (m.sequences as SequenceValue[]).every(
      (s) => isText(s?.name) && (s.value === null || /^-?[0-9]+$/.test(String(s.value))),
    )
  );
}

/**
 * Checks that this build can restore the backup's schema: its migrations must be this build's first ones.
 * Throws CRD_BACKUP_NEWER when the backup has a migration this build does not know.
 */
export function checkSchema(file: string, manifest: BackupManifest, known: readonly string[]): void {
  const { migrations, version } = manifest.schema;
  const unknown = migrations.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new CredenceError(
      'CRD_BACKUP_NEWER',
      `${file} was made by a newer Credence: its schema is at ${version}, and this build knows migrations up to ` +
        `${known.at(-1)} (not ${unknown.join(', ')}); restore it with that version of Credence or a later one`,
    );
  if (migrations.some((name, i) => known[i] !== name))
    throw invalid(file, `its migrations (${migrations.join(', ')}) are not this build's, in order`);
}

/** Checks the tables read from the file (in order, with their digests) against the manifest's. */
export function checkTables(file: string, manifest: BackupManifest, read: readonly TableDigest[]): void {
  const names = (tables: readonly TableDigest[]) => tables.map((t) => t.name).join(', ');
  if (names(read) !== names(manifest.tables))
    throw invalid(file, `it holds the tables ${names(read)}, but its manifest lists ${names(manifest.tables)}`);
  manifest.tables.forEach((listed, i) => {
    const found = read[i]!;
    if (found.rows !== listed.rows || found.sha256 !== listed.sha256)
      throw invalid(
        file,
        `the data of table ${listed.name} does not match its manifest (${found.rows} rows read, ` +
          `${listed.rows} listed; SHA-256 ${found.sha256}, ${listed.sha256} listed)`,
      );
  });
}

export function invalid(file: string, reason: string): CredenceError {
  return new CredenceError('CRD_BACKUP_INVALID', `${file} is corrupt: ${reason}`);
}
