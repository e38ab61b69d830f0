/**
 * The ledger as an RFC 6962 tree (issue 9, items 1-3): entry bytes, the integrator and its signed checkpoints,
 * the public tiles checked by an independent reader, entry bundles for operators and auditors, `ledger verify`
 * over the leaves, and the start-up check that refuses a store that disagrees with its last checkpoint.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { canonicalJson } from '../src/domain/canonical.ts';
import { openCheckpoint } from '../src/domain/log/checkpoint.ts';
import { ledgerEntryLength } from '../src/domain/log/ledger-entry.ts';
import { hashLeaf, verifyConsistency, verifyInclusion } from '../src/domain/log/merkle.ts';
import { parseVerifierKey } from '../src/domain/log/note-keys.ts';
import { tileHashReader } from '../src/domain/log/tile-hash-reader.ts';
import { ENTRIES_LEVEL, tilePath } from '../src/domain/log/tile-path.ts';
import { TILE_WIDTH } from '../src/domain/log/tiles.ts';
import { readConsistencyProof, readInclusionProof } from '../src/domain/log/tree-proofs.ts';
import { writeTransaction } from '../src/services/context.ts';
import { appendEvents, verifyLedger } from '../src/services/ledger/ledger.service.ts';
import { getEntryRowsAfter } from '../src/store/log.repository.ts';
import { knownMigrations, migrateToLatest, migrateWithinTransaction } from '../src/store/migrate.ts';
import { checkLogAtStart } from '../src/services/ledger/log-audit.service.ts';
import { integrateLog } from '../src/services/ledger/log-integrator.service.ts';
import { openLogSigner } from '../src/services/ledger/log-key.service.ts';
import { aPenalty } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let agency: string;
let operator: string;

before(async () => {
  t = await startTestRegistry();
  agency = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  operator = await t.keyFor({ role: 'operator', name: 'Registry operator' });
});
after(() => t.close());

/** Files `n` penalties in one request. */
async function fileMany(n: number): Promise<void> {
  const records = Array.from({ length: n }, () => aPenalty());
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: bearer(agency),
    payload: { records },
  });
  assert.equal(response.json().accepted.length, n, response.body);
}

/** Runs the integrator until every entry is in the tree, `batch` entries a checkpoint. */
async function integrateAll(batch?: number): Promise<number> {
  const signer = await openLogSigner(t.config);
  for (;;) {
    const { size, added } = await integrateLog(t.registry.rt, signer, batch);
    if (added === 0) return size;
  }
}

async function ledgerCount(): Promise<number> {
  const row = await t.registry.rt.db
    .selectFrom('ledger')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The served checkpoint, opened with the served key. */
async function servedCheckpoint(): Promise<{ size: number; root: Uint8Array }> {
  const key = (await t.app.inject({ method: 'GET', url: '/log/key' })).body.trim();
  const response = await t.app.inject({ method: 'GET', url: '/log/checkpoint' });
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
  assert.match(String(response.headers['cache-control']), /max-age=[0-5]$/);
  const { checkpoint } = openCheckpoint(response.body, { log: parseVerifierKey(key) });
  return { size: checkpoint.size, root: checkpoint.rootHash };
}

/** Reads tiles over HTTP, as any client of c2sp.org/tlog-tiles would. */
const httpTiles = async (tiles: readonly { level: number; index: number; width: number }[]) =>
  Promise.all(
    tiles.map(async (tile) => {
      const response = await t.app.inject({ method: 'GET', url: `/log/${tilePath(tile)}` });
      assert.equal(response.statusCode, 200, `${tilePath(tile)}: ${response.body}`);
      return response.rawPayload;
    }),
  );

/** Every entry, from the served entry bundles, with an operator's key. */
async function servedEntries(size: number): Promise<Buffer[]> {
  const entries: Buffer[] = [];
  for (let index = 0; index * TILE_WIDTH < size; index++) {
    const width = Math.min(TILE_WIDTH, size - index * TILE_WIDTH);
    const url = `/log/${tilePath({ level: ENTRIES_LEVEL, index, width })}`;
    const response = await t.app.inject({ method: 'GET', url, headers: bearer(operator) });
    assert.equal(response.statusCode, 200, response.body);
    const bundle = response.rawPayload;
    for (let at = 0; at < bundle.length; ) {
      const length = bundle.readUInt16BE(at);
      entries.push(bundle.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
  }
  return entries;
}

describe('the ledger as a transparency log', () => {
  test('before the first checkpoint there is none to serve', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/log/checkpoint' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.code, 'CRD_LOG_NO_CHECKPOINT');
  });

  test('every event stores its salt; its leaf bytes are canonical JSON of its columns with it', async () => {
    await fileMany(3);
    const stored = await t.registry.rt.db.selectFrom('ledger').select(['salt', 'entry']).orderBy('seq').execute();
    assert.ok(stored.every((row) => row.entry === null && row.salt?.length === 32));
    const rows = await getEntryRowsAfter(t.registry.rt.db, '0', 1000);
    const salts = new Set<string>();
    for (const [i, row] of rows.entries()) {
      const { salt } = JSON.parse(row.entry.toString('utf8')) as { salt: string };
      assert.equal(salt, stored[i]!.salt!.toString('base64'));
      assert.equal(ledgerEntryLength(row), row.entry.length, 'the length appendEvents checks');
      salts.add(salt);
      const fields = { at: row.at, payload: JSON.parse(row.payload), salt, seq: row.seq, subject_id: row.subject_id };
      assert.equal(row.entry.toString('utf8'), canonicalJson({ ...fields, type: row.type }));
    }
    assert.equal(salts.size, rows.length);
  });

  test('the integrator signs a checkpoint of every event; every leaf proves against it from the tiles', async () => {
    await fileMany(150); // past 256 events: full tiles and a level-1 tile
    const size = await integrateAll(100);
    assert.equal(size, await ledgerCount());
    assert.ok(size > TILE_WIDTH, `only ${size} events`);
    const tree = await servedCheckpoint();
    assert.equal(tree.size, size);
    const reader = tileHashReader(tree, httpTiles);
    const entries = await servedEntries(size);
    assert.equal(entries.length, size);
    for (const [index, entry] of entries.entries()) {
      const proof = await readInclusionProof(index, size, reader);
      const claim = { leafHash: hashLeaf(entry), index, treeSize: size, proof, root: tree.root };
      assert.ok(verifyInclusion(claim), `leaf ${index}`);
      if (index === 7) assert.equal(verifyInclusion({ ...claim, leafHash: hashLeaf(Buffer.from('forged')) }), false);
    }
  });

  test('the tree grows consistently with the checkpoint before', async () => {
    const old = await servedCheckpoint();
    await fileMany(5);
    await integrateAll();
    const tree = await servedCheckpoint();
    assert.ok(tree.size > old.size);
    const proof = await readConsistencyProof(old.size, tree.size, tileHashReader(tree, httpTiles));
    const claim = { oldSize: old.size, oldRoot: old.root, newSize: tree.size, newRoot: tree.root, proof };
    assert.ok(verifyConsistency(claim));
    assert.equal(verifyConsistency({ ...claim, oldRoot: tree.root }), false);
  });

  test('an event too long for an entry bundle (over 65,535 bytes) is refused, and nothing is appended', async () => {
    const before = await ledgerCount();
    const big = { type: 'test.oversized', subject_id: null, payload: { text: '字'.repeat(22_000) } };
    await assert.rejects(
      writeTransaction(t.registry.rt, (trx) => appendEvents(trx, t.now, [big])),
      (error: { code?: string; message: string }) => {
        assert.equal(error.code, 'CRD_PAYLOAD_TOO_LARGE');
        assert.match(error.message, /at most 65535 bytes/);
        return true;
      },
    );
    assert.equal(await ledgerCount(), before);
    const fits = { ...big, payload: { text: '字'.repeat(21_000) } };
    await writeTransaction(t.registry.rt, (trx) => appendEvents(trx, t.now, [fits]));
    assert.equal(await ledgerCount(), before + 1);
  });

  test('tiles: immutable caching, exact partial widths, 404 for any other path', async () => {
    const { size } = await servedCheckpoint();
    const full = await t.app.inject({ method: 'GET', url: '/log/tile/0/000' });
    assert.equal(full.statusCode, 200);
    assert.equal(full.headers['content-type'], 'application/octet-stream');
    assert.equal(full.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(full.rawPayload.length, TILE_WIDTH * 32);
    const partial = await t.app.inject({ method: 'GET', url: '/log/tile/0/000.p/5' });
    assert.deepEqual(partial.rawPayload, full.rawPayload.subarray(0, 5 * 32));
    const width = size % TILE_WIDTH;
    const last = `/log/${tilePath({ level: 0, index: Math.floor(size / TILE_WIDTH), width })}`;
    assert.equal((await t.app.inject({ method: 'GET', url: last })).statusCode, 200);
    const beyond = `/log/${tilePath({ level: 0, index: Math.floor(size / TILE_WIDTH), width: width + 1 })}`;
    for (const url of [beyond, '/log/tile/0/0', '/log/tile/00/000', '/log/tile/0/000.p/0', '/log/tile/0/x000/000']) {
      assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 404, url);
    }
  });

  test('entry bundles need an operator or auditor key', async () => {
    const url = '/log/tile/entries/000';
    assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 401);
    assert.equal((await t.app.inject({ method: 'GET', url, headers: bearer(agency) })).statusCode, 403);
    const auditor = await t.keyFor({ role: 'auditor', name: 'Auditor' });
    const response = await t.app.inject({ method: 'GET', url, headers: bearer(auditor) });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'private, no-store');
  });

  test('ledger verify rebuilds the tree from the entries and checks the signed checkpoint', async () => {
    await integrateAll();
    const result = await verifyLedger(t.registry.rt, { logKey: t.logKey, pageSize: 100 });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.log.size, await ledgerCount());
    assert.equal(result.log.signatureChecked, true);
    const cli = await t.cli('ledger', 'verify');
    assert.equal(cli.code, 0, cli.err);
    assert.match(cli.out, /Log OK: the \d+ leaves rebuild the root/);
    assert.equal((await checkLogAtStart(t.registry.rt, t.logKey)).size, result.log.size);
  });

  test('an altered entry is named by ledger verify, and the server refuses to start', async () => {
    const db = t.registry.rt.db;
    const [target] = await getEntryRowsAfter(db, '39', 1);
    if (target === undefined) throw new Error('no event 40');
    const altered = Buffer.from(target.entry.toString('utf8').replace('"at":"2026', '"at":"2027'));
    assert.notDeepEqual(altered, target.entry);
    await sql`update ledger set entry = ${altered} where seq = 40`.execute(db);
    try {
      const result = await verifyLedger(t.registry.rt, { logKey: t.logKey, pageSize: 16 });
      assert.equal(result.ok, false);
      assert.equal(result.firstBad?.seq, '40');
      assert.equal(result.events, 39);
      const cli = await t.cli('ledger', 'verify');
      assert.notEqual(cli.code, 0);
      assert.match(cli.err, /event 40/);
      await assert.rejects(checkLogAtStart(t.registry.rt, t.logKey), { code: 'CRD_LOG_STORE_INCONSISTENT' });
    } finally {
      await sql`update ledger set entry = null where seq = 40`.execute(db);
    }
    assert.equal((await verifyLedger(t.registry.rt, { logKey: t.logKey })).ok, true);
  });

  test('rewritten tiles: the server refuses to start and the integrator refuses to extend them', async () => {
    const db = t.registry.rt.db;
    const tile = await db.selectFrom('log_tiles').selectAll().where('level', '=', 1).executeTakeFirstOrThrow();
    const forged = Buffer.from(tile.hashes);
    forged[0] = forged[0]! ^ 1;
    await db.updateTable('log_tiles').set({ hashes: forged }).where('level', '=', 1).execute();
    try {
      await fileMany(1);
      await assert.rejects(checkLogAtStart(t.registry.rt, t.logKey), { code: 'CRD_LOG_STORE_INCONSISTENT' });
      await assert.rejects(integrateAll(), { code: 'CRD_LOG_STORE_INCONSISTENT' });
      assert.match((await verifyLedger(t.registry.rt, { logKey: t.logKey })).log.problem ?? '', /tiles/);
    } finally {
      await db.updateTable('log_tiles').set({ hashes: tile.hashes }).where('level', '=', 1).execute();
    }
    assert.equal(await integrateAll(), await ledgerCount());
  });

  test('a checkpoint signed by another key is refused at start', async () => {
    const other = (await t.cliWith({ CREDENCE_DATA_DIR: `${t.config.dataDir}-other` }, 'log', 'key')).out.trim();
    await assert.rejects(checkLogAtStart(t.registry.rt, other), { code: 'CRD_LOG_STORE_INCONSISTENT' });
  });

  test('the migration gives every existing event its entry bytes', async () => {
    const db = t.registry.rt.db;
    // The migrations after the log's (011 its witness tables, 012 a data migration, 013 notices as data) are rolled
    // back and re-applied too.
    const later = [
      '2026-12-02-011-log-witnesses',
      '2026-12-02-012-periods-from-decision',
      '2026-12-02-013-notices-as-data',
    ];
    // Those after 013 are rolled back by their own down migrations first, and re-applied after.
    await db.connection().execute(async (connection) => {
      await sql`begin`.execute(connection);
      await migrateWithinTransaction(connection, later.at(-1)!);
      await sql`commit`.execute(connection);
    });
    const since = knownMigrations().slice(knownMigrations().indexOf(later.at(-1)!) + 1);
    await sql`drop table log_publication; drop table log_cosignatures; drop table log_witnesses;
      drop table log_checkpoints; drop table log_tiles; alter table ledger drop column entry;
      alter table notices drop column params`.execute(db);
    await sql`delete from credence_migration where name = any(${['2026-12-02-010-log', ...later]})`.execute(db);
    assert.deepEqual(await migrateToLatest(db), ['2026-12-02-010-log', ...later, ...since]);
    // 025 kept no entry: each is the encoding of its columns with its salt, which is all it stores since.
    const kept = await sql<{ n: number }>`select count(*)::int as n from ledger where entry is not null`.execute(db);
    assert.equal(kept.rows[0]!.n, 0);
    const result = await verifyLedger(t.registry.rt, { logKey: t.logKey, pageSize: 100 });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.log.root, null);
    assert.equal(await integrateAll(), await ledgerCount());
  });
});
