import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { decideAction } from '../src/domain/decide.ts';
import { evaluateSubject } from '../src/domain/evaluate.ts';
import { resolveRecordTerms, type Policy, type SubjectKind } from '../src/domain/policy.ts';
import type { CreditRecord, RecordStatus } from '../src/domain/record.ts';
import { loadPolicy } from '../src/policy/index.ts';

let policy: Policy;
before(async () => {
  policy = await loadPolicy('policies/default');
});

const NOW = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;

function aRecord(overrides: Partial<CreditRecord> = {}): CreditRecord {
  return {
    id: '1',
    subject_id: '1',
    agency_id: 'haidian-court',
    type: 'court.judgment_default',
    source_ref: 'r1',
    decided_at: new Date(NOW.getTime() - 30 * DAY),
    effective_at: new Date(NOW.getTime() - 30 * DAY),
    expires_at: null,
    filed_at: new Date(NOW.getTime() - 30 * DAY),
    legal_basis: 'Fa Shi [2013] 17',
    document_ref: 'doc',
    summary: null,
    attributes: { criterion: 'able_but_refuses' },
    status: 'active',
    ...overrides,
  };
}

/** Any record the default policy accepts, with any status and dates around NOW. */
function arbitraryRecord(): fc.Arbitrary<CreditRecord> {
  const types = [...policy.record_types.values()];
  return fc
    .record({
      typeIndex: fc.nat(types.length - 1),
      pick: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
      id: fc.integer({ min: 1, max: 1_000_000 }),
      agency: fc.constantFrom('court-a', 'tax-b', 'market-c'),
      effectiveDaysAgo: fc.integer({ min: -30, max: 2000 }),
      expiresInDays: fc.option(fc.integer({ min: 1, max: 2000 })),
      status: fc.constantFrom<RecordStatus>('active', 'active', 'active', 'disputed', 'revoked', 'repaired', 'expired'),
    })
    .map(({ typeIndex, pick, id, agency, effectiveDaysAgo, expiresInDays, status }) => {
      const type = types[typeIndex]!;
      const attributes: Record<string, string> = {};
      Object.entries(type.attributes).forEach(([name, spec], i) => {
        if (spec.enum) attributes[name] = spec.enum[(pick[i % pick.length] ?? 0) % spec.enum.length]!;
      });
      const effective = new Date(NOW.getTime() - effectiveDaysAgo * DAY);
      return aRecord({
        id: String(id),
        agency_id: agency,
        type: type.id,
        attributes,
        status,
        source_ref: `s${id}`,
        decided_at: effective,
        effective_at: effective,
        filed_at: effective,
        expires_at: expiresInDays === null ? null : new Date(effective.getTime() + expiresInDays * DAY),
      });
    });
}

const arbitraryFile = () =>
  fc.record({
    kind: fc.constantFrom<SubjectKind>('person', 'organization'),
    records: fc.uniqueArray(arbitraryRecord(), { maxLength: 8, selector: (r) => r.id }),
  });

const isNegative = (r: CreditRecord) => resolveRecordTerms(policy.record_types.get(r.type)!, r.attributes).points < 0;

describe('evaluateSubject', () => {
  test('a subject with no records has the base score and grade, no lists and no measures', () => {
    const evaluation = evaluateSubject(policy, { kind: 'person', records: [] }, NOW);
    assert.equal(evaluation.score, 1000);
    assert.equal(evaluation.grade, 'A');
    assert.deepEqual(evaluation.lists, []);
    assert.deepEqual(evaluation.measures, []);
  });

  test('an able-but-refuses judgment debtor is listed and denied premium air travel', () => {
    const evaluation = evaluateSubject(policy, { kind: 'person', records: [aRecord()] }, NOW);
    assert.equal(evaluation.lists[0]?.list, 'judgment-defaulters');
    assert.equal(evaluation.lists[0]?.status, 'active');
    assert.deepEqual(evaluation.lists[0]?.records, ['1']);
    assert.equal(decideAction(evaluation.measures, 'travel.air.premium_class').outcome, 'deny');
    assert.equal(evaluation.factors[0]?.record_type, 'court.judgment_default');
  });

  test('a revoked or expired record does not count', () => {
    for (const status of ['revoked', 'repaired', 'expired'] as const) {
      const evaluation = evaluateSubject(policy, { kind: 'person', records: [aRecord({ status })] }, NOW);
      assert.equal(evaluation.score, 1000, status);
      assert.deepEqual(evaluation.lists, [], status);
    }
  });

  test('a judgment default other than able-but-refuses ends after two years', () => {
    const filed = new Date(NOW.getTime() - 731 * DAY);
    const record = aRecord({
      attributes: { criterion: 'obstructs_enforcement' },
      effective_at: filed,
      decided_at: filed,
      filed_at: filed,
    });
    assert.deepEqual(evaluateSubject(policy, { kind: 'person', records: [record] }, NOW).lists, []);
    const stillListed = evaluateSubject(
      policy,
      { kind: 'person', records: [record] },
      new Date(filed.getTime() + 700 * DAY),
    );
    assert.equal(stillListed.lists.length, 1);
  });

  test('a serious-dishonesty listing is pending during its notice period and applies no measure', () => {
    const decision = aRecord({
      type: 'listing.serious_dishonesty',
      attributes: { basis: 'samr_serious_violation' },
      filed_at: new Date(NOW.getTime() - 2 * DAY),
    });
    const file = { kind: 'organization' as const, records: [decision] };
    const pending = evaluateSubject(policy, file, NOW);
    const membership = pending.lists.find((m) => m.list === 'serious-dishonesty');
    assert.equal(membership?.status, 'pending');
    assert.equal(pending.measures.filter((m) => m.list === 'serious-dishonesty').length, 0);
    assert.equal(pending.next_change_at?.getTime(), membership!.effective_from.getTime());
    const active = evaluateSubject(policy, file, new Date(NOW.getTime() + 29 * DAY));
    assert.equal(active.lists.find((m) => m.list === 'serious-dishonesty')?.status, 'active');
  });

  test('factors are the top four by weight', () => {
    const records = [1, 2, 3, 4, 5].map((i) =>
      aRecord({ id: String(i), type: 'admin.penalty', attributes: { tier: i === 5 ? 'serious' : 'minor' } }),
    );
    const evaluation = evaluateSubject(policy, { kind: 'organization', records }, NOW);
    assert.equal(evaluation.factors.length, 4);
    assert.equal(evaluation.factors[0]?.record_id, '5');
  });
});

describe('evaluation invariants (property tests)', () => {
  test('adding a negative record never raises the score', () => {
    fc.assert(
      fc.property(arbitraryFile(), arbitraryRecord(), (file, extra) => {
        fc.pre(isNegative(extra) && !file.records.some((r) => r.id === extra.id));
        const before = evaluateSubject(policy, file, NOW).score;
        const after = evaluateSubject(policy, { ...file, records: [...file.records, extra] }, NOW).score;
        return after <= before;
      }),
      { numRuns: 400 },
    );
  });

  test('removing the records a membership rests on removes the membership', () => {
    fc.assert(
      fc.property(arbitraryFile(), (file) => {
        for (const membership of evaluateSubject(policy, file, NOW).lists) {
          const remaining = file.records.filter((r) => !membership.records.includes(r.id));
          const after = evaluateSubject(policy, { ...file, records: remaining }, NOW);
          if (after.lists.some((m) => m.list === membership.list)) return false;
        }
        return true;
      }),
      { numRuns: 400 },
    );
  });

  test('deny and restrict come only from an active list membership resting on an authority record', () => {
    fc.assert(
      fc.property(arbitraryFile(), (file) => {
        const evaluation = evaluateSubject(policy, file, NOW);
        return evaluation.measures
          .filter((m) => m.effect === 'deny' || m.effect === 'restrict')
          .every((m) => {
            const membership = evaluation.lists.find((l) => l.list === m.list && l.status === 'active');
            return (
              m.grade === undefined &&
              membership !== undefined &&
              membership.records.length > 0 &&
              membership.records.every((id) =>
                file.records.some((r) => r.id === id && r.legal_basis !== '' && r.document_ref !== ''),
              )
            );
          });
      }),
      { numRuns: 400 },
    );
  });

  test('the result does not depend on record order', () => {
    fc.assert(
      fc.property(arbitraryFile(), fc.integer(), (file, seed) => {
        const shuffled = [...file.records].sort(
          (a, b) => ((Number(a.id) * 7919 + seed) % 101) - ((Number(b.id) * 7919 + seed) % 101),
        );
        assert.deepEqual(
          evaluateSubject(policy, { ...file, records: shuffled }, NOW),
          evaluateSubject(policy, file, NOW),
        );
      }),
      { numRuns: 300 },
    );
  });
});
