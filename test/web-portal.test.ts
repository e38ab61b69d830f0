/**
 * The subject portal (issue 4), through app.inject: sign-in only where configured (the demo
 * sign-in only in demo mode), the session cookie's flags, the file in plain words, disputes and
 * repairs through its forms, the JSON download, and its security: CSRF on every form, no way to
 * another subject's file or record, no way into the staff consoles.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runJobs } from '../src/services/runtime/jobs.service.ts';
import { sessionIdHash } from '../src/services/accounts/tokens.service.ts';
import { aCourtRecord, aListingDecision, aPenalty, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

type Response = Awaited<ReturnType<TestRegistry['app']['inject']>>;
interface Session {
  readonly cookie: string;
  readonly csrf: string;
  readonly page: Response;
}

let clients = 0;
/**
 * Each sign-in from its own loopback address, so the per-address sign-in limit counts only where a test
 * means it to.
 */
const nextClient = () => `127.0.${Math.floor(++clients / 250)}.${(clients % 250) + 1}`;

function postForm(
  t: TestRegistry,
  url: string,
  fields: Record<string, string>,
  cookie?: string,
  remoteAddress = '127.0.0.1',
): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });
}

async function demoSignIn(t: TestRegistry, id: string, scheme = 'cn-rid'): Promise<Session & { signIn: Response }> {
  const form = await t.app.inject({ url: '/portal/sign-in' });
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const pre = `credence_csrf=${form.cookies.find((c) => c.name === 'credence_csrf')!.value}`;
  const signIn = await postForm(t, '/portal/demo-sign-in', { scheme, id, csrf }, pre, nextClient());
  assert.equal(signIn.statusCode, 303, signIn.body);
  const cookie = `credence_portal=${signIn.cookies.find((c) => c.name === 'credence_portal')!.value}`;
  const page = await t.app.inject({ url: '/portal', headers: { cookie } });
  assert.equal(page.statusCode, 200, page.body);
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page.body)![1]!, page, signIn };
}

describe('portal sign-in where it is not configured', () => {
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry();
  });
  after(() => t.close());

  test('/portal sends a visitor to sign in, which says sign-in is not set up', async () => {
    const portal = await t.app.inject({ url: '/portal' });
    assert.equal(portal.statusCode, 303);
    assert.equal(portal.headers.location, '/portal/sign-in');
    const page = await t.app.inject({ url: '/portal/sign-in' });
    assert.match(page.body, /Subject sign-in is not set up on this server/);
    assert.ok(!page.body.includes('/portal/demo-sign-in'));
  });

  test('the demo sign-in does not exist outside demo mode', async () => {
    const response = await postForm(t, '/portal/demo-sign-in', { scheme: 'cn-rid', id: aResidentId(), csrf: 'x' });
    assert.equal(response.statusCode, 404);
    assert.match(response.body, /CRD_SUBJECT_SIGN_IN_UNAVAILABLE/);
    assert.equal(
      response.cookies.find((c) => c.name === 'credence_portal'),
      undefined,
    );
    assert.equal((await t.app.inject({ url: '/portal/sign-in/oidc' })).statusCode, 404);
  });
});

describe('subject portal in demo mode', () => {
  let t: TestRegistry;
  let court: string;
  let operatorKey: string;
  const person = aResidentId();
  const other = aResidentId();
  let recordId: string;
  let othersRecord: string;

  before(async () => {
    t = await startTestRegistry(undefined, { subjectSignIn: { oidc: null, demo: true } });
    court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    operatorKey = await t.keyFor({ role: 'operator', name: 'ops' });
    recordId = await t.file(court, aCourtRecord({ subjectId: person, name: '王小明' }));
    othersRecord = await t.file(court, aCourtRecord({ subjectId: other, name: '李四' }));
  });
  after(() => t.close());

  test('the session cookie is HttpOnly, Secure and SameSite=Lax, and pages are never stored', async () => {
    const { signIn, page } = await demoSignIn(t, person);
    const cookie = signIn.cookies.find((c) => c.name === 'credence_portal')!;
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(page.headers['cache-control'], 'no-store');
  });

  test('the file shows score, grade, the list and what it bars, the record and who checked', async () => {
    const relying = await t.keyFor({
      role: 'relying',
      name: 'Air China',
      actions: ['travel.air.premium_class'],
      purposes: ['ticketing'],
    });
    const decision = await t.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: bearer(relying),
      payload: { subject: { scheme: 'cn-rid', id: person }, action: 'travel.air.premium_class', purpose: 'ticketing' },
    });
    assert.equal(decision.json().outcome, 'deny');
    const { page, cookie } = await demoSignIn(t, person);
    assert.match(page.body, /Demo mode: you signed in without proof of identity/);
    assert.match(page.body, /role="img" aria-label="Score \d+ on a scale from 600 to 1100: grade [A-D]+"/);
    assert.match(page.body, /Dishonest judgment debtor/);
    assert.match(page.body, /How to get off this list<\/h4>\s*<p[^>]*>Perform what the judgment orders/);
    const zh = (await t.app.inject({ url: '/portal?lang=zh', headers: { cookie } })).body;
    assert.match(zh, /失信被执行人名单 <span class="usa-tag[^"]*">生效中<\/span>/);
    assert.match(zh, /自\d{4}年\d{1,2}月\d{1,2}日起列入该名单/);
    assert.match(zh, /如何移出该名单<\/h4>\s*<p[^>]*>履行生效法律文书确定的义务/);
    assert.match(zh, /法律依据：《最高人民法院关于限制被执行人高消费及有关消费的若干规定》/);
    assert.match(page.body, /Haidian Court/);
    assert.match(page.body, /Fa Shi \[2013\] 17 art\. 1/);
    assert.match(page.body, /Refused/);
    assert.match(page.body, /Air China/);
    assert.match(page.body, /asked whether you may/);
    assert.ok(!page.body.includes('李四'), 'another subject’s name');
  });

  test('a dispute sent through the form opens on the record, and the agency is told by the deadline', async () => {
    const { cookie, csrf } = await demoSignIn(t, person);
    const sent = await postForm(
      t,
      `/portal/records/${recordId}/disputes`,
      { statement: 'I paid the debt on 2026-09-30.', csrf },
      cookie,
    );
    assert.equal(sent.statusCode, 303, sent.body);
    const page = await t.app.inject({ url: sent.headers.location as string, headers: { cookie } });
    assert.match(page.body, /Your dispute was sent\. The agency must answer by 2026-12-01/);
    assert.match(page.body, /Your dispute is under way/);
    const disputes = (await t.app.inject({ url: '/v1/disputes?status=open', headers: bearer(court) })).json().disputes;
    assert.ok(
      disputes.some(
        (d: { record_id: string; statement: string }) =>
          d.record_id === recordId && d.statement === 'I paid the debt on 2026-09-30.',
      ),
    );
  });

  test('a form without the CSRF token is refused and changes nothing', async () => {
    const penalty = await t.file(
      await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' }),
      aPenalty({ tier: 'minor', kind: 'person', subjectId: person }),
    );
    const { cookie } = await demoSignIn(t, person);
    const refused = await postForm(t, `/portal/records/${penalty}/repairs`, { evidence: 'paid' }, cookie);
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /CRD_CSRF_INVALID/);
    const forged = await postForm(
      t,
      `/portal/records/${penalty}/disputes`,
      { statement: 'forged', csrf: 'not-the-token' },
      cookie,
    );
    assert.equal(forged.statusCode, 403);
    assert.equal(
      (await t.app.inject({ url: `/v1/records/${penalty}`, headers: bearer(operatorKey) })).json().status,
      'active',
    );
  });

  test('a subject cannot act on another subject’s record: not found, and nothing opens', async () => {
    const { cookie, csrf } = await demoSignIn(t, person);
    const response = await postForm(
      t,
      `/portal/records/${othersRecord}/disputes`,
      { statement: 'not mine', csrf },
      cookie,
    );
    assert.equal(response.statusCode, 404);
    assert.match(response.body, /CRD_NOT_FOUND/);
    assert.ok(!response.body.includes('李四'));
    const disputes = (await t.app.inject({ url: '/v1/disputes?status=open', headers: bearer(court) })).json().disputes;
    assert.ok(!disputes.some((d: { record_id: string }) => d.record_id === othersRecord));
  });

  test('a subject session opens no console and no API', async () => {
    const { cookie } = await demoSignIn(t, person);
    for (const url of ['/agency', '/operator']) {
      const response = await t.app.inject({ url, headers: { cookie } });
      assert.equal(response.statusCode, 303, url);
      assert.match(response.headers.location as string, /^\/sign-in/);
    }
    assert.equal(
      (await t.app.inject({ url: `/v1/subjects/cn-rid/${person}/report`, headers: { cookie } })).statusCode,
      401,
    );
  });

  test('repair before the minimum period is refused on the page with its reason', async () => {
    const general = await t.file(
      await t.keyFor({ role: 'agency', name: 'Market Regulator 2', agency_kind: 'market' }),
      aPenalty({ tier: 'general', kind: 'person', subjectId: person }),
    );
    const { cookie, csrf } = await demoSignIn(t, person);
    const response = await postForm(
      t,
      `/portal/records/${general}/repairs`,
      { evidence: 'I paid the fine', csrf },
      cookie,
    );
    assert.equal(response.statusCode, 422, response.body);
    assert.match(response.body, /usa-alert--error/);
    assert.match(response.body, /CRD_REPAIR_TOO_EARLY/);
    // The date repair opens is said before any form, and there is no form to fill in before then (issue 11).
    const card = response.body.slice(response.body.indexOf(`id="record-${general}"`));
    assert.match(card, /You can apply for credit repair from \d{1,2} \w+ \d{4}/);
    assert.ok(!card.slice(0, card.indexOf('</li>')).includes(`/portal/records/${general}/repairs`));
  });

  test('repair needs a public credit commitment: made in a form, kept as typed if refused (Order 36)', async () => {
    const minor = await t.file(
      await t.keyFor({ role: 'agency', name: 'Market Regulator 3', agency_kind: 'market' }),
      aPenalty({ tier: 'minor', kind: 'person', subjectId: person }),
    );
    const { cookie, csrf, page } = await demoSignIn(t, person);
    assert.match(page.body, /make a public credit commitment for this record/);
    const refused = await postForm(
      t,
      `/portal/records/${minor}/repairs`,
      { evidence: 'I paid the fine', csrf },
      cookie,
    );
    assert.equal(refused.statusCode, 422, refused.body);
    assert.match(refused.body, /CRD_COMMITMENT_REQUIRED/);
    const words = 'I will pay every fine on time & keep my <licence> in order.';
    const foreign = await postForm(t, '/portal/commitments', { text: words, record_id: othersRecord, csrf }, cookie);
    assert.equal(foreign.statusCode, 404, 'a record of someone else');
    const control = await postForm(
      t,
      '/portal/commitments',
      { text: `${words}\u0000`, record_id: minor, csrf },
      cookie,
    );
    assert.equal(control.statusCode, 400, 'a control character');
    assert.match(control.body, /CRD_VALIDATION/);
    assert.ok(
      control.body.includes('I will pay every fine on time &amp; keep my &lt;licence&gt; in order.</textarea>'),
    );
    const made = await postForm(t, '/portal/commitments', { text: words, record_id: minor, csrf }, cookie);
    assert.equal(made.statusCode, 303, made.body);
    const after = (await t.app.inject({ url: made.headers.location as string, headers: { cookie } })).body;
    assert.match(after, /Your credit commitment is recorded/);
    assert.match(after, /Your credit commitment of .* goes with this application/);
    const zh = (await t.app.inject({ url: '/portal?lang=zh', headers: { cookie } })).body;
    assert.match(zh, /信用承诺/);
    const applied = await postForm(
      t,
      `/portal/records/${minor}/repairs`,
      { evidence: 'I paid the fine', csrf },
      cookie,
    );
    assert.equal(applied.statusCode, 303, applied.body);
    const pending = (await t.app.inject({ url: '/portal', headers: { cookie } })).body;
    assert.match(pending, /You applied for repair on .*; the agency must decide by/);
  });

  test('what it means: each list, what it refuses, whose record, how to reach them, the way off', async () => {
    const court2 = await t.keyFor({
      role: 'agency',
      name: 'Dongcheng Court',
      agency_kind: 'court',
      agency_contact: {
        en: 'Enforcement office, weekdays 9:00-17:00',
        zh: '执行局，工作日9:00-17:00',
        phone: '+86 10 6512 0000',
        address: { en: '1 Court Street, Dongcheng', zh: '东城区法院街1号' },
      },
    });
    const someone = aResidentId();
    const record = await t.file(court2, aCourtRecord({ subjectId: someone, name: '钱七' }));
    const { page, cookie } = await demoSignIn(t, someone);
    const card = page.body.slice(page.body.indexOf('id="list-judgment-defaulters"'));
    assert.match(card, /What this list means for you:/);
    assert.match(card, /<li>Refused: [^<]*<\/li>/);
    assert.match(card, /The listing rests on a record of: Dongcheng Court/);
    assert.match(card, /How to reach them: Enforcement office, weekdays 9:00-17:00/);
    assert.match(card, /Telephone: \+86 10 6512 0000/);
    assert.match(card, /Address: 1 Court Street, Dongcheng/);
    assert.match(card, new RegExp(`<a class="usa-link" href="#record-${record}">If the record is wrong, dispute it`));
    assert.match(card, /must answer within 30 days/);
    const recordCard = page.body.slice(page.body.indexOf(`id="record-${record}"`));
    assert.match(recordCard, /This record places you on: Dishonest judgment debtors\./);
    const zh = (await t.app.inject({ url: '/portal?lang=zh', headers: { cookie } })).body;
    assert.match(zh, /联系方式：执行局，工作日9:00-17:00/);
    assert.match(zh, /地址：东城区法院街1号/);
    assert.match(zh, /该记录使您被列入：失信被执行人名单。/);
  });

  test('a pending listing previews what will be refused and from when, and by when to be heard', async () => {
    const market = await t.keyFor({ role: 'agency', name: 'Market Regulator 4', agency_kind: 'market' });
    const someone = aResidentId();
    await t.file(market, aListingDecision({ kind: 'person', subjectId: someone }));
    const { page } = await demoSignIn(t, someone);
    const card = page.body.slice(page.body.indexOf('id="list-serious-dishonesty"'));
    assert.match(card, /Notice given: not yet in force/);
    assert.match(card, /From (\d{1,2} \w+ \d{4}), this list will mean for you:/);
    assert.match(card, /<li>Refused: [^<]*<\/li>/);
    assert.match(card, /To be heard before the listing takes effect, dispute the record before \d{1,2} \w+ \d{4}\./);
  });

  test('a refused dispute comes back with what was typed; after an upheld one, a statement form', async () => {
    const someone = aResidentId();
    const record = await t.file(court, aCourtRecord({ subjectId: someone }));
    const { cookie, csrf } = await demoSignIn(t, someone);
    const typed = 'I paid it & have the <receipt>';
    const refused = await postForm(
      t,
      `/portal/records/${record}/disputes`,
      { statement: `${typed}\u0000`, csrf },
      cookie,
    );
    assert.equal(refused.statusCode, 400, refused.body);
    assert.ok(refused.body.includes('I paid it &amp; have the &lt;receipt&gt;</textarea>'), 'the text as typed');
    const sent = await postForm(t, `/portal/records/${record}/disputes`, { statement: typed, csrf }, cookie);
    assert.equal(sent.statusCode, 303, sent.body);
    const disputes = (await t.app.inject({ url: '/v1/disputes?status=open', headers: bearer(court) })).json().disputes;
    const dispute = disputes.find((d: { record_id: string }) => d.record_id === record);
    const resolved = await t.app.inject({
      method: 'POST',
      url: `/v1/disputes/${dispute.dispute_id}/resolution`,
      headers: bearer(court),
      payload: { outcome: 'upheld', reason: 'the judgment stands' },
    });
    assert.equal(resolved.statusCode, 200, resolved.body);
    const page = (await t.app.inject({ url: '/portal', headers: { cookie } })).body;
    assert.match(page, new RegExp(`action="/portal/disputes/${dispute.dispute_id}/statement"`));
    const saved = await postForm(
      t,
      `/portal/disputes/${dispute.dispute_id}/statement`,
      { statement: 'The court did not see my receipt.', csrf },
      cookie,
    );
    assert.equal(saved.statusCode, 303, saved.body);
    const after = (await t.app.inject({ url: saved.headers.location as string, headers: { cookie } })).body;
    assert.match(after, /Your statement was saved/);
    assert.match(after, /Your statement, shown with this record: The court did not see my receipt\./);
    assert.match(after, /Replace your statement on this record/);
  });

  test('who checked me lists the others’ checks; the resident’s own views are counted, not listed', async () => {
    const someone = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: someone }));
    const { cookie } = await demoSignIn(t, someone);
    const page = (await t.app.inject({ url: '/portal', headers: { cookie } })).body;
    const section = page.slice(page.indexOf('id="inquiries-heading"'));
    assert.match(section, /Your own views of your file: 2 \(counted here, not listed\)/);
    assert.ok(!section.includes('you, in this portal'), 'no row for the resident’s own views');
    assert.match(section, /Nobody has checked you yet/);
  });

  test('download my data: the whole file as a JSON attachment, logged as a read', async () => {
    const { cookie } = await demoSignIn(t, person);
    const response = await t.app.inject({ url: '/portal/data.json', headers: { cookie } });
    assert.equal(response.statusCode, 200);
    assert.match(
      response.headers['content-disposition'] as string,
      /^attachment; filename="credence-file-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const file = response.json();
    assert.equal(file.subject.known, true);
    assert.ok(file.records.some((r: { id: string }) => r.id === recordId));
    assert.ok(!file.records.some((r: { id: string }) => r.id === othersRecord));
    const report = (
      await t.app.inject({ url: `/v1/subjects/cn-rid/${person}/report`, headers: bearer(operatorKey) })
    ).json();
    assert.ok(
      report.inquiries.some(
        (i: { kind: string; by: { role: string } }) => i.kind === 'report' && i.by.role === 'subject',
      ),
    );
  });

  test('someone Credence knows nothing about sees an empty file at the base grade', async () => {
    const { page } = await demoSignIn(t, aResidentId());
    assert.match(page.body, /Credence holds no record about you/);
    assert.match(page.body, /No record has been filed about you/);
  });

  test('a bad identifier at the demo sign-in is shown on the form with its code', async () => {
    const form = await t.app.inject({ url: '/portal/sign-in' });
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const pre = `credence_csrf=${form.cookies.find((c) => c.name === 'credence_csrf')!.value}`;
    const response = await postForm(
      t,
      '/portal/demo-sign-in',
      { scheme: 'cn-rid', id: '110101199001011234', csrf },
      pre,
    );
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /CRD_INVALID_IDENTIFIER/);
    assert.equal(
      response.cookies.find((c) => c.name === 'credence_portal'),
      undefined,
    );
  });

  test('the scheduled jobs delete portal sessions a week after they end; a live one stays', async () => {
    const ended = await demoSignIn(t, person);
    await postForm(t, '/portal/sign-out', { csrf: ended.csrf }, ended.cookie);
    const started = t.now;
    t.now = new Date(started.getTime() + 8 * 24 * 3600_000);
    try {
      const live = await demoSignIn(t, person);
      const counts = await runJobs({ ctx: t.registry.rt, webhook: null }, t.now);
      assert.ok(counts.purged_subject_sessions! >= 1, JSON.stringify(counts));
      const rows = await t.registry.rt.db.selectFrom('subject_sessions').select('id_hash').execute();
      assert.ok(
        !rows.some((r) => r.id_hash === sessionIdHash(ended.cookie.slice('credence_portal='.length))),
        'ended eight days ago: deleted',
      );
      assert.equal(
        (await t.app.inject({ url: '/portal', headers: { cookie: live.cookie } })).statusCode,
        200,
        'a live session still works',
      );
    } finally {
      t.now = started;
    }
  });

  test('one address may try the sign-in at most 20 times a minute, then gets a coded 429 page', async () => {
    const form = await t.app.inject({ url: '/portal/sign-in' });
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const pre = `credence_csrf=${form.cookies.find((c) => c.name === 'credence_csrf')!.value}`;
    const address = '127.1.2.3';
    for (let i = 0; i < 20; i += 1)
      assert.equal(
        (await postForm(t, '/portal/demo-sign-in', { scheme: 'cn-rid', id: aResidentId(), csrf }, pre, address))
          .statusCode,
        303,
        `attempt ${i}`,
      );
    const limited = await postForm(
      t,
      '/portal/demo-sign-in',
      { scheme: 'cn-rid', id: aResidentId(), csrf },
      pre,
      address,
    );
    assert.equal(limited.statusCode, 429);
    assert.match(limited.body, /CRD_RATE_LIMITED/);
    assert.equal(
      limited.cookies.find((c) => c.name === 'credence_portal'),
      undefined,
    );
    assert.equal(
      (await postForm(t, '/portal/demo-sign-in', { scheme: 'cn-rid', id: aResidentId(), csrf }, pre, '127.1.2.4'))
        .statusCode,
      303,
      'another address is not limited',
    );
  });

  test('signing out ends the session for good', async () => {
    const { cookie, csrf } = await demoSignIn(t, person);
    assert.equal((await postForm(t, '/portal/sign-out', { csrf }, cookie)).statusCode, 303);
    assert.equal((await t.app.inject({ url: '/portal', headers: { cookie } })).statusCode, 303);
  });
});
