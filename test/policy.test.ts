import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { addDays, addDuration, parseDuration } from '../src/domain/duration.ts';
import { resolveRecordTerms } from '../src/domain/policy.ts';
import { main } from '../src/cli/main.ts';
import { MAX_GRADES, MAX_LISTS } from '../src/domain/decide.ts';
import { CredenceError } from '../src/errors.ts';
import {
  findSpecialCategory,
  loadPolicy,
  parsePolicyText,
  readPolicyFiles,
  validatePolicyDocument,
} from '../src/policy/index.ts';

const DEFAULT_DIR = new URL('../policies/default', import.meta.url).pathname;
const FIXTURES = new URL('./fixtures/policies', import.meta.url).pathname;

type Doc = Record<string, any>;

/** The default policy files, each parsed to plain data, keyed by file name. */
async function defaultFiles(): Promise<Map<string, Doc>> {
  const files = await readPolicyFiles(DEFAULT_DIR);
  return new Map(files.map((file) => [file.name, parse(file.text) as Doc]));
}

/** The merged default policy document, as plain data a test may mutate. */
async function defaultDocument(): Promise<Doc> {
  return Object.assign({}, ...(await defaultFiles()).values()) as Doc;
}

/** Writes parsed files back as YAML into a fresh folder and loads it. */
async function loadFiles(files: Map<string, Doc>): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'credence-policy-'));
  try {
    for (const [name, doc] of files) await writeFile(join(dir, name), stringify(doc));
    return await loadPolicy(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadError(files: Map<string, Doc>): Promise<CredenceError> {
  const error = await loadFiles(files).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(error instanceof CredenceError, 'expected a CredenceError');
  assert.equal(error.code, 'CRD_POLICY_INVALID');
  return error;
}

function problemPaths(doc: Doc): string[] {
  return validatePolicyDocument(doc).problems.map((p) => p.path);
}

// ── The default policy ────────────────────────────────────────────────────────

test('the default policy loads with the ids the rest of Credence relies on', async () => {
  const policy = await loadPolicy(DEFAULT_DIR);
  assert.equal(policy.id, 'default');
  assert.match(policy.digest, /^[0-9a-f]{64}$/);
  assert.deepEqual([...policy.agency_kinds.keys()].sort(), ['court', 'government', 'licensing', 'market', 'tax']);
  assert.deepEqual([...policy.identifier_schemes.keys()].sort(), ['cn-rid', 'cn-uscc', 'lei']);
  assert.deepEqual([...policy.record_types.keys()].sort(), [
    'admin.penalty',
    'commendation.government',
    'commitment.breach',
    'court.judgment_default',
    'court.listing_extension',
    'court.personal_spending_exemption',
    'license.revocation',
    'listing.serious_dishonesty',
    'market.abnormal_operations',
    'tax.arrears',
    'tax.credit_grade',
  ]);
  assert.deepEqual([...policy.lists.keys()].sort(), [
    'judgment-defaulters',
    'red-list',
    'serious-dishonesty',
    'tax-grade-a-three-years',
  ]);
  for (const action of [
    'travel.air.premium_class',
    'travel.rail.high_speed',
    'lodging.star_hotel',
    'property.purchase',
    'education.private_school_fees',
    'procurement.bid',
    'subsidy.apply',
    'market.entry_license',
    'permits.application',
  ])
    assert.ok(policy.actions.has(action), action);
  assert.deepEqual(
    policy.scoring.grades.map((b) => b.grade),
    ['AAA', 'AA', 'A', 'B', 'C', 'D'],
  );
  assert.equal(policy.scoring.base, 1000);
  assert.equal(policy.scoring.factors_reported, 4);
});

test('the default policy is frozen and its digest is stable', async () => {
  const [a, b] = await Promise.all([loadPolicy(DEFAULT_DIR), loadPolicy(DEFAULT_DIR)]);
  assert.equal(a.digest, b.digest);
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.measures) && Object.isFrozen(a.record_types.get('admin.penalty')));
});

test('the digest ignores comments, layout and file split', async () => {
  const files = await readPolicyFiles(DEFAULT_DIR);
  const original = parsePolicyText(files).policy!.digest;
  const merged = stringify(await defaultDocument(), { sortMapEntries: true });
  assert.equal(parsePolicyText([{ name: 'all.yaml', text: merged }]).policy!.digest, original);
});

test('the digest changes when a rule changes', async () => {
  const doc = await defaultDocument();
  const before = validatePolicyDocument(doc).policy!.digest;
  doc.record_types['tax.arrears'].points = -61;
  assert.notEqual(validatePolicyDocument(doc).policy!.digest, before);
});

test(
  'court judgment defaults: able-but-refuses lasts until performance, ' + 'other grounds 2 years, capped at 5',
  async () => {
    const type = (await loadPolicy(DEFAULT_DIR)).record_types.get('court.judgment_default')!;
    assert.equal(type.attributes.criterion?.enum?.length, 6);
    assert.equal(resolveRecordTerms(type, { criterion: 'able_but_refuses' }).duration, null);
    assert.equal(resolveRecordTerms(type, { criterion: 'refuses_settlement' }).duration, 'P2Y');
    assert.equal(type.max_duration, 'P5Y');
    assert.deepEqual(type.disclosure, { person: 'public', organization: 'public' });
  },
);

test('admin.penalty tier variants give the NDRC tier points and durations', async () => {
  const type = (await loadPolicy(DEFAULT_DIR)).record_types.get('admin.penalty')!;
  const terms = (tier: string) => resolveRecordTerms(type, { tier });
  assert.deepEqual([terms('minor').points, terms('general').points, terms('serious').points], [-5, -30, -150]);
  assert.deepEqual(
    [terms('minor').duration, terms('general').duration, terms('serious').duration],
    ['P3M', 'P1Y', 'P3Y'],
  );
  assert.equal(terms('serious').tier, 'serious');
  assert.deepEqual(terms('serious').disclosure, { person: 'shared', organization: 'public' });
  assert.deepEqual(terms('general').disclosure, { person: 'shared', organization: 'shared' });
});

test("a person's records are public only through the judgment defaulter list", async () => {
  const policy = await loadPolicy(DEFAULT_DIR);
  for (const type of policy.record_types.values()) {
    const variants = [{}, ...type.variants.map((v) => v.when)];
    for (const when of variants) {
      const { person } = resolveRecordTerms(type, when).disclosure;
      // The SPC list publishes a listing and its extension (Fa Shi [2017] 7 arts. 2, 7).
      const courtList = type.id === 'court.judgment_default' || type.extends === 'court.judgment_default';
      if (!courtList) assert.notEqual(person, 'public', `${type.id} ${JSON.stringify(when)}`);
    }
  }
});

test('only sanction lists deny or restrict; grades only reward', async () => {
  const policy = await loadPolicy(DEFAULT_DIR);
  for (const measure of policy.measures) {
    if (measure.grades !== undefined) assert.ok(['expedite', 'waive'].includes(measure.effect), measure.id);
    if (measure.effect !== 'deny' && measure.effect !== 'restrict') continue;
    assert.equal(measure.grades, undefined, measure.id);
    assert.equal(policy.lists.get(measure.list!)?.kind, 'sanction', measure.id);
  }
});

// ── Every problem at once ─────────────────────────────────────────────────────

test('a broken policy reports every problem at once, with paths and files', async () => {
  const files = await defaultFiles();
  const lists = files.get('lists.yaml')!.lists;
  delete lists['red-list'].legal_basis;
  delete lists['serious-dishonesty'].max_duration;
  const measures = files.get('measures.yaml')!.measures;
  measures['grades.top.permits'].effect = 'deny';
  measures['red-list.permits'].actions = ['permits.teleport'];
  files.get('record-types.yaml')!.record_types['admin.penalty'].attributes.religion = { required: false };

  const error = await loadError(files);
  const byPath = new Map(error.details.map((p) => [p.path, p.message]));
  assert.deepEqual([...byPath.keys()].sort(), [
    'lists["red-list"].legal_basis',
    'lists["serious-dishonesty"].max_duration',
    'measures["grades.top.permits"].effect',
    'measures["red-list.permits"].actions[0]',
    'record_types["admin.penalty"].attributes.religion',
  ]);
  assert.match(byPath.get('lists["red-list"].legal_basis')!, /legal basis.*lists\.yaml:\d+/);
  assert.match(byPath.get('lists["serious-dishonesty"].max_duration')!, /maximum duration.*lists\.yaml/);
  assert.match(
    byPath.get('measures["grades.top.permits"].effect')!,
    /no unfavourable treatment from a score.*measures\.yaml/,
  );
  assert.match(byPath.get('measures["red-list.permits"].actions[0]')!, /unknown action "permits\.teleport"/);
  assert.match(
    byPath.get('record_types["admin.penalty"].attributes.religion')!,
    /^special-category data is refused \(DESIGN: what Credence refuses to be\).*record-types\.yaml:\d+/,
  );
  assert.equal(error.details.length, 5);
  assert.match(error.message, /5 problems/);
});

test('a deny measure on a reward list is rejected', async () => {
  const doc = await defaultDocument();
  doc.measures['red-list.permits'].effect = 'restrict';
  assert.deepEqual(problemPaths(doc), ['measures["red-list.permits"].effect']);
});

test('unknown references are reported where they are made', async () => {
  const doc = await defaultDocument();
  doc.record_types['tax.arrears'].agency_kinds = ['tax', 'police'];
  doc.lists['red-list'].criteria.push({ record_type: 'court.praise' });
  doc.lists['serious-dishonesty'].criteria[0].where = { basis: ['grave'] };
  doc.lists['judgment-defaulters'].criteria[0].where = { colour: ['red'] };
  doc.record_types['admin.penalty'].variants[0].when = { severity: 'minor' };
  doc.measures['red-list.permits'].list = 'gold-list';
  doc.measures['grades.top.permits'].grades = ['AAAA'];
  assert.deepEqual(problemPaths(doc).sort(), [
    'lists["judgment-defaulters"].criteria[0].where.colour',
    'lists["red-list"].criteria[2].record_type',
    'lists["serious-dishonesty"].criteria[0].where.basis[0]',
    'measures["grades.top.permits"].grades[0]',
    'measures["red-list.permits"].list',
    'record_types["admin.penalty"].variants[0].when.severity',
    'record_types["tax.arrears"].agency_kinds[1]',
  ]);
});

test('durations must be valid and within the maximum', async () => {
  const doc = await defaultDocument();
  doc.lists['red-list'].max_duration = '3 years';
  doc.record_types['tax.arrears'].duration = 'P2Y';
  doc.record_types['admin.penalty'].variants[2].duration = 'P4Y';
  assert.deepEqual(problemPaths(doc).sort(), [
    'lists["red-list"].max_duration',
    'record_types["admin.penalty"].variants[2].duration',
    'record_types["tax.arrears"].duration',
  ]);
});

test('grades must be listed highest first', async () => {
  const doc = await defaultDocument();
  doc.scoring.grades[2].min = 1040;
  assert.deepEqual(problemPaths(doc), ['scoring.grades[2].min']);
});

/** Runs `credence policy check` on the files, written to a fresh folder; returns its exit code and output. */
async function policyCheck(files: Map<string, Doc>): Promise<{ code: number; out: string; err: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'credence-policy-'));
  const output = { out: '', err: '' };
  const sink = (key: 'out' | 'err') =>
    ({
      write: (chunk: string) => {
        output[key] += chunk;
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  try {
    for (const [name, doc] of files) await writeFile(join(dir, name), stringify(doc));
    const code = await main(['policy', 'check', dir], { stdout: sink('out'), stderr: sink('err') });
    return { code, ...output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The default files with sanction lists added (copies of judgment-defaulters) up to `count` lists. */
async function filesWithLists(count: number): Promise<Map<string, Doc>> {
  const files = await defaultFiles();
  const lists = files.get('lists.yaml')!.lists;
  for (let i = 1; Object.keys(lists).length < count; i += 1)
    lists[`extra-${i}`] = structuredClone(lists['judgment-defaulters']);
  return files;
}

test(`a policy with more than ${MAX_LISTS} lists is refused by policy check, at "lists"`, async () => {
  const { code, out, err } = await policyCheck(await filesWithLists(MAX_LISTS + 1));
  assert.equal(code, 78);
  assert.equal(out, '');
  assert.match(err, /^error CRD_POLICY_INVALID/);
  assert.match(err, /^ {2}lists: 25 lists declared; at most 24/m);
  const error = await loadError(await filesWithLists(MAX_LISTS + 1));
  assert.deepEqual(
    error.details.map((p) => [p.code, p.path]),
    [['CRD_POLICY_INVALID', 'lists']],
  );
});

test(`a policy with ${MAX_LISTS} lists loads`, async () => {
  const { code, out, err } = await policyCheck(await filesWithLists(MAX_LISTS));
  assert.equal(err, '');
  assert.equal(code, 0);
  assert.match(out, /valid\. .* 24 lists,/);
});

test(`at most ${MAX_GRADES} grades, reported at "scoring.grades"`, async () => {
  const doc = await defaultDocument();
  doc.scoring.grades = Array.from({ length: MAX_GRADES + 1 }, (_, i) => ({ grade: `G${i}`, min: 1000 - i }));
  for (const [id, measure] of Object.entries(doc.measures as Doc)) if (measure.grades) delete doc.measures[id];
  assert.deepEqual(problemPaths(doc), ['scoring.grades']);
  doc.scoring.grades.pop();
  assert.deepEqual(problemPaths(doc), []);
});

test('a measure binds either a list or grades', async () => {
  const doc = await defaultDocument();
  doc.measures['red-list.permits'].grades = ['AAA'];
  delete doc.measures['grades.top.permits'].grades;
  assert.deepEqual(problemPaths(doc).sort(), ['measures["grades.top.permits"]', 'measures["red-list.permits"]']);
});

test('special categories are refused wherever the policy declares data', async () => {
  const doc = await defaultDocument();
  doc.record_types['health.vaccination'] = structuredClone(doc.record_types['tax.arrears']);
  doc.record_types['tax.arrears'].attributes.reason = {
    required: false,
    enum: ['unpaid', 'trade_union_dues'],
    labels: { unpaid: { en: 'Unpaid', zh: '未缴' }, trade_union_dues: { en: 'Union dues', zh: '会费' } },
  };
  doc.lists['ethnic-watch'] = structuredClone(doc.lists['red-list']);
  doc.identifier_schemes['face-id'] = {
    name: { en: 'Face template', zh: '人脸模板' },
    pattern: '^[0-9a-f]{64}$',
    subject_kinds: ['person'],
  };
  const problems = validatePolicyDocument(doc).problems;
  assert.deepEqual(problems.map((p) => p.path).sort(), [
    'identifier_schemes["face-id"]',
    'identifier_schemes["face-id"].name.en',
    'identifier_schemes["face-id"].name.zh',
    'lists["ethnic-watch"]',
    'record_types["health.vaccination"]',
    'record_types["tax.arrears"].attributes.reason.enum[1]',
  ]);
  assert.ok(problems.every((p) => p.message.startsWith('special-category data is refused')));
});

test('special categories match whole words only', () => {
  assert.equal(findSpecialCategory('market.abnormal_operations'), null);
  assert.equal(findSpecialCategory('surface_area'), null);
  assert.equal(findSpecialCategory('invoice_number'), null);
  assert.equal(findSpecialCategory('credit_union'), null);
  assert.equal(findSpecialCategory('religious_affiliation'), 'religious');
  assert.equal(findSpecialCategory('Union membership'), 'union membership');
  assert.equal(findSpecialCategory('person.sexual-orientation'), 'sexual orientation');
  assert.equal(findSpecialCategory('biometrics'), 'biometric');
});

test('shape problems name the field: unknown fields, wrong types, bad ids', async () => {
  const doc = await defaultDocument();
  doc.record_types['tax.arrears'].colour = 'red';
  doc.lists['red-list'].notice_days = 'soon';
  doc.actions['Bad Action'] = { name: { en: 'x', zh: '甲' } };
  assert.deepEqual(problemPaths(doc).sort(), [
    'actions["Bad Action"]',
    'lists["red-list"].notice_days',
    'record_types["tax.arrears"].colour',
  ]);
});

// ── Texts in both languages ───────────────────────────────────────────────────

test('a text a person reads missing its Chinese, empty, or a plain string is refused at its path', async () => {
  const doc = await defaultDocument();
  doc.lists['red-list'].name = { en: 'Trustworthy entities (red list)' };
  doc.actions['procurement.bid'].name = 'Bid in public procurement';
  doc.measures['red-list.customs'].legal_basis.en = '  ';
  doc.record_types['tax.arrears'].attributes.amount_cny.description.zh = '';
  doc.purposes.lodging.name.fr = 'Enregistrement à l’hôtel';
  delete doc.lists['judgment-defaulters'].exit;
  const problems = new Map(validatePolicyDocument(doc).problems.map((p) => [p.path, p.message]));
  assert.deepEqual([...problems.keys()].sort(), [
    'actions["procurement.bid"].name',
    'lists["judgment-defaulters"].exit',
    'lists["red-list"].name.zh',
    'measures["red-list.customs"].legal_basis.en',
    'purposes.lodging.name.fr',
    'record_types["tax.arrears"].attributes.amount_cny.description.zh',
  ]);
  assert.match(problems.get('lists["red-list"].name.zh')!, /English \(en\) and Chinese \(zh\)/);
  assert.match(problems.get('actions["procurement.bid"].name')!, /^must be a text in English and Chinese/);
  assert.match(problems.get('measures["red-list.customs"].legal_basis.en')!, /must cite a legal basis/);
  assert.match(problems.get('record_types["tax.arrears"].attributes.amount_cny.description.zh')!, /must not be empty/);
  assert.match(problems.get('lists["judgment-defaulters"].exit')!, /how to leave it.*which agency.*appeal/);
});

test('the loader names the file and line of a text missing its Chinese', async () => {
  const files = await defaultFiles();
  delete files.get('lists.yaml')!.lists['red-list'].name.zh;
  const error = await loadError(files);
  assert.deepEqual(
    error.details.map((p) => p.path),
    ['lists["red-list"].name.zh'],
  );
  assert.match(error.details[0]!.message, /Chinese \(zh\).*\(lists\.yaml:\d+\)$/);
  assert.match(error.message, /lists\["red-list"\]\.name\.zh: is required/);
});

test('an enumerated attribute labels every value in both languages, and nothing else', async () => {
  const doc = await defaultDocument();
  const attributes = (type: string) => doc.record_types[type].attributes;
  delete attributes('admin.penalty').tier.labels.serious;
  attributes('tax.credit_grade').grade.labels.E = { en: 'Grade E', zh: 'E级' };
  attributes('market.abnormal_operations').reason.labels.false_disclosure = 'False disclosure';
  attributes('tax.arrears').amount_cny.labels = { unpaid: { en: 'Unpaid', zh: '未缴' } };
  const problems = new Map(validatePolicyDocument(doc).problems.map((p) => [p.path, p.message]));
  assert.deepEqual([...problems.keys()].sort(), [
    'record_types["admin.penalty"].attributes.tier.labels.serious',
    'record_types["market.abnormal_operations"].attributes.reason.labels.false_disclosure',
    'record_types["tax.arrears"].attributes.amount_cny.labels',
    'record_types["tax.credit_grade"].attributes.grade.labels.E',
  ]);
  assert.match(problems.get('record_types["admin.penalty"].attributes.tier.labels.serious')!, /label in English/);
  assert.match(problems.get('record_types["tax.credit_grade"].attributes.grade.labels.E')!, /not a value/);
  assert.match(problems.get('record_types["tax.arrears"].attributes.amount_cny.labels')!, /need an "enum"/);
});

test('every Chinese text of the default policy is in Chinese, and its citations in Chinese form', async () => {
  const policy = await loadPolicy(DEFAULT_DIR);
  const texts: { where: string; en: string; zh: string }[] = [];
  const walk = (value: unknown, where: string): void => {
    if (value === null || typeof value !== 'object') return;
    const keys = Object.keys(value).sort();
    if (keys.join() === 'en,zh') texts.push({ where, ...(value as { en: string; zh: string }) });
    else for (const [key, item] of Object.entries(value)) walk(item, `${where}.${key}`);
  };
  walk(await defaultDocument(), 'policy');
  assert.ok(texts.length > 80, `${texts.length} texts`);
  for (const { where, zh } of texts) assert.match(zh, /\p{Script=Han}/u, where);
  for (const list of policy.lists.values()) assert.doesNotMatch(list.legal_basis.zh, /Fa Shi|Guo|Cai Ku/, list.id);
  assert.match(policy.lists.get('judgment-defaulters')!.legal_basis.zh, /法释〔2013〕17号，经法释〔2017〕7号修正/);
  const criterion = policy.record_types.get('court.judgment_default')!.attributes.criterion!;
  assert.deepEqual(Object.keys(criterion.labels!), criterion.enum, 'a label for each art. 1 ground, in order');
  assert.match(criterion.labels!.able_but_refuses!.zh, /有履行能力而拒不履行.*第一条第一项/);
});

// ── Files ─────────────────────────────────────────────────────────────────────

test('a YAML syntax error names the file and line', async () => {
  const error = await loadPolicy(join(FIXTURES, 'yaml-syntax-error')).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(error instanceof CredenceError);
  assert.equal(error.code, 'CRD_POLICY_INVALID');
  assert.equal(error.details.length, 1);
  assert.match(error.details[0]!.message, /^policy\.yaml:\d+:\d+: YAML syntax error/);
});

test('a section defined in two files is an error', () => {
  const { problems } = parsePolicyText([
    { name: 'a.yaml', text: 'actions: {}\n' },
    { name: 'b.yaml', text: 'actions: {}\n' },
  ]);
  assert.deepEqual(
    problems.map((p) => [p.path, p.message]),
    [['actions', 'section "actions" is defined in both a.yaml and b.yaml']],
  );
});

test('duplicate ids in one file are a YAML error', () => {
  const { problems } = parsePolicyText([{ name: 'lists.yaml', text: 'lists:\n  red-list: {}\n  red-list: {}\n' }]);
  assert.match(problems[0]!.message, /^lists\.yaml:3:\d+: YAML syntax error/);
});

// ── Durations ─────────────────────────────────────────────────────────────────

const utc = (text: string) => new Date(`${text}T00:00:00Z`);

test('parseDuration reads years, months, weeks and days only', () => {
  assert.deepEqual(parseDuration('P1Y6M'), { years: 1, months: 6, days: 0 });
  assert.deepEqual(parseDuration('P2W'), { years: 0, months: 0, days: 14 });
  assert.deepEqual(parseDuration('P30D'), { years: 0, months: 0, days: 30 });
  for (const bad of ['P', '', 'P1H', 'PT1H', 'P1.5Y', 'P-1D', '2Y', 'p1y']) assert.equal(parseDuration(bad), null, bad);
});

test('addDuration clamps to month end and handles leap years', () => {
  assert.deepEqual(addDuration(utc('2025-01-31'), 'P1M'), utc('2025-02-28'));
  assert.deepEqual(addDuration(utc('2024-01-31'), 'P1M'), utc('2024-02-29'));
  assert.deepEqual(addDuration(utc('2024-02-29'), 'P1Y'), utc('2025-02-28'));
  assert.deepEqual(addDuration(utc('2024-02-29'), 'P4Y'), utc('2028-02-29'));
  assert.deepEqual(addDuration(utc('2025-08-31'), 'P6M'), utc('2026-02-28'));
  assert.deepEqual(addDuration(utc('2025-11-15'), 'P3M'), utc('2026-02-15'));
  assert.deepEqual(addDuration(utc('2025-12-31'), 'P1Y6M'), utc('2027-06-30'));
  assert.deepEqual(addDuration(utc('2025-12-25'), 'P2W'), utc('2026-01-08'));
});

test('addDuration keeps the time of day and applies months before days', () => {
  assert.deepEqual(addDuration(new Date('2025-01-31T13:45:00Z'), 'P1M1D'), new Date('2025-03-01T13:45:00Z'));
  assert.throws(() => addDuration(utc('2025-01-01'), 'P1H'), RangeError);
});

test('addDays crosses months and years, and subtracts', () => {
  assert.deepEqual(addDays(utc('2025-12-31'), 1), utc('2026-01-01'));
  assert.deepEqual(addDays(utc('2024-03-01'), -1), utc('2024-02-29'));
});
