/**
 * Every subject can prove their file (issue 9, item 5, the registry's side): the report carries the published
 * checkpoint and each of the subject's ledger events with its inclusion proof, which `credence verify-report`
 * checks offline; and the log monitor, run against the real app over its public routes, trusts then follows it.
 */

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { batchedHashReader } from '../src/domain/log/batched-hash-reader.ts';
import { arrayHashReader, type HashReader } from '../src/domain/log/hash-reader.ts';
import { hashLeaf } from '../src/domain/log/merkle.ts';
import { storedHashesForLeaves } from '../src/domain/log/stored-hashes.ts';
import { readInclusionProof } from '../src/domain/log/tree-proofs.ts';
import { integrateLog } from '../src/services/ledger/log-integrator.service.ts';
import { openLogSigner } from '../src/services/ledger/log-key.service.ts';
import type { Fetch } from '../src/services/ledger/log-client.service.ts';
import { monitorLog } from '../src/services/ledger/log-monitor.service.ts';
import { aPenalty, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

interface ReportEntry {
  index: number;
  data: string;
  inclusion_proof: string[];
}
interface Report {
  subject: { id: string };
  log: { checkpoint: string; entries: ReportEntry[] } | null;
  log_status: { tree_size: number | null; proved_events: number; pending_events: number; message: string };
}

const BASE = 'http://registry.test';

let t: TestRegistry;
let agency: string;
let operator: string;
let scratch: string;
const alice = anUscc();
const bob = anUscc();

before(async () => {
  t = await startTestRegistry(undefined, { subjectSignIn: { oidc: null, demo: true } });
  agency = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  operator = await t.keyFor({ role: 'operator', name: 'Registry operator' });
  scratch = await mkdtemp(path.join(tmpdir(), 'credence-report-proofs-'));
});
after(async () => {
  await t.close();
  await rm(scratch, { recursive: true, force: true });
});

async function integrateAll(): Promise<number> {
  const signer = await openLogSigner(t.config);
  for (;;) {
    const { size, added } = await integrateLog(t.registry.rt, signer);
    if (added === 0) return size;
  }
}

async function reportOf(id: string): Promise<Report> {
  const response = await t.app.inject({ url: `/v1/subjects/cn-uscc/${id}/report`, headers: bearer(operator) });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

/** The subject's ledger events' indexes, straight from the ledger table (leaf index = seq - 1). */
async function ledgerIndexesOf(subjectId: string): Promise<number[]> {
  const rows = await t.registry.rt.db
    .selectFrom('ledger')
    .select('seq')
    .where('subject_id', '=', subjectId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => Number(row.seq) - 1);
}

async function verifyCli(report: unknown) {
  const file = path.join(await mkdtemp(path.join(scratch, 'report-')), 'report.json');
  await writeFile(file, JSON.stringify(report, null, 2));
  return t.cli('verify-report', file, '--log-key', t.logKey);
}

describe('the report proves the subject file against the published log', () => {
  test('before any checkpoint, log is null and every event is counted as pending', async () => {
    await t.file(agency, aPenalty({ subjectId: alice }));
    const report = await reportOf(alice);
    assert.equal(report.log, null);
    assert.equal(report.log_status.tree_size, null);
    assert.equal(report.log_status.pending_events, (await ledgerIndexesOf(report.subject.id)).length);
    assert.ok(report.log_status.pending_events > 0);
    assert.match(report.log_status.message, /not published a checkpoint yet/);
  });

  test('every event of the subject, and only theirs, is proved; verify-report passes and counts them', async () => {
    await t.file(agency, aPenalty({ subjectId: alice, tier: 'serious' }));
    await t.file(agency, aPenalty({ subjectId: bob }));
    const size = await integrateAll();
    const report = await reportOf(alice);
    const served = (await t.app.inject({ url: '/log/checkpoint' })).body;
    assert.equal(report.log?.checkpoint, served, 'the checkpoint GET /log/checkpoint publishes');
    const own = await ledgerIndexesOf(report.subject.id);
    assert.ok(own.length >= 2);
    assert.deepEqual(
      report.log?.entries.map((e) => e.index),
      own,
    );
    const bobs = await ledgerIndexesOf((await reportOf(bob)).subject.id);
    assert.ok(bobs.length > 0 && bobs.every((index) => !own.includes(index)), 'no event of another subject');
    assert.deepEqual(report.log_status, {
      tree_size: size,
      proved_events: own.length,
      pending_events: 0,
      message: `${own.length} events about you are proved in the public log's checkpoint of ${size} events.`,
    });
    const verified = await verifyCli(report);
    assert.equal(verified.code, 0, verified.err);
    assert.match(
      verified.out,
      new RegExp(`^Verified: ${own.length} events about you are in the log as of tree size ${size}`),
    );
    assert.match(verified.out, new RegExp(`Log indexes: ${own.join(', ')}\\.`));
  });

  test('one altered byte of an entry fails verify-report, naming it', async () => {
    const report = await reportOf(alice);
    const bytes = Buffer.from(report.log!.entries[1]!.data, 'base64');
    bytes[20] = bytes[20]! ^ 1;
    report.log!.entries[1]!.data = bytes.toString('base64');
    const result = await verifyCli(report);
    assert.notEqual(result.code, 0);
    assert.match(result.err, /CRD_REPORT_UNVERIFIED/);
    assert.match(
      result.err,
      new RegExp(`1 of ${report.log!.entries.length} .*entry 1 \\(log index ${report.log!.entries[1]!.index}\\)`),
    );
  });

  test('an event filed after the checkpoint is pending, not in log; the next checkpoint proves it', async () => {
    const before = await reportOf(alice);
    await t.file(agency, aPenalty({ subjectId: alice }));
    const after = await reportOf(alice);
    const own = await ledgerIndexesOf(after.subject.id);
    assert.ok(own.length > before.log!.entries.length);
    assert.equal(after.log?.checkpoint, before.log?.checkpoint);
    assert.deepEqual(after.log?.entries, before.log?.entries);
    assert.equal(after.log_status.pending_events, own.length - before.log!.entries.length);
    assert.match(after.log_status.message, /newer events? will be proved once a later checkpoint is published/);
    await integrateAll();
    const proved = await reportOf(alice);
    assert.deepEqual(
      proved.log?.entries.map((e) => e.index),
      own,
    );
    assert.equal(proved.log_status.pending_events, 0);
    assert.equal((await verifyCli(proved)).code, 0);
  });

  test('the OpenAPI document describes the log section of the report', async () => {
    const spec = (await t.app.inject({ url: '/openapi.json' })).json();
    const ok = spec.paths['/v1/subjects/{scheme}/{id}/report'].get.responses['200'];
    const schema = ok.content['application/json'].schema;
    assert.deepEqual(schema.properties.log.properties.entries.items.required, ['index', 'data', 'inclusion_proof']);
    assert.ok(schema.properties.log_status.properties.pending_events);
  });

  test("the portal's download carries the same log section, and verifies", async () => {
    const response = await t.app.inject({ url: '/portal/data.json', headers: { cookie: await demoSignIn(bob) } });
    assert.equal(response.statusCode, 200, response.body);
    const download: Report = response.json();
    const report = await reportOf(bob);
    assert.deepEqual(download.log, report.log);
    assert.deepEqual(download.log_status, report.log_status);
    assert.ok(report.log_status.proved_events > 0);
    const verified = await verifyCli(download);
    assert.equal(verified.code, 0, verified.err);
  });
});

describe('batched hash reads', () => {
  test('proofs of many leaves read the store once, and equal the unbatched proofs', async () => {
    const stored: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      stored.push(...(await storedHashesForLeaves(i, [hashLeaf(Buffer.from(`leaf ${i}`))], arrayHashReader(stored))));
    }
    const calls: number[][] = [];
    const counting: HashReader = (indexes) => {
      calls.push([...indexes]);
      return arrayHashReader(stored)(indexes);
    };
    const leaves = [0, 5, 77, 255, 256, 299];
    const batched = batchedHashReader(counting);
    const proofs = await Promise.all(leaves.map((leaf) => readInclusionProof(leaf, 300, batched)));
    assert.equal(calls.length, 1);
    assert.deepEqual(
      calls[0],
      [...new Set(calls[0])].sort((a, b) => a - b),
    );
    for (const [i, leaf] of leaves.entries()) {
      assert.deepEqual(proofs[i], await readInclusionProof(leaf, 300, arrayHashReader(stored)));
    }
    const failing = batchedHashReader(async () => {
      throw new Error('store down');
    });
    await assert.rejects(Promise.all([readInclusionProof(1, 300, failing), readInclusionProof(2, 300, failing)]));
  });
});

/** A fetch that forwards to the app's real routes, recording each path asked for. */
function appFetch(paths: string[]): Fetch {
  return async (url) => {
    assert.ok(url.startsWith(`${BASE}/`), url);
    const target = url.slice(BASE.length);
    paths.push(target);
    const response = await t.app.inject({ url: target });
    return new Response(response.rawPayload, { status: response.statusCode });
  };
}

describe('the log monitor against the real server (interop)', () => {
  const stateFile = () => path.join(scratch, 'monitor.json');
  const run = (paths: string[]) => monitorLog({ url: BASE, logKey: t.logKey, stateFile: stateFile() }, appFetch(paths));

  test('trusts the first tree, then checks that the grown tree contains it, reading the public tiles', async () => {
    const size = await integrateAll();
    const firstPaths: string[] = [];
    const first = await run(firstPaths);
    assert.equal(first.previous, null);
    assert.equal(first.current.size, size);
    assert.equal(first.current.note, (await t.app.inject({ url: '/log/checkpoint' })).body);
    assert.ok(
      firstPaths.some((p) => p.startsWith('/log/tile/0/')),
      firstPaths.join(' '),
    );
    const records = Array.from({ length: 300 }, () => aPenalty());
    const filed = await t.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: bearer(agency),
      payload: { records },
    });
    assert.equal(filed.json().accepted.length, 300);
    const grown = await integrateAll();
    assert.ok(grown > size + 256);
    const paths: string[] = [];
    const second = await run(paths);
    assert.equal(second.previous?.size, size);
    assert.equal(second.current.size, grown);
    assert.ok(
      paths.some((p) => p.startsWith('/log/tile/1/')),
      'a level-1 tile once the tree passes 256 leaves',
    );
    assert.ok(
      paths.every((p) => p === '/log/checkpoint' || p.startsWith('/log/tile/')),
      paths.join(' '),
    );
    assert.equal((await run([])).previous?.size, grown, 'an unchanged log is accepted again');
  });

  test('a state file recording another tree of the same log is reported as a fork', async () => {
    const state = JSON.parse(await readFile(stateFile(), 'utf8'));
    const root = Buffer.from(state.root, 'base64');
    root[0] = root[0]! ^ 1;
    await writeFile(stateFile(), JSON.stringify({ ...state, root: root.toString('base64') }));
    await assert.rejects(run([]), (error: { code?: string; message: string }) => {
      assert.equal(error.code, 'CRD_LOG_INCONSISTENT', error.message);
      assert.match(error.message, /FORK DETECTED/);
      return true;
    });
  });
});

/** Signs in to the portal as the demo subject `id` (cn-uscc); returns the session cookie. */
async function demoSignIn(id: string): Promise<string> {
  const form = await t.app.inject({ url: '/portal/sign-in' });
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const pre = `credence_csrf=${form.cookies.find((c) => c.name === 'credence_csrf')!.value}`;
  const signIn = await t.app.inject({
    method: 'POST',
    url: '/portal/demo-sign-in',
    payload: new URLSearchParams({ scheme: 'cn-uscc', id, csrf }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre },
  });
  assert.equal(signIn.statusCode, 303, signIn.body);
  return `credence_portal=${signIn.cookies.find((c) => c.name === 'credence_portal')!.value}`;
}
