/**
 * Every input is answered with a code (issue 13): text with control characters (NUL above all, which PostgreSQL
 * cannot store) is a coded 400 naming the field, per record in a batch and per line in an import; dates outside
 * 1949-10-01..2199-12-31 are CRD_INVALID_DATE; and what Node and Fastify refuse themselves (bad URL encoding, a raw
 * byte in the URL, a URL or headers too large, a body too large or not UTF-8, a rate limit) answers in the coded
 * envelope with its own status.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../src/app.ts';
import { ERROR_CODES } from '../src/errors.ts';
import { aCourtRecord, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let court: string;
let operator: string;
let relying: string;
let port: number;
const dir = mkdtempSync(path.join(tmpdir(), 'credence-input-errors-'));

before(async () => {
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  operator = await t.keyFor({ role: 'operator', name: 'Ops' });
  relying = await t.keyFor({
    role: 'relying',
    name: 'Air',
    actions: ['travel.air.premium_class'],
    purposes: ['ticketing'],
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as net.AddressInfo).port;
});
after(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

type Injected = Awaited<ReturnType<TestRegistry['app']['inject']>>;

const file = (records: unknown[]) =>
  t.app.inject({ method: 'POST', url: '/v1/records', headers: bearer(court), payload: { records } });

/** Asserts a coded JSON error with this status and code; returns its details. */
function assertCoded(response: Injected, status: number, code: string): { path: string; code: string }[] {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = response.json();
  assert.equal(body.error.code, code, response.body);
  assert.equal(typeof body.error.message, 'string');
  return body.error.details;
}

let subjects = 0;
/** A person with a court record and a subject key of their own. */
async function aDebtor(): Promise<{ recordId: string; key: string }> {
  subjects += 1;
  const id = aResidentId();
  const recordId = await t.file(court, aCourtRecord({ subjectId: id }));
  return { recordId, key: await t.keyFor({ role: 'subject', name: `debtor ${subjects}`, subject: `cn-rid:${id}` }) };
}

describe('text with control characters', () => {
  test('in one record of a batch: that record is rejected naming the field, the rest is filed', async () => {
    const fields: [string, Record<string, unknown>][] = [
      ['source_ref', { source_ref: 'ref\u0000' }],
      ['subject.name', { name: '张\u0000三' }],
      ['legal_basis', { legal_basis: 'Fa Shi\u0000' }],
      ['document_ref', { document_ref: '\u0001doc' }],
      ['summary', { summary: 'del \u007f' }],
      ['summary', { summary: 'next line \u0085' }],
      ['summary', { summary: 'lone \ud800 surrogate' }],
      ['attributes.criterion', { attributes: { criterion: 'able_but_refuses\u0000' } }],
      ['attributes', { attributes: { 'criterion\u0000': 'able_but_refuses' } }],
    ];
    const good = [aCourtRecord(), aCourtRecord({ summary: 'tab\tnewline\nreturn\r: allowed' })];
    const response = await file([good[0], ...fields.map(([, overrides]) => aCourtRecord(overrides)), good[1]]);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.deepEqual(
      body.accepted.map((a: { index: number; status: string }) => [a.index, a.status]),
      [
        [0, 'created'],
        [fields.length + 1, 'created'],
      ],
    );
    // The text problem, and only it, is CRD_VALIDATION (a bad attribute name also leaves `criterion` missing).
    assert.deepEqual(
      body.rejected.map((r: { index: number; errors: { code: string; path: string }[] }) => [
        r.index,
        r.errors.filter((e) => e.code === 'CRD_VALIDATION').map((e) => e.path),
      ]),
      fields.map(([field], i) => [i + 1, [field]]),
    );
    assert.match(body.rejected[0].errors[0].message, /^source_ref contains the control character U\+0000/);
    assert.match(body.rejected[6].errors[0].message, /lone surrogate/);
  });

  test('disputes, repairs, corrections, resolutions, reviews, principals: a coded 400 naming the field', async () => {
    const { recordId, key: subject } = await aDebtor();
    const opened = await t.app.inject({
      method: 'POST',
      url: `/v1/records/${recordId}/disputes`,
      headers: bearer(subject),
      payload: { statement: 'I paid.\nOn 30 September.' },
    });
    assert.equal(opened.statusCode, 201, opened.body);
    const disputeId = opened.json().dispute_id;
    const cases: [string, string, string, Record<string, unknown>, string][] = [
      [subject, 'POST', `/v1/disputes/${disputeId}/statement`, { statement: 'a\u0000b' }, 'body.statement'],
      [subject, 'POST', `/v1/records/${recordId}/repairs`, { evidence: 'paid\u0000' }, 'body.evidence'],
      [
        court,
        'POST',
        `/v1/records/${recordId}/corrections`,
        { changes: { summary: 'x\u0000' }, reason: 'typo' },
        'body.changes.summary',
      ],
      [court, 'POST', `/v1/records/${recordId}/revocation`, { reason: 'wrong\u0000' }, 'body.reason'],
      [court, 'POST', `/v1/disputes/${disputeId}/resolution`, { outcome: 'upheld', reason: 'ok\u0000' }, 'body.reason'],
      [
        relying,
        'POST',
        '/v1/reviews/r-1/decision',
        { outcome: 'allow', reason: 'ok', reviewer: 'Li\u0000' },
        'body.reviewer',
      ],
      [operator, 'POST', '/v1/principals', { role: 'operator', name: 'Ops\u0000' }, 'body.name'],
      [operator, 'POST', '/v1/principals', { role: 'operator', name: 'Ops \ud800' }, 'body.name'],
      [
        relying,
        'POST',
        '/v1/decisions',
        { subject: { scheme: 'cn-rid', id: '1\u0000' }, action: 'a', purpose: 'b' },
        'body.subject.id',
      ],
    ];
    for (const [key, method, url, payload, field] of cases) {
      const details = assertCoded(
        await t.app.inject({ method: method as 'POST', url, headers: bearer(key), payload }),
        400,
        'CRD_VALIDATION',
      );
      assert.deepEqual(
        details.map((d) => [d.code, d.path]),
        [['CRD_VALIDATION', field]],
        url,
      );
    }
    const dispute = (await t.app.inject({ url: `/v1/disputes/${disputeId}`, headers: bearer(court) })).json();
    assert.equal(dispute.status, 'open', 'the refused resolution changed nothing');
  });

  test('in path and query parameters: GET /v1/reviews/a%00b and ?after=%00', async () => {
    const byPath = assertCoded(
      await t.app.inject({ url: '/v1/reviews/a%00b', headers: bearer(operator) }),
      400,
      'CRD_VALIDATION',
    );
    assert.deepEqual(
      byPath.map((d) => d.path),
      ['params.id'],
    );
    const byQuery = assertCoded(
      await t.app.inject({ url: '/v1/reviews?after=%00', headers: bearer(operator) }),
      400,
      'CRD_VALIDATION',
    );
    assert.deepEqual(
      byQuery.map((d) => d.path),
      ['querystring.after'],
    );
    const report = assertCoded(
      await t.app.inject({ url: '/v1/subjects/cn-rid/1%01/report', headers: bearer(operator) }),
      400,
      'CRD_VALIDATION',
    );
    assert.deepEqual(
      report.map((d) => d.path),
      ['params.id'],
    );
  });

  test('credence import: a line with a control character is a rejected line; the good lines are filed', async () => {
    const records = [
      aCourtRecord({ source_ref: 'import-good-1' }),
      aCourtRecord({ source_ref: 'import-nul', summary: 'a\u0000b' }),
      aCourtRecord({ source_ref: 'import-good-2' }),
    ];
    // A raw NUL byte inside a JSON string is not JSON at all: a file error for that line.
    const raw = JSON.stringify(aCourtRecord({ source_ref: 'import-raw' })).replace('Fa Shi', 'Fa\u0000Shi');
    const input = path.join(dir, 'records.ndjson');
    writeFileSync(input, `${records.map((r) => JSON.stringify(r)).join('\n')}\n${raw}\n`);
    const run = await t.cli('import', input, '--agency-kind', 'court');
    assert.equal(run.code, ERROR_CODES.CRD_VALIDATION.exit, run.err + run.out);
    assert.match(run.out, /created {5}2/);
    const rejects = readFileSync(`${input}.rejects.ndjson`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      rejects.map((r: { line: number; errors: { code: string; path: string }[] }) => [r.line, r.errors[0]!.code]),
      [
        [2, 'CRD_VALIDATION'],
        [4, 'CRD_IMPORT_FILE'],
      ],
    );
    assert.equal(rejects[0].errors[0].path, 'summary');
    assert.equal(rejects[0].input.summary, 'a\u0000b', 'the rejects file keeps the line as it was');
    const filed = await t.registry.rt.db
      .selectFrom('records')
      .select('source_ref')
      .where('source_ref', 'in', ['import-good-1', 'import-good-2', 'import-nul', 'import-raw'])
      .orderBy('source_ref')
      .execute();
    assert.deepEqual(
      filed.map((r) => r.source_ref),
      ['import-good-1', 'import-good-2'],
    );
  });
});

describe('dates within 1949-10-01..2199-12-31', () => {
  test('a record dated outside is rejected naming the field; the bounds themselves are accepted', async () => {
    const response = await file([
      aCourtRecord({ decided_at: '0001-01-01' }),
      aCourtRecord({ decided_at: '1949-09-30T23:59:59Z' }),
      aCourtRecord({ expires_at: '2200-01-01' }),
      aCourtRecord({ effective_at: '9999-12-31' }),
      // An organization: a person born after 1949 would be a minor at the decision (Fa Shi [2017] 7 art. 4).
      aCourtRecord({ kind: 'organization', decided_at: '1949-10-01', expires_at: '2199-12-31' }),
    ]);
    const body = response.json();
    assert.deepEqual(
      body.rejected.map((r: { index: number; errors: { code: string; path: string }[] }) => [
        r.index,
        r.errors.map((e) => `${e.code} ${e.path}`),
      ]),
      [
        [0, ['CRD_INVALID_DATE decided_at']],
        [1, ['CRD_INVALID_DATE decided_at']],
        [2, ['CRD_INVALID_DATE expires_at']],
        [3, ['CRD_INVALID_DATE effective_at']],
      ],
    );
    assert.match(body.rejected[0].errors[0].message, /decided_at must be from 1949-10-01 to 2199-12-31/);
    assert.deepEqual(
      body.accepted.map((a: { index: number }) => a.index),
      [4],
    );
  });

  test('a correction to such a date, or a transparency period in year 1, is a coded 400 naming the field', async () => {
    const recordId = await t.file(court, aCourtRecord());
    const correction = assertCoded(
      await t.app.inject({
        method: 'POST',
        url: `/v1/records/${recordId}/corrections`,
        headers: bearer(court),
        payload: { changes: { decided_at: '0001-01-01' }, reason: 'typo' },
      }),
      400,
      'CRD_INVALID_DATE',
    );
    assert.deepEqual(
      correction.map((d) => d.path),
      ['changes.decided_at'],
    );
    const period = assertCoded(
      await t.app.inject({ url: '/v1/public/transparency?from=0001-01-01&to=0001-12-31', remoteAddress: '127.1.0.1' }),
      400,
      'CRD_INVALID_DATE',
    );
    assert.deepEqual(period.map((d) => d.path).sort(), ['querystring.from', 'querystring.to']);
  });
});

describe('what Fastify refuses, in the coded envelope with its own status', () => {
  test('a body in a charset other than UTF-8 is 415, never parsed as UTF-8; charset=UTF-8 is accepted', async () => {
    const before = (await t.app.inject({ url: '/v1/principals', headers: bearer(operator) })).json().principals.length;
    const json = JSON.stringify({ role: 'operator', name: 'Wang' });
    for (const [charset, payload] of [
      ['utf-16', Buffer.from(`\ufeff${json}`, 'utf16le')],
      ['UTF-16LE', Buffer.from(json, 'utf16le')],
      ['iso-8859-1', Buffer.from(json, 'latin1')],
      ['"gbk"', Buffer.from(json)],
    ] as const) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/principals',
        headers: { ...bearer(operator), 'content-type': `application/json; charset=${charset}` },
        payload,
      });
      assertCoded(response, 415, 'CRD_UNSUPPORTED_MEDIA_TYPE');
    }
    const after = (await t.app.inject({ url: '/v1/principals', headers: bearer(operator) })).json().principals.length;
    assert.equal(after, before, 'nothing was created');
    const utf8 = await t.app.inject({
      method: 'POST',
      url: '/v1/principals',
      headers: { ...bearer(operator), 'content-type': 'application/json; charset="UTF-8"' },
      payload: json,
    });
    assert.equal(utf8.statusCode, 201, utf8.body);
  });

  test('bad %-encoding is 400 CRD_MALFORMED_URL; a URL over 8192 characters, or a long segment, is 414', async () => {
    const badUrl = await t.app.inject({ url: '/v1/disputes/%ff', headers: bearer(operator) });
    assertCoded(badUrl, 400, 'CRD_MALFORMED_URL');
    // Refused before routing, so before helmet's hook: the security headers are set all the same.
    assert.equal(badUrl.headers['x-content-type-options'], 'nosniff');
    assert.match(String(badUrl.headers['content-security-policy']), /frame-ancestors 'none'/);
    assertCoded(
      await t.app.inject({ url: `/v1/reviews?after=${'a'.repeat(9000)}`, headers: bearer(operator) }),
      414,
      'CRD_URL_TOO_LONG',
    );
    assertCoded(
      await t.app.inject({ url: `/v1/reviews/${'a'.repeat(200)}`, headers: bearer(operator) }),
      414,
      'CRD_URL_TOO_LONG',
    );
  });

  test('a body over the limit is 413 CRD_PAYLOAD_TOO_LARGE', async () => {
    const small = await buildApp({
      rt: t.registry.rt,
      follower: t.registry.follower,
      logKey: t.logKey,
      bodyLimitBytes: 1024,
    });
    try {
      const response = await small.inject({
        method: 'POST',
        url: '/v1/records',
        headers: bearer(court),
        payload: { records: Array.from({ length: 10 }, () => aCourtRecord()) },
      });
      assertCoded(response, 413, 'CRD_PAYLOAD_TOO_LARGE');
    } finally {
      await small.close();
    }
  });

  test('over a rate limit: 429 CRD_RATE_LIMITED with Retry-After, on the API and on the pages', async () => {
    const api = (remoteAddress: string) => t.app.inject({ url: '/v1/public/search?q=a', remoteAddress });
    for (let i = 0; i < 60; i += 1) assert.equal((await api('127.2.0.1')).statusCode, 400);
    const limited = await api('127.2.0.1');
    assertCoded(limited, 429, 'CRD_RATE_LIMITED');
    assert.match(String(limited.headers['retry-after']), /^\d+$/);

    const page = (remoteAddress: string) => t.app.inject({ url: '/?q=a', remoteAddress });
    for (let i = 0; i < 60; i += 1) assert.equal((await page('127.2.0.2')).statusCode, 400);
    const limitedPage = await page('127.2.0.2');
    assert.equal(limitedPage.statusCode, 429);
    assert.match(String(limitedPage.headers['content-type']), /^text\/html/);
    assert.match(limitedPage.body, /CRD_RATE_LIMITED/);
    assert.match(String(limitedPage.headers['retry-after']), /^\d+$/);
  });
});

/** Sends raw bytes to the listening server; the answer's status, content type and coded error. */
async function raw(request: Buffer | string): Promise<{ status: number; type: string; code: string; head: string }> {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {}); // the server closes the connection after its answer
  socket.write(request);
  await new Promise((resolve) => socket.on('close', resolve));
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]),
    type: /^content-type: (.*)$/im.exec(head)?.[1] ?? '',
    code: (JSON.parse(body) as { error: { code: string } }).error.code,
    head,
  };
}

function withoutHead<T extends { head: string }>({ head: _head, ...answer }: T): Omit<T, 'head'> {
  return answer;
}

describe("what Node's HTTP parser refuses, answered as HTTP with the coded envelope", () => {
  const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: localhost\r\n${headers}\r\n`;

  test('a raw UTF-8 byte in the URL is 400 CRD_MALFORMED_URL, with the security headers', async () => {
    const request = Buffer.concat([Buffer.from('GET /v1/disputes/caf'), Buffer.from('é HTTP/1.1\r\n\r\n')]);
    const { head, ...answer } = await raw(request);
    assert.deepEqual(answer, { status: 400, type: 'application/json; charset=utf-8', code: 'CRD_MALFORMED_URL' });
    assert.match(head, /^x-content-type-options: nosniff$/im);
    assert.match(head, /^content-security-policy: default-src 'none'; frame-ancestors 'none'/im);
  });

  test('a URL over 16 KiB is 414; headers over 16 KiB are 431', async () => {
    assert.deepEqual(withoutHead(await raw(get(`/v1/reviews?after=${'a'.repeat(20_000)}`))), {
      status: 414,
      type: 'application/json; charset=utf-8',
      code: 'CRD_URL_TOO_LONG',
    });
    assert.deepEqual(withoutHead(await raw(get('/health/live', `X-Padding: ${'a'.repeat(20_000)}\r\n`))), {
      status: 431,
      type: 'application/json; charset=utf-8',
      code: 'CRD_HEADERS_TOO_LARGE',
    });
  });

  test('a control character in a header, or bytes that are not HTTP, are 400 CRD_MALFORMED_REQUEST', async () => {
    assert.equal((await raw(get('/health/live', 'X-Note: a\u0000b\r\n'))).code, 'CRD_MALFORMED_REQUEST');
    assert.deepEqual(withoutHead(await raw('HELLO\r\n\r\n')), {
      status: 400,
      type: 'application/json; charset=utf-8',
      code: 'CRD_MALFORMED_REQUEST',
    });
  });
});
