import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { parse, stringify } from 'yaml';
import { evaluateSubject } from '../src/domain/evaluate.ts';
import type { Policy } from '../src/domain/policy.ts';
import type { KindSimulation } from '../src/domain/policy-simulation.ts';
import { loadPolicy } from '../src/policy/index.ts';
import { loadDemo } from '../src/services/demo/demo.service.ts';
import { loadRelatedOrganizations, loadSubjectFiles } from '../src/services/ledger/subject-files.service.ts';
import { simulatePolicy, type PolicySimulation } from '../src/services/ledger/policy-simulation.service.ts';
import { aCourtRecord, aRelationship, aResidentId, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

const DEFAULT_DIR = new URL('../policies/default', import.meta.url).pathname;

let reg: TestRegistry;
let folder: string;
let candidateDir: string;
let candidate: Policy;
/** The legal representative of an organisation listed for obstructing enforcement, which the candidate delists. */
let representative: string;

/**
 * A copy of the default policy with a grade band moved (B from 850 to 900) and two lists' criteria narrowed: the
 * judgment-defaulters list keeps only "able but refuses"; the red list takes tax grade B as well as A, and no longer
 * government commendations.
 */
async function writeCandidate(dir: string, edit: (files: Record<string, any>) => void): Promise<void> {
  await cp(DEFAULT_DIR, dir, { recursive: true });
  const files: Record<string, any> = {};
  for (const name of ['policy.yaml', 'lists.yaml']) files[name] = parse(await readFile(join(dir, name), 'utf8'));
  edit(files);
  for (const [name, doc] of Object.entries(files)) await writeFile(join(dir, name), stringify(doc));
}

before(async () => {
  reg = await startTestRegistry(new Date('2026-11-20T00:00:00Z'));
  await loadDemo(reg.registry.rt, { subjects: 600, seed: 12, baseUrl: 'http://127.0.0.1:8080' });
  // Fa Shi [2015] 17 art. 3 para. 2: an organisation's listing binds its legal representative.
  const market = await reg.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  const court = await reg.keyFor({ role: 'agency', name: 'Court', agency_kind: 'court' });
  const organization = anUscc();
  const person = aResidentId();
  const related = await reg.app.inject({
    method: 'POST',
    url: '/v1/relationships',
    headers: bearer(market),
    payload: { relationships: [aRelationship({ organizationId: organization, personId: person })] },
  });
  assert.equal(related.json().accepted?.length, 1, related.body);
  await reg.file(
    court,
    aCourtRecord({ kind: 'organization', subjectId: organization, criterion: 'obstructs_enforcement' }),
  );
  representative = (
    await reg.registry.rt.db
      .selectFrom('subject_identifiers')
      .select('subject_id')
      .where('value', '=', person)
      .executeTakeFirstOrThrow()
  ).subject_id;
  folder = await mkdtemp(join(tmpdir(), 'credence-simulate-'));
  candidateDir = join(folder, 'candidate');
  await writeCandidate(candidateDir, (files) => {
    const policy = files['policy.yaml'];
    policy.version = 'candidate-1';
    policy.scoring.grades.find((band: { grade: string }) => band.grade === 'B').min = 900;
    const lists = files['lists.yaml'].lists;
    lists['judgment-defaulters'].criteria = [
      { record_type: 'court.judgment_default', where: { criterion: ['able_but_refuses'] } },
    ];
    lists['red-list'].criteria = [{ record_type: 'tax.credit_grade', where: { grade: ['A', 'B'] } }];
  });
  candidate = await loadPolicy(candidateDir);
});

after(async () => {
  await reg.close();
  await rm(folder, { recursive: true, force: true });
});

type Counts = Map<string, number>;
const bump = (counts: Counts, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

/** Every subject evaluated under both policies one by one, tallied in the plainest way: the independent answer. */
async function expectedCounts(at: Date): Promise<Counts> {
  const db = reg.registry.rt.db;
  const active = reg.registry.rt.policy;
  const ids = (await db.selectFrom('subjects').select('id').execute()).map((r) => r.id);
  const files = await loadSubjectFiles(db, ids);
  const relatedBefore = await loadRelatedOrganizations(db, active, files, at);
  const relatedAfter = await loadRelatedOrganizations(db, candidate, files, at);
  const counts: Counts = new Map();
  for (const [id, file] of files) {
    const was = evaluateSubject(active, file, at, relatedBefore.get(id));
    const will = evaluateSubject(candidate, file, at, relatedAfter.get(id));
    const k = file.kind;
    bump(counts, `${k} subjects`);
    if (was.grade !== will.grade) bump(counts, `${k} grade ${was.grade} ${will.grade}`);
    const activeOn = (e: typeof was, list: string) => e.lists.some((m) => m.list === list && m.status === 'active');
    for (const list of new Set([...was.lists, ...will.lists].map((m) => m.list))) {
      if (!activeOn(was, list) && activeOn(will, list)) bump(counts, `${k} joins ${list}`);
      if (activeOn(was, list) && !activeOn(will, list)) bump(counts, `${k} leaves ${list}`);
    }
    const had = new Set(was.measures.map((m) => m.id));
    const has = new Set(will.measures.map((m) => m.id));
    for (const m of has) if (!had.has(m)) bump(counts, `${k} gains ${m}`);
    for (const m of had) if (!has.has(m)) bump(counts, `${k} loses ${m}`);
  }
  return counts;
}

/** The simulation's figures in the same shape (zero counts left out). */
function simulatedCounts(simulation: PolicySimulation): Counts {
  const counts: Counts = new Map();
  const put = (key: string, n: number) => n > 0 && counts.set(key, n);
  for (const k of simulation.kinds) {
    put(`${k.kind} subjects`, k.subjects);
    for (const g of k.grades) put(`${k.kind} grade ${g.from} ${g.to}`, g.count);
    for (const l of k.lists) {
      put(`${k.kind} joins ${l.list}`, l.joins.count);
      put(`${k.kind} leaves ${l.list}`, l.leaves.count);
    }
    for (const m of k.measures) {
      put(`${k.kind} gains ${m.measure}`, m.gains.count);
      put(`${k.kind} loses ${m.measure}`, m.losses.count);
    }
  }
  return counts;
}

const kind = (s: PolicySimulation, name: string): KindSimulation => {
  const found = s.kinds.find((k) => k.kind === name);
  assert.ok(found, `no ${name} in the simulation`);
  return found;
};

async function ledgerSize(): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from ledger`.execute(reg.registry.rt.db);
  return Number(rows[0]!.n);
}

test('the summary counts match evaluating every subject under both policies, over pages of any size', async () => {
  const at = reg.now;
  const ledger = await ledgerSize();
  const projections = await reg.snapshot();
  const simulation = await simulatePolicy(reg.registry.rt, candidate, { at, samples: 0, pageSize: 7 });
  const expected = await expectedCounts(at);
  assert.deepEqual(Object.fromEntries(simulatedCounts(simulation)), Object.fromEntries(expected));
  // The candidate changes something of each kind, so the comparison above is not of empty tables.
  assert.ok(
    [...expected.keys()].some((key) => key.includes(' grade ')),
    'no grade changes',
  );
  assert.ok(expected.has('person leaves judgment-defaulters'), 'no one leaves judgment-defaulters');
  assert.ok(expected.has('organization joins red-list'), 'no one joins the red list');
  assert.ok(expected.has('organization gains red-list.permits'), 'no one gains a measure');
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from subjects`.execute(reg.registry.rt.db);
  assert.equal(simulation.subjects, rows[0]!.n);
  assert.equal(simulation.active.digest, reg.registry.rt.policy.digest);
  assert.deepEqual(simulation.candidate, { id: 'default', version: 'candidate-1', digest: candidate.digest });
  // Read-only: not one ledger event or projection row more.
  assert.equal(await ledgerSize(), ledger);
  assert.deepEqual(await reg.snapshot(), projections);
  // Pages of another size give the same figures.
  const whole = await simulatePolicy(reg.registry.rt, candidate, { at, samples: 0 });
  assert.deepEqual(whole.kinds, simulation.kinds);
});

test('the list counts under the active policy are the projection list entries', async () => {
  const simulation = await simulatePolicy(reg.registry.rt, candidate, { at: reg.now, samples: 0 });
  const { rows } = await sql<{ kind: string; list_id: string; status: string; n: number }>`
    select s.kind, e.list_id, e.status, count(*)::int as n
    from list_entries e join subjects s on s.id = e.subject_id group by 1, 2, 3
  `.execute(reg.registry.rt.db);
  assert.ok(rows.length > 0);
  for (const row of rows) {
    const list = kind(simulation, row.kind).lists.find((l) => l.list === row.list_id);
    assert.equal(list?.before[row.status as 'active' | 'pending'], row.n, `${row.kind} ${row.list_id} ${row.status}`);
  }
});

test('a person loses the measures of a related organisation the candidate delists', async () => {
  const simulation = await simulatePolicy(reg.registry.rt, candidate, { at: reg.now, samples: 100 });
  const transport = kind(simulation, 'person').measures.find(
    (m) => m.measure === 'judgment-defaulters.high-consumption.transport',
  );
  assert.ok(transport!.losses.samples.includes(representative), JSON.stringify(transport));
});

test('samples are the first subject ids of each change, only when asked for', async () => {
  const none = await simulatePolicy(reg.registry.rt, candidate, { at: reg.now, samples: 0 });
  const some = await simulatePolicy(reg.registry.rt, candidate, { at: reg.now, samples: 2 });
  const leaves = (s: PolicySimulation) => kind(s, 'person').lists.find((l) => l.list === 'judgment-defaulters')!.leaves;
  assert.deepEqual(leaves(none).samples, []);
  assert.equal(leaves(some).samples.length, Math.min(2, leaves(some).count));
  const ids = leaves(some).samples.map(BigInt);
  assert.ok(ids.length < 2 || ids[0]! < ids[1]!, 'samples in id order');
  const files = await loadSubjectFiles(reg.registry.rt.db, leaves(some).samples);
  for (const file of files.values()) {
    const was = evaluateSubject(reg.registry.rt.policy, file, reg.now);
    const will = evaluateSubject(candidate, file, reg.now);
    assert.ok(was.lists.some((m) => m.list === 'judgment-defaulters' && m.status === 'active'));
    assert.ok(!will.lists.some((m) => m.list === 'judgment-defaulters'));
  }
});

test('credence policy simulate prints the table, and the same figures as JSON', async () => {
  const at = reg.now.toISOString();
  const text = await reg.cli('policy', 'simulate', candidateDir, '--at', at);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /candidate: +default candidate-1/);
  assert.match(text.out, /^person: \d+ subjects, \d+ would change$/m);
  assert.match(text.out, /^ {4}judgment-defaulters \(changed\) +\d+/m);
  assert.match(text.out, /grade changes/);
  assert.doesNotMatch(text.out, /leaves: /, 'no subject ids without --samples');

  const json = await reg.cli('policy', 'simulate', candidateDir, '--at', at, '--json');
  assert.equal(json.code, 0, json.err);
  const parsed = JSON.parse(json.out);
  const simulation = await simulatePolicy(reg.registry.rt, candidate, { at: reg.now, samples: 0 });
  assert.deepEqual(parsed.kinds, JSON.parse(JSON.stringify(simulation.kinds)));
  assert.equal(parsed.at, at);

  const sampled = await reg.cli('policy', 'simulate', candidateDir, '--at', at, '--samples', '3');
  assert.equal(sampled.code, 0, sampled.err);
  assert.match(sampled.out, /^ {6}leaves: \d+(, \d+)*$/m);
});

test('an invalid candidate is refused with every problem and its path', async () => {
  const broken = join(folder, 'broken');
  await writeCandidate(broken, (files) => {
    files['policy.yaml'].scoring.grades[0].min = 'high';
    files['lists.yaml'].lists['red-list'].criteria = [{ record_type: 'no.such_type' }];
  });
  const result = await reg.cli('policy', 'simulate', broken);
  assert.notEqual(result.code, 0);
  assert.match(result.err, /CRD_POLICY_INVALID/);
  assert.match(result.err, /scoring\.grades\[0\]\.min|\/scoring\/grades\/0\/min/);
  assert.match(result.err, /no\.such_type/);
  assert.equal(result.out, '');
});

test('bad options are usage errors', async () => {
  for (const args of [
    ['--at', 'yesterday'],
    ['--samples', '-1'],
    ['--samples', '1000'],
  ]) {
    const result = await reg.cli('policy', 'simulate', candidateDir, ...args);
    assert.match(result.err, /CRD_USAGE/, args.join(' '));
  }
  assert.match((await reg.cli('policy', 'simulate')).err, /CRD_USAGE/);
});
