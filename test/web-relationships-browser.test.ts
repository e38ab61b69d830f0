/**
 * Related persons in the pages (Fa Shi [2015] 17 art. 3 para. 2; Fa Shi [2017] 7 art. 6(1)): the portal shows a
 * person's registered roles, and the public list names a listed organisation's legal representative; each page
 * passes axe, fits 360 px and reads wholly in Chinese.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { aCourtRecord, aRelationship, aResidentId, anUscc } from './support/factories.ts';
import { checkPage, startTestBrowser, type TestBrowser } from './support/browser.ts';
import { bearer } from './support/registry.ts';

describe('related persons in the portal and the public register', () => {
  let b: TestBrowser;
  const person = aResidentId();
  const organization = anUscc();

  before(async () => {
    b = await startTestBrowser({ app: { subjectSignIn: { oidc: null, demo: true } } });
    const market = await b.t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
    const court = await b.t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    const filed = await b.t.app.inject({
      method: 'POST',
      url: '/v1/relationships',
      headers: bearer(market),
      payload: {
        relationships: [
          // The agency's own citation, shown as filed: in Chinese, as a Chinese page reads it.
          aRelationship({
            organizationId: organization,
            personId: person,
            legal_basis: '《市场主体登记管理条例》第八条',
          }),
        ],
      },
    });
    assert.equal(filed.json().accepted.length, 1, filed.body);
    await b.t.file(court, aCourtRecord({ kind: 'organization', subjectId: organization }));
  });
  after(async () => b?.close());

  for (const locale of ['en-US', 'zh-CN'] as const) {
    test(`the portal shows the person's registered role (${locale})`, async () => {
      const context = await b.newContext({ locale });
      const page = await context.newPage();
      await page.goto('/portal');
      await page.locator('#demo-id').fill(person);
      await page.locator('form[action="/portal/demo-sign-in"] button[type="submit"]').click();
      await page.locator('#relationships-heading').waitFor();
      const text = (await page.locator('main').textContent()) ?? '';
      const expected =
        locale === 'en-US' ? /legal representative of 北京某某科技有限公司/ : /北京某某科技有限公司（.*）的法定代表人/;
      assert.match(text, expected);
      await checkPage(page, `portal-relationships-${locale}`);
      await context.close();
    });
  }

  test("the public list names a listed organisation's legal representative, in Chinese too", async () => {
    const context = await b.newContext();
    const page = await context.newPage();
    await page.goto('/lists/judgment-defaulters');
    await page.getByText('legal representative: 李四').waitFor();
    await checkPage(page, 'list-related-person');
    await page.goto('/lists/judgment-defaulters?lang=zh');
    await page.getByText('法定代表人：李四').waitFor();
    await checkPage(page, 'list-related-person-zh');
    await context.close();
  });
});
