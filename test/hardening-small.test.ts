import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { KeyCache } from '../src/services/accounts/key-cache.service.ts';
import { createPrincipal } from '../src/services/accounts/principals.service.ts';
import { createStaffAccount } from '../src/services/accounts/staff-accounts.service.ts';
import { addDisputeStatement } from '../src/services/due-process/disputes.service.ts';
import { LedgerFollower } from '../src/services/runtime/ledger-follower.ts';
import { PUBLIC_RATE_LIMITS } from '../src/shell/rate-limits.ts';
import { getPrincipalById } from '../src/store/principals.repository.ts';
import { PASSWORD, signIn } from './support/agency-session.ts';
import { aCourtRecord, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let operator: string;

before(async () => {
  t = await startTestRegistry();
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
});
after(() => t.close());

/** Another app on the same registry, with its own options (public URL, proxies, key cache). */
async function appWith(options: Partial<Parameters<typeof buildApp>[0]>): Promise<FastifyInstance> {
  return buildApp({ rt: t.registry.rt, follower: t.registry.follower, logKey: t.logKey, ...options });
}

const WELL_FORMED_UNKNOWN = `crd_${'A'.repeat(43)}`;

describe('security headers', () => {
  const answers = (): { name: string; url: string; headers?: Record<string, string> }[] => [
    { name: 'a page', url: '/' },
    { name: 'the API document', url: '/openapi.json' },
    { name: 'an API refusal (401)', url: '/v1/principals' },
    { name: 'an unknown route (404)', url: '/no-such-page' },
  ];

  test('every answer, API and pages, has the CSP, nosniff, frame and referrer headers; no HSTS on http', async () => {
    await createStaffAccount(t.registry.rt, { username: 'hana', role: 'operator', password: PASSWORD });
    const { cookie } = await signIn(t, 'hana', '/operator');
    for (const { name, url, headers } of [
      ...answers(),
      { name: 'a signed-in page', url: '/operator', headers: { cookie } },
    ]) {
      const response = await t.app.inject({ url, headers });
      const csp = String(response.headers['content-security-policy']);
      assert.match(csp, /frame-ancestors 'none'/, name);
      assert.match(csp, /script-src 'self'(;|$)/, `${name}: no inline or remote scripts`);
      assert.match(csp, /style-src 'self'(;|$)/, `${name}: no inline or remote styles`);
      assert.match(csp, /style-src-attr 'none'/, name);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|upgrade-insecure-requests/, name);
      assert.equal(response.headers['x-content-type-options'], 'nosniff', name);
      assert.equal(response.headers['x-frame-options'], 'DENY', name);
      assert.equal(response.headers['referrer-policy'], 'no-referrer', name);
      assert.equal(response.headers['strict-transport-security'], undefined, `${name}: no HSTS over http`);
    }
  });

  test('HSTS is sent when CREDENCE_PUBLIC_URL is https, not when it is http', async () => {
    const https = await appWith({ publicUrl: 'https://credence.example.org' });
    const http = await appWith({ publicUrl: 'http://credence.example.org' });
    try {
      for (const { name, url } of answers()) {
        const secure = await https.inject({ url });
        assert.equal(secure.headers['strict-transport-security'], 'max-age=31536000', name);
        assert.match(String(secure.headers['content-security-policy']), /upgrade-insecure-requests/, name);
        assert.equal((await http.inject({ url })).headers['strict-transport-security'], undefined, name);
      }
    } finally {
      await https.close();
      await http.close();
    }
  });

  test('no page source has an inline script, style element, style attribute or event handler', async () => {
    const webDir = path.resolve(import.meta.dirname, '../src/web');
    const files = (await readdir(webDir, { recursive: true })).filter(
      (f) => f.endsWith('.ts') && !f.includes('browser'),
    );
    assert.ok(files.length > 20, 'the page sources were found');
    for (const file of files) {
      const source = await readFile(path.join(webDir, file), 'utf8');
      assert.doesNotMatch(source, /<style|\sstyle=|\son[a-z]+=["'$]|javascript:/i, file);
      for (const script of source.match(/<script[^>]*>/g) ?? [])
        assert.match(script, /^<script type="module" src="\/assets\/[a-z-]+\.js"><\/script>$|src="\/assets\//, file);
    }
  });
});

describe('CREDENCE_TRUST_PROXY', () => {
  test('false by default; true, false, a hop count or a comma list of addresses and CIDRs', () => {
    const trust = (value?: string) => loadConfig(value === undefined ? {} : { CREDENCE_TRUST_PROXY: value }).trustProxy;
    assert.equal(trust(), false);
    assert.equal(trust('true'), true);
    assert.equal(trust('false'), false);
    assert.equal(trust('2'), 2);
    assert.deepEqual(trust('10.0.0.1, 192.168.0.0/16,::1,fd00::/8'), ['10.0.0.1', '192.168.0.0/16', '::1', 'fd00::/8']);
    for (const bad of ['yes', '0', '10.0.0.1/33', 'proxy.example', '10.0.0.1,', '::1/129'])
      assert.throws(
        () => trust(bad),
        (error: Error & { code?: string }) =>
          error.code === 'CRD_CONFIG_INVALID' && error.message.includes('CREDENCE_TRUST_PROXY'),
        bad,
      );
  });

  test('behind a trusted proxy, each forwarded client address has its own rate limit', async () => {
    const app = await appWith({ trustProxy: ['10.0.0.1'] });
    const search = (client: string, remoteAddress = '10.0.0.1') =>
      app.inject({ url: '/v1/public/search?q=nobody', remoteAddress, headers: { 'x-forwarded-for': client } });
    try {
      for (let i = 0; i < PUBLIC_RATE_LIMITS.search; i++) assert.equal((await search('203.0.113.7')).statusCode, 200);
      assert.equal((await search('203.0.113.7')).statusCode, 429, 'the client that used its limit');
      assert.equal((await search('203.0.113.8')).statusCode, 200, 'another client behind the same proxy');
      // An untrusted peer cannot pick its own address with X-Forwarded-For.
      for (let i = 0; i < PUBLIC_RATE_LIMITS.search; i++) await search(`198.51.100.${i}`, '192.0.2.9');
      assert.equal((await search('198.51.100.200', '192.0.2.9')).statusCode, 429);
    } finally {
      await app.close();
    }
  });
});

describe('unknown API keys', () => {
  test('a malformed key is refused without a lookup; a refused key is not looked up again within the TTL', async () => {
    const keys = new KeyCache(t.registry.rt);
    const app = await appWith({ keys });
    try {
      const call = (key: string) => app.inject({ url: '/v1/principals', headers: bearer(key) });
      for (const key of ['nope', `crd_${'A'.repeat(42)}`, `crd_${'A'.repeat(43)}!`]) {
        const refused = await call(key);
        assert.equal(refused.statusCode, 401);
        assert.equal(refused.json().error.code, 'CRD_UNAUTHENTICATED');
      }
      assert.equal(keys.lookups, 0, 'malformed keys cost no query');
      for (let i = 0; i < 50; i++) assert.equal((await call(WELL_FORMED_UNKNOWN)).statusCode, 401);
      assert.equal(keys.lookups, 1, 'fifty presentations of one unknown key, one query');
      assert.equal((await call(operator)).statusCode, 200);
      assert.equal(keys.lookups, 2);
    } finally {
      await app.close();
    }
  });

  test('a refused key that then belongs to a new principal works at once: creation forgets refusals', async () => {
    const keys = new KeyCache(t.registry.rt);
    const { key } = await createPrincipal(t.registry.rt, { role: 'operator', name: 'later' });
    // The key as it was before its principal existed: refused, and remembered as refused.
    await t.registry.rt.db.updateTable('principals').set({ revoked_at: t.now }).where('name', '=', 'later').execute();
    assert.equal(await keys.principalFor(key), undefined);
    await t.registry.rt.db.updateTable('principals').set({ revoked_at: null }).where('name', '=', 'later').execute();
    assert.equal(await keys.principalFor(key), undefined, 'still remembered as refused');
    const lookups = keys.lookups;
    keys.forgetRefused(); // what the follower's principal.created hook calls (server.ts)
    assert.equal((await keys.principalFor(key))?.name, 'later');
    assert.equal(keys.lookups, lookups + 1);
  });

  test('the ledger follower tells of every principal created, by this process or another', async () => {
    let created = 0;
    const follower = new LedgerFollower(t.registry.rt, {
      policyFromDigest: async () => t.registry.rt.policy,
      onPrincipalCreated: () => {
        created += 1;
      },
    });
    await follower.catchUp();
    const before = created;
    assert.ok(before >= 2, 'the principals created so far');
    await t.cli('principal', 'add', '--role', 'operator', '--name', 'from the CLI');
    await follower.catchUp();
    assert.equal(created, before + 1);
  });
});

describe('reports page their inquiries', () => {
  const subject = aResidentId();
  const INQUIRIES = 250;
  let auditor: string;

  before(async () => {
    auditor = await t.keyFor({ role: 'auditor', name: 'audit' });
    // Inquiries in pairs at the same instant, so the page boundaries fall between ties of `at`.
    const rows = Array.from({ length: INQUIRIES }, (_, i) => ({
      subject_scheme: 'cn-rid',
      subject_value: subject,
      at: new Date(Date.UTC(2026, 9, 1) + Math.floor(i / 2) * 1000),
      id: `q_${String(i).padStart(4, '0')}`,
      kind: 'decision' as const,
      principal_id: 'p_nobody',
      action: 'travel.air.premium_class',
      purpose: 'ticketing',
      outcome: 'allow',
    }));
    await t.registry.rt.db.insertInto('inquiries').values(rows).execute();
  });

  const report = (key: string) => t.app.inject({ url: `/v1/subjects/cn-rid/${subject}/report`, headers: bearer(key) });
  const pageAfter = (key: string, after: string) =>
    t.app.inject({
      url: `/v1/subjects/cn-rid/${subject}/inquiries?after=${encodeURIComponent(after)}`,
      headers: bearer(key),
    });

  test('the report carries the newest 100 with the total and a cursor; the pages hold every inquiry once', async () => {
    const first = (await report(auditor)).json();
    assert.equal(first.inquiries.length, 100);
    assert.equal(first.inquiries_total, INQUIRIES + 1, 'with the report read itself');
    assert.equal(first.inquiries[0].kind, 'report', 'the newest: this read');
    const seen: { id: string; at: string }[] = [...first.inquiries];
    let next: string | null = first.inquiries_next;
    while (next !== null) {
      const response = await pageAfter(auditor, next);
      assert.equal(response.statusCode, 200, response.body);
      const page = response.json();
      assert.ok(page.inquiries.length <= 100);
      seen.push(...page.inquiries);
      next = page.next;
    }
    const ours = seen.filter((i) => i.id.startsWith('q_')).map((i) => i.id);
    assert.equal(ours.length, INQUIRIES, 'every inquiry, none twice');
    assert.deepEqual(
      ours,
      Array.from({ length: INQUIRIES }, (_, i) => `q_${String(INQUIRIES - 1 - i).padStart(4, '0')}`),
      'newest first by (at, id)',
    );
  });

  test('a cursor that is not one the registry gave is a coded 400; another subject cannot page', async () => {
    for (const bad of ['nonsense', '12.', 'abc.q_1']) {
      const refused = await pageAfter(auditor, bad);
      assert.equal(refused.statusCode, 400, bad);
      assert.equal(refused.json().error.code, 'CRD_VALIDATION', bad);
    }
    const other = await t.keyFor({
      role: 'subject',
      name: 'someone',
      subject: `cn-rid:${aResidentId()}`,
    });
    const forbidden = await t.app.inject({ url: `/v1/subjects/cn-rid/${subject}/inquiries`, headers: bearer(other) });
    assert.equal(forbidden.statusCode, 403);
  });

  test('the portal shows the newest page, the total and a link to the older ones, which pages on', async () => {
    const portal = await appWith({ subjectSignIn: { oidc: null, demo: true } });
    try {
      const form = await portal.inject({ url: '/portal/sign-in' });
      const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
      const pre = `credence_csrf=${form.cookies.find((c) => c.name === 'credence_csrf')!.value}`;
      const signIn = await portal.inject({
        method: 'POST',
        url: '/portal/demo-sign-in',
        payload: new URLSearchParams({ scheme: 'cn-rid', id: subject, csrf }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre },
      });
      const cookie = `credence_portal=${signIn.cookies.find((c) => c.name === 'credence_portal')!.value}`;
      const page = await portal.inject({ url: '/portal', headers: { cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /The newest 100 of \d+ inquiries/);
      const older = /href="(\/portal\/inquiries\?after=[^"]+)"/.exec(page.body)?.[1];
      assert.ok(older !== undefined, 'a link to the older inquiries');
      const second = await portal.inject({ url: older.replaceAll('&amp;', '&'), headers: { cookie } });
      assert.equal(second.statusCode, 200, second.body);
      assert.equal((second.body.match(/<tr>/g) ?? []).length - 1, 100, 'a full page of rows under the header');
      assert.match(second.body, /href="\/portal\/inquiries\?after=/, 'and a link to the page after it');
      const anonymous = await portal.inject({ url: older });
      assert.equal(anonymous.statusCode, 303, 'signed-in subjects only');
    } finally {
      await portal.close();
    }
  });
});

describe('dispute statements are the subject’s own', () => {
  test('only the subject writes the statement; an operator can neither write nor overwrite it', async () => {
    const court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    const id = aResidentId();
    const recordId = await t.file(court, aCourtRecord({ subjectId: id }));
    const own = await t.keyFor({ role: 'subject', name: 'debtor', subject: `cn-rid:${id}` });
    const post = (url: string, key: string, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url, headers: bearer(key), payload });
    const opened = await post(`/v1/records/${recordId}/disputes`, own, { statement: 'I paid on 2026-09-30' });
    const disputeId = opened.json().dispute_id as string;
    const upheld = await post(`/v1/disputes/${disputeId}/resolution`, court, {
      outcome: 'upheld',
      reason: 'no payment',
    });
    assert.equal(upheld.statusCode, 200, upheld.body);
    const statement = 'I paid by bank transfer; the court has not matched it.';
    assert.equal((await post(`/v1/disputes/${disputeId}/statement`, own, { statement })).statusCode, 200);
    const byOperator = await post(`/v1/disputes/${disputeId}/statement`, operator, { statement: 'overwritten' });
    assert.equal(byOperator.statusCode, 403);
    assert.equal(byOperator.json().error.code, 'CRD_FORBIDDEN');
    const { id: operatorId } = await t.registry.rt.db
      .selectFrom('principals')
      .select('id')
      .where('name', '=', 'ops')
      .executeTakeFirstOrThrow();
    const asOperator = (await getPrincipalById(t.registry.rt.db, operatorId))!;
    await assert.rejects(addDisputeStatement(t.registry.rt, asOperator, disputeId, 'overwritten'), {
      code: 'CRD_FORBIDDEN',
    });
    const report = (await t.app.inject({ url: `/v1/subjects/cn-rid/${id}/report`, headers: bearer(own) })).json();
    const record = report.records.find((r: { id: string }) => r.id === recordId);
    assert.deepEqual(
      record.statements.map((s: { statement: string }) => s.statement),
      [statement],
    );
  });

  test("an operator's note is its own attributed entry, beside the statement; the subject is told", async () => {
    const court = await t.keyFor({ role: 'agency', name: 'Chaoyang Court', agency_kind: 'court' });
    const id = aResidentId();
    const recordId = await t.file(court, aCourtRecord({ subjectId: id }));
    const own = await t.keyFor({ role: 'subject', name: 'noted debtor', subject: `cn-rid:${id}` });
    const note = (key: string, text: unknown, record = recordId) =>
      t.app.inject({ method: 'POST', url: `/v1/records/${record}/notes`, headers: bearer(key), payload: { text } });
    const before = (await t.app.inject({ url: `/v1/subjects/cn-rid/${id}/report`, headers: bearer(own) })).json();

    const text = 'The court has told the registry that a correction of this record is under way.';
    const added = await note(operator, text);
    assert.equal(added.statusCode, 201, added.body);
    const { note_id: _id, at: _at, ...view } = added.json() as Record<string, unknown>;
    assert.deepEqual(view, { record_id: recordId, text, by: 'operator' });
    for (const key of [court, own]) assert.equal((await note(key, 'mine')).statusCode, 403);
    assert.equal((await note(operator, text, '999999999')).json().error.code, 'CRD_NOT_FOUND');
    assert.equal((await note(operator, '   ')).statusCode, 400);
    assert.equal((await note(operator, 'a\u0000b')).json().error.code, 'CRD_VALIDATION');

    const report = (await t.app.inject({ url: `/v1/subjects/cn-rid/${id}/report`, headers: bearer(own) })).json();
    const record = report.records.find((r: { id: string }) => r.id === recordId);
    assert.deepEqual(
      record.notes.map((n: { text: string; by: string }) => [n.text, n.by]),
      [[text, 'operator']],
    );
    assert.deepEqual(record.statements, [], "the operator's words are never the subject's statement");
    assert.equal(report.score, before.score, 'a note changes nothing that counts');
    const notices = (await t.app.inject({ url: `/v1/subjects/cn-rid/${id}/notices`, headers: bearer(own) })).json()
      .notices as { kind: string; what: string }[];
    const told = notices.find((n) => n.kind === 'record.noted');
    assert.ok(told?.what.includes(text), JSON.stringify(told));
    const events = await t.registry.rt.db
      .selectFrom('ledger')
      .select('payload')
      .where('type', '=', 'record.noted')
      .execute();
    assert.ok(
      events.some((e) => e.payload.includes(text)),
      'a ledger event, so a replay rebuilds it',
    );
  });
});
