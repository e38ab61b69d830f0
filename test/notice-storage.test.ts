import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { disputeOpenedNotice, recordCorrectedNotice } from '../src/domain/due-process-notices.ts';
import { evaluateSubject } from '../src/domain/evaluate.ts';
import { membershipNotices, recordExpiredNotice, recordFiledNotice, type NoticeDraft } from '../src/domain/notice.ts';
import {
  noticeLegalBasis,
  policyRef,
  readConsequences,
  readParams,
  storeNotice,
} from '../src/domain/notice-storage.ts';
import type { Policy } from '../src/domain/policy.ts';
import type { CreditRecord } from '../src/domain/record.ts';
import { relatedNotices, relationshipNotice } from '../src/domain/relationship-notices.ts';
import type { Relationship } from '../src/domain/relationship.ts';
import { validatePolicyDocument } from '../src/policy/index.ts';
import { activatePolicy } from '../src/services/ledger/policy.service.ts';
import { loadPolicyDir } from '../src/services/runtime/open-registry.ts';
import { getPolicyDocument } from '../src/store/policies.repository.ts';
import { aCourtRecord, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let court: string;
let operator: string;

before(async () => {
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
});
after(() => t.close());

interface View {
  kind: string;
  legal_basis: string;
  consequences: { measure: string; effect: string; actions: string[]; legal_basis: string; until: string | null }[];
  params: Record<string, unknown>;
}

const noticesOf = async (id: string): Promise<View[]> =>
  (await t.app.inject({ url: `/v1/subjects/cn-rid/${id}/notices`, headers: bearer(operator) })).json().notices;

/** The stored rows of a subject's notices, every column as JSON text. */
async function storedRows(id: string): Promise<{ kind: string; text: string; row: Record<string, unknown> }[]> {
  const result = await sql<{ kind: string; row: Record<string, unknown> }>`
    select n.kind, to_jsonb(n) as row from notices n
    join subject_identifiers i on i.subject_id = n.subject_id
    where i.scheme = 'cn-rid' and i.value = ${id}`.execute(t.registry.rt.db);
  return result.rows.map((r) => ({ kind: r.kind, text: JSON.stringify(r.row), row: r.row }));
}

describe('notices stored by reference (issue 12: a notice row ≤ 300 bytes on average)', () => {
  test('a listing stores no rendered measure, action or legal basis, and reads back in full', async () => {
    const id = aResidentId();
    const policy = t.registry.rt.policy;
    // As the demo files them: citing the record type's legal basis, which the policy gives back.
    const typeBasis = policy.record_types.get('court.judgment_default')!.legal_basis.en;
    await t.file(court, aCourtRecord({ subjectId: id, legal_basis: typeBasis }));
    const rows = await storedRows(id);
    assert.deepEqual(rows.map((r) => r.kind).sort(), ['list.started', 'record.filed']);
    for (const { row, text } of rows) {
      assert.equal(row.consequences, null, text);
      assert.equal(row.legal_basis, null, text);
      assert.equal(row.policy_ref, Number(policyRef(policy.digest)), text);
      for (const m of policy.measures.filter((m) => m.list === 'judgment-defaulters')) {
        assert.ok(!text.includes(m.id), `${m.id} in ${text}`);
        assert.ok(!text.includes(m.legal_basis.en), `${m.legal_basis.en} in ${text}`);
      }
      assert.ok(!text.includes('travel.air') && !text.includes(typeBasis), text);
      assert.ok(!text.includes('decided_at') && !text.includes('record_type'), `long keys in ${text}`);
    }
    const started = (await noticesOf(id)).find((n) => n.kind === 'list.started')!;
    const list = policy.lists.get('judgment-defaulters')!;
    assert.equal(started.legal_basis, list.legal_basis.en);
    const expected = policy.measures.filter((m) => m.list === 'judgment-defaulters');
    assert.deepEqual(
      started.consequences.map((c) => [c.measure, c.effect, c.actions, c.legal_basis, c.until]),
      expected.map((m) => [m.id, m.effect, m.actions, m.legal_basis.en, started.params.until]),
    );
    assert.equal(typeof started.params.from, 'string');
    assert.equal(started.params.record_count, 1);
    assert.equal((await noticesOf(id)).find((n) => n.kind === 'record.filed')!.legal_basis, typeBasis);
  });

  test('a legal basis the agency wrote itself is kept as written', async () => {
    const id = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: id, legal_basis: 'Fa Shi [2013] 17 art. 1' }));
    const filed = (await storedRows(id)).find((r) => r.kind === 'record.filed')!;
    assert.equal(filed.row.legal_basis, 'Fa Shi [2013] 17 art. 1');
    assert.equal((await noticesOf(id)).find((n) => n.kind === 'record.filed')!.legal_basis, 'Fa Shi [2013] 17 art. 1');
  });

  test('a notice written before migration 021 is read exactly as it was stored', async () => {
    const id = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: id }));
    const consequences = [
      {
        from: null,
        until: '2030-01-01T00:00:00.000Z',
        effect: 'deny',
        actions: ['travel.air'],
        measure: 'an.old.measure',
        legal_basis: 'An old basis',
      },
    ];
    const params = '{"lists": [], "decided_at": "2026-10-01T00:00:00.000Z", "record_type": "court.judgment_default"}';
    const { db } = t.registry.rt;
    await sql`update notices n set policy_ref = null, measures = null, legal_basis = 'Written then',
        consequences = ${JSON.stringify(consequences)}::jsonb, params = ${params}::json
      from subject_identifiers i
      where i.subject_id = n.subject_id and i.scheme = 'cn-rid' and i.value = ${id}
        and n.kind = 'record.filed'`.execute(db);
    const filed = (await noticesOf(id)).find((n) => n.kind === 'record.filed')!;
    assert.equal(filed.legal_basis, 'Written then');
    assert.deepEqual(filed.consequences, consequences);
    assert.deepEqual(filed.params, {
      lists: [],
      decided_at: '2026-10-01T00:00:00.000Z',
      record_type: 'court.judgment_default',
    });
  });

  // Last in the file: it activates another policy.
  test('a notice is rendered from the policy it was written under, not the one active when read', async () => {
    const id = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: id }));
    const before = await noticesOf(id);
    const old = t.registry.rt.policy;
    const document = structuredClone((await getPolicyDocument(t.registry.rt.db, old.digest))!);
    const measure = old.measures.find((m) => m.list === 'judgment-defaulters')!;
    const measures = document.measures as Record<string, { legal_basis: { en: string } }>;
    measures[measure.id]!.legal_basis.en = 'A later law';
    const { policy } = validatePolicyDocument(document);
    assert.ok(policy !== undefined && policy.digest !== old.digest);
    assert.equal(await activatePolicy(t.registry.rt, policy, document), true);
    await t.registry.follower.catchUp();
    assert.equal(t.registry.rt.policy.digest, policy.digest);
    const after = await noticesOf(id);
    assert.deepEqual(after, before);
    const started = after.find((n) => n.kind === 'list.started')!;
    assert.equal(started.consequences.find((c) => c.measure === measure.id)?.legal_basis, measure.legal_basis.en);
  });
});

/** Drafts of every shape, by the builders, for a listed person related to a listed organisation. */
function draftsUnder(policy: Policy): NoticeDraft[] {
  const at = new Date('2026-11-01T08:30:15.123Z');
  const record: CreditRecord = {
    id: '7',
    subject_id: '3',
    agency_id: 'haidian-court',
    type: 'court.judgment_default',
    source_ref: '(2026)京0108执7',
    decided_at: new Date('2026-10-01T00:00:00Z'),
    effective_at: new Date('2026-10-01T00:00:00Z'),
    expires_at: null,
    filed_at: at,
    legal_basis: policy.record_types.get('court.judgment_default')!.legal_basis.en,
    document_ref: '(2026)京0108执7号',
    summary: null,
    attributes: { criterion: 'able_but_refuses' },
    status: 'active',
  };
  const relationship: Relationship = {
    id: 'r-1',
    person_id: '3',
    organization_id: '9',
    agency_id: 'market',
    source_ref: 'reg-1',
    role: 'legal_representative',
    valid_from: new Date('2026-01-01T00:00:00Z'),
    valid_until: null,
    legal_basis: 'The registration authority’s own words',
    document_ref: '京市监〔2026〕1号',
    filed_at: at,
    status: 'active',
    revoked_at: null,
    revocation_reason: null,
  };
  const organization = { scheme: 'cn-uscc', id: '91110000000000000X', name: '某某有限公司' };
  const related = [
    {
      relationship,
      organization: { ...organization, identifiers: [`cn-uscc:${organization.id}`] },
      lists: [{ list: 'judgment-defaulters', status: 'active' as const, effective_from: at, until: new Date(2031, 0) }],
    },
  ];
  const evaluation = evaluateSubject(policy, { kind: 'person', records: [record] }, at, related);
  assert.ok(evaluation.measures.some((m) => m.related !== undefined) && evaluation.lists.length > 0);
  return [
    recordFiledNotice(policy, record, evaluation),
    ...membershipNotices(policy, '3', [], evaluation.lists, { at }),
    ...membershipNotices(policy, '3', evaluation.lists, []),
    ...relatedNotices(policy, '3', [], evaluation),
    relationshipNotice(policy, 'relationship.filed', relationship, organization, evaluation),
    recordCorrectedNotice(policy, record, evaluation, { version: 2, reason: '更正', at }),
    disputeOpenedNotice(policy, record, evaluation, { id: 'd-1', due_at: new Date('2026-12-01T00:00:00Z') }),
    recordExpiredNotice(policy, record, new Date('2031-10-01T00:00:00Z')),
    // A consequence the policy does not have is kept as drafted.
    {
      ...recordFiledNotice(policy, record, evaluation),
      consequences: [{ measure: 'gone', effect: 'deny', actions: ['x'], legal_basis: 'y', from: null, until: null }],
    },
  ];
}

describe('a stored notice renders back exactly as drafted', () => {
  test('every kind, with the policy as loaded from files and as built from its stored document', async () => {
    const { policy, document } = await loadPolicyDir('policies/default');
    const rebuilt = validatePolicyDocument(JSON.parse(JSON.stringify(document))).policy!;
    assert.equal(rebuilt.digest, policy.digest);
    const drafts = draftsUnder(policy);
    assert.ok(new Set(drafts.map((d) => d.kind)).size >= 8);
    for (const draft of drafts) {
      const stored = JSON.parse(JSON.stringify(storeNotice(draft)));
      // What the rows held before migration 021: the draft as JSON.
      const { policy: _policy, ...rest } = draft;
      const asJson = JSON.parse(JSON.stringify(rest));
      for (const reader of [policy, rebuilt]) {
        const consequences = stored.consequences ?? readConsequences(reader, stored.measures);
        const params = readParams(draft.kind, stored.params);
        const legal = stored.legal_basis ?? noticeLegalBasis(reader, draft, params, consequences);
        assert.deepEqual(consequences, asJson.consequences, draft.kind);
        assert.deepEqual(params, asJson.params, draft.kind);
        assert.equal(legal, draft.legal_basis, draft.kind);
      }
    }
  });
});
