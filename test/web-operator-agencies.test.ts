/**
 * The console's agencies (/operator/agencies): operators only, CSRF on every form, the API's checks with each
 * problem on its field and the typed values kept, a ledger event for each change as through the API; then in
 * Chromium, in English and Chinese with axe-core on every state, and without JavaScript.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createStaffAccount } from '../src/services/accounts/staff-accounts.service.ts';
import { PASSWORD, postForm, signIn } from './support/agency-session.ts';
import { checkPage, startTestBrowser, type TestBrowser } from './support/browser.ts';

const AGENCY = 'haidian-court';
const PAGE = `/operator/agencies/${AGENCY}`;
const CONTACT = {
  'contact.en': 'Enforcement office, room 2, weekdays 9:00-17:00',
  'contact.zh': '执行局二室，工作日 9:00-17:00',
  'contact.phone': '010-12368',
  'contact.address.en': '9 Court St',
  'contact.address.zh': '法院街9号',
};

let b: TestBrowser;

before(async () => {
  b = await startTestBrowser();
  await b.t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court', agency_id: AGENCY });
  await createStaffAccount(b.t.registry.rt, { username: 'olga', role: 'operator', password: PASSWORD });
  await createStaffAccount(b.t.registry.rt, {
    username: 'chen',
    role: 'agency',
    password: PASSWORD,
    agency_id: AGENCY,
  });
});
after(async () => b?.close());

const contactOf = async () =>
  (await b.t.registry.rt.db.selectFrom('agencies').select('contact').where('id', '=', AGENCY).executeTakeFirst())
    ?.contact ?? null;
const changes = async () =>
  (
    await b.t.registry.rt.db
      .selectFrom('ledger')
      .select('payload')
      .where('type', '=', 'agency.contact_changed')
      .execute()
  )
    .map((e) => JSON.parse(e.payload))
    .filter((p) => p.agency_id === AGENCY);

describe('agency contacts in the console (no browser)', () => {
  test('a clerk gets 403 on the pages and the forms; without a session, the sign-in page', async () => {
    const clerk = await signIn(b.t, 'chen', '/agency');
    for (const url of ['/operator/agencies', PAGE]) {
      assert.equal((await b.t.app.inject({ url, headers: { cookie: clerk.cookie } })).statusCode, 403, url);
      assert.equal((await b.t.app.inject({ url })).statusCode, 303, url);
    }
    for (const url of [`${PAGE}/contact`, `${PAGE}/contact/removal`]) {
      const refused = await postForm(b.t, url, { csrf: clerk.csrf, ...CONTACT }, clerk.cookie);
      assert.equal(refused.statusCode, 403, url);
      assert.match(refused.body, /<code>CRD_FORBIDDEN<\/code>/);
    }
    assert.equal(await contactOf(), null);
  });

  test('without its CSRF token the form changes nothing', async () => {
    const operator = await signIn(b.t, 'olga', '/operator/agencies');
    const forged = await postForm(b.t, `${PAGE}/contact`, CONTACT, operator.cookie);
    assert.equal(forged.statusCode, 403);
    assert.match(forged.body, /CRD_CSRF_INVALID/);
    assert.equal(await contactOf(), null);
  });

  test("the API's problems, each on its field in the page's language, with what was typed kept", async () => {
    const operator = await signIn(b.t, 'olga', '/operator/agencies');
    const typed = { ...CONTACT, 'contact.zh': '', 'contact.phone': 'call <us>', 'contact.address.zh': '' };
    const refused = await postForm(b.t, `${PAGE}/contact`, { csrf: operator.csrf, ...typed }, operator.cookie);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /usa-alert--error/);
    for (const field of ['contact-zh', 'contact-phone', 'contact-address-zh'])
      assert.match(refused.body, new RegExp(`id="agency-${field}-error"`), field);
    assert.match(refused.body, /How to reach the agency needs its text in English and in Chinese/);
    assert.match(refused.body, /Telephone \(optional\) must be a telephone number/);
    assert.match(refused.body, /value="call &lt;us&gt;"/);
    assert.match(refused.body, /value="Enforcement office, room 2, weekdays 9:00-17:00"/);
    const zh = await b.t.app.inject({
      method: 'POST',
      url: `${PAGE}/contact?lang=zh`,
      payload: new URLSearchParams({ csrf: operator.csrf, ...typed }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: operator.cookie },
    });
    assert.equal(zh.statusCode, 400);
    assert.match(zh.body, /“联系方式”须同时填写中文和英文/);
    assert.match(zh.body, /“电话（选填）”须为电话号码/);
    assert.deepEqual(await changes(), [], 'nothing recorded');
  });

  test('saved and removed as through the API: one ledger event each, the same again appends nothing', async () => {
    const operator = await signIn(b.t, 'olga', '/operator/agencies');
    const saved = await postForm(b.t, `${PAGE}/contact`, { csrf: operator.csrf, ...CONTACT }, operator.cookie);
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal(saved.headers.location, `${PAGE}?done=saved`);
    const contact = {
      en: CONTACT['contact.en'],
      zh: CONTACT['contact.zh'],
      phone: CONTACT['contact.phone'],
      address: { en: CONTACT['contact.address.en'], zh: CONTACT['contact.address.zh'] },
    };
    assert.deepEqual(await contactOf(), contact);
    const shown = await b.t.app.inject({ url: `${PAGE}?done=saved`, headers: { cookie: operator.cookie } });
    assert.match(shown.body, /Contact saved/);
    assert.match(shown.body, /9 Court St/);
    await postForm(b.t, `${PAGE}/contact`, { csrf: operator.csrf, ...CONTACT }, operator.cookie);
    assert.deepEqual(await changes(), [{ agency_id: AGENCY, contact }]);

    const removed = await postForm(b.t, `${PAGE}/contact/removal`, { csrf: operator.csrf }, operator.cookie);
    assert.equal(removed.statusCode, 303);
    assert.equal(await contactOf(), null);
    assert.deepEqual((await changes()).at(-1), { agency_id: AGENCY, contact: null });
    const list = await b.t.app.inject({ url: '/operator/agencies', headers: { cookie: operator.cookie } });
    assert.match(list.body, new RegExp(`href="${PAGE}"`));
  });

  test('an unknown agency is a coded 404', async () => {
    const operator = await signIn(b.t, 'olga', '/operator/agencies');
    const missing = await b.t.app.inject({ url: '/operator/agencies/no-such', headers: { cookie: operator.cookie } });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /CRD_AGENCY_NOT_FOUND/);
  });
});

describe('agency contacts in a browser', () => {
  /** A page signed in as the operator, in the browser's language, with or without JavaScript. */
  async function signedIn(locale: 'en-US' | 'zh-CN', javaScriptEnabled = true) {
    const context = await b.newContext({ locale, javaScriptEnabled });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.locator('input[name="username"]').fill('olga');
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.locator('form[action="/sign-in"] button[type="submit"]').click();
    await page.waitForURL(/\/operator$/);
    return { context, page };
  }

  test('in English: the list, a refused form, the contact saved, then removed', async () => {
    const { context, page } = await signedIn('en-US');
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Agencies' }).click();
    await page.getByRole('heading', { name: 'Agencies', level: 1 }).waitFor();
    await checkPage(page, 'operator-agencies-en');

    await page.getByRole('link', { name: 'Haidian Court' }).click();
    await page.getByRole('heading', { name: 'Contact of Haidian Court' }).waitFor();
    await checkPage(page, 'operator-agency-en');
    await page.getByLabel('How to reach the agency, in English').fill('Enforcement office');
    await page.getByLabel('Telephone (optional)').fill('twelve');
    await page.getByRole('button', { name: 'Save the contact' }).click();
    await page.getByRole('heading', { name: 'The contact was not saved' }).waitFor();
    assert.equal(await page.getByLabel('How to reach the agency, in English').inputValue(), 'Enforcement office');
    await checkPage(page, 'operator-agency-refused-en');

    await page.getByLabel('How to reach the agency, in Chinese').fill('执行局');
    await page.getByLabel('Telephone (optional)').fill('12368');
    await page.getByRole('button', { name: 'Save the contact' }).click();
    await page.getByRole('heading', { name: 'Contact saved' }).waitFor();
    assert.deepEqual(await contactOf(), { en: 'Enforcement office', zh: '执行局', phone: '12368' });
    await checkPage(page, 'operator-agency-saved-en');

    await page.getByRole('button', { name: 'Remove the contact' }).click();
    await page.getByRole('heading', { name: 'Contact removed' }).waitFor();
    assert.equal(await contactOf(), null);
    await checkPage(page, 'operator-agency-removed-en');
    await context.close();
  });

  test('without JavaScript the forms work alike (axe, which needs it, runs in the other tests)', async () => {
    const { context, page } = await signedIn('en-US', false);
    await page.goto(PAGE);
    await page.getByLabel('How to reach the agency, in English').fill('Enforcement office');
    await page.getByRole('button', { name: 'Save the contact' }).click();
    await page.getByRole('heading', { name: 'The contact was not saved' }).waitFor();
    await page.getByLabel('How to reach the agency, in Chinese').fill('执行局');
    await page.getByRole('button', { name: 'Save the contact' }).click();
    await page.getByRole('heading', { name: 'Contact saved' }).waitFor();
    assert.deepEqual(await contactOf(), { en: 'Enforcement office', zh: '执行局' });
    await page.getByRole('button', { name: 'Remove the contact' }).click();
    await page.getByRole('heading', { name: 'Contact removed' }).waitFor();
    assert.equal(await contactOf(), null);
    await context.close();
  });

  test('in Chinese: a refused form, then the contact saved and listed', async () => {
    const { context, page } = await signedIn('zh-CN');
    await page.goto(PAGE);
    await page.getByRole('heading', { name: 'Haidian Court的联系方式' }).waitFor();
    await checkPage(page, 'operator-agency-zh');
    await page.getByLabel('联系方式（中文）').fill('执行局');
    await page.getByRole('button', { name: '保存联系方式' }).click();
    await page.getByRole('heading', { name: '联系方式未保存' }).waitFor();
    assert.match((await page.locator('#agency-contact-en-error').textContent()) ?? '', /须同时填写中文和英文/);
    await checkPage(page, 'operator-agency-refused-zh');

    await page.getByLabel('联系方式（英文）').fill('Enforcement office');
    await page.getByRole('button', { name: '保存联系方式' }).click();
    await page.getByRole('heading', { name: '联系方式已保存' }).waitFor();
    await checkPage(page, 'operator-agency-saved-zh');
    await page.getByRole('link', { name: '全部机关' }).click();
    await page.getByText('执行局', { exact: true }).waitFor();
    await checkPage(page, 'operator-agencies-zh');
    await context.close();
  });
});
