/**
 * The operator console (/operator): operators only, CSRF on every form, a new key shown once
 * and working against the API, revocation; then one journey in Chromium in English and Chinese,
 * with axe-core, no sideways scroll at 360 px, and screenshots in test-results/screenshots/.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deliverDueNotices } from '../src/services/due-process/notice-delivery.service.ts';
import { createStaffAccount } from '../src/services/accounts/staff-accounts.service.ts';
import { checkPage, startTestBrowser, type TestBrowser } from './support/browser.ts';
import { aCourtRecord } from './support/factories.ts';
import { startTestRegistry, type TestRegistry } from './support/registry.ts';

const PASSWORD = 'correct horse battery staple';
const KEY = /crd_[A-Za-z0-9_-]{43}/;

type Inject = TestRegistry['app']['inject'];
type Response = Awaited<ReturnType<Inject>>;

function postForm(
  t: TestRegistry,
  url: string,
  fields: Record<string, string | string[]>,
  cookie: string,
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return t.app.inject({
    method: 'POST',
    url,
    payload: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
}

/**
 * Files a court record (its notices enter the outbox) and makes every due notice fail: one
 * attempt allowed, to port 9, which fetch refuses outright ("bad port"): a failure at once,
 * with no network involved (test/notice-delivery.test.ts uses a receiver that is down).
 */
async function failedNotices(t: TestRegistry, courtKey: string): Promise<string[]> {
  const recordId = await t.file(courtKey, aCourtRecord());
  const dead = { url: 'http://127.0.0.1:9/notices', secret: 'test-webhook-secret-0123456789', maxAttempts: 1 };
  const counts = await deliverDueNotices(t.registry.rt, dead);
  assert.ok(counts.failed >= 1, JSON.stringify(counts));
  const rows = await t.registry.rt.db
    .selectFrom('notices')
    .select('id')
    .where('record_id', '=', recordId)
    .where('delivery_status', '=', 'failed')
    .execute();
  return rows.map((r) => r.id).sort();
}

const deliveryOf = (t: TestRegistry, id: string) =>
  t.registry.rt.db
    .selectFrom('notices')
    .select(['delivery_status', 'attempts', 'params'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

async function signIn(t: TestRegistry, username: string, home: string): Promise<{ cookie: string; csrf: string }> {
  const form = await t.app.inject({ url: '/sign-in' });
  const formCookie = form.cookies.find((c) => c.name === 'credence_csrf')!.value;
  const response = await postForm(
    t,
    '/sign-in',
    { username, password: PASSWORD, csrf: /name="csrf" value="([^"]+)"/.exec(form.body)![1]! },
    `credence_csrf=${formCookie}`,
  );
  assert.equal(response.statusCode, 303, response.body);
  const cookie = `credence_session=${response.cookies.find((c) => c.name === 'credence_session')!.value}`;
  const page = await t.app.inject({ url: home, headers: { cookie } });
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '' };
}

describe('operator console (no browser)', () => {
  let t: TestRegistry;
  let operator: { cookie: string; csrf: string };
  let court: string;

  before(async () => {
    t = await startTestRegistry();
    court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    await createStaffAccount(t.registry.rt, { username: 'olga', role: 'operator', password: PASSWORD });
    await createStaffAccount(t.registry.rt, {
      username: 'chen',
      role: 'agency',
      password: PASSWORD,
      agency_id: 'haidian-court',
    });
    operator = await signIn(t, 'olga', '/operator');
  });
  after(() => t.close());

  test('a clerk gets 403 on the console and its forms', async () => {
    const clerk = await signIn(t, 'chen', '/agency');
    const page = await t.app.inject({ url: '/operator', headers: { cookie: clerk.cookie } });
    assert.equal(page.statusCode, 403);
    assert.match(page.body, /CRD_FORBIDDEN/);
    const create = await postForm(
      t,
      '/operator/principals',
      { csrf: clerk.csrf, role: 'operator', name: 'Sneaky' },
      clerk.cookie,
    );
    assert.equal(create.statusCode, 403);
    assert.equal(
      await t.registry.rt.db.selectFrom('principals').select('id').where('name', '=', 'Sneaky').executeTakeFirst(),
      undefined,
    );
    for (const url of ['/operator/deliveries', '/operator/activity']) {
      assert.equal((await t.app.inject({ url, headers: { cookie: clerk.cookie } })).statusCode, 403, url);
    }
    for (const url of ['/operator/verify', '/operator/notices/any/redelivery', '/operator/principals/any/revoke']) {
      const refused = await postForm(t, url, { csrf: clerk.csrf }, clerk.cookie);
      assert.equal(refused.statusCode, 403, url);
      assert.match(refused.body, /<code>CRD_FORBIDDEN<\/code>/);
    }
    assert.equal((await t.app.inject({ url: '/operator' })).statusCode, 303, 'no session: to the sign-in page');
  });

  test('the create form without its CSRF token is refused and creates nothing', async () => {
    const before = await t.registry.rt.db.selectFrom('principals').select('id').execute();
    const response = await postForm(t, '/operator/principals', { role: 'operator', name: 'Forged' }, operator.cookie);
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /CRD_CSRF_INVALID/);
    const wrong = await postForm(
      t,
      '/operator/principals',
      { csrf: 'x'.repeat(43), role: 'operator', name: 'Forged' },
      operator.cookie,
    );
    assert.equal(wrong.statusCode, 403);
    assert.equal((await t.registry.rt.db.selectFrom('principals').select('id').execute()).length, before.length);
  });

  test('a new key: post/redirect/get, shown once, a reload creates none; it authenticates and is revoked', async () => {
    const count = async () => (await t.registry.rt.db.selectFrom('principals').select('id').execute()).length;
    const before = await count();
    const posted = await postForm(
      t,
      '/operator/principals',
      { csrf: operator.csrf, role: 'auditor', name: 'Audit office' },
      operator.cookie,
    );
    assert.equal(posted.statusCode, 303, posted.body);
    const location = String(posted.headers.location);
    assert.match(location, /^\/operator\?created=[A-Za-z0-9_-]{22}$/);
    assert.ok(!KEY.test(posted.body), 'the POST answer carries no key');
    const created = await t.app.inject({ url: location, headers: { cookie: operator.cookie } });
    assert.equal(created.statusCode, 200, created.body);
    const key = KEY.exec(created.body)?.[0];
    assert.ok(key !== undefined, 'the page the redirect opens shows the key');
    assert.match(created.body, /shown only once/);
    assert.match(created.body, /<input[^>]+id="new-key"[^>]+readonly/, 'a readonly field to select and copy');
    assert.equal(created.headers['cache-control'], 'no-store');
    const reload = await t.app.inject({ url: location, headers: { cookie: operator.cookie } });
    assert.equal(reload.statusCode, 200);
    assert.ok(!reload.body.includes(key) && !KEY.test(reload.body), 'reloading does not show the key again');
    assert.match(reload.body, /Audit office/);
    assert.equal(await count(), before + 1, 'the reload created no second key');
    const bearer = { authorization: `Bearer ${key}` };
    assert.equal((await t.app.inject({ url: '/v1/ledger/verify', headers: bearer })).statusCode, 200);

    const row = await t.registry.rt.db
      .selectFrom('principals')
      .select('id')
      .where('name', '=', 'Audit office')
      .executeTakeFirstOrThrow();
    const noCsrf = await postForm(t, `/operator/principals/${row.id}/revoke`, {}, operator.cookie);
    assert.equal(noCsrf.statusCode, 403, 'revoking needs the token too');
    const revoked = await postForm(
      t,
      `/operator/principals/${row.id}/revoke`,
      { csrf: operator.csrf },
      operator.cookie,
    );
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.match(revoked.body, /Key revoked/);
    assert.equal((await t.app.inject({ url: '/v1/ledger/verify', headers: bearer })).statusCode, 401);
  });

  test('validation problems are shown inline and the form keeps what was typed', async () => {
    const response = await postForm(
      t,
      '/operator/principals',
      { csrf: operator.csrf, role: 'relying', name: 'Bank <b>', actions: 'no-such-action' },
      operator.cookie,
    );
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /usa-alert--error/);
    assert.match(response.body, /usa-error-message" id="purposes-error"/);
    assert.match(response.body, /value="Bank &lt;b&gt;"/);
    assert.ok(!KEY.test(response.body));
  });

  test('notices waiting with none delivered raise a warning at the top of the console', async () => {
    await t.file(court, aCourtRecord());
    const notices = await t.registry.rt.db.selectFrom('notices').select(['id', 'delivery_status']).execute();
    const pending = notices.filter((n) => n.delivery_status === 'pending');
    assert.ok(pending.length > 0 && notices.every((n) => n.delivery_status !== 'delivered'), JSON.stringify(notices));
    const warned = await t.app.inject({ url: '/operator', headers: { cookie: operator.cookie } });
    assert.match(warned.body, /id="delivery-warning"/);
    assert.ok(warned.body.includes(`${pending.length} notices are waiting and none has been delivered`));
    assert.ok(warned.body.indexOf('delivery-warning') < warned.body.indexOf('principals-heading'), 'above the keys');
    await t.registry.rt.db
      .updateTable('notices')
      .set({ delivery_status: 'delivered' })
      .where('id', '=', pending[0]!.id)
      .execute();
    const delivering = await t.app.inject({ url: '/operator', headers: { cookie: operator.cookie } });
    assert.doesNotMatch(delivering.body, /id="delivery-warning"/, 'no warning once notices go out');
  });

  test('the policy, delivery status and "verify now" are on the console', async () => {
    const page = await t.app.inject({ url: '/operator', headers: { cookie: operator.cookie } });
    assert.ok(page.body.includes(t.registry.rt.policy.digest));
    assert.match(page.body, /href="\/about"/);
    assert.match(page.body, /Notice delivery/);
    const verified = await postForm(t, '/operator/verify', { csrf: operator.csrf }, operator.cookie);
    assert.equal(verified.statusCode, 200);
    assert.match(verified.body, /Ledger verified/);
    assert.equal((await postForm(t, '/operator/verify', {}, operator.cookie)).statusCode, 403);
  });

  test('failed deliveries are listed without their bodies and delivered again, only with the CSRF token', async () => {
    const [id, other] = (await failedNotices(t, court)) as [string, string];
    const page = await t.app.inject({ url: '/operator/deliveries', headers: { cookie: operator.cookie } });
    assert.equal(page.statusCode, 200, page.body);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.ok(page.body.includes(id) && page.body.includes(other));
    assert.match(page.body, /fetch failed \(bad port\)/, 'the last error is shown');
    assert.notEqual((await deliveryOf(t, id)).params, null, 'stored as a kind and parameters');
    assert.doesNotMatch(page.body, /filed a record|You are on|places you on/, 'no notice body');
    assert.match(page.body, new RegExp(`aria-label="Deliver again: notice ${id}"`));

    const forged = await postForm(t, `/operator/notices/${id}/redelivery`, {}, operator.cookie);
    assert.equal(forged.statusCode, 403);
    assert.match(forged.body, /CRD_CSRF_INVALID/);
    assert.equal((await deliveryOf(t, id)).delivery_status, 'failed', 'nothing changed without the token');

    const again = await postForm(t, `/operator/notices/${id}/redelivery`, { csrf: operator.csrf }, operator.cookie);
    assert.equal(again.statusCode, 200, again.body);
    assert.match(again.body, /Notice queued again/);
    const queued = await deliveryOf(t, id);
    assert.deepEqual(
      { delivery_status: queued.delivery_status, attempts: queued.attempts },
      { delivery_status: 'pending', attempts: 0 },
    );
    assert.equal((await deliveryOf(t, other)).delivery_status, 'failed', 'only that notice');
    const missing = await postForm(
      t,
      '/operator/notices/no-such-notice/redelivery',
      { csrf: operator.csrf },
      operator.cookie,
    );
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /<code>CRD_NOTICE_NOT_FOUND<\/code>/);
  });

  test('the delivery list pages by cursor, and a bad cursor is the first page', async () => {
    const headers = { cookie: operator.cookie };
    // A well-formed cursor names a notice by its id, a UUID (migration 021).
    const last = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
    const forged = Buffer.from(JSON.stringify(['after', 2, '2999-01-01T00:00:00.000Z', last])).toString('base64url');
    const second = await t.app.inject({ url: `/operator/deliveries?after=${forged}`, headers });
    assert.equal(second.statusCode, 200);
    assert.match(second.body, /href="\/operator\/deliveries">First[\s\S]*Previous page/);
    const bad = await t.app.inject({ url: '/operator/deliveries?after=-3x', headers });
    assert.equal(bad.statusCode, 200);
    assert.ok(!bad.body.includes('Previous page'));
  });

  test('registry activity shows the transparency charts and tables', async () => {
    const page = await t.app.inject({ url: '/operator/activity', headers: { cookie: operator.cookie } });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /<h1[^>]*>Registry activity<\/h1>/);
    assert.match(page.body, /<svg role="img" aria-label="Bar chart: Records filed/);
    assert.match(page.body, /Haidian Court/);
  });
});

describe('operator console in a browser', () => {
  let b: TestBrowser;
  let failed: string[];

  before(async () => {
    b = await startTestBrowser();
    await createStaffAccount(b.t.registry.rt, { username: 'olga', role: 'operator', password: PASSWORD });
    failed = await failedNotices(
      b.t,
      await b.t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' }),
    );
  });
  after(async () => b?.close());

  test(
    'an operator signs in, creates a key (shown once), revokes it, ' +
      'verifies the ledger, redelivers a failed notice, reads the charts',
    async () => {
      const context = await b.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      await page.goto('/operator');
      await page.waitForURL(/\/sign-in/);
      await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
      await checkPage(page, 'operator-sign-in-en');
      await page.getByLabel('Username').fill('olga');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/operator$/);
      await checkPage(page, 'operator-en');

      await page.getByLabel('Role', { exact: true }).selectOption('relying');
      await page.getByLabel('Name', { exact: true }).fill('Bank of Example');
      await page.locator('label[for^="actions-"]').first().click();
      await page.locator('label[for^="purposes-"]').first().click();
      await page.getByRole('button', { name: 'Create key' }).click();
      const key = await page.locator('#new-key').inputValue();
      assert.match(key, KEY);
      await checkPage(page, 'operator-created-en');

      await page.reload();
      assert.ok(!(await page.content()).includes(key), 'a reload does not show the key again');
      await page.getByRole('heading', { name: 'Bank of Example', level: 3 }).waitFor(); // listed, without its key
      await page.setViewportSize({ width: 360, height: 780 });
      const revoke = page.getByRole('button', { name: 'Revoke Bank of Example' });
      const box = (await revoke.boundingBox())!;
      assert.ok(
        box.x >= 0 && box.x + box.width <= 360 && box.width > 0,
        `Revoke in view at 360 px: ${JSON.stringify(box)}`,
      );
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.getByRole('button', { name: 'Revoke Bank of Example' }).click();
      await page.getByRole('heading', { name: 'Key revoked' }).waitFor();
      assert.equal(
        (await b.t.app.inject({ url: '/v1/ledger/verify', headers: { authorization: `Bearer ${key}` } })).statusCode,
        401,
      );
      await checkPage(page, 'operator-revoked-en');

      await page.getByRole('button', { name: 'Verify now' }).click();
      await page.getByRole('heading', { name: 'Ledger verified' }).waitFor();
      await checkPage(page, 'operator-verified-en');

      await page
        .getByRole('navigation', { name: 'Console sections' })
        .getByRole('link', { name: 'Notice delivery' })
        .click();
      await page.getByRole('heading', { name: 'Failed deliveries' }).waitFor();
      await checkPage(page, 'operator-deliveries-en');
      await page.getByRole('button', { name: `Deliver again: notice ${failed[0]}` }).click();
      await page.getByRole('heading', { name: 'Notice queued again' }).waitFor();
      assert.equal((await deliveryOf(b.t, failed[0]!)).delivery_status, 'pending');
      await checkPage(page, 'operator-redelivered-en');

      await page.getByRole('link', { name: 'Registry activity' }).click();
      await page.getByRole('heading', { name: 'Registry activity', level: 1 }).waitFor();
      assert.ok((await page.locator('svg[role="img"]').count()) >= 1, 'the charts are drawn');
      await checkPage(page, 'operator-activity-en');
      await context.close();
    },
  );

  test(
    'the same in Chinese: sign-in refused with its code, ' +
      'then a key created, the ledger verified, deliveries shown',
    async () => {
      const context = await b.newContext({ locale: 'zh-CN' });
      const page = await context.newPage();
      await page.goto('/sign-in');
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
      await page.getByLabel('用户名').fill('olga');
      await page.getByLabel('密码').fill('not the password at all');
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByRole('heading', { name: '未能登录' }).waitFor();
      assert.match(
        (await page.locator('#sign-in-error').textContent()) ?? '',
        /用户名或密码不正确[\s\S]*CRD_SIGN_IN_FAILED/,
      );
      await checkPage(page, 'operator-sign-in-failed-zh');
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/operator$/);
      await page.getByRole('heading', { name: '运营控制台' }).waitFor();

      await page.getByLabel('角色', { exact: true }).selectOption('auditor');
      await page.getByLabel('名称', { exact: true }).fill('审计办公室');
      await page.getByRole('button', { name: '创建密钥' }).click();
      await page.getByRole('heading', { name: '已为 审计办公室 创建密钥' }).waitFor();
      const key = await page.locator('#new-key').inputValue();
      assert.equal(
        (await b.t.app.inject({ url: '/v1/ledger/verify', headers: { authorization: `Bearer ${key}` } })).statusCode,
        200,
        'the key works',
      );
      await checkPage(page, 'operator-created-zh');

      await page.goto('/operator');
      await page.getByRole('button', { name: '立即校验' }).click();
      await page.getByRole('heading', { name: '账本校验通过' }).waitFor();
      await checkPage(page, 'operator-zh');
      await page.getByRole('navigation', { name: '控制台栏目' }).getByRole('link', { name: '通知送达' }).click();
      await page.getByRole('heading', { name: '送达失败' }).waitFor();
      await checkPage(page, 'operator-deliveries-zh');
      await context.close();
    },
  );
});
