/**
 * The law in force (issue 10), one describe per rule: no minors on a list (Fa Shi [2017] 7 art. 4); periods run
 * from the decision date (NDRC Order No. 36 (2025)); grades may only reward (EU AI Act art. 5(1)(c); PIPL art. 24);
 * special categories also cover PIPL art. 28.
 */

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { disclosureWindow, isRecordPublic, publicShapes, TIER_MAX_DISCLOSURE } from '../src/domain/disclosure.ts';
import { addDuration } from '../src/domain/duration.ts';
import { evaluateSubject, recordWindow } from '../src/domain/evaluate.ts';
import { gb11643CheckDigit } from '../src/domain/identifiers.ts';
import { isMinorOn, residentIdBirthDate } from '../src/domain/minors.ts';
import { resolveRecordTerms, type ListDefinition, type Policy } from '../src/domain/policy.ts';
import type { CreditRecord } from '../src/domain/record.ts';
import { checkRecordInput, type RecordInput } from '../src/domain/record-input.ts';
import { checkRepairEligibility } from '../src/domain/repair.ts';
import { CredenceError, ERROR_CODES } from '../src/errors.ts';
import { findSpecialCategory, loadPolicy, readPolicyFiles, validatePolicyDocument } from '../src/policy/index.ts';
import { expireDueRecords } from '../src/services/due-process/expiry.service.ts';
import { knownMigrations } from '../src/store/migrate.ts';
import { up as periodsFromDecision } from '../src/store/migrations/2026-12-02-012-periods-from-decision.ts';
import { aCourtRecord, aPenalty, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

type Doc = Record<string, any>;

let policy: Policy;
before(async () => {
  policy = await loadPolicy('policies/default');
});

/** A valid resident ID (GB 11643) of someone born on `yyyymmdd`. */
function residentIdBornOn(yyyymmdd: string): string {
  const first17 = `110105${yyyymmdd}123`;
  return first17 + gb11643CheckDigit(first17);
}

/** The merged default policy document, as plain data a test may change. */
async function defaultDocument(): Promise<Doc> {
  const files = await readPolicyFiles('policies/default');
  return Object.assign({}, ...files.map((file) => parse(file.text) as Doc)) as Doc;
}

/** The policy with `lists` instead of its own (a list for a rule to act on, whatever the default declares). */
function withLists(lists: readonly ListDefinition[]): Policy {
  return { ...policy, lists: new Map(lists.map((l) => [l.id, l])) };
}

function aRecord(overrides: Partial<CreditRecord> = {}): CreditRecord {
  const at = new Date('2024-03-01T00:00:00Z');
  return {
    id: '1',
    subject_id: '1',
    agency_id: 'haidian-court',
    type: 'court.judgment_default',
    source_ref: 'r1',
    decided_at: at,
    effective_at: at,
    expires_at: null,
    filed_at: at,
    legal_basis: 'Fa Shi [2013] 17',
    document_ref: 'doc',
    summary: null,
    attributes: { criterion: 'obstructs_enforcement' },
    status: 'active',
    ...overrides,
  };
}

describe('no minors on a list (Fa Shi [2017] 7 art. 4)', () => {
  const NOW = new Date('2026-11-01T00:00:00Z');
  const minor = residentIdBornOn('20100505'); // 16 on 2026-10-01
  const check = (p: Policy, input: Record<string, unknown>) => checkRecordInput(p, 'court', input as RecordInput, NOW);

  test('the birth date is read from digits 7-14 of the resident ID (GB 11643-1999)', () => {
    assert.equal(residentIdBirthDate(minor)?.toISOString(), '2010-05-05T00:00:00.000Z');
    assert.equal(residentIdBirthDate('110105201302301234'), null, 'no 30 February');
  });

  test('18 years are reached the day after the 18th birthday, on the Beijing calendar', () => {
    const birth = new Date('2008-10-01T00:00:00Z');
    assert.equal(isMinorOn(birth, new Date('2026-10-01T00:00:00+08:00')), true, 'the birthday itself');
    assert.equal(isMinorOn(birth, new Date('2026-10-01T23:59:59+08:00')), true);
    assert.equal(isMinorOn(birth, new Date('2026-10-02T00:00:00+08:00')), false);
    // 16:00 UTC on 1 October is midnight on 2 October in Beijing.
    assert.equal(isMinorOn(birth, new Date('2026-10-01T16:00:00Z')), false);
    const leap = new Date('2008-02-29T00:00:00Z');
    assert.equal(isMinorOn(leap, new Date('2026-02-28T12:00:00+08:00')), true);
    assert.equal(isMinorOn(leap, new Date('2026-03-01T00:00:00+08:00')), false);
  });

  test('a record that would list a minor is refused at the identifier, naming the law and not the ID', () => {
    const result = check(policy, aCourtRecord({ subjectId: minor }));
    assert.equal(result.ok, false);
    const [problem] = result.ok ? [] : result.problems;
    assert.equal(problem?.code, 'CRD_SUBJECT_MINOR');
    assert.equal(problem?.path, 'subject.id');
    assert.match(problem!.message, /Fa Shi \[2017\] 7 art\. 4.*judgment-defaulters/);
    assert.ok(!problem!.message.includes(minor) && !problem!.message.includes('2010'));
    assert.equal(ERROR_CODES.CRD_SUBJECT_MINOR.status, 422);
    assert.equal(check(policy, aCourtRecord({ subjectId: residentIdBornOn('20080505') })).ok, true, '18 by then');
    assert.equal(check(policy, aCourtRecord({ kind: 'organization' })).ok, true);
  });

  test("only a record meeting a sanction list's criterion is refused: its type and its attributes", () => {
    const base = policy.lists.get('judgment-defaulters')!;
    const watch = { ...base, id: 'watch', criteria: [{ record_type: 'admin.penalty', where: { tier: ['serious'] } }] };
    const penalty = (tier: string) => aPenalty({ tier, kind: 'person', subjectId: minor });
    const market = (p: Policy, tier: string) => checkRecordInput(p, 'market', penalty(tier) as RecordInput, NOW);
    const refused = market(withLists([watch]), 'serious');
    assert.deepEqual(refused.ok ? [] : refused.problems.map((p) => p.code), ['CRD_SUBJECT_MINOR']);
    assert.equal(market(withLists([watch]), 'general').ok, true, 'a general penalty lists nobody');
    assert.equal(market(withLists([{ ...watch, kind: 'reward' }]), 'serious').ok, true, 'a reward list');
    assert.equal(market(withLists([{ ...watch, subject_kinds: ['organization'] }]), 'serious').ok, true);
  });
});

describe('no minors on a list: POST /v1/records, corrections and credence import', () => {
  let t: TestRegistry;
  let court: string;
  let operator: string;
  let dir: string;
  const minor = residentIdBornOn('20100505');
  before(async () => {
    t = await startTestRegistry();
    court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    operator = await t.keyFor({ role: 'operator', name: 'ops' });
    dir = await mkdtemp(join(tmpdir(), 'credence-minors-'));
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the minor is rejected with a coded error; the rest of the batch is filed', async () => {
    const records = [aCourtRecord({ subjectId: minor }), aCourtRecord()];
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: bearer(court),
      payload: { records },
    });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.deepEqual(
      body.rejected.map((r: { index: number; errors: { code: string; path: string }[] }) => [r.index, r.errors]),
      [[0, [{ code: 'CRD_SUBJECT_MINOR', path: 'subject.id', message: body.rejected[0].errors[0].message }]]],
    );
    assert.deepEqual(
      body.accepted.map((a: { index: number }) => a.index),
      [1],
    );
    const report = await t.app.inject({ url: `/v1/subjects/cn-rid/${minor}/report`, headers: bearer(operator) });
    assert.equal(report.json().records.length, 0, 'nothing about the minor was filed');
  });

  test('a correction moving the decision into the subject’s minority is a coded 422', async () => {
    const id = residentIdBornOn('20080101'); // 18 on 2026-01-01
    const recordId = await t.file(court, aCourtRecord({ subjectId: id }));
    const response = await t.app.inject({
      method: 'POST',
      url: `/v1/records/${recordId}/corrections`,
      headers: bearer(court),
      payload: { changes: { decided_at: '2025-12-31' }, reason: 'the ruling was dated earlier' },
    });
    assert.equal(response.statusCode, 422, response.body);
    assert.equal(response.json().error.code, 'CRD_SUBJECT_MINOR');
    assert.equal(response.json().error.details[0].path, 'changes.subject.id');
  });

  test('credence import writes the minor’s line to the rejects file and files the others', async () => {
    const file = join(dir, 'court.ndjson');
    const lines = [aCourtRecord({ source_ref: 'minor-import-1' }), aCourtRecord({ subjectId: minor })];
    await writeFile(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const run = await t.cli('import', file, '--agency-kind', 'court');
    assert.equal(run.code, ERROR_CODES.CRD_SUBJECT_MINOR.exit, run.err + run.out);
    assert.match(run.out, /created +1/);
    const rejects = (await readFile(`${file}.rejects.ndjson`, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      rejects.map((r: { line: number; errors: { code: string }[] }) => [r.line, r.errors[0]!.code]),
      [[2, 'CRD_SUBJECT_MINOR']],
    );
  });
});

describe('periods run from the decision date (NDRC Order No. 36 (2025))', () => {
  const decided = new Date('2024-03-01T00:00:00Z');
  const effective = new Date('2024-09-01T00:00:00Z');
  const late = aRecord({ decided_at: decided, effective_at: effective });

  test('a record counts from taking effect until its duration has run from the decision', () => {
    const type = policy.record_types.get(late.type)!;
    const { duration } = resolveRecordTerms(type, late.attributes);
    const { start, end } = recordWindow(type, late);
    assert.equal(start.toISOString(), effective.toISOString());
    assert.equal(end.toISOString(), addDuration(decided, duration!).toISOString());
    const file = { kind: 'person' as const, records: [late] };
    assert.equal(evaluateSubject(policy, file, new Date('2024-06-01T00:00:00Z')).factors.length, 0, 'not yet');
    assert.equal(evaluateSubject(policy, file, effective).factors.length, 1);
    assert.equal(evaluateSubject(policy, file, end).factors.length, 0, 'ended');
  });

  test("a listing's maximum runs from the first decision it rests on", () => {
    const list = { ...policy.lists.get('judgment-defaulters')!, max_duration: 'P1Y', notice_days: 0 };
    const evaluation = evaluateSubject(withLists([list]), { kind: 'person', records: [late] }, effective);
    const [membership] = evaluation.lists;
    assert.equal(membership?.since.toISOString(), effective.toISOString());
    assert.equal(membership?.until.toISOString(), '2025-03-01T00:00:00.000Z');
  });

  test('repair is open once the minimum period has run from the decision', () => {
    const penalty = aRecord({ ...late, type: 'admin.penalty', attributes: { tier: 'general' } });
    const minimum = policy.repair.minimum_periods.general;
    const refusal = checkRepairEligibility(policy, penalty, false, decided);
    assert.equal(refusal?.code, 'CRD_REPAIR_TOO_EARLY');
    assert.match(refusal!.message, /from the decision/);
    assert.equal(refusal?.eligible_at?.toISOString(), addDuration(decided, minimum).toISOString());
    assert.equal(checkRepairEligibility(policy, penalty, false, addDuration(decided, minimum)), null);
  });

  test('disclosure ends at the tier maximum from the decision, and the SQL cutoff is on decided_at', () => {
    const listed = aRecord({
      decided_at: decided,
      effective_at: effective,
      attributes: { criterion: 'able_but_refuses' },
    });
    const type = policy.record_types.get(listed.type)!;
    const tier = resolveRecordTerms(type, listed.attributes).tier as keyof typeof TIER_MAX_DISCLOSURE;
    const end = disclosureWindow(type, listed).end;
    assert.equal(end.toISOString(), addDuration(decided, TIER_MAX_DISCLOSURE[tier]).toISOString());
    const justBefore = new Date(end.getTime() - 1);
    assert.equal(isRecordPublic(policy, 'person', listed, justBefore), true);
    assert.equal(isRecordPublic(policy, 'person', listed, end), false);
    const matches = (when: Readonly<Record<string, string>>) =>
      Object.entries(when).every(([k, v]) => listed.attributes[k] === v);
    const fitting = publicShapes(policy, justBefore).filter(
      (s) => s.kind === 'person' && s.type === listed.type && matches(s.when) && !s.unless.some(matches),
    );
    assert.equal(fitting.length, 1);
    assert.ok(fitting[0]!.decided_after < decided, 'the SQL pre-filter keeps a public record');
  });
});

describe('periods run from the decision date: projections, reports, expiry and the migration', () => {
  let t: TestRegistry;
  let court: string;
  let market: string;
  let operator: string;
  before(async () => {
    t = await startTestRegistry();
    court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
    operator = await t.keyFor({ role: 'operator', name: 'ops' });
  });
  after(() => t.close());

  test("the report's counts_until and the list's until run from decided_at", async () => {
    const id = residentIdBornOn('19800101');
    await t.file(court, aCourtRecord({ subjectId: id, decided_at: '2022-01-01', effective_at: '2022-06-01' }));
    const report = (await t.app.inject({ url: `/v1/subjects/cn-rid/${id}/report`, headers: bearer(operator) })).json();
    const decided = new Date('2022-01-01T00:00:00Z');
    // able_but_refuses lasts until performance: the type's maximum caps it, from the decision.
    const end = addDuration(decided, policy.record_types.get('court.judgment_default')!.max_duration);
    const listEnd = addDuration(decided, policy.lists.get('judgment-defaulters')!.max_duration);
    assert.equal(new Date(report.records[0].counts_until).toISOString(), end.toISOString());
    const membership = report.lists.find((m: { list: string }) => m.list === 'judgment-defaulters');
    assert.equal(
      new Date(membership.until).toISOString(),
      new Date(Math.min(end.getTime(), listEnd.getTime())).toISOString(),
    );
  });

  test('the migration marks subjects whose ends moved due; the jobs then expire what has ended', async () => {
    assert.ok(knownMigrations().includes('2026-12-02-012-periods-from-decision'));
    // A general penalty counts a year: decided 2025-09-01, it ended 2026-09-01, before the clock (2026-11-01).
    const penalty = aPenalty({ subjectId: anUscc(), decided_at: '2025-09-01', effective_at: '2026-01-01' });
    const recordId = await t.file(market, penalty);
    const db = t.registry.rt.db;
    const { subject_id } = await db
      .selectFrom('records')
      .select('subject_id')
      .where('id', '=', recordId)
      .executeTakeFirstOrThrow();
    const state = db.selectFrom('subject_state').select('next_change_at').where('subject_id', '=', subject_id);
    // As the old rule left it: the record ends a year from taking effect, not yet due.
    await db
      .updateTable('subject_state')
      .set({ next_change_at: new Date('2027-01-01T00:00:00Z') })
      .where('subject_id', '=', subject_id)
      .execute();
    await periodsFromDecision(db);
    assert.equal((await state.executeTakeFirstOrThrow()).next_change_at?.toISOString(), '2025-09-01T00:00:00.000Z');
    assert.equal(await expireDueRecords(t.registry.rt), 1);
    const record = await db.selectFrom('records').select('status').where('id', '=', recordId).executeTakeFirstOrThrow();
    assert.equal(record.status, 'expired');
    const event = await db
      .selectFrom('ledger')
      .select('payload')
      .where('type', '=', 'record.expired')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(JSON.parse(event.payload).ended_at, '2026-09-01T00:00:00.000Z');
    assert.ok(((await state.executeTakeFirstOrThrow()).next_change_at ?? new Date(8.64e15)) > t.now, 'done');
  });
});

describe('grades may only reward (EU AI Act art. 5(1)(c); PIPL art. 24)', () => {
  const withGradeMeasure = async (effect: string): Promise<Doc> => {
    const doc = await defaultDocument();
    doc.measures['grades.low'] = { ...structuredClone(doc.measures['grades.top.permits']), grades: ['D'], effect };
    return doc;
  };

  test('a measure bound to grades that denies, restricts or asks for review is refused at its path', async () => {
    for (const effect of ['deny', 'restrict', 'review']) {
      const problems = validatePolicyDocument(await withGradeMeasure(effect)).problems;
      assert.deepEqual(
        problems.map((p) => [p.code, p.path]),
        [['CRD_POLICY_INVALID', 'measures["grades.low"].effect']],
        effect,
      );
      assert.match(
        problems[0]!.message,
        /may only reward \(expedite, waive\).*EU AI Act art\. 5\(1\)\(c\); PIPL art\. 24/,
      );
    }
  });

  test('expedite and waive are rewards a grade may give', async () => {
    for (const effect of ['expedite', 'waive'])
      assert.deepEqual(validatePolicyDocument(await withGradeMeasure(effect)).problems, [], effect);
  });

  test('the loader refuses such a policy with CRD_POLICY_INVALID; the default has none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'credence-grades-'));
    try {
      await writeFile(join(dir, 'policy.yaml'), stringify(await withGradeMeasure('review')));
      const error = await loadPolicy(dir).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(error instanceof CredenceError && error.code === 'CRD_POLICY_INVALID', String(error));
      assert.deepEqual(
        error.details.map((d) => d.path),
        ['measures["grades.low"].effect'],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    for (const measure of policy.measures.filter((m) => m.grades !== undefined))
      assert.ok(['expedite', 'waive'].includes(measure.effect), measure.id);
  });
});

describe('special categories also cover PIPL art. 28', () => {
  test('financial accounts, specific identities and children under 14, in English and Chinese', () => {
    const refused = {
      'bank account': ['bank_account', 'debtor.bank-accounts', '银行账户'],
      'card number': ['card_number', '银行卡号'],
      'account number': ['Account number'],
      iban: ['iban'],
      'specific identity': ['specific_identity'],
      特定身份: ['特定身份'],
      disabled: ['disabled_status'],
      children: ['children'],
      child: ['child_name'],
      'under 14': ['under_14_guardian'],
      不满十四周岁: ['不满十四周岁子女'],
    };
    for (const [term, texts] of Object.entries(refused))
      for (const text of texts) assert.notEqual(findSpecialCategory(text), null, `${text} (${term})`);
    for (const text of [
      'invoice_number',
      'credit_union',
      'account_status',
      'tax.arrears',
      'market.abnormal_operations',
    ])
      assert.equal(findSpecialCategory(text), null, text);
  });

  test('attribute names and descriptions, in either language, are refused at load', async () => {
    const doc = await defaultDocument();
    const attributes = doc.record_types['tax.arrears'].attributes;
    attributes.bank_account = { required: false };
    attributes.payer = { required: false, description: "The debtor's card number" };
    attributes.household = { required: false, description: { en: 'Household', zh: '不满十四周岁子女' } };
    doc.lists['specific-identities'] = structuredClone(doc.lists['red-list']);
    const problems = validatePolicyDocument(doc).problems.filter((p) => p.message.startsWith('special-category data'));
    assert.deepEqual(problems.map((p) => p.path).sort(), [
      'lists["specific-identities"]',
      'record_types["tax.arrears"].attributes.bank_account',
      'record_types["tax.arrears"].attributes.household.description.zh',
      'record_types["tax.arrears"].attributes.payer.description',
    ]);
  });
});
