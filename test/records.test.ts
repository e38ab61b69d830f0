import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { aCourtRecord, aPenalty, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let court: string;
let tax: string;
let relying: string;

before(async () => {
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  tax = await t.keyFor({ role: 'agency', name: 'Beijing Tax', agency_kind: 'tax' });
  relying = await t.keyFor({
    role: 'relying',
    name: 'Air',
    actions: ['travel.air.premium_class'],
    purposes: ['ticketing'],
  });
});
after(() => t.close());

const file = (key: string, records: unknown[]) =>
  t.app.inject({ method: 'POST', url: '/v1/records', headers: bearer(key), payload: { records } });

describe('POST /v1/records', () => {
  test('accepts valid records and answers with their ids', async () => {
    const response = await file(court, [aCourtRecord(), aCourtRecord({ kind: 'organization' })]);
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.accepted.length, 2);
    assert.deepEqual(
      body.accepted.map((a: { status: string }) => a.status),
      ['created', 'created'],
    );
    assert.deepEqual(body.rejected, []);
  });

  test(
    'a retry is a duplicate with the same record id; ' + 'other content under the same source_ref is a conflict',
    async () => {
      const record = aCourtRecord();
      const first = (await file(court, [record])).json();
      const retry = (await file(court, [record])).json();
      assert.equal(retry.accepted[0].status, 'duplicate');
      assert.equal(retry.accepted[0].record_id, first.accepted[0].record_id);
      const conflict = (await file(court, [{ ...record, summary: 'changed' }])).json();
      assert.equal(conflict.rejected[0].errors[0].code, 'CRD_SOURCE_REF_CONFLICT');
      const count = await t.registry.rt.db
        .selectFrom('records')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('source_ref', '=', record.source_ref as string)
        .executeTakeFirst();
      assert.equal(Number(count?.n), 1);
    },
  );

  test('the same source_ref twice in one batch is one record', async () => {
    const record = aCourtRecord();
    const body = (await file(court, [record, record])).json();
    assert.deepEqual(
      body.accepted.map((a: { status: string }) => a.status),
      ['created', 'duplicate'],
    );
    assert.equal(body.accepted[0].record_id, body.accepted[1].record_id);
  });

  test('rejects bad items with every problem and its path, and files the good ones', async () => {
    const bad = aCourtRecord({
      subjectId: '110105194912310021',
      decided_at: 'yesterday',
      attributes: { criterion: 'rude' },
    });
    const body = (await file(court, [aCourtRecord(), bad])).json();
    assert.equal(body.accepted.length, 1);
    assert.equal(body.rejected[0].index, 1);
    const paths = body.rejected[0].errors.map((e: { path: string }) => e.path).sort();
    assert.deepEqual(paths, ['attributes.criterion', 'decided_at', 'subject.id']);
    assert.equal(
      body.rejected[0].errors.find((e: { path: string }) => e.path === 'subject.id').code,
      'CRD_INVALID_IDENTIFIER',
    );
  });

  test('an agency may file only the record types its kind is granted', async () => {
    const body = (await file(tax, [aCourtRecord()])).json();
    assert.equal(body.rejected[0].errors[0].code, 'CRD_RECORD_TYPE_NOT_GRANTED');
    const penalty = (await file(tax, [aPenalty()])).json();
    assert.equal(penalty.accepted.length, 1, 'every agency kind may file admin.penalty');
  });

  test('a different name for a known identifier is kept as a flagged variant, never merged', async () => {
    const id = aResidentId();
    await file(court, [aCourtRecord({ subjectId: id, name: '李四' })]);
    await file(court, [aCourtRecord({ subjectId: id, name: '李 四', criterion: 'refuses_settlement' })]);
    const subjects = await t.registry.rt.db
      .selectFrom('subject_identifiers')
      .selectAll()
      .where('value', '=', id)
      .execute();
    assert.equal(subjects.length, 1);
    const variants = await t.registry.rt.db
      .selectFrom('subject_names')
      .select('name')
      .where('subject_id', '=', subjects[0]!.subject_id)
      .execute();
    assert.deepEqual(
      variants.map((v) => v.name),
      ['李 四'],
    );
  });

  test('bad requests get coded 4xx errors, never 500', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: { ...bearer(court), 'content-type': 'application/json' },
      payload: '{"records": [',
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error.code, 'CRD_MALFORMED_JSON');
    const wrongType = await t.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: { ...bearer(court), 'content-type': 'text/plain' },
      payload: 'records',
    });
    assert.equal(wrongType.statusCode, 415);
    assert.equal(wrongType.json().error.code, 'CRD_UNSUPPORTED_MEDIA_TYPE');
    const tooMany = await file(
      court,
      Array.from({ length: 10_001 }, () => ({})),
    );
    assert.equal(tooMany.statusCode, 413);
    assert.equal(tooMany.json().error.code, 'CRD_TOO_MANY_ITEMS');
    const notAnArray = await t.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: bearer(court),
      payload: { records: 'x' },
    });
    assert.equal(notAnArray.statusCode, 400);
    assert.equal(notAnArray.json().error.code, 'CRD_VALIDATION');
    assert.match(notAnArray.json().error.details[0].path, /records/);
  });

  test('requires an agency key', async () => {
    assert.equal(
      (await t.app.inject({ method: 'POST', url: '/v1/records', payload: { records: [aCourtRecord()] } })).statusCode,
      401,
    );
    assert.equal((await file('crd_not-a-key', [aCourtRecord()])).statusCode, 401);
    const forbidden = await file(relying, [aCourtRecord()]);
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.json().error.code, 'CRD_FORBIDDEN');
  });

  test('an agency reads its own records only', async () => {
    const id = (await file(court, [aCourtRecord()])).json().accepted[0].record_id;
    assert.equal((await t.app.inject({ url: `/v1/records/${id}`, headers: bearer(court) })).statusCode, 200);
    assert.equal((await t.app.inject({ url: `/v1/records/${id}`, headers: bearer(tax) })).statusCode, 404);
    const reads = await t.registry.rt.db
      .selectFrom('inquiries')
      .selectAll()
      .where('kind', '=', 'record')
      .where('purpose', '=', `record ${id}`)
      .execute();
    assert.equal(reads.length, 1, 'the read of personal data is logged; the refused one is not');
  });
});
