import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { disclosureWindow, isRecordPublic, publicGrounds, publicShapes } from '../src/domain/disclosure.ts';
import type { Policy } from '../src/domain/policy.ts';
import type { CreditRecord } from '../src/domain/record.ts';
import { loadPolicy } from '../src/policy/index.ts';
import { reevaluateAllDue } from '../src/services/ledger/reevaluation.service.ts';
import { makeCommitment } from './support/commitments.ts';
import { aCourtRecord, aListingDecision, aPenalty, aResidentId, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

const DAY = 86_400_000;
/** A resident ID as the public sees it: first 6 and last 4 characters. */
const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(14)}`;
const NOW = new Date('2026-11-01T00:00:00Z');

function aRecord(overrides: Partial<CreditRecord> = {}): CreditRecord {
  const at = new Date('2026-10-01T00:00:00Z');
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
    attributes: { criterion: 'able_but_refuses' },
    status: 'active',
    ...overrides,
  };
}

describe('disclosure rules', () => {
  let policy: Policy;
  before(async () => {
    policy = await loadPolicy('policies/default');
  });

  test('a judgment default is public for persons and organisations; a general penalty is not', () => {
    assert.equal(isRecordPublic(policy, 'person', aRecord(), NOW), true);
    assert.equal(isRecordPublic(policy, 'organization', aRecord(), NOW), true);
    const penalty = aRecord({ type: 'admin.penalty', attributes: { tier: 'general' } });
    assert.equal(isRecordPublic(policy, 'person', penalty, NOW), false);
    assert.equal(isRecordPublic(policy, 'organization', penalty, NOW), false);
  });

  test('a variant decides disclosure: a serious penalty is public for an organisation only', () => {
    const serious = aRecord({ type: 'admin.penalty', attributes: { tier: 'serious' } });
    assert.equal(isRecordPublic(policy, 'organization', serious, NOW), true);
    assert.equal(isRecordPublic(policy, 'person', serious, NOW), false);
  });

  test('only active records, and disputed ones that keep counting, are published', () => {
    for (const status of ['revoked', 'repaired', 'expired', 'suspended', 'corrected'] as const) {
      assert.equal(isRecordPublic(policy, 'person', aRecord({ status }), NOW), false, status);
    }
    assert.equal(isRecordPublic(policy, 'person', aRecord({ status: 'disputed' }), NOW), true);
  });

  test('disclosure ends at the tier maximum even while the record still counts (NDRC: serious at most 3 years)', () => {
    const record = aRecord(); // able_but_refuses: counts up to 5 years, serious tier
    const { end } = disclosureWindow(policy.record_types.get(record.type)!, record);
    assert.equal(end.toISOString(), '2029-10-01T00:00:00.000Z');
    assert.equal(isRecordPublic(policy, 'person', record, new Date(end.getTime() - 1)), true);
    assert.equal(isRecordPublic(policy, 'person', record, end), false);
  });

  test('disclosure ends with the counting window when that comes first, and never starts before effect', () => {
    const record = aRecord({ attributes: { criterion: 'obstructs_enforcement' } }); // P2Y
    assert.equal(
      disclosureWindow(policy.record_types.get(record.type)!, record).end.toISOString(),
      '2028-10-01T00:00:00.000Z',
    );
    const future = aRecord({ effective_at: new Date(NOW.getTime() + DAY) });
    assert.equal(isRecordPublic(policy, 'person', future, NOW), false);
  });

  test('a membership is public only while active and resting on a public record', () => {
    const entry = {
      status: 'active',
      effective_from: new Date('2026-10-01'),
      until: new Date('2028-10-01'),
      record_ids: ['1', '2'],
    };
    assert.deepEqual(publicGrounds(entry, new Set(['2']), NOW), ['2']);
    assert.deepEqual(publicGrounds(entry, new Set(), NOW), []);
    assert.deepEqual(publicGrounds({ ...entry, status: 'pending' }, new Set(['1']), NOW), []);
    assert.deepEqual(publicGrounds(entry, new Set(['1']), new Date('2028-10-01')), []);
  });

  test('the SQL shapes cover every public record: each public record fits a shape', () => {
    const shapes = publicShapes(policy, NOW);
    const fits = (kind: string, r: CreditRecord) =>
      shapes.some(
        (s) =>
          s.kind === kind &&
          s.type === r.type &&
          Object.entries(s.when).every(([k, v]) => r.attributes[k] === v) &&
          !s.unless.some((u) => Object.entries(u).every(([k, v]) => r.attributes[k] === v)) &&
          s.statuses.includes(r.status) &&
          r.decided_at > s.decided_after,
      );
    const samples = [
      aRecord(),
      aRecord({ attributes: { criterion: 'refuses_settlement' } }),
      aRecord({ type: 'admin.penalty', attributes: { tier: 'serious' } }),
      aRecord({ type: 'tax.credit_grade', attributes: { grade: 'D' } }),
      aRecord({ type: 'tax.credit_grade', attributes: { grade: 'D', assessment: 'direct' } }),
      aRecord({ type: 'tax.credit_grade', attributes: { grade: 'A' } }),
      aRecord({ type: 'tax.arrears', attributes: {} }),
      aRecord({ type: 'listing.serious_dishonesty', attributes: { basis: 'sat_major_tax_violation' } }),
      aRecord({ type: 'market.abnormal_operations', attributes: { reason: 'false_disclosure' } }),
      aRecord({ type: 'license.revocation', attributes: {} }),
      aRecord({ decided_at: new Date('2023-11-02T00:00:00Z'), effective_at: new Date('2023-11-02T00:00:00Z') }),
      aRecord({ decided_at: new Date('2024-01-02T00:00:00Z'), effective_at: new Date('2026-01-02T00:00:00Z') }),
    ];
    for (const kind of ['person', 'organization'] as const) {
      for (const r of samples)
        if (isRecordPublic(policy, kind, r, NOW))
          assert.ok(fits(kind, r), `${kind} ${r.type} ${JSON.stringify(r.attributes)}`);
    }
    // and they exclude what is never public: a person's serious penalty, an organisation's grade B or C
    assert.equal(fits('person', aRecord({ type: 'admin.penalty', attributes: { tier: 'serious' } })), false);
    assert.equal(fits('organization', aRecord({ type: 'tax.credit_grade', attributes: { grade: 'B' } })), false);
    assert.equal(fits('organization', aRecord({ type: 'tax.credit_grade', attributes: { grade: 'C' } })), false);
  });
});

describe('public disclosure over HTTP', () => {
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

  const search = async (q: string) => t.app.inject({ url: `/v1/public/search?q=${encodeURIComponent(q)}` });
  const found = async (q: string) => (await search(q)).json().results;
  const page = (list: string, query = '') => t.app.inject({ url: `/v1/public/lists/${list}${query}` });

  /** Runs `body` with the clock at `at` and the projections brought up to it, then puts the clock back. */
  async function atTime(at: Date, body: () => Promise<void>): Promise<void> {
    const start = t.now;
    try {
      t.now = at;
      await reevaluateAllDue(t.registry.rt);
      await body();
    } finally {
      t.now = start;
    }
  }

  test('a public judgment default is found by identifier without a key, with the resident ID masked', async () => {
    const id = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: id, name: '王小明', document_ref: '(2026)京0108执100号' }));
    const response = await search(id);
    assert.equal(response.statusCode, 200);
    const [subject, ...rest] = response.json().results;
    assert.equal(rest.length, 0);
    assert.equal(subject.name, '王小明');
    assert.equal(subject.kind, 'person');
    assert.deepEqual(subject.identifiers, [{ scheme: 'cn-rid', id: masked(id) }]);
    assert.equal(subject.lists[0].list, 'judgment-defaulters');
    assert.equal(subject.records[0].type, 'court.judgment_default');
    assert.deepEqual(subject.records[0].agency, { id: 'haidian-court', name: 'Haidian Court' });
    assert.equal(subject.records[0].document_ref, '(2026)京0108执100号');
    assert.equal(subject.records[0].tier, 'serious');
    assert.ok(!JSON.stringify(response.json()).includes(id), 'the full resident ID never leaves');
  });

  test('a person is found by the whole name only, case-insensitively; a part of it finds no one', async () => {
    await t.file(court, aCourtRecord({ name: 'Zhao Yiming' }));
    assert.equal((await found('zhao yiming')).length, 1);
    assert.equal((await found('  ZHAO   Yiming ')).length, 1);
    assert.equal((await found('Zhao Yi')).length, 0);
    assert.equal((await found('Yiming')).length, 0);
  });

  test('an organisation is found by any part of its name and shows its identifier in full', async () => {
    const uscc = anUscc();
    await t.file(market, {
      ...aPenalty({ subjectId: uscc }),
      type: 'market.abnormal_operations',
      attributes: { reason: 'false_disclosure' },
      subject: { kind: 'organization', scheme: 'cn-uscc', id: uscc, name: '北京示例光电科技有限公司' },
    });
    const [org] = await found('示例光电');
    assert.equal(org.name, '北京示例光电科技有限公司');
    assert.deepEqual(org.identifiers, [{ scheme: 'cn-uscc', id: uscc }]);
    assert.deepEqual(org.lists, []);
    assert.equal(org.records[0].type, 'market.abnormal_operations');
    assert.equal((await found(uscc.toLowerCase())).length, 1, 'an identifier matches in its normalised form');
  });

  test('organisations rank by the whole name, then a name that starts with the query, then the rest', async () => {
    const named = (name: string) => {
      const uscc = anUscc();
      return {
        ...aPenalty({ subjectId: uscc }),
        type: 'market.abnormal_operations',
        attributes: { reason: 'false_disclosure' },
        subject: { kind: 'organization', scheme: 'cn-uscc', id: uscc, name },
      };
    };
    for (const name of ['上海远图物流有限公司', '远图物流', '远图物流（深圳）有限公司'])
      await t.file(market, named(name));
    assert.deepEqual(
      (await found('远图物流')).map((o: { name: string }) => o.name),
      ['远图物流', '远图物流（深圳）有限公司', '上海远图物流有限公司'],
    );
    assert.deepEqual(
      (await found('100%')).map((o: { name: string }) => o.name),
      [],
      'LIKE wildcards match literally',
    );
  });

  test('a subject with nothing public is not returned at all', async () => {
    const id = aResidentId();
    await t.file(
      market,
      aPenalty({
        kind: 'person',
        subjectId: id,
        tier: 'general',
        subject: { kind: 'person', scheme: 'cn-rid', id, name: '钱多多' },
      }),
    );
    assert.deepEqual(await found(id), []);
    assert.deepEqual(await found('钱多多'), []);
    const uscc = anUscc();
    await t.file(market, aPenalty({ subjectId: uscc, tier: 'general' }));
    assert.deepEqual(await found(uscc), []);
  });

  test('a person with a public and a non-public record shows only the public one', async () => {
    const id = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: id }));
    await t.file(market, aPenalty({ kind: 'person', subjectId: id, tier: 'serious' }));
    const [subject] = await found(id);
    assert.deepEqual(
      subject.records.map((r: { type: string }) => r.type),
      ['court.judgment_default'],
    );
    assert.deepEqual(
      subject.lists.map((l: { list: string }) => l.list),
      ['judgment-defaulters'],
    );
  });

  test('a record past its disclosure period disappears, even while it still counts', async () => {
    const shortId = aResidentId();
    const longId = aResidentId();
    await t.file(
      court,
      aCourtRecord({ subjectId: shortId, criterion: 'obstructs_enforcement', decided_at: '2026-10-01' }),
    );
    await t.file(court, aCourtRecord({ subjectId: longId, criterion: 'able_but_refuses', decided_at: '2026-10-01' }));
    await atTime(new Date('2028-10-02T00:00:00Z'), async () => {
      assert.deepEqual(await found(shortId), [], 'P2Y listing over');
      assert.equal((await found(longId)).length, 1, 'still inside 3 years');
    });
    await atTime(new Date('2029-10-02T00:00:00Z'), async () => {
      assert.deepEqual(await found(longId), [], 'serious tier: disclosed at most 3 years');
      const report = (
        await t.app.inject({ url: `/v1/subjects/cn-rid/${longId}/report`, headers: bearer(operator) })
      ).json();
      assert.deepEqual(
        report.lists.map((l: { list: string }) => l.list),
        ['judgment-defaulters'],
        'yet it still counts',
      );
    });
  });

  test('a revoked record disappears', async () => {
    const id = aResidentId();
    const recordId = await t.file(court, aCourtRecord({ subjectId: id }));
    assert.equal((await found(id)).length, 1);
    await revoke(recordId);
    assert.deepEqual(await found(id), []);
  });

  test('a repaired record disappears; a disputed one stays, marked as disputed', async () => {
    const repaired = aResidentId();
    const repairedRecord = await t.file(court, aCourtRecord({ subjectId: repaired }));
    await makeCommitment(t, operator, `cn-rid:${repaired}`);
    const repair = await post(operator, `/v1/records/${repairedRecord}/repairs`, {
      evidence: 'paid in full',
      performed: true,
    });
    await post(court, `/v1/repairs/${repair.repair_id}/decision`, { approve: true, reason: 'performed' });
    assert.deepEqual(await found(repaired), []);
    const disputed = aResidentId();
    const disputedRecord = await t.file(court, aCourtRecord({ subjectId: disputed }));
    await post(operator, `/v1/records/${disputedRecord}/disputes`, { statement: 'I paid' });
    const [subject] = await found(disputed);
    assert.equal(subject.records[0].under_dispute, true, 'court decisions keep counting while disputed');
  });

  async function post(key: string, url: string, payload: Record<string, unknown>) {
    const response = await t.app.inject({ method: 'POST', url, headers: bearer(key), payload });
    assert.ok(response.statusCode < 300, `${url}: ${response.body}`);
    return response.json();
  }

  const revoke = (recordId: string) => post(court, `/v1/records/${recordId}/revocation`, { reason: 'filed in error' });

  test('a public list pages its members newest first, each with the records it rests on', async () => {
    const ids = [aResidentId(), aResidentId(), aResidentId()];
    for (const [i, id] of ids.entries())
      await t.file(court, aCourtRecord({ subjectId: id, decided_at: `2026-10-2${i}` }));
    const idsOf = (body: { members: { identifiers: { id: string }[] }[] }) =>
      body.members.map((m) => m.identifiers[0]!.id);
    const all = (await page('judgment-defaulters', '?page_size=50')).json();
    assert.equal(all.total, all.members.length, 'the maintained count is what the list shows');
    const first = (await page('judgment-defaulters', '?page_size=2')).json();
    assert.equal(first.list.id, 'judgment-defaulters');
    assert.deepEqual(idsOf(first), [masked(ids[2]!), masked(ids[1]!)]);
    assert.equal(first.members[0].records[0].type, 'court.judgment_default');
    assert.match(first.members[0].identifiers[0].id, /^\d{6}\*{8}[\dX]{4}$/);
    assert.deepEqual([first.page, first.pages, first.previous], [1, Math.ceil(all.total / 2), null]);
    const since = all.members.map((m: { since: string }) => m.since);
    assert.deepEqual([...since].sort().reverse(), since);
    const pages = [first];
    while (pages.at(-1).next !== null)
      pages.push((await page('judgment-defaulters', `?page_size=2&after=${pages.at(-1).next}`)).json());
    assert.deepEqual(pages.flatMap(idsOf), idsOf(all), 'next after next: every member once, in order');
    assert.deepEqual(
      pages.map((p) => p.page),
      pages.map((_, n) => n + 1),
    );
    const last = (await page('judgment-defaulters', `?page_size=2&after=${first.last}`)).json();
    assert.deepEqual(last, { ...pages.at(-1), evaluated_at: last.evaluated_at }, 'the last page, read backwards');
    const back = (await page('judgment-defaulters', `?page_size=2&after=${last.previous}`)).json();
    assert.deepEqual(idsOf(back), idsOf(pages.at(-2)));
    assert.equal(back.page, pages.length - 1);
  });

  test(
    'a pending listing is not public until its notice period ends; ' +
      'a person on it via a non-public record never is',
    async () => {
      const org = anUscc();
      const person = aResidentId();
      await t.file(market, aListingDecision({ subjectId: org }));
      await t.file(market, aListingDecision({ kind: 'person', subjectId: person }));
      const members = async () =>
        (await page('serious-dishonesty', '?page_size=50'))
          .json()
          .members.map((m: { identifiers: { id: string }[] }) => m.identifiers[0]!.id);
      assert.ok(!(await members()).includes(org), 'pending: notice period of 30 days');
      await atTime(new Date(t.now.getTime() + 31 * DAY), async () => {
        const shown = await members();
        assert.ok(shown.includes(org));
        assert.ok(!shown.includes(masked(person)));
      });
    },
  );

  test('page_size is capped at 50, a cursor must be one of ours, an unknown list is a coded 404', async () => {
    assert.equal((await page('judgment-defaulters', '?page_size=50')).statusCode, 200);
    const tooBig = await page('judgment-defaulters', '?page_size=51');
    assert.equal(tooBig.statusCode, 400);
    assert.equal(tooBig.json().error.code, 'CRD_VALIDATION');
    assert.equal((await page('judgment-defaulters', '?page=2')).statusCode, 400, 'no offset paging');
    const forged = Buffer.from(JSON.stringify(['after', 2, 'not a date', '1'])).toString('base64url');
    for (const after of ['x!', 'bm90IGpzb24', forged]) {
      const bad = await page('judgment-defaulters', `?after=${after}`);
      assert.equal(bad.statusCode, 400, after);
      assert.equal(bad.json().error.details[0].path, 'querystring.after');
    }
    const unknown = await page('secret-list');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'CRD_LIST_NOT_FOUND');
  });

  test('a search needs at least 2 characters', async () => {
    for (const q of ['', 'a', ' 张 ']) {
      const response = await search(q);
      assert.equal(response.statusCode, 400, q);
      assert.equal(response.json().error.code, 'CRD_VALIDATION');
    }
  });

  test('each client address is rate-limited with a coded 429; other addresses are not', async () => {
    const from = (remoteAddress: string) => t.app.inject({ url: '/v1/public/search?q=nobody', remoteAddress });
    for (let i = 0; i < 60; i++) assert.equal((await from('203.0.113.7')).statusCode, 200);
    const limited = await from('203.0.113.7');
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'CRD_RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await from('203.0.113.8')).statusCode, 200);
  });

  test('public routes need no key; nothing else became public', async () => {
    assert.equal((await t.app.inject({ url: '/v1/public/transparency' })).statusCode, 200);
    assert.equal((await t.app.inject({ url: '/v1/records/1' })).statusCode, 401);
    assert.equal(
      (await t.app.inject({ method: 'POST', url: '/v1/records', payload: { records: [{}] } })).statusCode,
      401,
    );
    assert.equal((await t.app.inject({ method: 'POST', url: '/v1/decisions', payload: {} })).statusCode, 401);
    assert.equal((await t.app.inject({ url: '/v1/public/search?q=nobody' })).headers['x-ratelimit-limit'], '60');
    const openapi = (await t.app.inject({ url: '/openapi.json' })).json();
    assert.deepEqual(openapi.paths['/v1/public/search'].get.security, [], 'documented as needing no key');
    assert.equal(
      openapi.paths['/v1/records/{id}'].get.security,
      undefined,
      'the rest keep the global bearer requirement',
    );
    const decision = await t.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: bearer(operator),
      payload: { subject: { scheme: 'cn-rid', id: aResidentId() }, action: 'procurement.bid', purpose: 'procurement' },
    });
    assert.equal(decision.statusCode, 200);
    assert.equal(decision.headers['x-ratelimit-limit'], undefined, 'the decision route is not rate-limited');
  });
});
