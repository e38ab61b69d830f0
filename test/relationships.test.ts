/**
 * Related persons (Fa Shi [2015] 17 art. 3 para. 2; Fa Shi [2017] 7 art. 6): the market-registration authority
 * files a person's role in an organisation; a measure whose `binds_related` cites the law binds the person while
 * the organisation is listed, and a court may exempt personal spending from personal funds.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { replayLedger } from '../src/services/ledger/replay.service.ts';
import { runJobs } from '../src/services/runtime/jobs.service.ts';
import { policyFromStore } from '../src/services/runtime/open-registry.ts';
import { parsePolicyText, readPolicyFiles, validatePolicyDocument } from '../src/policy/index.ts';
import { aCourtRecord, aRelationship, aResidentId, aSpendingExemption, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let market: string;
let court: string;
let operator: string;
let railway: string;

before(async () => {
  t = await startTestRegistry();
  market = await t.keyFor({ role: 'agency', name: 'Haidian Market Regulation', agency_kind: 'market' });
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
  railway = await t.keyFor({
    role: 'relying',
    name: '12306',
    actions: ['travel.rail.high_speed', 'travel.air'],
    purposes: ['ticketing'],
  });
});
after(() => t.close());

const fileRelationships = async (key: string, items: Record<string, unknown>[]) =>
  t.app.inject({ method: 'POST', url: '/v1/relationships', headers: bearer(key), payload: { relationships: items } });

async function relate(item: Record<string, unknown>): Promise<string> {
  const response = await fileRelationships(market, [item]);
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.json().accepted.length, 1, response.body);
  return response.json().accepted[0].relationship_id;
}

const decide = async (scheme: string, id: string, action = 'travel.rail.high_speed') =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: bearer(railway),
      payload: { subject: { scheme, id }, action, purpose: 'ticketing' },
    })
  ).json();

const revoke = (id: string, key = market) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/relationships/${id}/revocation`,
    headers: bearer(key),
    payload: { reason: 'the registration changed' },
  });

/** An organisation listed as a dishonest judgment debtor, and its legal representative. */
async function aListedOrganizationWithItsRepresentative() {
  const organization = anUscc();
  const person = aResidentId();
  const relationship = await relate(aRelationship({ organizationId: organization, personId: person }));
  const listing = await t.file(court, aCourtRecord({ kind: 'organization', subjectId: organization }));
  return { organization, person, relationship, listing };
}

describe('filing relationships', () => {
  test(
    'a market agency files a relationship; a retry is a duplicate, ' + 'other content under its source_ref a conflict',
    async () => {
      const item = aRelationship();
      const first = (await fileRelationships(market, [item])).json();
      assert.equal(first.accepted[0].status, 'created');
      const again = (await fileRelationships(market, [item, item])).json();
      assert.deepEqual(
        again.accepted.map((a: { status: string; relationship_id: string }) => [a.status, a.relationship_id]),
        [
          ['duplicate', first.accepted[0].relationship_id],
          ['duplicate', first.accepted[0].relationship_id],
        ],
      );
      const changed = (await fileRelationships(market, [{ ...item, role: 'principal' }])).json();
      assert.equal(changed.rejected[0].errors[0].code, 'CRD_SOURCE_REF_CONFLICT');
      const events = await t.registry.rt.db
        .selectFrom('ledger')
        .select('payload')
        .where('type', '=', 'relationship.filed')
        .execute();
      assert.equal(events.length, 1);
      assert.equal(JSON.parse(events[0]!.payload).relationship.role, 'legal_representative');
    },
  );

  test(
    'only the agency kinds the policy names file relationships; ' + 'bad items are rejected with coded errors',
    async () => {
      const byCourt = (await fileRelationships(court, [aRelationship()])).json();
      assert.equal(byCourt.rejected[0].errors[0].code, 'CRD_RELATIONSHIP_NOT_GRANTED');
      const bad = (
        await fileRelationships(market, [
          aRelationship({ role: 'shareholder' }),
          aRelationship({ person: { scheme: 'cn-uscc', id: anUscc(), name: 'x' } }),
          aRelationship({ organization: { scheme: 'cn-uscc', id: '91110000000000000X', name: 'x' } }),
          aRelationship({ from: '2026-05-01', until: '2026-01-01' }),
          aRelationship(),
        ])
      ).json();
      const codes = bad.rejected.map((r: { index: number; errors: { code: string; path: string }[] }) => [
        r.index,
        r.errors[0]!.code,
        r.errors[0]!.path,
      ]);
      assert.deepEqual(codes, [
        [0, 'CRD_VALIDATION', 'role'],
        [1, 'CRD_SUBJECT_KIND_MISMATCH', 'person.scheme'],
        [2, 'CRD_INVALID_IDENTIFIER', 'organization.id'],
        [3, 'CRD_INVALID_DATE', 'until'],
      ]);
      assert.equal(bad.accepted.length, 1);
      assert.equal(bad.accepted[0].index, 4);
      // Rejections in the reader's language, as records' are: the code stays, the sentence is Chinese.
      const zh = await t.app.inject({
        method: 'POST',
        url: '/v1/relationships',
        headers: { ...bearer(market), 'accept-language': 'zh' },
        payload: {
          relationships: [aRelationship({ organization: { scheme: 'cn-uscc', id: '91110000000000000X', name: 'x' } })],
        },
      });
      const problem = zh.json().rejected[0].errors[0];
      assert.equal(problem.code, 'CRD_INVALID_IDENTIFIER');
      assert.match(problem.message, /[\u4e00-\u9fff]/, problem.message);
    },
  );

  test('a relationship names the subjects already registered by their identifiers, never new ones', async () => {
    const person = aResidentId();
    const organization = anUscc();
    await t.file(court, aCourtRecord({ subjectId: person }));
    await relate(aRelationship({ organizationId: organization, personId: person }));
    await relate(aRelationship({ organizationId: organization, role: 'principal' }));
    const ids = await t.registry.rt.db
      .selectFrom('subject_identifiers')
      .select(['value', 'subject_id'])
      .where('value', 'in', [person, organization])
      .execute();
    assert.equal(ids.length, 2);
    const rows = await t.registry.rt.db
      .selectFrom('relationships')
      .select(['person_id', 'organization_id'])
      .where('organization_id', '=', ids.find((i) => i.value === organization)!.subject_id)
      .execute();
    assert.equal(rows.length, 2);
    assert.ok(rows.some((r) => r.person_id === ids.find((i) => i.value === person)!.subject_id));
  });
});

describe('Fa Shi [2015] 17 art. 3 para. 2: measures bind related persons where the law says so', () => {
  test(
    "a listed organisation's legal representative may not buy a G-series ticket; the " +
      'decision names the organisation, the relationship and the law',
    async () => {
      const { organization, person, relationship } = await aListedOrganizationWithItsRepresentative();
      const decision = await decide('cn-rid', person);
      assert.equal(decision.outcome, 'deny');
      const measure = decision.measures.find((m: { related?: unknown }) => m.related !== undefined);
      assert.equal(measure.id, 'judgment-defaulters.high-consumption.rail');
      assert.equal(measure.list, 'judgment-defaulters');
      assert.deepEqual(measure.related, {
        relationship_id: relationship,
        role: 'legal_representative',
        organization: { scheme: 'cn-uscc', id: organization, name: '北京某某科技有限公司' },
      });
      assert.match(measure.legal_basis, /art\. 3 para\. 2/);
      const reason = decision.reasons.join('\n');
      assert.match(reason, /legal representative/);
      assert.match(reason, new RegExp(`relationship ${relationship}`));
      assert.match(reason, new RegExp(organization));
      assert.match(reason, /art\. 3 para\. 2/);
      const zh = (
        await t.app.inject({
          method: 'POST',
          url: '/v1/decisions',
          headers: { ...bearer(railway), 'accept-language': 'zh' },
          payload: {
            subject: { scheme: 'cn-rid', id: person },
            action: 'travel.rail.high_speed',
            purpose: 'ticketing',
          },
        })
      ).json();
      assert.match(zh.measures.find((m: { related?: unknown }) => m.related !== undefined).legal_basis, /第三条第二款/);
      assert.equal((await decide('cn-uscc', organization)).outcome, 'deny');
      assert.equal((await decide('cn-rid', aResidentId())).outcome, 'allow');
    },
  );

  test('every role the law names is bound; the relationship alone binds no one', async () => {
    const organization = anUscc();
    const persons = ['principal', 'directly_responsible', 'actual_controller'].map((role) => ({
      role,
      id: aResidentId(),
    }));
    for (const p of persons)
      await relate(aRelationship({ organizationId: organization, personId: p.id, role: p.role }));
    for (const p of persons) assert.equal((await decide('cn-rid', p.id)).outcome, 'allow', `${p.role} before listing`);
    await t.file(court, aCourtRecord({ kind: 'organization', subjectId: organization }));
    for (const p of persons) assert.equal((await decide('cn-rid', p.id)).outcome, 'deny', p.role);
  });

  test('an organisation leaves the list: its related persons are released at once', async () => {
    const { person, listing } = await aListedOrganizationWithItsRepresentative();
    assert.equal((await decide('cn-rid', person)).outcome, 'deny');
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/v1/records/${listing}/revocation`,
      headers: bearer(court),
      payload: { reason: 'listed in error' },
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal((await decide('cn-rid', person)).outcome, 'allow');
  });

  test('a relationship that has ended, or not yet begun, binds no one', async () => {
    const organization = anUscc();
    const ended = aResidentId();
    const later = aResidentId();
    await relate(
      aRelationship({ organizationId: organization, personId: ended, from: '2020-01-01', until: '2025-01-01' }),
    );
    await relate(aRelationship({ organizationId: organization, personId: later, from: '2027-06-01' }));
    await t.file(court, aCourtRecord({ kind: 'organization', subjectId: organization }));
    assert.equal((await decide('cn-rid', ended)).outcome, 'allow');
    assert.equal((await decide('cn-rid', later)).outcome, 'allow');
  });

  test(
    'revoking a relationship ends its measures at once; the ' + 'person is told on filing and on revocation',
    async () => {
      const { organization, person, relationship } = await aListedOrganizationWithItsRepresentative();
      assert.equal((await revoke(relationship, court)).statusCode, 404);
      const response = await revoke(relationship);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().relationship.status, 'revoked');
      assert.equal((await decide('cn-rid', person)).outcome, 'allow');
      assert.equal((await revoke(relationship)).json().relationship.status, 'revoked');

      const notices = async (language: string) =>
        (
          await t.app.inject({
            url: `/v1/subjects/cn-rid/${person}/notices`,
            headers: { ...bearer(operator), 'accept-language': language },
          })
        ).json().notices as { kind: string; what: string; consequences: { measure: string }[] }[];
      const en = await notices('en');
      const filed = en.find((n) => n.kind === 'relationship.filed')!;
      assert.match(filed.what, /legal representative of 北京某某科技有限公司/);
      assert.match(filed.what, new RegExp(organization));
      const revokedNotice = en.find((n) => n.kind === 'relationship.revoked')!;
      assert.match(revokedNotice.what, /the registration changed/);
      // Told when the organisation's listing started to bind them, and when it stopped.
      const started = en.find((n) => n.kind === 'related.started')!;
      assert.match(started.what, /is on Dishonest judgment debtors and you are registered as its legal representative/);
      assert.ok(started.consequences.some((c) => c.measure === 'judgment-defaulters.high-consumption.rail'));
      assert.ok(en.some((n) => n.kind === 'related.ended'));
      const zh = await notices('zh-CN');
      assert.match(
        zh.find((n) => n.kind === 'relationship.filed')!.what,
        /北京某某科技有限公司（cn-uscc:.*）的法定代表人/,
      );
    },
  );

  test(
    'art. 3 para. 2: a court permission for personal spending from ' +
      'personal funds lifts the measures for that person only',
    async () => {
      const { organization, person } = await aListedOrganizationWithItsRepresentative();
      const colleague = aResidentId();
      await relate(aRelationship({ organizationId: organization, personId: colleague, role: 'principal' }));
      const exemption = await t.file(court, aSpendingExemption({ organizationId: organization, personId: person }));
      assert.equal((await decide('cn-rid', person)).outcome, 'allow');
      assert.equal((await decide('cn-rid', colleague)).outcome, 'deny');
      assert.equal((await decide('cn-uscc', organization)).outcome, 'deny');
      await t.app.inject({
        method: 'POST',
        url: `/v1/records/${exemption}/revocation`,
        headers: bearer(court),
        payload: { reason: 'permission withdrawn' },
      });
      assert.equal((await decide('cn-rid', person)).outcome, 'deny');
    },
  );

  test('a relationship reaching its end releases the person when the scheduler re-evaluates them', async () => {
    const organization = anUscc();
    const person = aResidentId();
    await relate(aRelationship({ organizationId: organization, personId: person, until: '2026-12-01' }));
    await t.file(court, aCourtRecord({ kind: 'organization', subjectId: organization }));
    assert.equal((await decide('cn-rid', person)).outcome, 'deny');
    const start = t.now;
    try {
      t.now = new Date('2026-12-02T00:00:00Z');
      await runJobs({ ctx: t.registry.rt, webhook: null }, t.now);
      assert.equal((await decide('cn-rid', person)).outcome, 'allow');
    } finally {
      t.now = start;
    }
  });

  test('the decision index, rebuilt from the projections, decides related persons alike', async () => {
    const { person } = await aListedOrganizationWithItsRepresentative();
    await t.registry.follower.warm();
    const decision = await decide('cn-rid', person);
    assert.equal(decision.outcome, 'deny');
    assert.ok(decision.measures.some((m: { related?: unknown }) => m.related !== undefined));
  });

  test('a ledger replay rebuilds identical projections, relationships included', async () => {
    const { relationship } = await aListedOrganizationWithItsRepresentative();
    await revoke(relationship);
    const snapshot = await t.snapshot();
    assert.ok((snapshot.relationships ?? []).length > 0);
    await replayLedger(t.registry.rt, (digest) => policyFromStore(t.registry.database, digest));
    assert.deepEqual(await t.snapshot(), snapshot);
  });
});

describe('reports and the public register show relationships', () => {
  test("both sides' reports show the relationship; the person's shows the measures binding them", async () => {
    const { organization, person, relationship } = await aListedOrganizationWithItsRepresentative();
    const report = async (scheme: string, id: string) =>
      (await t.app.inject({ url: `/v1/subjects/${scheme}/${id}/report`, headers: bearer(operator) })).json();
    const own = await report('cn-rid', person);
    assert.deepEqual(
      own.relationships.map((r: { relationship_id: string; role: string }) => [r.relationship_id, r.role]),
      [[relationship, 'legal_representative']],
    );
    assert.equal(own.relationships[0].organization.id, organization);
    assert.ok(
      own.measures.some((m: { related?: { relationship_id: string } }) => m.related?.relationship_id === relationship),
    );
    const theirs = await report('cn-uscc', organization);
    assert.equal(theirs.relationships[0].person.name, '李四');
    assert.notEqual(theirs.relationships[0].person.id, person, "the organisation's file masks the person's ID");
    assert.equal(theirs.relationships[0].relationship_id, relationship);
  });

  test("Fa Shi [2017] 7 art. 6(1): the public register names a listed organisation's representative", async () => {
    const { organization, person } = await aListedOrganizationWithItsRepresentative();
    await relate(aRelationship({ organizationId: organization, role: 'actual_controller' }));
    const search = (await t.app.inject({ url: `/v1/public/search?q=${organization}` })).json();
    const result = search.results.find((r: { identifiers: { id: string }[] }) =>
      r.identifiers.some((i) => i.id === organization),
    );
    assert.deepEqual(result.related_persons, [
      { role: 'legal_representative', role_name: 'legal representative', name: '李四' },
    ]);
    assert.ok(!JSON.stringify(search).includes(person), "the person's identifier is never published");
    const list = (await t.app.inject({ url: '/v1/public/lists/judgment-defaulters?page_size=50' })).json();
    const member = list.members.find((m: { identifiers: { id: string }[] }) =>
      m.identifiers.some((i) => i.id === organization),
    );
    assert.equal(member?.related_persons[0]?.name, '李四', JSON.stringify(list).slice(0, 400));
  });
});

describe('the policy may bind related persons only where it cites the law', () => {
  test('the loader refuses binds_related on a reward or a grade measure, and unknown roles', async () => {
    const parsed = parsePolicyText(await readPolicyFiles('policies/default'));
    const document = structuredClone(parsed.document) as Record<string, any>;
    const related = document.measures['judgment-defaulters.high-consumption.rail'].binds_related;
    document.measures['red-list.permits'].binds_related = related;
    document.measures['grades.top.permits'].binds_related = related;
    document.measures['judgment-defaulters.procurement'].binds_related = { ...related, roles: ['shareholder'] };
    document.measures['judgment-defaulters.high-consumption.transport'].binds_related = { roles: related.roles };
    const paths = validatePolicyDocument(document).problems.map((p) => p.path);
    for (const path of [
      'measures["red-list.permits"].binds_related',
      'measures["grades.top.permits"].binds_related',
      'measures["judgment-defaulters.procurement"].binds_related.roles[0]',
      'measures["judgment-defaulters.high-consumption.transport"].binds_related',
    ])
      assert.ok(
        paths.some((p) => p.startsWith(path)),
        `${path} not refused: ${paths.join(', ')}`,
      );
  });
});
