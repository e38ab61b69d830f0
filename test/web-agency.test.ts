/**
 * The agency console (issue 4): clerks only, CSRF on every form, a clerk sees only their own
 * agency's disputes, filing shows inline errors next to the field or creates the record; and one
 * journey in a real browser (file, correct, revoke, resolve disputes as corrected and, in
 * Chinese, as upheld), with axe-core, the 360 px check and screenshots.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createStaffAccount } from '../src/services/accounts/staff-accounts.service.ts';
import { checkPage, startTestBrowser, type TestBrowser } from './support/browser.ts';
import { aCourtRecord, aPenalty, aResidentId } from './support/factories.ts';
import { PASSWORD, postForm, signIn } from './support/agency-session.ts';
import { makeCommitment, subjectOf } from './support/commitments.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

/** A court record as the console form posts it (flat field names = the intake problem paths). */
function formOf(record: Record<string, unknown>): Record<string, string> {
  const subject = record.subject as Record<string, string>;
  const attributes = record.attributes as Record<string, string>;
  return {
    type: String(record.type),
    source_ref: String(record.source_ref),
    'subject.kind': subject.kind!,
    'subject.scheme': subject.scheme!,
    'subject.id': subject.id!,
    'subject.name': subject.name!,
    decided_at: String(record.decided_at),
    legal_basis: String(record.legal_basis),
    document_ref: String(record.document_ref),
    ...Object.fromEntries(Object.entries(attributes).map(([k, v]) => [`attributes.${k}`, v])),
  };
}

async function openDispute(t: TestRegistry, operatorKey: string, recordId: string, statement: string): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/v1/records/${recordId}/disputes`,
    headers: bearer(operatorKey),
    payload: { statement },
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().dispute_id;
}

describe('agency console (app.inject)', () => {
  let t: TestRegistry;
  let operatorKey: string;
  let otherCourt: string;
  let market: string;

  before(async () => {
    t = await startTestRegistry();
    await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    otherCourt = await t.keyFor({ role: 'agency', name: 'Chaoyang Court', agency_kind: 'court' });
    operatorKey = await t.keyFor({ role: 'operator', name: 'ops' });
    market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
    for (const [username, role, agency] of [
      ['olga', 'operator'],
      ['chen', 'agency', 'haidian-court'],
      ['li', 'agency', 'chaoyang-court'],
      ['ma', 'agency', 'market-regulator'],
    ] as const) {
      await createStaffAccount(t.registry.rt, {
        username,
        role,
        password: PASSWORD,
        ...(agency ? { agency_id: agency } : {}),
      });
    }
  });
  after(() => t.close());

  test('an operator session gets 403 on /agency', async () => {
    const { cookie } = await signIn(t, 'olga', '/operator');
    assert.equal((await t.app.inject({ url: '/agency', headers: { cookie } })).statusCode, 403);
  });

  test('a form posted without the CSRF token is refused and files nothing', async () => {
    const { cookie } = await signIn(t, 'chen', '/agency');
    const record = aCourtRecord();
    const response = await postForm(t, '/agency/records', formOf(record), cookie);
    assert.equal(response.statusCode, 403, response.body);
    assert.match(response.body, /CRD_CSRF_INVALID/);
    const after = await t.app.inject({ url: '/agency', headers: { cookie } });
    assert.ok(!after.body.includes(String(record.source_ref)));
  });

  test('an invalid record shows the error inline next to its field', async () => {
    const { cookie, csrf } = await signIn(t, 'chen', '/agency');
    const response = await postForm(
      t,
      '/agency/records',
      { ...formOf(aCourtRecord()), 'subject.id': '110101199001011234x', csrf },
      cookie,
    );
    assert.equal(response.statusCode, 422);
    assert.match(
      response.body,
      /usa-form-group--error">\s*<label class="usa-label usa-label--error" for="f-subject-id">/,
    );
    assert.match(response.body, /<span class="usa-error-message" id="f-subject-id-error" role="alert">[^<]+<\/span>/);
    assert.match(
      response.body,
      new RegExp(
        'id="f-subject-id" name="subject.id" type="text" value="110101199001011234x" ' +
          'aria-describedby="f-subject-id-error" aria-invalid="true"',
      ),
    );
  });

  test('every problem of a filing in one round, summarised first with the focus, in the page’s language', async () => {
    const { cookie, csrf } = await signIn(t, 'chen', '/agency');
    // A bad check digit (the right one is X) together with a blank name and no decision date.
    const form = { ...formOf(aCourtRecord()), 'subject.id': '110105194912310023', 'subject.name': '', decided_at: '' };
    const response = await postForm(t, '/agency/records', { ...form, csrf }, `${cookie}; lang=zh`);
    assert.equal(response.statusCode, 422);
    const main = response.body.slice(response.body.indexOf('<main'));
    const summary = /<div class="usa-alert usa-alert--error" role="alert" id="file-errors" tabindex="-1" autofocus>/;
    assert.match(main, summary);
    // The summary comes before every queue: the refused form is the first thing on the page.
    assert.ok(main.search(summary) < main.indexOf('id="disputes-heading"'), 'the summary is at the top');
    const items = [...main.matchAll(/<li><a class="usa-link" href="#(f-[^"]+)">([^<]+)<\/a><\/li>/g)];
    assert.deepEqual(
      items.map((m) => m[1]),
      ['f-subject-name', 'f-subject-id', 'f-decided_at'],
    );
    assert.deepEqual(
      items.map((m) => m[2]),
      [
        '“名称”为必填项',
        '证件号码: cn-rid 号码的校验码是 3，正确的应为 X',
        '“决定日期”为必填项（格式如 2026-03-01 或 2026-03-01T09:30:00+08:00）',
      ],
    );
    assert.match(main, /<span class="usa-error-message" id="f-subject-id-error" role="alert">cn-rid 号码的校验码是 3/);
  });

  test('attributes are grouped per record type, enumerations as selects labelled from the policy', async () => {
    const { cookie, csrf } = await signIn(t, 'chen', '/agency');
    const page = await t.app.inject({ url: '/agency', headers: { cookie: `${cookie}; lang=zh` } });
    assert.match(page.body, /<legend class="usa-legend">“失信被执行人”的属性<\/legend>/);
    const select =
      /<select class="usa-select" id="f-attr-court-judgment_default-criterion"[^>]*>([\s\S]*?)<\/select>/.exec(
        page.body,
      );
    assert.ok(select, 'the criterion is a select');
    assert.match(select[1]!, /<option value="able_but_refuses">[^<]*[\u4e00-\u9fff][^<]*<\/option>/);
    // Only the chosen type's group is read: a value in another type's group is not filed with it.
    const record = aCourtRecord();
    const { 'attributes.criterion': criterion, ...rest } = formOf(record);
    const filed = await postForm(
      t,
      '/agency/records',
      { ...rest, 'attr.court.judgment_default.criterion': criterion!, 'attr.court.listing_extension.years': '2', csrf },
      cookie,
    );
    assert.equal(filed.statusCode, 303, filed.body);
    const id = /filed=(\d+)/.exec(filed.headers.location as string)![1]!;
    const stored = (await t.app.inject({ url: `/v1/records/${id}`, headers: bearer(operatorKey) })).json();
    assert.deepEqual(stored.attributes, { criterion: 'able_but_refuses' });
  });

  test('find my record by its case number (案号), with whom it is about', async () => {
    const chen = await signIn(t, 'chen', '/agency');
    const ours = aCourtRecord({ name: '赵六' });
    await postForm(t, '/agency/records', { ...formOf(ours), csrf: chen.csrf }, chen.cookie);
    const found = await t.app.inject({
      url: `/agency?find=${encodeURIComponent(String(ours.document_ref))}`,
      headers: { cookie: chen.cookie },
    });
    assert.match(found.body, /revocation"/);
    const subject = (ours.subject as { id: string }).id;
    assert.match(found.body, new RegExp(`赵六 · <code>cn-rid:${subject}</code>`));
    const listed = await t.app.inject({
      url: `/agency/records?q=${encodeURIComponent(String(ours.document_ref))}`,
      headers: { cookie: chen.cookie },
    });
    assert.match(listed.body, /赵六/);
  });

  test('a valid record is filed and reported once', async () => {
    const { cookie, csrf } = await signIn(t, 'chen', '/agency');
    const response = await postForm(t, '/agency/records', { ...formOf(aCourtRecord()), csrf }, cookie);
    assert.equal(response.statusCode, 303, response.body);
    const id = /filed=(\d+)/.exec(response.headers.location as string)![1]!;
    const record = await t.app.inject({ url: `/v1/records/${id}`, headers: bearer(operatorKey) });
    assert.equal(record.json().agency_id, 'haidian-court');
    assert.match(
      (await t.app.inject({ url: response.headers.location as string, headers: { cookie } })).body,
      new RegExp(`Record ${id} was filed \\(created\\)`),
    );
  });

  test('a clerk sees only their own agency’s disputes, and cannot resolve another’s', async () => {
    const theirs = await t.file(otherCourt, aCourtRecord({ subjectId: aResidentId() }));
    const disputeId = await openDispute(t, operatorKey, theirs, 'Chaoyang: I never owed this money');
    const chen = await signIn(t, 'chen', '/agency');
    assert.ok(!chen.body.includes('Chaoyang: I never owed this money'));
    assert.ok(!chen.body.includes(disputeId));
    const li = await signIn(t, 'li', '/agency');
    assert.ok(li.body.includes('Chaoyang: I never owed this money'));
    const refused = await postForm(
      t,
      `/agency/disputes/${disputeId}/resolution`,
      { outcome: 'upheld', reason: 'checked', csrf: chen.csrf },
      chen.cookie,
    );
    assert.ok(refused.statusCode === 403 || refused.statusCode === 404, `${refused.statusCode}`);
    const resolved = await postForm(
      t,
      `/agency/disputes/${disputeId}/resolution`,
      { outcome: 'upheld', reason: 'checked the judgment', csrf: li.csrf },
      li.cookie,
    );
    assert.equal(resolved.statusCode, 303, resolved.body);
  });
  test('find my record by source_ref (own agency only), then revoke it', async () => {
    const chen = await signIn(t, 'chen', '/agency');
    const ours = aCourtRecord();
    const filed = await postForm(t, '/agency/records', { ...formOf(ours), csrf: chen.csrf }, chen.cookie);
    const id = /filed=(\d+)/.exec(filed.headers.location as string)![1]!;
    const theirs = aCourtRecord();
    const theirId = await t.file(otherCourt, theirs);
    const found = await t.app.inject({
      url: `/agency?find=${encodeURIComponent(String(ours.source_ref))}`,
      headers: { cookie: chen.cookie },
    });
    assert.ok(found.body.includes(`action="/agency/records/${id}/revocation"`));
    for (const query of [String(theirs.source_ref), theirId]) {
      const other = await t.app.inject({
        url: `/agency?find=${encodeURIComponent(query)}`,
        headers: { cookie: chen.cookie },
      });
      assert.match(other.body, /None of your agency’s records matches/);
      assert.ok(!other.body.includes(`/agency/records/${theirId}/revocation`));
    }
    assert.equal(
      (await postForm(t, `/agency/records/${theirId}/revocation`, { reason: 'x', csrf: chen.csrf }, chen.cookie))
        .statusCode,
      404,
    );
    const revoked = await postForm(
      t,
      `/agency/records/${id}/revocation`,
      { reason: 'filed against the wrong person', csrf: chen.csrf },
      chen.cookie,
    );
    assert.equal(revoked.statusCode, 303, revoked.body);
    assert.equal(
      (await t.app.inject({ url: `/v1/records/${id}`, headers: bearer(operatorKey) })).json().status,
      'revoked',
    );
  });

  test('the repair queue: the filing agency’s clerk approves; others do not see it', async () => {
    const penalty = aPenalty({ tier: 'minor' });
    const recordId = await t.file(market, penalty);
    await makeCommitment(t, operatorKey, subjectOf(penalty)); // NDRC Order No. 36 (2025): repair needs one
    const applied = await t.app.inject({
      method: 'POST',
      url: `/v1/records/${recordId}/repairs`,
      headers: bearer(operatorKey),
      payload: { evidence: 'Fine paid in full on 2026-10-20' },
    });
    assert.equal(applied.statusCode, 201, applied.body);
    const repairId = applied.json().repair_id;
    assert.ok(!(await signIn(t, 'chen', '/agency')).body.includes(repairId));
    const ma = await signIn(t, 'ma', '/agency');
    assert.ok(ma.body.includes(`/agency/repairs/${repairId}/decision`));
    assert.ok(ma.body.includes('I will meet every obligation on time'), 'the applicant’s credit commitment is shown');
    const noCsrf = await postForm(
      t,
      `/agency/repairs/${repairId}/decision`,
      { approve: 'true', reason: 'paid' },
      ma.cookie,
    );
    assert.equal(noCsrf.statusCode, 403);
    const decided = await postForm(
      t,
      `/agency/repairs/${repairId}/decision`,
      { approve: 'true', reason: 'the fine is paid', csrf: ma.csrf },
      ma.cookie,
    );
    assert.equal(decided.statusCode, 303, decided.body);
    assert.equal(
      (await t.app.inject({ url: `/v1/records/${recordId}`, headers: bearer(operatorKey) })).json().status,
      'repaired',
    );
    assert.ok(!(await t.app.inject({ url: '/agency', headers: { cookie: ma.cookie } })).body.includes(repairId));
  });
});

describe('agency console in a browser', () => {
  let b: TestBrowser;
  let disputedRecord: string;
  let disputeId: string;
  let secondDispute: string;

  before(async () => {
    b = await startTestBrowser();
    const court = await b.t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    const operatorKey = await b.t.keyFor({ role: 'operator', name: 'ops' });
    await createStaffAccount(b.t.registry.rt, {
      username: 'chen',
      role: 'agency',
      password: PASSWORD,
      agency_id: 'haidian-court',
    });
    disputedRecord = await b.t.file(court, aCourtRecord({ name: '王小明' }));
    disputeId = await openDispute(b.t, operatorKey, disputedRecord, 'I paid the judgment debt in full on 2026-09-30');
    secondDispute = await openDispute(b.t, operatorKey, await b.t.file(court, aCourtRecord()), '这不是我的债务');
    const market = await b.t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
    await createStaffAccount(b.t.registry.rt, {
      username: 'ma',
      role: 'agency',
      password: PASSWORD,
      agency_id: 'market-regulator',
    });
    const input = aPenalty({ tier: 'minor' });
    const penalty = await b.t.file(market, input);
    await makeCommitment(b.t, operatorKey, subjectOf(input));
    const applied = await b.t.app.inject({
      method: 'POST',
      url: `/v1/records/${penalty}/repairs`,
      headers: bearer(operatorKey),
      payload: { evidence: 'Fine paid in full on 2026-10-20', document_ref: 'receipt 2026-118' },
    });
    assert.equal(applied.statusCode, 201, applied.body);
  });
  after(async () => b?.close());

  test(
    'a clerk signs in, files, corrects and revokes a record, ' + 'resolves disputes (corrected; upheld in Chinese)',
    async () => {
      const context = await b.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      await page.goto('/agency');
      await page.getByLabel('Username').fill('chen');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Agency console', level: 1 }).waitFor();
      await checkPage(page, 'agency');

      const record = formOf(aCourtRecord({ name: '李四' }));
      const fileForm = page.locator('form[action="/agency/records"]');
      await fileForm.getByLabel('Subject kind').selectOption('person');
      for (const [name, value] of Object.entries(record)) {
        if (name === 'type' || name === 'subject.kind' || name === 'subject.scheme')
          await fileForm.locator(`select[name="${name}"]`).selectOption(value);
        else if (name.startsWith('attributes.'))
          // Each type's attributes are its own inputs; an enumeration is a select.
          await fileForm
            .locator(`select[name="attr.${record.type}.${name.slice('attributes.'.length)}"]`)
            .selectOption(value);
        else await fileForm.locator(`input[name="${name}"]`).fill(value);
      }
      await fileForm.locator('input[name="subject.id"]').fill('not-an-id');
      await page.getByRole('button', { name: 'File record' }).click();
      await page.locator('#f-subject-id-error').waitFor();
      // The error summary is at the top of the page and has the focus (issue 11).
      assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'file-errors');
      await checkPage(page, 'agency-invalid');
      await fileForm.locator('input[name="subject.id"]').fill(record['subject.id']!);
      await page.getByRole('button', { name: 'File record' }).click();
      await page.getByText(/Record \d+ was filed \(created\)/).waitFor();
      await page.getByLabel('Your reference (source_ref), record number or case number').fill(record.document_ref!);
      await page.getByRole('button', { name: 'Search' }).last().click();
      await page.getByRole('button', { name: 'Revoke this record' }).waitFor();
      await checkPage(page, 'agency-record');

      // Correct it: first with an expiry before the decision (inline error), then properly.
      const correct = page.locator('form[action$="/corrections"]');
      await correct.getByLabel('Expires on').fill('2026-01-01');
      await correct.getByLabel('Reason (shown to the subject)').fill('The document number was mistyped.');
      await correct.getByRole('button', { name: 'Correct record' }).click();
      await page.locator('#c-expires_at-error').waitFor();
      await checkPage(page, 'agency-correct-invalid');
      await correct.getByLabel('Expires on').fill('');
      await correct.getByLabel('Document reference').fill('(2026)京0108执999号');
      await correct.getByRole('button', { name: 'Correct record' }).click();
      await page.getByText(/Record \d+ was corrected \(now version 2\)\./).waitFor();
      await page.locator('#revoke-reason').fill('Filed against the wrong person.');
      await page.getByRole('button', { name: 'Revoke this record' }).click();
      await page.getByText(/Record \d+ was revoked\./).waitFor();

      const form = page.locator(`form[action="/agency/disputes/${disputeId}/resolution"]`);
      // USWDS hides the input itself
      await form.locator('label', { hasText: 'Corrected (a new version with the changes below)' }).click();
      await form.locator('summary').click();
      await form.getByLabel('Document reference').fill('(2026)京0108执1号之一');
      await form
        .getByLabel('Reason (shown to the subject)')
        .fill('The judgment number on the record was wrong; corrected from the court file.');
      await checkPage(page, 'agency-resolve-corrected');
      await form.getByRole('button', { name: 'Resolve dispute' }).click();
      await page.getByText('The dispute was resolved: corrected.').waitFor();
      assert.equal(await page.locator(`form[action="/agency/disputes/${disputeId}/resolution"]`).count(), 0);
      const versions = await b.t.app.inject({
        url: `/v1/records/${disputedRecord}/versions`,
        headers: bearer(await b.t.keyFor({ role: 'operator', name: 'ops-check' })),
      });
      assert.equal(versions.json().record.document_ref, '(2026)京0108执1号之一');
      assert.equal(versions.json().versions.length, 1);

      await page.getByRole('link', { name: 'My records' }).click();
      await page.getByRole('heading', { name: 'My records', level: 1 }).waitFor();
      await checkPage(page, 'agency-records');
      await page
        .getByLabel('Reference, case number, record number, subject name or whole identifier')
        .fill(record.source_ref!);
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.locator('table a.usa-link').first().click();
      await page.getByRole('heading', { name: / · Revoked$/ }).waitFor(); // the record's view on the console
      await page.goto('/agency?lang=zh');
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
      await page.getByRole('heading', { name: '机构工作台', level: 1 }).waitFor();
      await checkPage(page, 'agency-zh');
      const zhForm = page.locator(`form[action="/agency/disputes/${secondDispute}/resolution"]`);
      await zhForm.locator('label', { hasText: '维持（记录保留）' }).click();
      await zhForm.getByLabel('理由（将告知主体）').fill('经核对判决书，记录无误。');
      await zhForm.getByRole('button', { name: '提交处理结果' }).click();
      await page.getByText('异议已处理：维持，记录保留。').waitFor();
      await checkPage(page, 'agency-zh-resolved');
      await context.close();
    },
  );

  test('a market regulator clerk refuses a repair application without JavaScript', async () => {
    const context = await b.newContext({ locale: 'en-US', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Username').fill('ma');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Repair queue' }).waitFor();
    await page.getByLabel('Reason (shown to the subject)').fill('The receipt does not match the penalty decision.');
    await page.getByRole('button', { name: 'Refuse' }).click();
    await page.getByText('The repair application was decided: refused.').waitFor();
    await context.close();
  });

  test('the repair queue passes axe and fits 360 px', async () => {
    const context = await b.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const operatorKey = await b.t.keyFor({ role: 'operator', name: 'ops2' });
    const input = aPenalty({ tier: 'minor' });
    const penalty = await b.t.file(
      await b.t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' }),
      input,
    );
    await makeCommitment(b.t, operatorKey, subjectOf(input));
    assert.equal(
      (
        await b.t.app.inject({
          method: 'POST',
          url: `/v1/records/${penalty}/repairs`,
          headers: bearer(operatorKey),
          payload: { evidence: 'Paid' },
        })
      ).statusCode,
      201,
    );
    await page.goto('/sign-in');
    await page.getByLabel('Username').fill('ma');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Approve repair' }).waitFor();
    await checkPage(page, 'agency-repairs');
    await context.close();
  });
});
