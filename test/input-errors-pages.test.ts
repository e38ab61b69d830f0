/**
 * Text with control characters on the pages (issue 13): every form shows the refusal as a page, with the form where
 * it has one, never JSON and never a 500; a console upload keeps a line with a NUL among its rejects.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createStaffAccount } from '../src/services/accounts/staff-accounts.service.ts';
import { multipart, PASSWORD, postForm, type Response, signIn } from './support/agency-session.ts';
import { aCourtRecord, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let court: string;
let operator: string;

before(async () => {
  t = await startTestRegistry(undefined, { subjectSignIn: { oidc: null, demo: true } });
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
  await createStaffAccount(t.registry.rt, { username: 'olga', role: 'operator', password: PASSWORD });
  await createStaffAccount(t.registry.rt, {
    username: 'chen',
    role: 'agency',
    password: PASSWORD,
    agency_id: 'haidian-court',
  });
});
after(() => t.close());

/** An HTML page with this status that names the control character. */
function assertRefusalPage(response: Response, status: number): void {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^text\/html/);
  assert.match(response.body, /control character U\+0000/);
}

describe('public pages', () => {
  test('the search form says what to enter; a list page with a NUL in its name is a page, not JSON', async () => {
    const search = await t.app.inject({ url: '/?q=a%00b' });
    assert.equal(search.statusCode, 400);
    assert.match(String(search.headers['content-type']), /^text\/html/);
    assert.match(search.body, /Enter 2 to 100 characters/);
    assertRefusalPage(await t.app.inject({ url: '/lists/a%00b' }), 400);
  });
});

describe('staff forms', () => {
  test('sign-in: a NUL in the username is shown on the sign-in form', async () => {
    const form = await t.app.inject({ url: '/sign-in' });
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const cookie = `credence_csrf=${form.cookies.find((c) => c.name === 'credence_csrf')!.value}`;
    const response = await postForm(t, '/sign-in', { username: 'olga\u0000', password: PASSWORD, csrf }, cookie);
    assertRefusalPage(response, 400);
    assert.match(response.body, /name="password"/, 'the sign-in form, shown again');
  });

  test('operator console: a principal name with a NUL is shown inline on the form; nothing is created', async () => {
    const olga = await signIn(t, 'olga', '/operator');
    const response = await postForm(
      t,
      '/operator/principals',
      { role: 'operator', name: 'Ops\u0000', csrf: olga.csrf },
      olga.cookie,
    );
    assertRefusalPage(response, 400);
    assert.match(response.body, /<span class="usa-error-message" id="[^"]*name-error">name contains the control/);
    const principals = (await t.app.inject({ url: '/v1/principals', headers: bearer(operator) })).json().principals;
    assert.ok(!principals.some((p: { name: string }) => p.name.startsWith('Ops')));
  });

  test('agency console: a record, a correction and a dispute resolution show the refusal inline', async () => {
    const chen = await signIn(t, 'chen', '/agency');
    const record = aCourtRecord();
    const subject = record.subject as Record<string, string>;
    const filing = await postForm(
      t,
      '/agency/records',
      {
        type: String(record.type),
        source_ref: String(record.source_ref),
        'subject.kind': subject.kind!,
        'subject.scheme': subject.scheme!,
        'subject.id': subject.id!,
        'subject.name': '张\u0000三',
        decided_at: String(record.decided_at),
        legal_basis: String(record.legal_basis),
        document_ref: String(record.document_ref),
        'attributes.criterion': 'able_but_refuses',
        csrf: chen.csrf,
      },
      chen.cookie,
    );
    assertRefusalPage(filing, 422);
    assert.match(filing.body, /id="f-subject-name-error" role="alert">Name contains the control/);

    const recordId = await t.file(court, aCourtRecord({ subjectId: aResidentId() }));
    const correction = await postForm(
      t,
      `/agency/records/${recordId}/corrections`,
      { summary: 'fixed', reason: 'typo\u0000', csrf: chen.csrf },
      chen.cookie,
    );
    assertRefusalPage(correction, 422);
    assert.match(correction.body, /id="c-reason-error" role="alert">reason contains the control/);

    const opened = await t.app.inject({
      method: 'POST',
      url: `/v1/records/${recordId}/disputes`,
      headers: bearer(operator),
      payload: { statement: 'not mine' },
    });
    const disputeId = opened.json().dispute_id;
    const resolution = await postForm(
      t,
      `/agency/disputes/${disputeId}/resolution`,
      { outcome: 'upheld', reason: 'checked\u0000', csrf: chen.csrf },
      chen.cookie,
    );
    assertRefusalPage(resolution, 422);
    const dispute = (await t.app.inject({ url: `/v1/disputes/${disputeId}`, headers: bearer(operator) })).json();
    assert.equal(dispute.status, 'open');
  });

  test('agency upload: a line with a NUL is kept among the rejects (as U+FFFD); the good lines are filed', async () => {
    const chen = await signIn(t, 'chen', '/agency');
    const good = aCourtRecord();
    const bad = aCourtRecord({ summary: 'a\u0000b' });
    const broken = JSON.stringify(aCourtRecord()).replace('Fa Shi', 'Fa\u0000Shi'); // not JSON: a raw NUL
    const body = multipart(
      { csrf: chen.csrf },
      { name: 'nul.ndjson', content: `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n${broken}\n` },
    );
    const response = await t.app.inject({
      method: 'POST',
      url: '/agency/imports',
      headers: { ...body.headers, cookie: chen.cookie },
      payload: body.payload,
    });
    assert.equal(response.statusCode, 303, response.body);
    const upload = response.headers.location as string;
    const status = (await t.app.inject({ url: `${upload}/status.json`, headers: { cookie: chen.cookie } })).json();
    assert.equal(status.status, 'done', JSON.stringify(status));
    assert.deepEqual([status.created, status.rejected], [1, 2]);
    const rejects = (await t.app.inject({ url: `${upload}/rejects.ndjson`, headers: { cookie: chen.cookie } })).body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      rejects.map((r: { line: number; errors: { code: string }[] }) => [r.line, r.errors[0]!.code]),
      [
        [2, 'CRD_VALIDATION'],
        [3, 'CRD_IMPORT_FILE'],
      ],
    );
    assert.equal(rejects[0].input.summary, 'a\uFFFDb');
    assert.ok(String(rejects[1].input).includes('Fa\uFFFDShi'));
  });
});

describe('the portal', () => {
  test('a dispute statement with a NUL is refused on the file page, with its code; no dispute is opened', async () => {
    const person = aResidentId();
    const recordId = await t.file(court, aCourtRecord({ subjectId: person }));
    const form = await t.app.inject({ url: '/portal/sign-in' });
    const signInCsrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const pre = `credence_csrf=${form.cookies.find((c) => c.name === 'credence_csrf')!.value}`;
    const signedIn = await postForm(t, '/portal/demo-sign-in', { scheme: 'cn-rid', id: person, csrf: signInCsrf }, pre);
    assert.equal(signedIn.statusCode, 303, signedIn.body);
    const cookie = `credence_portal=${signedIn.cookies.find((c) => c.name === 'credence_portal')!.value}`;
    const file = await t.app.inject({ url: '/portal', headers: { cookie } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(file.body)![1]!;
    for (const [url, fields] of [
      [`/portal/records/${recordId}/disputes`, { statement: 'I paid\u0000' }],
      [`/portal/records/${recordId}/repairs`, { evidence: 'receipt\u0000' }],
    ] as const) {
      const response = await postForm(t, url, { ...fields, csrf }, cookie);
      assertRefusalPage(response, 400);
      assert.match(response.body, /CRD_VALIDATION/);
      assert.match(response.body, /name="statement"/, 'the file, with its forms');
    }
    const disputes = (await t.app.inject({ url: '/v1/disputes?status=open', headers: bearer(operator) })).json();
    assert.ok(!disputes.disputes.some((d: { record_id: string }) => d.record_id === recordId));
  });
});
