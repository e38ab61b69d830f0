import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { demoCommand } from '../src/cli/commands/demo.command.ts';
import { loadConfig } from '../src/config.ts';
import { validateIdentifier } from '../src/domain/identifiers.ts';
import { openRegistry } from '../src/services/runtime/open-registry.ts';
import { generateDemoCity } from '../src/domain/demo-city.ts';
import { loadDemo, type DemoResult } from '../src/services/demo/demo.service.ts';
import { authenticateKey } from '../src/services/accounts/principals.service.ts';
import type { ServiceContext } from '../src/services/context.ts';
import { createTestDatabase } from './support/database.ts';

const database = await createTestDatabase();
const config = loadConfig({ DATABASE_URL: database.url }, {});
const registry = await openRegistry(config, { applicationName: 'demo-test' });
const db = registry.rt.db;
const policy = registry.rt.policy;
after(async () => {
  await registry.close();
  await database.drop();
});

const anchor = new Date('2026-03-01T00:00:00Z');

/** The registry's service context with its clock stopped at `iso`. */
const at = (iso: string): ServiceContext => ({
  db,
  policy,
  clock: () => new Date(iso),
  newId: registry.rt.newId,
  log: registry.rt.log,
  indexed: () => registry.rt.indexed(),
});

async function runDemo(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      stdout += String(chunk);
      callback();
    },
  });
  const code = await demoCommand.run(args, {
    config,
    stdout: stream,
    stderr: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  return { code, stdout };
}

const demoRecords = () =>
  db
    .selectFrom('records')
    .select(['source_ref', 'agency_id', 'body_digest'])
    .where('agency_id', 'like', 'demo-%')
    .orderBy('source_ref')
    .execute();

test('the city is reproducible, and a larger city extends a smaller one with the same seed', () => {
  const city = generateDemoCity(policy, { subjects: 500, seed: 9, anchor });
  assert.deepEqual(generateDemoCity(policy, { subjects: 500, seed: 9, anchor }), city);
  const larger = generateDemoCity(policy, { subjects: 800, seed: 9, anchor });
  assert.deepEqual(larger.subjects.slice(0, 500), city.subjects);
  assert.deepEqual(larger.records.slice(0, city.records.length), city.records);
  assert.notDeepEqual(generateDemoCity(policy, { subjects: 500, seed: 10, anchor }).subjects, city.subjects);
});

test('every generated identifier validates, is unique, and the mix is mostly persons and mostly unrecorded', () => {
  const city = generateDemoCity(policy, { subjects: 5000, seed: 2026, anchor });
  for (const s of city.subjects)
    assert.deepEqual(
      validateIdentifier(policy.identifier_schemes.get(s.scheme)!, s.id, 'id'),
      [],
      `${s.scheme}:${s.id}`,
    );
  assert.equal(new Set(city.subjects.map((s) => s.id)).size, city.subjects.length);
  const persons = city.subjects.filter((s) => s.kind === 'person').length / city.subjects.length;
  assert.ok(persons > 0.8 && persons < 0.9, `persons: ${persons}`);
  assert.ok(city.subjects.some((s) => s.scheme === 'lei') && city.subjects.some((s) => s.scheme === 'cn-uscc'));
  const recorded = new Set(city.records.map((r) => r.input.subject.id));
  assert.ok(recorded.size < city.subjects.length * 0.15, `subjects with records: ${recorded.size}`);
  assert.equal(recorded.has(city.showcase.unlistedPerson.id), false);
  for (const r of city.records)
    assert.ok(
      new Date(r.input.decided_at) < anchor &&
        new Date(r.input.decided_at) > new Date(anchor.getTime() - 731 * 86_400_000),
    );
});

test('demo loads a city whose lists are not empty and prints keys that authenticate', async () => {
  const { code, stdout } = await runDemo(['--subjects', '500', '--seed', '7', '--json']);
  assert.equal(code, 0);
  const result = JSON.parse(stdout) as DemoResult;
  assert.equal(result.counts.subjects, 500);
  assert.ok(result.counts.created > 0);
  assert.equal(result.counts.created, result.counts.records);
  const roles = {
    operator: result.keys.operator,
    auditor: result.keys.auditor,
    relying: result.keys.relying,
    subject: result.keys.subject,
  };
  for (const [role, key] of Object.entries(roles)) assert.equal((await authenticateKey(registry.rt, key))?.role, role);
  for (const [kind, key] of Object.entries(result.keys.agency)) {
    const principal = await authenticateKey(registry.rt, key);
    assert.deepEqual([principal?.role, principal?.agency_id, principal?.agency_kind], ['agency', `demo-${kind}`, kind]);
  }
  const subject = await authenticateKey(registry.rt, result.keys.subject);
  assert.deepEqual(subject?.subject, {
    scheme: result.subjects.listedPerson.scheme,
    id: result.subjects.listedPerson.id,
  });
  const lists = await db.selectFrom('list_entries').select('list_id').distinct().execute();
  assert.deepEqual(lists.map((l) => l.list_id).sort(), ['judgment-defaulters', 'red-list', 'serious-dishonesty']);
  assert.match(
    result.examples.deny,
    new RegExp(`"id":"${result.subjects.listedPerson.id}".*travel\\.air\\.premium_class`),
  );
  assert.match(result.examples.report, new RegExp(`Bearer ${result.keys.subject}`));
});

test('loading the same city again, even days later, files nothing new but makes fresh keys', async () => {
  const options = { subjects: 300, seed: 11, baseUrl: 'http://127.0.0.1:8080' };
  const first = await loadDemo(at('2026-05-01T10:00:00Z'), options);
  const before = await demoRecords();
  const again = await loadDemo(at('2026-05-04T08:00:00Z'), options);
  assert.deepEqual([again.counts.created, again.counts.duplicate], [0, first.counts.records]);
  assert.deepEqual(await demoRecords(), before);
  assert.notEqual(again.keys.relying, first.keys.relying);
});

test('the text output names every role and a curl example for each', async () => {
  const { code, stdout } = await runDemo(['--subjects', '100', '--seed', '7']);
  assert.equal(code, 0);
  assert.match(stdout, /0 new, \d+ already filed/);
  for (const role of ['operator', 'auditor', 'relying', 'subject', 'agency court', 'agency tax'])
    assert.match(stdout, new RegExp(`  ${role} +crd_`));
  assert.equal(stdout.match(/^curl /gm)?.length, 5);
  await assert.rejects(runDemo(['--subjects', '3']), { code: 'CRD_USAGE' });
});
