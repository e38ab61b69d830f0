import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { importCommand } from '../src/cli/commands/import.command.ts';
import { loadConfig } from '../src/config.ts';
import { createRandom, generateResidentId } from '../src/domain/identifier-generators.ts';
import { openRegistry } from '../src/services/runtime/open-registry.ts';
import { resolveImportAgency } from '../src/services/accounts/agencies.service.ts';
import { importRecords, type ImportReject } from '../src/services/records/import.service.ts';
import { createTestDatabase } from './support/database.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const database = await createTestDatabase();
const config = loadConfig({ DATABASE_URL: database.url }, {});
const registry = await openRegistry(config, { applicationName: 'import-test' });
const db = registry.rt.db;
const dir = mkdtempSync(path.join(tmpdir(), 'credence-import-'));
after(async () => {
  await registry.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

const residentIds = (() => {
  const random = createRandom(7);
  const ids = new Set<string>();
  while (ids.size < 30_000) ids.add(generateResidentId(random));
  return [...ids];
})();

/** A valid court filing; `n` picks the subject and the source_ref. */
function aCourtRecord(n: number, prefix: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source_ref: `${prefix}-${n}`,
    type: 'court.judgment_default',
    subject: { kind: 'person', scheme: 'cn-rid', id: residentIds[n]!, name: `张${n}` },
    decided_at: '2025-06-01T09:00:00+08:00',
    legal_basis: 'Fa Shi [2013] 17',
    document_ref: `(2025)京0105执${n}号`,
    attributes: { criterion: 'able_but_refuses' },
    ...overrides,
  };
}

const ndjson = (records: readonly unknown[]) =>
  records.map((r) => `${typeof r === 'string' ? r : JSON.stringify(r)}\n`).join('');
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

function writeFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return { stream, text: () => text };
}

async function runImport(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = collector();
  const stderr = collector();
  const code = await importCommand.run(args, { config, stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

async function recordCount(agencyId: string): Promise<number> {
  const row = await db
    .selectFrom('records')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('agency_id', '=', agencyId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const readRejects = (file: string): ImportReject[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ImportReject);

test('a file imported again after more lines were added files only the new lines', async () => {
  const agency = await resolveImportAgency(registry.rt, { agencyKind: 'court' });
  const first = range(0, 25).map((n) => aCourtRecord(n, 'resume'));
  const longer = range(0, 40).map((n) => aCourtRecord(n, 'resume'));
  const progress: number[] = [];
  const run1 = await importRecords(registry.rt, {
    source: Readable.from([ndjson(first)]),
    format: 'ndjson',
    filer: agency,
    batchSize: 10,
    onProgress: (p) => progress.push(p.lines),
  });
  assert.deepEqual(progress, [10, 20, 25]);
  assert.equal(run1.created, 25);
  const run2 = await importRecords(registry.rt, {
    source: Readable.from([ndjson(longer)]),
    format: 'ndjson',
    filer: agency,
    batchSize: 10,
  });
  assert.deepEqual(
    { lines: run2.lines, created: run2.created, duplicate: run2.duplicate, rejected: run2.rejected },
    { lines: 40, created: 15, duplicate: 25, rejected: 0 },
  );
  const rows = await db.selectFrom('records').select('source_ref').where('source_ref', 'like', 'resume-%').execute();
  assert.equal(rows.length, 40);
  assert.equal(new Set(rows.map((r) => r.source_ref)).size, 40);
});

test(
  'unparseable and invalid lines go to the rejects file with their line numbers, ' + 'and the exit code is 65',
  async () => {
    const file = writeFile(
      'mixed.ndjson',
      ndjson([
        aCourtRecord(100, 'mixed'),
        '{"source_ref": "broken',
        '',
        aCourtRecord(101, 'mixed', { type: 'court.nonsense' }),
        aCourtRecord(102, 'mixed'),
      ]),
    );
    const result = await runImport([file, '--agency-kind', 'court']);
    assert.equal(result.code, 65);
    assert.match(result.stdout, /created +2/);
    assert.match(result.stdout, /rejected +2 +-> .*mixed\.ndjson\.rejects\.ndjson/);
    const rejects = readRejects(`${file}.rejects.ndjson`);
    assert.deepEqual(
      rejects.map((r) => [r.line, r.source_ref, r.errors[0]!.code]),
      [
        [2, null, 'CRD_IMPORT_FILE'],
        [4, 'mixed-101', 'CRD_UNKNOWN_RECORD_TYPE'],
      ],
    );
    assert.equal(rejects[0]!.input, '{"source_ref": "broken');
    assert.equal((rejects[1]!.input as { type: string }).type, 'court.nonsense');
  },
);

test('a clean import exits 0, leaves no rejects file and removes a stale one', async () => {
  const file = writeFile('clean.ndjson', ndjson([aCourtRecord(200, 'clean')]));
  writeFileSync(`${file}.rejects.ndjson`, '{"stale":true}\n');
  const result = await runImport([file, '--agency-kind', 'court', '--json']);
  assert.equal(result.code, 0);
  assert.equal(JSON.parse(result.stdout).created, 1);
  assert.equal(existsSync(`${file}.rejects.ndjson`), false);
});

test(
  'CSV rows become records, attr.NAME columns attributes; ' +
    'a row with the wrong field count or broken quoting is rejected',
  async () => {
    const header =
      'source_ref,type,subject_kind,subject_scheme,subject_id,subject_name,' +
      'decided_at,legal_basis,document_ref,summary,attr.criterion';
    const row = (n: number, summary: string) =>
      `csv-${n},court.judgment_default,person,cn-rid,${residentIds[n]},李${n},2025-05-01,` +
      `"Fa Shi [2013] 17, art. 1",(2025)京0101执${n}号,${summary},refuses_settlement`;
    const file = writeFile(
      'records.csv',
      [header, row(300, '"says ""no"""'), `${row(301, '')},extra`, row(302, ''), 'csv-303,"unclosed', ''].join('\n'),
    );
    const rejectsFile = path.join(dir, 'csv-rejects.ndjson');
    const result = await runImport([file, '--agency-kind', 'court', '--rejects', rejectsFile]);
    assert.equal(result.code, 65);
    const rejects = readRejects(rejectsFile);
    assert.deepEqual(
      rejects.map((r) => [r.line, r.source_ref, r.errors[0]!.code]),
      [
        [3, 'csv-301', 'CRD_IMPORT_FILE'],
        [5, null, 'CRD_IMPORT_FILE'],
      ],
    );
    assert.match(rejects[1]!.errors[0]!.message, /quote/i);
    const stored = await db
      .selectFrom('records')
      .select(['source_ref', 'summary', 'attributes', 'legal_basis'])
      .where('source_ref', 'in', ['csv-300', 'csv-302'])
      .orderBy('source_ref')
      .execute();
    assert.deepEqual(
      stored.map((r) => [r.source_ref, r.summary, r.attributes]),
      [
        ['csv-300', 'says "no"', { criterion: 'refuses_settlement' }],
        ['csv-302', null, { criterion: 'refuses_settlement' }],
      ],
    );
    assert.equal(stored[0]!.legal_basis, 'Fa Shi [2013] 17, art. 1');
  },
);

test('a CSV header with an unknown column is refused before anything is filed', async () => {
  const file = writeFile('bad-header.csv', 'source_ref,type,colour\nx,y,z\n');
  await assert.rejects(runImport([file, '--agency-kind', 'court']), {
    code: 'CRD_IMPORT_FILE',
    message: /unknown column "colour"/,
  });
});

test('usage and file problems are coded errors', async () => {
  await assert.rejects(runImport([path.join(dir, 'missing.ndjson'), '--agency-kind', 'court']), {
    code: 'CRD_IMPORT_FILE',
    message: /no such file/,
  });
  const file = writeFile('one.ndjson', ndjson([aCourtRecord(400, 'one')]));
  await assert.rejects(runImport([file, '--agency', 'no-such-agency']), { code: 'CRD_AGENCY_NOT_FOUND' });
  await assert.rejects(runImport([file, '--agency-kind', 'embassy']), { code: 'CRD_UNKNOWN_AGENCY_KIND' });
  await assert.rejects(runImport([file]), { code: 'CRD_USAGE' });
  await assert.rejects(runImport([writeFile('records.txt', ''), '--agency-kind', 'court']), {
    code: 'CRD_USAGE',
    message: /--format/,
  });
});

test('--agency-kind registers the agency once, with a ledger event; --agency files as an existing agency', async () => {
  const file = writeFile('tax.ndjson', ndjson([aCourtRecord(500, 'tax', { type: 'tax.arrears', attributes: {} })]));
  assert.equal((await runImport([file, '--agency-kind', 'tax'])).code, 0);
  assert.equal((await runImport([file, '--agency', 'tax', '--json'])).code, 0);
  const events = await db.selectFrom('ledger').select('payload').where('type', '=', 'agency.registered').execute();
  assert.equal(
    events.filter((e) => (JSON.parse(e.payload) as { agency: { id: string } }).agency.id === 'tax').length,
    1,
  );
  assert.equal(await recordCount('tax'), 1);
});

test('an import killed mid-way and run again ends with every line filed exactly once', async () => {
  const lines = range(1000, 21_000).map((n) => aCourtRecord(n, 'large'));
  const file = writeFile('large.ndjson', ndjson(lines));
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/credence.js'), 'import', file, '--agency-kind', 'court', '--batch-size', '500'],
    {
      env: { ...process.env, DATABASE_URL: database.url },
      stdio: 'ignore',
    },
  );
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const filedSoFar = async () =>
    (await db.selectFrom('records').select('id').where('source_ref', 'like', 'large-%').execute()).length;
  let filed = 0;
  while (filed < 1000 && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    filed = await filedSoFar();
  }
  child.kill('SIGKILL');
  await exited;
  const before = await filedSoFar();
  assert.ok(
    before > 0 && before < lines.length,
    `the child filed ${before} of ${lines.length} lines before it was killed`,
  );
  assert.equal(before % 500, 0, 'only whole batches are committed');
  const result = await runImport([file, '--agency-kind', 'court', '--json']);
  assert.equal(result.code, 0);
  const summary = JSON.parse(result.stdout);
  assert.deepEqual([summary.created, summary.duplicate], [lines.length - before, before]);
  assert.equal(await filedSoFar(), lines.length);
});

test('- reads stdin, in the format --format names', async () => {
  const header =
    'source_ref,type,subject_kind,subject_scheme,subject_id,subject_name,' +
    'decided_at,legal_basis,document_ref,attr.criterion';
  const csv =
    `${header}\nstdin-1,court.judgment_default,person,cn-rid,${residentIds[600]},王六,2025-05-01,` +
    'Fa Shi [2013] 17,(2025)京0101执600号,able_but_refuses\n';
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/credence.js'), 'import', '-', '--format', 'csv', '--agency-kind', 'court', '--json'],
    {
      cwd: dir,
      env: { ...process.env, DATABASE_URL: database.url },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stdin.end(csv);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0);
  assert.deepEqual([JSON.parse(stdout).created, JSON.parse(stdout).rejects_file], [1, null]);
});
