import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { decideAction, MAX_LISTS } from '../src/domain/decide.ts';
import { evaluateSubject } from '../src/domain/evaluate.ts';
import { OUTCOME_PRECEDENCE, type Outcome, type Policy, type SubjectKind } from '../src/domain/policy.ts';
import type { CreditRecord, RecordStatus } from '../src/domain/record.ts';
import { CredenceError } from '../src/errors.ts';
import { loadPolicy } from '../src/policy/index.ts';
import { DecisionIndex } from '../src/services/decisions/decision-index.ts';

let policy: Policy;
before(async () => {
  policy = await loadPolicy('policies/default');
});

const NOW = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const ids = (measures: readonly { id: string }[]) => measures.map((m) => m.id);

describe('DecisionIndex state', () => {
  test('the base state is not stored: setting it removes the identifier', () => {
    const index = new DecisionIndex(policy);
    assert.equal(index.code('cn-rid', 'x'), index.baseCode, 'an unknown identifier is in the base state');
    index.set('cn-rid', 'x', index.baseCode);
    assert.equal(index.size, 0);
    const listed = index.encode('B', ['judgment-defaulters']);
    index.set('cn-rid', 'x', listed);
    assert.equal(index.size, 1);
    assert.equal(index.code('cn-rid', 'x'), listed);
    index.set('cn-rid', 'x', index.baseCode);
    assert.equal(index.size, 0);
    assert.equal(index.code('cn-rid', 'x'), index.baseCode);
  });

  test('each scheme has its own map: one value under two schemes is two subjects', () => {
    const index = new DecisionIndex(policy);
    index.set('cn-rid', '123', index.encode('B', ['judgment-defaulters']));
    index.set('cn-uscc', '123', index.encode('AAA', ['red-list']));
    assert.equal(index.size, 2);
    assert.equal(index.decide('cn-rid', '123', 'procurement.bid').outcome, 'deny');
    assert.equal(index.decide('cn-uscc', '123', 'procurement.bid').outcome, 'waive');
    assert.equal(index.decide('lei', '123', 'procurement.bid').outcome, 'allow');
  });

  test('a listed state decides by its lists, with the measure, its list and the reason', () => {
    const index = new DecisionIndex(policy);
    const code = index.encode('B', ['judgment-defaulters', 'serious-dishonesty']);
    const bid = index.decider('procurement.bid')(code);
    assert.equal(bid.outcome, 'deny');
    assert.deepEqual(ids(bid.measureViews), ['judgment-defaulters.procurement', 'serious-dishonesty.procurement']);
    assert.equal(bid.measureViews[0]!.list, 'judgment-defaulters');
    assert.equal(bid.measureViews[0]!.grade, null);
    assert.match(bid.reasons[0]!, /^deny procurement\.bid: listed on judgment-defaulters \(Fa Shi/);
    assert.equal(index.decider('market.entry_license')(code).outcome, 'restrict');
    assert.equal(index.decider('customs.green_channel')(code).outcome, 'allow');
  });

  test('a graded state decides by its grade, which only rewards', () => {
    const index = new DecisionIndex(policy);
    const top = index.decider('permits.application')(index.encode('AA', []));
    assert.equal(top.outcome, 'expedite');
    assert.deepEqual(
      top.measureViews.map((m) => [m.id, m.effect, m.list, m.grade]),
      [['grades.top.permits', 'expedite', null, 'AA']],
    );
    assert.match(top.reasons[0]!, /^expedite permits\.application: credit grade AA; measure grades\.top\.permits/);
    assert.equal(index.decider('permits.application')(index.baseCode).outcome, 'allow');
    // EU AI Act art. 5(1)(c): the lowest grade alone changes no answer.
    for (const action of policy.actions.keys())
      assert.equal(index.decider(action)(index.encode('D', [])).outcome, 'allow', action);
  });

  test('templates are built once per state and action, and frozen', () => {
    const index = new DecisionIndex(policy);
    const code = index.encode('D', ['judgment-defaulters']);
    index.set('cn-rid', 'x', code);
    const first = index.decide('cn-rid', 'x', 'procurement.bid');
    assert.equal(index.decide('cn-rid', 'x', 'procurement.bid'), first);
    assert.equal(index.decider('procurement.bid')(code), first);
    assert.notEqual(index.decider('subsidy.apply')(code), first);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.measureViews) && Object.isFrozen(first.reasons));
  });

  test('an unknown action is refused', () => {
    assert.throws(() => new DecisionIndex(policy).decider('travel.teleport'), /unknown action travel\.teleport/);
  });

  test(`a policy with more than ${MAX_LISTS} lists is refused with CRD_POLICY_INVALID, not a bare error`, () => {
    const list = policy.lists.get('judgment-defaulters')!;
    const lists = new Map(Array.from({ length: MAX_LISTS + 1 }, (_, i) => [`l${i}`, { ...list, id: `l${i}` }]));
    assert.throws(
      () => new DecisionIndex({ ...policy, lists }),
      (error: unknown) =>
        error instanceof CredenceError &&
        error.code === 'CRD_POLICY_INVALID' &&
        error.details.some((d) => d.path === 'lists'),
    );
    new DecisionIndex({ ...policy, lists: new Map([...lists].slice(0, MAX_LISTS)) });
  });
});

/** The rule written out again, independently: measures of the active lists, then of the grade. */
function expectedDecision(grade: string, lists: readonly string[], action: string) {
  const binding = policy.measures.filter(
    (m) => m.actions.includes(action) && (m.list !== undefined ? lists.includes(m.list) : m.grades!.includes(grade)),
  );
  const outcome = binding
    .map((m) => m.effect)
    .reduce<Outcome>((a, b) => (OUTCOME_PRECEDENCE.indexOf(b) < OUTCOME_PRECEDENCE.indexOf(a) ? b : a), 'allow');
  return { outcome, measures: ids(binding) };
}

/** Any record the default policy accepts, with a status and dates around NOW. */
function arbitraryRecord(): fc.Arbitrary<CreditRecord> {
  const types = [...policy.record_types.values()];
  return fc
    .record({
      type: fc.constantFrom(...types),
      pick: fc.nat(),
      id: fc.integer({ min: 1, max: 1_000_000 }),
      effectiveDaysAgo: fc.integer({ min: -30, max: 2000 }),
      status: fc.constantFrom<RecordStatus>('active', 'active', 'disputed', 'revoked', 'expired'),
    })
    .map(({ type, pick, id, effectiveDaysAgo, status }) => {
      const effective = new Date(NOW.getTime() - effectiveDaysAgo * DAY);
      const attributes = Object.fromEntries(
        Object.entries(type.attributes).flatMap(([name, spec]) =>
          spec.enum ? [[name, spec.enum[pick % spec.enum.length]!]] : [],
        ),
      );
      return {
        id: String(id),
        subject_id: '1',
        agency_id: 'court-a',
        type: type.id,
        source_ref: `s${id}`,
        decided_at: effective,
        effective_at: effective,
        expires_at: null,
        filed_at: effective,
        legal_basis: 'law',
        document_ref: 'doc',
        summary: null,
        attributes,
        status,
      };
    });
}

describe('DecisionIndex decisions equal the domain evaluator', () => {
  test('for random states: any grade and any set of lists, for every action', () => {
    const index = new DecisionIndex(policy);
    const grades = policy.scoring.grades.map((g) => g.grade);
    fc.assert(
      fc.property(
        fc.constantFrom(...grades),
        fc.subarray([...policy.lists.keys()]),
        fc.constantFrom(...policy.actions.keys()),
        (grade, lists, action) => {
          const template = index.decider(action)(index.encode(grade, lists));
          assert.deepEqual(
            { outcome: template.outcome, measures: ids(template.measureViews) },
            expectedDecision(grade, lists, action),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  test("for random files: the index's decision for the evaluated state is decideAction of the evaluation", () => {
    const index = new DecisionIndex(policy);
    let listed = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<SubjectKind>('person', 'organization'),
        fc.uniqueArray(arbitraryRecord(), { maxLength: 6, selector: (r) => r.id }),
        fc.constantFrom(...policy.actions.keys()),
        (kind, records, action) => {
          const evaluation = evaluateSubject(policy, { kind, records }, NOW);
          const active = evaluation.lists.filter((m) => m.status === 'active').map((m) => m.list);
          if (active.length > 0) listed += 1;
          const template = index.decider(action)(index.encode(evaluation.grade, active));
          const expected = decideAction(evaluation.measures, action);
          assert.equal(template.outcome, expected.outcome);
          assert.deepEqual(
            template.measureViews.map((m) => [m.id, m.effect, m.list, m.grade]),
            expected.measures.map((m) => [m.id, m.effect, m.list ?? null, m.grade ?? null]),
          );
        },
      ),
      { numRuns: 300 },
    );
    assert.ok(listed > 30, `only ${listed} of 300 files were listed: the property would test little`);
  });
});
