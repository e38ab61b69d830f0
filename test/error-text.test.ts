/**
 * Errors for people, per language (issue 11): every CRD_* code and every kind of input problem has an English and a
 * Chinese ICU template; problems are data (a key and parameters) rendered in the reader's language, the English
 * exactly as the checks word it; the API answers by Accept-Language (English by default), `code` stable, with the
 * parameters; every problem with a record is reported in one round, a bad check digit among them.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Policy } from '../src/domain/policy.ts';
import { checkRecordInput, type RecordInput } from '../src/domain/record-input.ts';
import { CredenceError, ERROR_CODES, type ProblemDetail } from '../src/errors.ts';
import { loadPolicy } from '../src/policy/index.ts';
import { errorText, problemText } from '../src/shell/error-text.ts';
import { ERRORS_EN } from '../src/shell/messages/errors.en.ts';
import { ERRORS_ZH } from '../src/shell/messages/errors.zh.ts';
import { aCourtRecord } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

const NOW = new Date('2026-11-01T00:00:00Z');
/** A resident ID whose check digit is wrong (the right one is X). */
const BAD_CHECK_DIGIT = '110105194912310023';

let policy: Policy;
before(async () => {
  policy = await loadPolicy('policies/default');
});

/** The problems checkRecordInput finds in a court record changed by `change`. */
function problemsOf(change: (r: Record<string, unknown>) => Record<string, unknown>): ProblemDetail[] {
  const check = checkRecordInput(policy, 'court', change(aCourtRecord()) as RecordInput, NOW);
  assert.equal(check.ok, false);
  return check.ok ? [] : check.problems;
}

const HAN = /[\u4e00-\u9fff]/;
const LATIN_WORD = /[A-Za-z]{4,}/g;

describe('the error catalogues', () => {
  test('every error code has an English and a Chinese sentence, the Chinese in Chinese', () => {
    for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
      const error = new CredenceError(code, 'thrown in English');
      assert.ok(ERRORS_EN[code].length > 0, code);
      const zh = errorText(error, { language: 'zh' });
      assert.match(zh, HAN, `${code}: ${zh}`);
      assert.equal(errorText(error, { language: 'en' }), 'thrown in English');
    }
  });

  test('every template of both catalogues compiles and fills its parameters', () => {
    const params = {
      ...Object.fromEntries(
        ['field', 'value', 'scheme', 'char', 'actual', 'expected', 'date', 'division', 'name', 'pattern', 'type'].map(
          (k) => [k, k],
        ),
      ),
      ...Object.fromEntries(
        ['allowed', 'known', 'kinds', 'agency_kind', 'values', 'other', 'detail'].map((k) => [k, k]),
      ),
      ...{
        property: 'p',
        record: '1',
        limit: 3,
        position: 2,
        max: 5,
        after: '1 minute',
        tier: 'minor',
        kind: 'person',
      },
      ...{ period: 'P1Y', eligible: '2027-01-01T00:00:00Z' },
      ...{ version: '2026.12.3', activation: 'a1', starts_at: '2027-01-01T00:00:00.000Z' },
    };
    for (const key of Object.keys(ERRORS_EN)) {
      for (const language of ['en', 'zh'] as const) {
        const text = problemText({ code: 'CRD_VALIDATION', path: 'f', message: '', key, params }, { language });
        assert.ok(text.length > 0 && !text.includes('undefined'), `${language} ${key}: ${text}`);
      }
    }
    assert.deepEqual(Object.keys(ERRORS_ZH).sort(), Object.keys(ERRORS_EN).sort());
  });
});

describe('problems with a record, as data', () => {
  const cases: [string, (r: Record<string, unknown>) => Record<string, unknown>][] = [
    ['a missing name', (r) => ({ ...r, subject: { ...(r.subject as object), name: '' } })],
    ['an unknown scheme', (r) => ({ ...r, subject: { ...(r.subject as object), scheme: 'passport' } })],
    ['a bad date', (r) => ({ ...r, decided_at: '1 March 2026' })],
    ['a date out of range', (r) => ({ ...r, decided_at: '1800-01-01' })],
    ['an expiry before the start', (r) => ({ ...r, expires_at: '2026-01-01' })],
    ['a value not in the enumeration', (r) => ({ ...r, attributes: { criterion: 'rude' } })],
    ['a missing attribute', (r) => ({ ...r, attributes: {} })],
    ['an unknown attribute', (r) => ({ ...r, attributes: { criterion: 'able_but_refuses', colour: 'red' } })],
    ['a control character', (r) => ({ ...r, legal_basis: 'Fa Shi\u0000' })],
    ['a text too long', (r) => ({ ...r, document_ref: 'x'.repeat(201) })],
    ['a bad check digit', (r) => ({ ...r, subject: { ...(r.subject as object), id: BAD_CHECK_DIGIT } })],
  ];
  for (const [name, change] of cases) {
    test(`${name}: the English template says exactly what the check says; the Chinese says it in Chinese`, () => {
      const problems = problemsOf(change);
      assert.ok(problems.length > 0);
      for (const p of problems) {
        assert.ok(p.key !== undefined, `${p.path} has no template: ${p.message}`);
        assert.equal(problemText(p, { language: 'en' }), p.message);
        const zh = problemText(p, { language: 'zh', policy });
        assert.match(zh, HAN, zh);
        // What is left in Latin script is a field path, an id or a value the sender wrote, never an English sentence.
        const words = (zh.replace(/[\w.-]*[._-][\w.-]*/g, '').match(LATIN_WORD) ?? []).filter(
          (w) => !['rude', 'colour', 'passport', 'March', 'xxxx'].includes(w) && !/^x+$/.test(w),
        );
        assert.deepEqual(words, [], zh);
      }
    });
  }

  test('a bad check digit is reported together with every other problem, in one round', () => {
    const problems = problemsOf((r) => ({
      ...r,
      subject: { ...(r.subject as object), id: BAD_CHECK_DIGIT, name: '' },
      decided_at: '',
    }));
    assert.deepEqual(problems.map((p) => p.path).sort(), ['decided_at', 'subject.id', 'subject.name']);
    const digit = problems.find((p) => p.path === 'subject.id')!;
    assert.equal(digit.message, 'cn-rid check digit is 3 but should be X');
    assert.equal(problemText(digit, { language: 'zh' }), 'cn-rid 号码的校验码是 3，正确的应为 X');
  });

  test('a field is named by the form label the reader sees', () => {
    const [problem] = problemsOf((r) => ({ ...r, subject: { ...(r.subject as object), name: ' ' } }));
    const label = (path: string) => (path === 'subject.name' ? '名称' : undefined);
    assert.equal(problemText(problem!, { language: 'zh', label }), '“名称”不能为空白');
  });
});

describe('the API answers errors in the reader’s language', () => {
  let t: TestRegistry;
  let court: string;
  before(async () => {
    t = await startTestRegistry();
    court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  });
  after(() => t.close());

  const fileOne = (record: unknown, language?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: { ...bearer(court), ...(language ? { 'accept-language': language } : {}) },
      payload: { records: [record] },
    });

  test('a rejected record: English by default, Chinese for zh-CN, the same codes and parameters', async () => {
    const record = {
      ...aCourtRecord(),
      subject: { ...(aCourtRecord().subject as object), id: BAD_CHECK_DIGIT, name: '' },
    };
    const en = (await fileOne(record)).json().rejected[0].errors;
    const zh = (await fileOne(record, 'zh-CN,zh;q=0.9,en;q=0.5')).json().rejected[0].errors;
    assert.deepEqual(
      en.map((e: { message: string }) => e.message),
      ['subject.name is required', 'cn-rid check digit is 3 but should be X'],
    );
    assert.deepEqual(
      zh.map((e: { message: string }) => e.message),
      ['“subject.name”为必填项', 'cn-rid 号码的校验码是 3，正确的应为 X'],
    );
    const strip = (errors: { message: string }[]) => errors.map(({ message: _m, ...rest }) => rest);
    assert.deepEqual(strip(zh), strip(en));
    assert.deepEqual(en[1].params, { scheme: 'cn-rid', actual: '3', expected: 'X' });
  });

  test('a request that does not match the schema (Ajv) is refused in Chinese, naming the field', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: { ...bearer(court), 'accept-language': 'zh' },
      payload: { records: [] },
    });
    assert.equal(response.statusCode, 400);
    const { error } = response.json();
    assert.equal(error.code, 'CRD_VALIDATION');
    assert.equal(error.message, '“body.records”至少需要 1 项');
    assert.deepEqual(error.details[0].params, {
      field: 'body.records',
      detail: 'must NOT have fewer than 1 items',
      limit: 1,
    });
    const en = await t.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: bearer(court),
      payload: { records: [] },
    });
    assert.equal(en.json().error.message, 'body.records must NOT have fewer than 1 items');
  });

  test('an error without a template of its own says its code’s sentence in Chinese', async () => {
    const response = await t.app.inject({
      url: '/v1/records/999999',
      headers: { ...bearer(court), 'accept-language': 'zh' },
    });
    assert.equal(response.statusCode, 404);
    assert.deepEqual(response.json().error, { code: 'CRD_NOT_FOUND', message: '未找到所请求的内容。', details: [] });
  });
});
