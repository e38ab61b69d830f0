/**
 * Policy texts in the API reader's language (issue 11): a decision, a report and the public register give the
 * policy's names, legal bases and exit routes in the language of Accept-Language (English by default), ids and
 * codes unchanged; the OpenAPI document says so.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { aCourtRecord, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

const HAN = /[\u4e00-\u9fff]/;

let t: TestRegistry;
let court: string;
let relying: string;
let operator: string;
let listed: string;

before(async () => {
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
  relying = await t.keyFor({
    role: 'relying',
    name: 'Air China',
    actions: ['travel.air.premium_class'],
    purposes: ['ticketing'],
  });
  listed = aResidentId();
  await t.file(court, aCourtRecord({ subjectId: listed }));
});
after(() => t.close());

const zh = { 'accept-language': 'zh-CN,zh;q=0.9' };

describe('the API speaks the reader’s language', () => {
  test('a decision names its action and each measure’s list and legal basis in Chinese, ids unchanged', async () => {
    const ask = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/decisions',
        headers: { ...bearer(relying), ...headers },
        payload: {
          subject: { scheme: 'cn-rid', id: listed },
          action: 'travel.air.premium_class',
          purpose: 'ticketing',
        },
      });
    const en = (await ask({})).json();
    const cn = (await ask(zh)).json();
    assert.equal(en.outcome, 'deny');
    assert.equal(cn.action, 'travel.air.premium_class');
    assert.match(cn.action_name, HAN);
    assert.doesNotMatch(en.action_name, HAN);
    assert.equal(cn.measures[0].list, 'judgment-defaulters');
    assert.equal(cn.measures[0].list_name, '失信被执行人名单');
    assert.equal(en.measures[0].list_name, 'Dishonest judgment debtors');
    assert.match(cn.measures[0].legal_basis, /法释〔2015〕17号/);
    assert.match(en.measures[0].legal_basis, /Fa Shi \[2015\] 17/);
    // The reasons too: one per measure, in Chinese, naming the list and the law; no English word left but ids.
    assert.equal(cn.reasons.length, en.reasons.length);
    for (const reason of cn.reasons as string[]) {
      assert.match(reason, /^拒绝“乘坐飞机经济舱以上舱位”：列入失信被执行人名单/);
      assert.match(reason, /法释〔2015〕17号/);
      const words = (reason.match(/[A-Za-z][A-Za-z.-]{3,}/g) ?? []).filter((w) => !/^judgment-defaulters\./.test(w));
      assert.deepEqual(words, [], reason);
    }
    assert.match(en.reasons[0], /^deny travel\.air\.premium_class: listed on judgment-defaulters/);
  });

  test('a report gives each list’s name, legal basis and exit route, and each record type, in Chinese', async () => {
    const url = `/v1/subjects/cn-rid/${listed}/report`;
    const report = (await t.app.inject({ url, headers: { ...bearer(operator), ...zh } })).json();
    const list = report.lists.find((l: { list: string }) => l.list === 'judgment-defaulters');
    assert.equal(list.list_name, '失信被执行人名单');
    assert.match(list.legal_basis, HAN);
    assert.match(list.exit, /执行法院/);
    assert.match(report.measures[0].legal_basis, HAN);
    assert.equal(report.records[0].record_type_name, '失信被执行人');
    const english = (await t.app.inject({ url, headers: bearer(operator) })).json();
    assert.match(english.lists[0].exit, /Perform what the judgment orders/);
  });

  test('the public register names its lists in Chinese', async () => {
    const list = (await t.app.inject({ url: '/v1/public/lists/judgment-defaulters', headers: zh })).json();
    assert.equal(list.list.name, '失信被执行人名单');
    const transparency = (await t.app.inject({ url: '/v1/public/transparency', headers: zh })).json();
    assert.ok(transparency.lists.every((l: { name: string }) => HAN.test(l.name)));
  });

  test('the OpenAPI document describes the Accept-Language header', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    const parameters = doc.paths['/v1/decisions'].post.parameters as { name: string; in: string }[];
    assert.ok(parameters.some((p) => p.in === 'header' && p.name === 'accept-language'));
    assert.match(doc.components.schemas.Error.description, /Accept-Language/);
  });
});
