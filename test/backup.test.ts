/**
 * Backup and restore (issue 13): `credence db backup FILE` takes a consistent snapshot of a registry with records,
 * decisions, disputes and an integrated log; `credence db restore FILE` puts it into an empty database of a fresh
 * data directory, where every table equals the original, `ledger verify` passes and a subject's report is the
 * same. A corrupt, truncated, altered, foreign or newer file, and a database that holds data, are refused with
 * their codes before anything is written.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { checkLogAtStart } from '../src/services/ledger/log-audit.service.ts';
import { integrateLog } from '../src/services/ledger/log-integrator.service.ts';
import { logKeyFile, openLogSigner } from '../src/services/ledger/log-key.service.ts';
import { openRegistry, policyFromStore } from '../src/services/runtime/open-registry.ts';
import { replayLedger } from '../src/services/ledger/replay.service.ts';
import { attachEmbeddedCluster } from '../src/store/embedded/embedded-cluster.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { aCourtRecord, aPenalty, aResidentId, anUscc } from './support/factories.ts';
import { bearer, type CliResult, PROJECTION_TABLES, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let scratch: string;
let backup: string;
/** The original database's contents when it was backed up. */
let atBackup: Record<string, unknown>;
let operator: string;
const debtor = aResidentId();
const company = anUscc();
const databases: TestDatabase[] = [];
const ROOT_CLI = fileURLToPath(new URL('../bin/credence.js', import.meta.url));

const post = (url: string, key: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url, headers: bearer(key), payload });

/** A registry with records, decisions, a dispute opened and one resolved, reports read, and the log integrated. */
async function fillRegistry(): Promise<void> {
  const court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  const market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  const airline = await t.keyFor({
    role: 'relying',
    name: 'Air China',
    actions: ['travel.air.premium_class'],
    purposes: ['ticketing'],
  });
  operator = await t.keyFor({ role: 'operator', name: 'Registry operator' });
  const own = await t.keyFor({ role: 'subject', name: '王五', subject: `cn-rid:${debtor}` });
  const first = await t.file(court, aCourtRecord({ subjectId: debtor, name: '王五' }));
  const second = await t.file(court, aCourtRecord({ subjectId: debtor, criterion: 'obstructs_enforcement' }));
  await t.file(market, aPenalty({ subjectId: company, tier: 'serious' }));
  const ask = { subject: { scheme: 'cn-rid', id: debtor }, action: 'travel.air.premium_class', purpose: 'ticketing' };
  assert.equal((await post('/v1/decisions', airline, ask)).json().outcome, 'deny');
  const open = await post(`/v1/records/${first}/disputes`, own, { statement: 'I paid the judgment debt in full' });
  assert.equal(open.statusCode, 201, open.body);
  const settled = (await post(`/v1/records/${second}/disputes`, own, { statement: 'Not me' })).json();
  const resolution = { outcome: 'upheld', reason: 'The enforcement file confirms the obstruction' };
  assert.equal((await post(`/v1/disputes/${settled.dispute_id}/resolution`, court, resolution)).statusCode, 200);
  await post('/v1/decisions', airline, ask);
  await reportOf(t.app, debtor);
  const signer = await openLogSigner(t.config);
  while ((await integrateLog(t.registry.rt, signer)).added > 0);
  await t.registry.rt.log.drain();
}

before(async () => {
  t = await startTestRegistry();
  scratch = await mkdtemp(path.join(tmpdir(), 'credence-backup-'));
  await chmod(scratch, 0o755); // as root the embedded cluster runs as the postgres account, which must reach it
  await fillRegistry();
  backup = path.join(scratch, 'registry.backup');
  const made = await t.cli('db', 'backup', backup);
  assert.equal(made.code, 0, made.err);
  atBackup = await contentsOf(t.databaseUrl);
  assert.match(made.out, /^Backed up \d+ tables, \d+ rows \(schema [\w-]+\) to .* \(\d+ bytes\)\.\n$/);
});
after(async () => {
  await t.close();
  for (const database of databases) await database.drop();
  await rm(scratch, { recursive: true, force: true });
});

interface Report {
  inquiries: { id: string; at: string }[];
}

async function reportOf(app: TestRegistry['app'], id: string): Promise<Report> {
  const response = await app.inject({ url: `/v1/subjects/cn-rid/${id}/report`, headers: bearer(operator) });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

/**
 * The report with only the inquiries the other also lists (each read is itself an inquiry, logged where it was
 * made), those of the same instant in id order: the report leaves their order open.
 */
function comparable(report: Report, other: Report): Report {
  const shared = report.inquiries.filter((i) => other.inquiries.some((j) => j.id === i.id));
  return { ...report, inquiries: shared.sort((a, b) => b.at.localeCompare(a.at) || a.id.localeCompare(b.id)) };
}

/** An empty database and a fresh data directory, holding the registry's log key unless `withKey` is false. */
async function aFreshTarget(withKey = true) {
  const database = await createTestDatabase();
  databases.push(database);
  const dataDir = await mkdtemp(path.join(scratch, 'data-'));
  await chmod(dataDir, 0o755);
  if (withKey) {
    await mkdir(path.join(dataDir, 'log'));
    await copyFile(logKeyFile(t.config), path.join(dataDir, 'log', 'signing.key'));
  }
  const env = { DATABASE_URL: database.url, CREDENCE_DATA_DIR: dataDir };
  return { database, dataDir, env, cli: (...argv: string[]) => t.cliWith(env, ...argv) };
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Every table's rows (as JSON, sorted), every sequence's value and the migrations applied. */
function contentsOf(url: string): Promise<Record<string, unknown>> {
  return withClient(url, async (client) => {
    const rows = async (text: string) => (await client.query(text)).rows;
    const contents: Record<string, unknown> = {};
    const tables = await rows(`select tablename as name from pg_tables where schemaname = current_schema()
      and tablename not like 'credence_migration%' order by 1`);
    for (const { name } of tables)
      contents[name] = (await rows(`select to_jsonb(t)::text as row from "${name}" t order by 1`)).map((r) => r.row);
    contents['(sequences)'] = await rows('select sequencename, last_value from pg_sequences order by 1');
    contents['(migrations)'] = await rows('select name from credence_migration order by 1');
    return contents;
  });
}

const tableCount = (url: string) =>
  withClient(url, async (client) => {
    const { rows } = await client.query('select count(*)::int as n from pg_tables where schemaname = current_schema()');
    return rows[0].n as number;
  });

describe('credence db backup and restore', () => {
  test('restored into an empty database and fresh data directory: the same rows, ledger verify passes', async () => {
    const target = await aFreshTarget();
    const restored = await target.cli('db', 'restore', backup);
    assert.equal(restored.code, 0, restored.err);
    assert.match(restored.out, /^Restored \d+ tables, \d+ rows .*every row count and checksum matches\.\n$/);
    assert.equal(restored.err, '', "the log's key is in place: no warning");
    const original = atBackup;
    assert.ok((original.ledger as unknown[]).length > 10 && (original.log_checkpoints as unknown[]).length > 0);
    assert.ok((original.disputes as unknown[]).length === 2 && (original.inquiries as unknown[]).length >= 3);
    assert.deepEqual(await contentsOf(target.database.url), original);
    const verified = await target.cli('ledger', 'verify');
    assert.equal(verified.code, 0, verified.err);
    assert.match(verified.out, /^Ledger OK: \d+ events/);
    assert.match(verified.out, /Log OK: the \d+ leaves rebuild the root/);
  });

  test('the restored registry starts (its log checks out) and gives the same report', async () => {
    const target = await aFreshTarget();
    assert.equal((await target.cli('db', 'restore', backup)).code, 0);
    const config = loadConfig({ ...target.env, LOG_LEVEL: 'silent' });
    const registry = await openRegistry(config, { applicationName: 'credence-test', clock: () => t.now });
    try {
      const logKey = (await openLogSigner(config)).verifierKey;
      assert.equal(logKey, t.logKey);
      await checkLogAtStart(registry.rt, logKey);
      const app = await buildApp({ rt: registry.rt, follower: registry.follower, logKey });
      try {
        const [before, after] = [await reportOf(t.app, debtor), await reportOf(app, debtor)];
        const [original, restored] = [comparable(before, after), comparable(after, before)];
        assert.equal(original.inquiries.length, before.inquiries.length - 1, 'its own read, on the original only');
        assert.equal(restored.inquiries.length, after.inquiries.length - 1, 'its own read, on the restored only');
        assert.deepEqual(restored, original);
      } finally {
        await app.close();
      }
    } finally {
      await registry.close();
    }
  });

  test("without the log's key the restore warns; ledger verify fails and the server would not start", async () => {
    const target = await aFreshTarget(false);
    const migrated = await target.cli('db', 'migrate');
    assert.equal(migrated.code, 0, migrated.err);
    const restored = await target.cli('db', 'restore', backup);
    assert.equal(restored.code, 0, `a migrated database with no data is fresh: ${restored.err}`);
    assert.match(restored.err, /^warning: The log's checkpoints were signed by the key of .* there is no key at /);
    const verified = await target.cli('ledger', 'verify');
    assert.equal(verified.code, 70);
    assert.match(verified.err, /CRD_LEDGER_BROKEN: .*does not verify with the log's key/);
    // The server's start-up check, with the new key the data directory got meanwhile (a new key is a new log).
    const config = loadConfig({ ...target.env, LOG_LEVEL: 'silent' });
    const registry = await openRegistry(config, { applicationName: 'credence-test' });
    try {
      const newKey = (await openLogSigner(config)).verifierKey;
      assert.notEqual(newKey, t.logKey);
      await assert.rejects(checkLogAtStart(registry.rt, newKey), { code: 'CRD_LOG_STORE_INCONSISTENT' });
    } finally {
      await registry.close();
    }
  });

  test('a backup taken while records are filed is one snapshot: replaying its ledger rebuilds its tables', async () => {
    const market = await t.keyFor({ role: 'agency', name: 'Tax Bureau', agency_kind: 'market' });
    let backingUp: Promise<CliResult> | null = null;
    let filedDuring = 0;
    let done = false;
    const during = path.join(scratch, 'during.backup');
    while (!done) {
      await t.file(market, aPenalty());
      if (backingUp === null)
        backingUp = t.cli('db', 'backup', during).finally(() => {
          done = true;
        });
      else filedDuring += 1;
    }
    assert.equal((await backingUp!).code, 0);
    assert.ok(filedDuring > 0, 'records were filed while the backup ran');
    const target = await aFreshTarget();
    assert.equal((await target.cli('db', 'restore', during)).code, 0);
    const projections = async () => {
      const contents = await contentsOf(target.database.url);
      return PROJECTION_TABLES.map((table) => contents[table]);
    };
    const restored = await projections();
    const config = loadConfig({ ...target.env, LOG_LEVEL: 'silent' });
    const registry = await openRegistry(config, { applicationName: 'credence-test', clock: () => t.now });
    try {
      await replayLedger(registry.rt, (digest) => policyFromStore(registry.database, digest));
    } finally {
      await registry.close();
    }
    assert.deepEqual(await projections(), restored);
  });

  test('a database that holds data is refused, and left as it was', async () => {
    const before = await contentsOf(t.databaseUrl);
    const refused = await t.cli('db', 'restore', backup);
    assert.equal(refused.code, 65);
    assert.match(refused.err, /^error CRD_RESTORE_TARGET_NOT_EMPTY: the database already holds data \(in .*ledger/);
    assert.deepEqual(await contentsOf(t.databaseUrl), before);
  });

  test('no DATABASE_URL: restored into the embedded cluster of a new data directory, backed up alike', async () => {
    const target = await aFreshTarget();
    const embedded = { DATABASE_URL: undefined, CREDENCE_DATA_DIR: target.dataDir };
    // Held for the test, so that each command attaches to the running cluster instead of starting it again.
    const cluster = await attachEmbeddedCluster({ dataDir: target.dataDir, database: 'credence' });
    try {
      const restored = await t.cliWith(embedded, 'db', 'restore', backup);
      assert.equal(restored.code, 0, restored.err);
      assert.deepEqual(await contentsOf(cluster.url), atBackup);
      const verified = await t.cliWith(embedded, 'ledger', 'verify');
      assert.equal(verified.code, 0, verified.err);
      const again = path.join(scratch, 'embedded.backup');
      assert.equal((await t.cliWith(embedded, 'db', 'backup', again)).code, 0);
      const manifestOf = async (file: string) =>
        JSON.parse(
          framesOf(await readFile(file))
            .at(-1)!
            .payload.toString(),
        );
      const [first, second] = [await manifestOf(backup), await manifestOf(again)];
      assert.deepEqual(second.tables, first.tables, 'the same rows and checksums from the other server');
      assert.deepEqual(second.sequences, first.sequences);
    } finally {
      await cluster.release();
    }
  });
});

/** The frames of a backup file, decompressed (store/backup-file.ts documents the layout). */
function framesOf(bytes: Buffer): { kind: string; payload: Buffer }[] {
  const plain = gunzipSync(bytes);
  const magic = 'CREDENCE-BACKUP\n';
  assert.equal(plain.subarray(0, magic.length).toString(), magic);
  const frames = [];
  for (let at = magic.length; at < plain.length; ) {
    const length = plain.readUInt32BE(at + 1);
    frames.push({ kind: String.fromCharCode(plain[at]!), payload: plain.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return frames;
}

function fileOf(frames: readonly { kind: string; payload: Buffer }[]): Buffer {
  const parts: Buffer[] = [Buffer.from('CREDENCE-BACKUP\n')];
  for (const { kind, payload } of frames) {
    const header = Buffer.alloc(5);
    header.write(kind, 0, 'latin1');
    header.writeUInt32BE(payload.length, 1);
    parts.push(header, payload);
  }
  return gzipSync(Buffer.concat(parts));
}

describe('a file that cannot be restored is refused before anything is written', () => {
  let target: Awaited<ReturnType<typeof aFreshTarget>>;
  let bytes: Buffer;
  before(async () => {
    target = await aFreshTarget();
    bytes = await readFile(backup);
  });

  async function refused(name: string, content: Buffer, code: string, message: RegExp): Promise<void> {
    const file = path.join(scratch, name);
    await writeFile(file, content);
    const result = await target.cli('db', 'restore', file);
    assert.equal(result.code, 65, result.err);
    assert.match(result.err, new RegExp(`^error ${code}: `));
    assert.match(result.err, message);
    assert.equal(await tableCount(target.database.url), 0, 'nothing was written');
  }

  test('not a Credence backup', async () => {
    await refused('notes.txt', Buffer.from('just some notes\n'), 'CRD_BACKUP_INVALID', /is not a Credence backup/);
    await refused('other.gz', gzipSync('{"some":"json"}'), 'CRD_BACKUP_INVALID', /is not a Credence backup/);
  });

  test('truncated', async () => {
    await refused('half.backup', bytes.subarray(0, bytes.length >> 1), 'CRD_BACKUP_INVALID', /is truncated/);
    const frames = framesOf(bytes);
    await refused(
      'no-manifest.backup',
      fileOf(frames.slice(0, -1)),
      'CRD_BACKUP_INVALID',
      /truncated: it has no manifest/,
    );
  });

  test('corrupt: a byte changed in the compressed stream, or in a table whose checksum then fails', async () => {
    const flipped = Buffer.from(bytes);
    const middle = flipped.length >> 1;
    flipped[middle] = flipped[middle]! ^ 0x20;
    await refused('flipped.backup', flipped, 'CRD_BACKUP_INVALID', /is corrupt/);
    const frames = framesOf(bytes);
    const data = frames.findIndex((f, i) => f.kind === 'D' && frames[i - 1]?.payload.toString() === 'ledger');
    const altered = Buffer.from(frames[data]!.payload);
    altered[altered.indexOf('"')] = "'".charCodeAt(0);
    frames[data] = { kind: 'D', payload: altered };
    await refused(
      'altered.backup',
      fileOf(frames),
      'CRD_BACKUP_INVALID',
      /the data of table ledger does not match its manifest/,
    );
  });

  test('made by a newer Credence', async () => {
    const frames = framesOf(bytes);
    const manifest = JSON.parse(frames.at(-1)!.payload.toString());
    manifest.schema.migrations.push('2099-01-01-999-future');
    manifest.schema.version = '2099-01-01-999-future';
    frames[frames.length - 1] = { kind: 'M', payload: Buffer.from(JSON.stringify(manifest)) };
    await refused(
      'newer.backup',
      fileOf(frames),
      'CRD_BACKUP_NEWER',
      /made by a newer Credence: its schema is at 2099/,
    );
  });
});

describe('the backup file', () => {
  test('is written whole or not at all: a file that cannot be written is CRD_BACKUP_FILE, none is left', async () => {
    const missing = path.join(scratch, 'no-such-folder', 'registry.backup');
    const result = await t.cli('db', 'backup', missing);
    assert.equal(result.code, 74, result.err);
    assert.match(result.err, /^error CRD_BACKUP_FILE: cannot write .*registry\.backup/);
    assert.ok(!(await readdir(scratch)).some((name) => name.endsWith('.partial')));
  });

  test('stopped half way by the file system (EFBIG): CRD_BACKUP_FILE, the snapshot ends, no file is left', async () => {
    // Enough rows that the file passes the limit while tables are still being copied out.
    assert.equal((await t.cli('demo', '--subjects', '5000')).code, 0);
    const file = path.join(scratch, 'limited.backup');
    // bash's ulimit -f: the backup process may write files of 8 KiB at most (Node ignores SIGXFSZ: writes fail).
    const child = spawn(
      'bash',
      ['-c', 'ulimit -f 8 && exec "$0" "$@"', process.execPath, ROOT_CLI, 'db', 'backup', file],
      {
        env: { ...process.env, DATABASE_URL: t.databaseUrl, CREDENCE_DATA_DIR: t.config.dataDir },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 74, err);
    assert.match(err, /^error CRD_BACKUP_FILE: cannot write .*limited\.backup: EFBIG/);
    assert.ok(!(await readdir(scratch)).some((name) => name.startsWith('limited.backup')));
  });

  test('holds each table once, in dependency order, with a manifest of counts and checksums last', async () => {
    const frames = framesOf(await readFile(backup));
    const manifest = JSON.parse(frames.at(-1)!.payload.toString());
    const tables = frames.filter((f) => f.kind === 'T').map((f) => f.payload.toString());
    assert.deepEqual(
      tables,
      manifest.tables.map((m: { name: string }) => m.name),
    );
    assert.ok(tables.indexOf('subjects') < tables.indexOf('records'));
    assert.ok(tables.indexOf('agencies') < tables.indexOf('principals'));
    assert.ok(!tables.includes('credence_migration'));
    assert.equal(manifest.format, 'credence-backup');
    assert.equal(manifest.schema.version, manifest.schema.migrations.at(-1));
    assert.match(manifest.log.checkpoint, new RegExp(`^${manifest.log.origin}\\n${manifest.log.size}\\n`));
  });
});
