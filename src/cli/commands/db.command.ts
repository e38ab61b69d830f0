import { CredenceError } from '../../errors.ts';
import { backupDatabase } from '../../services/runtime/backup.service.ts';
import { migrateDatabase } from '../../services/runtime/database.service.ts';
import { restoreDatabase, type RestoreSummary } from '../../services/runtime/restore.service.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

export const dbMigrateCommand: Command = {
  path: ['db', 'migrate'],
  summary: 'Apply database migrations (the server also does this at start)',
  usage: '',
  async run(args, { config, stdout }) {
    parseCommandArgs(args, {});
    const applied = await migrateDatabase(config);
    stdout.write(applied.length === 0 ? 'Database is up to date.\n' : `Applied: ${applied.join(', ')}\n`);
    return 0;
  },
};

function fileArgument(args: readonly string[]): string {
  const file = parseCommandArgs(args, {}, 1).positionals[0];
  if (file === undefined) throw new CredenceError('CRD_USAGE', 'give the backup FILE (see --help)');
  return file;
}

const rowCount = (summary: { manifest: { tables: readonly { rows: number }[] } }): number =>
  summary.manifest.tables.reduce((sum, t) => sum + t.rows, 0);

export const dbBackupCommand: Command = {
  path: ['db', 'backup'],
  summary: "Write a consistent snapshot of the database to FILE (not the log's signing key: keep that apart)",
  usage: 'FILE',
  async run(args, { config, stdout }) {
    const file = fileArgument(args);
    const summary = await backupDatabase(config, file);
    const { schema, tables } = summary.manifest;
    stdout.write(
      `Backed up ${tables.length} tables, ${rowCount(summary)} rows (schema ${schema.version}) ` +
        `to ${file} (${summary.bytes} bytes).\n`,
    );
    return 0;
  },
};

export const dbRestoreCommand: Command = {
  path: ['db', 'restore'],
  summary: 'Restore a backup FILE into an empty database (checked first; all or nothing)',
  usage: 'FILE',
  async run(args, { config, stdout, stderr }) {
    const file = fileArgument(args);
    const summary = await restoreDatabase(config, file);
    const { schema, tables, created_at } = summary.manifest;
    stdout.write(
      `Restored ${tables.length} tables, ${rowCount(summary)} rows (schema ${schema.version}, backed up ` +
        `${created_at}); every row count and checksum matches.\n`,
    );
    const warning = logKeyWarning(summary);
    if (warning !== null) stderr.write(`warning: ${warning}\n`);
    return 0;
  },
};

function logKeyWarning({ logKey, manifest }: RestoreSummary): string | null {
  if (logKey === null || logKey.state === 'matches') return null;
  const signed = `The log's checkpoints were signed by the key of ${manifest.log!.origin}`;
  const found = logKey.state === 'missing' ? 'there is no key at' : 'a different key is at';
  return (
    `${signed}, which is not in the backup, and ${found} ${logKey.file}. Put the original key there ` +
    '(or set CREDENCE_LOG_KEY_FILE) before anything else opens the registry: without it the server ' +
    'refuses to start (CRD_LOG_STORE_INCONSISTENT) and ledger verify fails.'
  );
}
