import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { formatDateTime, formatDay, formatDuration } from '../src/domain/local-time.ts';
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

const noticesOf = async (id: string, headers: Record<string, string> = {}) =>
  (
    await t.app.inject({ url: `/v1/subjects/cn-rid/${id}/notices`, headers: { ...bearer(operator), ...headers } })
  ).json().notices as { kind: string; what: string; how_to_dispute: string | null; params: unknown; list_id: string }[];

const CHINESE_DAY = /\d{4}年\d{1,2}月\d{1,2}日/;

describe('notices as data, in the reader’s language', () => {
  test('a notice read in Chinese names the list in Chinese and writes its dates in Chinese form', async () => {
    const id = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: id }));
    const started = (await noticesOf(id, { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' })).find(
      (n) => n.kind === 'list.started',
    )!;
    assert.equal(started.list_id, 'judgment-defaulters');
    assert.ok(started.what.includes('失信被执行人名单'), started.what);
    assert.match(started.what, CHINESE_DAY);
    assert.ok(!started.what.includes('judgment-defaulters'), 'no list id in the text');
    assert.doesNotMatch(started.what, /\d{4}-\d{2}-\d{2}/, 'no ISO date in the text');
    assert.deepEqual(Object.keys(started.params as object).sort(), ['from', 'record_count', 'until']);
  });

  test('the same notice by the API: Chinese with Accept-Language zh-CN, English without', async () => {
    const id = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: id }));
    const zh = (await noticesOf(id, { 'accept-language': 'zh-CN' })).find((n) => n.kind === 'record.filed')!;
    const en = (await noticesOf(id)).find((n) => n.kind === 'record.filed')!;
    const fr = (await noticesOf(id, { 'accept-language': 'fr-FR' })).find((n) => n.kind === 'record.filed')!;
    assert.ok(zh.what.includes('失信被执行人名单') && zh.what.includes('提交了'), zh.what);
    assert.match(zh.what, CHINESE_DAY);
    assert.match(zh.how_to_dispute ?? '', /门户/);
    assert.ok(en.what.includes('Dishonest judgment debtors') && en.what.includes('filed a record'), en.what);
    assert.match(en.what, /decided \d{1,2} [A-Z][a-z]+ \d{4}\./);
    assert.ok(!en.what.includes('haidian-court'), 'the agency by its name, not its id');
    assert.equal(fr.what, en.what, 'English is the default');
  });

  test('a notice stored before notices were data (migration 013) still reads as it was written', async () => {
    const id = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: id }));
    const subject = await t.registry.rt.db
      .selectFrom('subject_identifiers')
      .select('subject_id')
      .where('value', '=', id)
      .executeTakeFirstOrThrow();
    const old = 'demo-court filed a record "Court judgment default" (x) about you, decided 2026-11-01.';
    await t.registry.rt.db
      .insertInto('notices')
      .values({
        subject_id: subject.subject_id,
        // Notice ids are UUIDs (a `uuid` column since migration 021), of version 7 since domain/row-id.ts.
        id: '00000000-0000-4000-8000-000000000013',
        at: new Date('2026-01-01T00:00:00Z'),
        kind: 'record.filed',
        agency_id: 'haidian-court',
        record_id: null,
        list_id: null,
        legal_basis: 'Fa Shi [2013] 17 art. 1',
        what: old,
        params: null,
        consequences: JSON.stringify([]),
        how_to_dispute: 'Open a dispute with POST /v1/records/1/disputes.',
        dispute_by: null,
        next_attempt_at: new Date('2026-01-01T00:00:00Z'),
        delivery_status: 'delivered',
        attempts: 1,
      })
      .execute();
    const readers: Record<string, string>[] = [{}, { 'accept-language': 'zh-CN' }];
    for (const headers of readers) {
      const row = (await noticesOf(id, headers)).find((n) => n.what === old);
      assert.ok(row, 'the old row is listed with its text');
      assert.equal(row.how_to_dispute, 'Open a dispute with POST /v1/records/1/disputes.');
      assert.equal(row.params, null);
    }
  });
});

describe('time: CREDENCE_TIME_ZONE and durations in words', () => {
  test('a time near midnight UTC shows the next day in Asia/Shanghai, in each language', () => {
    const late = new Date('2026-12-01T23:25:00Z');
    assert.equal(formatDateTime(late, 'zh', 'Asia/Shanghai'), '2026年12月2日 07:25');
    assert.equal(formatDateTime(late, 'en', 'Asia/Shanghai'), '2 December 2026, 07:25 GMT+8');
    assert.equal(formatDay(late, 'zh', 'Asia/Shanghai'), '2026年12月2日');
    assert.equal(formatDay(late, 'en', 'UTC'), '1 December 2026');
  });

  test('durations are written in words, not ISO 8601', () => {
    assert.equal(formatDuration('P3M', 'zh'), '3个月');
    assert.equal(formatDuration('P1Y', 'en'), '1 year');
    assert.equal(formatDuration('P1Y6M', 'en'), '1 year, 6 months');
    assert.equal(formatDuration('P2Y', 'zh'), '2年');
    assert.equal(formatDuration('PT5H', 'en'), 'PT5H', 'a duration with time parts is shown as written');
    assert.equal(formatDuration('P0D', 'en'), '0 days', 'a zero duration is not an empty string');
    assert.equal(formatDuration('P0D', 'zh'), '0天');
  });

  test('CREDENCE_TIME_ZONE defaults to Asia/Shanghai and is checked with Intl', () => {
    assert.equal(loadConfig({}).timeZone, 'Asia/Shanghai');
    assert.equal(loadConfig({ CREDENCE_TIME_ZONE: 'UTC' }).timeZone, 'UTC');
    assert.throws(
      () => loadConfig({ CREDENCE_TIME_ZONE: 'Mars/Olympus' }),
      (error: { details: { path: string; message: string }[] }) =>
        error.details.some((d) => d.path === 'CREDENCE_TIME_ZONE' && /IANA time zone/.test(d.message)),
    );
  });
});
