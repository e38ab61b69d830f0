import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashKey } from '../src/services/accounts/principals.service.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let operator: string;

before(async () => {
  t = await startTestRegistry();
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
});
after(() => t.close());

describe('principals and keys', () => {
  test('credence principal add --json prints id and key; only the hash is stored', async () => {
    const { code, out } = await t.cli(
      'principal',
      'add',
      '--role',
      'relying',
      '--name',
      'Rail',
      '--actions',
      'travel.rail.high_speed',
      '--purposes',
      'ticketing',
      '--json',
    );
    assert.equal(code, 0);
    const { id, key } = JSON.parse(out);
    assert.match(key, /^crd_/);
    const row = await t.registry.rt.db
      .selectFrom('principals')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.key_hash, hashKey(key));
    assert.ok(!JSON.stringify(row).includes(key), 'the key itself is never stored');
    const listed = await t.cli('principal', 'list');
    assert.ok(listed.out.includes(id) && !listed.out.includes(key));
  });

  test('a revoked key is refused at once', async () => {
    const { out } = await t.cli('principal', 'add', '--role', 'auditor', '--name', 'Temp', '--json');
    const { id, key } = JSON.parse(out);
    assert.equal((await t.app.inject({ url: '/v1/ledger/verify', headers: bearer(key) })).statusCode, 200);
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/v1/principals/${id}/revocation`,
      headers: bearer(operator),
    });
    assert.equal(revoked.statusCode, 200);
    assert.equal((await t.app.inject({ url: '/v1/ledger/verify', headers: bearer(key) })).statusCode, 401);
  });

  test('scopes are checked when a principal is made', async () => {
    const bad = await t.cli(
      'principal',
      'add',
      '--role',
      'relying',
      '--name',
      'X',
      '--actions',
      'travel.teleport',
      '--purposes',
      'ticketing',
    );
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /CRD_UNKNOWN_ACTION/);
    const subject = await t.cli(
      'principal',
      'add',
      '--role',
      'subject',
      '--name',
      'Y',
      '--subject',
      'cn-rid:110105194912310021',
    );
    assert.match(subject.err, /CRD_INVALID_IDENTIFIER/);
    const agency = await t.cli('principal', 'add', '--role', 'agency', '--name', 'Z', '--agency-kind', 'church');
    assert.match(agency.err, /CRD_UNKNOWN_AGENCY_KIND/);
  });

  test('operators create keys over HTTP; a key is in the creation answer only', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/principals',
      headers: bearer(operator),
      payload: { role: 'agency', name: 'Chaoyang Tax Bureau', agency_kind: 'tax' },
    });
    assert.equal(created.statusCode, 201);
    assert.match(created.json().key, /^crd_/);
    assert.equal(created.json().agency_kind, 'tax');
    const list = await t.app.inject({ url: '/v1/principals', headers: bearer(operator) });
    assert.ok(!list.body.includes(created.json().key));
    const notOperator = await t.app.inject({
      method: 'POST',
      url: '/v1/principals',
      headers: bearer(created.json().key),
      payload: { role: 'operator', name: 'me' },
    });
    assert.equal(notOperator.statusCode, 403);
  });
});

/** How to reach the agency, as stored. */
const contactOf = async (agencyId: string) =>
  (await t.registry.rt.db.selectFrom('agencies').select('contact').where('id', '=', agencyId).executeTakeFirstOrThrow())
    .contact;

describe('agency contacts (issue 11: the exit route says how to reach the agency)', () => {
  test('an agency registered with a contact keeps it; the CLI and the API take it, in both languages', async () => {
    const cli = await t.cli(
      'principal',
      'add',
      ...['--role', 'agency', '--name', 'Xicheng Court', '--agency-kind', 'court', '--agency', 'xicheng-court'],
      ...['--contact-en', 'Enforcement office', '--contact-zh', '执行局', '--phone', '12368'],
    );
    assert.equal(cli.code, 0, cli.err);
    assert.deepEqual(await contactOf('xicheng-court'), { en: 'Enforcement office', zh: '执行局', phone: '12368' });
    const address = { en: '1 Tax Road', zh: '税务路1号' };
    const api = await t.app.inject({
      method: 'POST',
      url: '/v1/principals',
      headers: bearer(operator),
      payload: {
        role: 'agency',
        name: 'Xicheng Tax',
        agency_kind: 'tax',
        agency_id: 'xicheng-tax',
        agency_contact: { en: 'Tax hall', zh: '办税服务厅', address },
      },
    });
    assert.equal(api.statusCode, 201, api.body);
    assert.deepEqual(await contactOf('xicheng-tax'), { en: 'Tax hall', zh: '办税服务厅', address });
  });

  test('a contact in one language only is refused', async () => {
    const cli = await t.cli(
      'principal',
      'add',
      ...['--role', 'agency', '--name', 'Half', '--agency-kind', 'court', '--contact-en', 'Office'],
    );
    assert.match(cli.err, /CRD_VALIDATION/);
    const api = await t.app.inject({
      method: 'POST',
      url: '/v1/principals',
      headers: bearer(operator),
      payload: { role: 'agency', name: 'Half', agency_kind: 'court', agency_contact: { en: 'Office' } },
    });
    assert.equal(api.statusCode, 400);
  });
});

describe('editing an agency contact (an operator; a ledger event, as its registration)', () => {
  const changes = async (agencyId: string) =>
    (
      await t.registry.rt.db
        .selectFrom('ledger')
        .select('payload')
        .where('type', '=', 'agency.contact_changed')
        .execute()
    )
      .map((e) => JSON.parse(e.payload))
      .filter((p) => p.agency_id === agencyId);
  const put = (agencyId: string, contact: unknown, key = operator, language = 'en') =>
    t.app.inject({
      method: 'PUT',
      url: `/v1/agencies/${agencyId}/contact`,
      headers: { ...bearer(key), 'accept-language': language },
      payload: { contact },
    });
  const moved = {
    en: 'Enforcement office, room 2',
    zh: '执行局二室',
    phone: '010-12368',
    address: { en: '9 Court St', zh: '法院街9号' },
  };

  test('PUT /v1/agencies/{id}/contact replaces it, once in the ledger; the same again appends nothing', async () => {
    await t.keyFor({ role: 'agency', name: 'Chaoyang Court', agency_kind: 'court', agency_id: 'chaoyang-court' });
    const changed = await put('chaoyang-court', moved);
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual(changed.json(), {
      agency_id: 'chaoyang-court',
      kind: 'court',
      name: 'Chaoyang Court',
      contact: moved,
    });
    assert.deepEqual(await contactOf('chaoyang-court'), moved);
    assert.equal((await put('chaoyang-court', moved)).statusCode, 200);
    assert.deepEqual(await changes('chaoyang-court'), [{ agency_id: 'chaoyang-court', contact: moved }]);
    const removed = await put('chaoyang-court', null);
    assert.equal(removed.json().contact, null);
    assert.equal(await contactOf('chaoyang-court'), null);
    assert.equal((await changes('chaoyang-court')).length, 2);
  });

  test('refused: another role, an unknown agency, one language only (coded, in the reader’s language)', async () => {
    await t.keyFor({ role: 'agency', name: 'Dongcheng Court', agency_kind: 'court', agency_id: 'dongcheng-court' });
    const agency = await t.keyFor({ role: 'agency', name: 'Fengtai Court', agency_kind: 'court' });
    const auditor = await t.keyFor({ role: 'auditor', name: 'audit' });
    assert.equal((await put('dongcheng-court', moved, agency)).statusCode, 403);
    assert.equal((await put('dongcheng-court', moved, auditor)).statusCode, 403);
    const unknown = await put('no-such-agency', moved);
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'CRD_AGENCY_NOT_FOUND');
    const half = await put(
      'dongcheng-court',
      { en: 'Office', zh: '  ', address: { en: 'Road 1', zh: ' ' } },
      operator,
      'zh-CN',
    );
    assert.equal(half.statusCode, 400);
    assert.equal(half.json().error.code, 'CRD_VALIDATION');
    const details = half.json().error.details as { path: string; message: string }[];
    assert.deepEqual(
      details.map((d) => d.path),
      ['contact', 'contact.address'],
    );
    assert.match(details[0]!.message, /须同时填写中文和英文/);
    const phone = await put('dongcheng-court', { ...moved, phone: 'call us' });
    assert.equal(phone.statusCode, 400);
    assert.equal(phone.json().error.details[0].path, 'body.contact.phone');
    assert.equal(await contactOf('dongcheng-court'), null, 'nothing changed');
    assert.deepEqual(await changes('dongcheng-court'), []);
  });

  test('credence agency contact sets and removes it; a replay applies the changes in order', async () => {
    await t.keyFor({ role: 'agency', name: 'Shunyi Tax', agency_kind: 'tax', agency_id: 'shunyi-tax' });
    const set = await t.cli(
      'agency',
      'contact',
      'shunyi-tax',
      ...['--contact-en', 'Tax hall', '--contact-zh', '办税服务厅', '--phone', '12366'],
    );
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /shunyi-tax \(Shunyi Tax\) is now: Tax hall/);
    assert.deepEqual(await contactOf('shunyi-tax'), { en: 'Tax hall', zh: '办税服务厅', phone: '12366' });
    assert.equal((await t.cli('agency', 'contact', 'shunyi-tax')).code, 2, 'neither a contact nor --remove');
    const half = await t.cli('agency', 'contact', 'shunyi-tax', '--contact-en', 'Hall');
    assert.match(half.err, /CRD_VALIDATION/);
    assert.equal((await t.cli('agency', 'contact', 'shunyi-tax', '--remove')).code, 0);
    assert.equal(await contactOf('shunyi-tax'), null);
    const again = await t.cli(
      'agency',
      'contact',
      'shunyi-tax',
      '--contact-en',
      'Hall 2',
      '--contact-zh',
      '二厅',
      '--json',
    );
    assert.equal(JSON.parse(again.out).contact.en, 'Hall 2');
    await t.registry.rt.db.updateTable('agencies').set({ contact: null }).where('id', '=', 'shunyi-tax').execute();
    const replay = await t.cli('ledger', 'replay');
    assert.equal(replay.code, 0, replay.err);
    assert.deepEqual(await contactOf('shunyi-tax'), { en: 'Hall 2', zh: '二厅' }, 'the last change, from the ledger');
  });
});

describe('the command line', () => {
  test('--help lists the commands', async () => {
    const { code, out } = await t.cli('--help');
    assert.equal(code, 0);
    for (const command of ['serve', 'db migrate', 'policy check', 'principal add', 'ledger verify', 'ledger replay'])
      assert.ok(out.includes(command), command);
  });

  test('policy check prints every problem and exits non-zero for a broken policy', async () => {
    const good = await t.cli('policy', 'check', 'policies/default');
    assert.equal(good.code, 0, good.err);
    const bad = await t.cli('policy', 'check', 'test/fixtures/policies/yaml-syntax-error');
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /CRD_POLICY_INVALID/);
  });

  test('ledger verify reports a sound chain', async () => {
    const { code, out } = await t.cli('ledger', 'verify');
    assert.equal(code, 0);
    assert.match(out, /Ledger OK: \d+ events/);
  });

  test('an unknown command is a usage error', async () => {
    const { code, err } = await t.cli('frobnicate');
    assert.equal(code, 2);
    assert.match(err, /CRD_USAGE/);
  });
});

describe('public and protected routes', () => {
  test('health and OpenAPI need no key; everything else does', async () => {
    assert.equal((await t.app.inject({ url: '/health' })).statusCode, 200);
    const openapi = await t.app.inject({ url: '/openapi.json' });
    assert.equal(openapi.statusCode, 200);
    assert.ok(openapi.json().paths['/v1/decisions']);
    for (const url of ['/metrics', '/v1/policy', '/v1/principals', '/v1/ledger/verify']) {
      assert.equal((await t.app.inject({ url })).statusCode, 401, url);
    }
    const unknown = await t.app.inject({ url: '/v1/nothing-here', headers: bearer(operator) });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'CRD_NOT_FOUND');
    const metrics = await t.app.inject({ url: '/metrics', headers: bearer(operator) });
    assert.match(metrics.body, /credence_decision_index_entries/);
  });
});
