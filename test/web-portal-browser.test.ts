/**
 * The subject portal in a real browser (Debian's Chromium through playwright-core): a resident
 * signs in through OpenID Connect at a real provider (`oidc-provider`, started here), disputes a
 * record, and sees it resolved after the court answers; the portal reads in Chinese; and with
 * JavaScript off, a resident applies for credit repair through the demo sign-in. Every page
 * passes axe-core, fits 360 px, and leaves a screenshot.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkPage, startTestBrowser, type TestBrowser } from './support/browser.ts';
import { aCourtRecord, aListingDecision, aPenalty, aResidentId } from './support/factories.ts';
import {
  freePort,
  IDENTIFIER_CLAIM,
  startTestIdentityProvider,
  TEST_CLIENT,
  type TestIdentityProvider,
} from './support/identity-provider.ts';
import { bearer } from './support/registry.ts';

describe('subject portal in a browser, signed in through OpenID Connect', () => {
  let b: TestBrowser;
  let idp: TestIdentityProvider;
  let court: string;
  let recordId: string;
  const resident = aResidentId();

  before(async () => {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/portal/callback`;
    idp = await startTestIdentityProvider(redirectUri, { 'wang.xiaoming': resident, 'no.identifier': '' });
    b = await startTestBrowser({
      port,
      app: {
        subjectSignIn: {
          demo: false,
          oidc: {
            issuer: idp.issuer,
            clientId: TEST_CLIENT.id,
            clientSecret: TEST_CLIENT.secret,
            redirectUri,
            scope: `openid ${IDENTIFIER_CLAIM}`,
            identifierClaim: IDENTIFIER_CLAIM,
            identifierScheme: 'cn-rid',
          },
        },
      },
    });
    court = await b.t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    recordId = await b.t.file(court, aCourtRecord({ subjectId: resident, name: '王小明' }));
    const relying = await b.t.keyFor({
      role: 'relying',
      name: 'Air China',
      actions: ['travel.air.premium_class'],
      purposes: ['ticketing'],
    });
    await b.t.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: bearer(relying),
      payload: {
        subject: { scheme: 'cn-rid', id: resident },
        action: 'travel.air.premium_class',
        purpose: 'ticketing',
      },
    });
  });
  after(async () => {
    await b?.close();
    await idp?.close();
  });

  async function signInAtProvider(page: import('playwright-core').Page, login: string): Promise<void> {
    await page.goto('/portal');
    await page.getByRole('heading', { name: 'Sign in to see your credit file', level: 1 }).waitFor();
    await checkPage(page, 'portal-sign-in');
    await page.getByRole('link', { name: 'Sign in with your identity provider' }).click();
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  test('a resident signs in, disputes a record, and sees it resolved; the file reads in Chinese', async () => {
    const context = await b.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signInAtProvider(page, 'wang.xiaoming');
    await page.getByRole('heading', { name: 'My credit file', level: 1 }).waitFor();
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText(), the text as rendered
    assert.match(await page.locator('main').innerText(), new RegExp(`Signed in as cn-rid:${resident}`));
    await page.getByText('Refused', { exact: true }).first().waitFor();
    await page.getByRole('cell', { name: 'Air China' }).first().waitFor();
    await checkPage(page, 'portal');

    const card = page.locator(`#record-${recordId}`);
    await card.getByText('Dispute this record').click();
    await card
      .getByLabel('What is wrong with this record?')
      .fill('I paid the judgment debt in full on 2026-09-30; the receipt is attached to my letter.');
    await card.getByRole('button', { name: 'Send dispute' }).click();
    await page.getByText(/Your dispute was sent\. The agency must answer by \d{4}-\d{2}-\d{2}/).waitFor();
    await page
      .locator(`#record-${recordId}`)
      .getByText(/Your dispute is under way/)
      .waitFor();
    await checkPage(page, 'portal-disputed');

    const disputes = (await b.t.app.inject({ url: '/v1/disputes?status=open', headers: bearer(court) })).json()
      .disputes;
    const dispute = disputes.find((d: { record_id: string }) => d.record_id === recordId);
    const resolved = await b.t.app.inject({
      method: 'POST',
      url: `/v1/disputes/${dispute.dispute_id}/resolution`,
      headers: bearer(court),
      payload: { outcome: 'revoked', reason: '收据表明该债务在记录提交前已付清。' },
    });
    assert.equal(resolved.statusCode, 200, resolved.body);

    await page.reload();
    await page.locator(`#record-${recordId}`).getByText('Revoked', { exact: true }).waitFor();
    assert.equal(
      await page
        .locator(`#record-${recordId}`)
        .getByText(/Your dispute is under way/)
        .count(),
      0,
    );
    await page.getByText('You are on no list.').waitFor();
    await page.getByText(/No measure applies to you/).waitFor();

    await page.getByRole('link', { name: '简体中文' }).click();
    await page.getByRole('heading', { name: '我的信用档案', level: 1 }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
    await page.locator(`#record-${recordId}`).getByText('已撤销', { exact: true }).waitFor();
    await checkPage(page, 'portal-zh');

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: '下载我的数据（JSON）' }).click();
    assert.match((await download).suggestedFilename(), /^credence-file-\d{4}-\d{2}-\d{2}\.json$/);

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '登录查看您的信用档案', level: 1 }).waitFor();
    await page.goto('/portal');
    await page.getByRole('heading', { name: '登录查看您的信用档案', level: 1 }).waitFor();
    await context.close();
  });

  test('a provider account without an identifier gets a coded refusal, not a file', async () => {
    const context = await b.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signInAtProvider(page, 'no.identifier');
    await page.getByText('CRD_OIDC_NO_IDENTIFIER').waitFor();
    await checkPage(page, 'portal-refused');
    assert.equal(
      (await context.cookies()).some((c) => c.name === 'credence_portal'),
      false,
    );
    await context.close();
  });

  test('a callback whose state this browser did not start is refused', async () => {
    const response = await b.t.app.inject({
      url: '/portal/callback?code=stolen&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      headers: { cookie: 'credence_oidc=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' },
    });
    assert.equal(response.statusCode, 401);
    assert.match(response.body, /CRD_OIDC_FAILED/);
    assert.equal(
      response.cookies.some((c) => c.name === 'credence_portal' && c.value !== ''),
      false,
    );
  });
});

describe('subject portal without JavaScript, demo sign-in', () => {
  let b: TestBrowser;
  let penalty: string;
  const resident = aResidentId();

  before(async () => {
    b = await startTestBrowser({ app: { subjectSignIn: { oidc: null, demo: true } } });
    const market = await b.t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
    penalty = await b.t.file(market, aPenalty({ tier: 'minor', kind: 'person', subjectId: resident }));
  });
  after(async () => b?.close());

  test('the demo sign-in page passes axe and fits 360 px', async () => {
    const context = await b.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto('/portal/sign-in');
    await page.getByRole('heading', { name: '演示登录', level: 2 }).waitFor();
    await checkPage(page, 'portal-demo-sign-in-zh');
    await context.close();
  });

  test('a resident applies for credit repair with plain forms', async () => {
    const context = await b.newContext({ locale: 'en-US', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/portal');
    await page.getByText(/This server runs in demo mode/).waitFor();
    await page.getByLabel('Identifier', { exact: true }).fill(resident);
    await page.getByRole('button', { name: 'Open this file' }).click();
    await page.getByRole('heading', { name: 'My credit file', level: 1 }).waitFor();
    const card = page.locator(`#record-${penalty}`);
    await card.getByText('Apply for credit repair', { exact: true }).click();
    // NDRC Order No. 36 (2025): the public credit commitment comes first, then the application.
    await card.getByText(/make a public credit commitment for this record/).waitFor();
    await card.getByLabel('Your commitment, in your own words').fill('I will pay every fine on time from now on.');
    await card.getByRole('button', { name: 'Make this commitment' }).click();
    await page.getByText('Your credit commitment is recorded. It is public.').waitFor();
    await page.locator('#commitments-heading').waitFor();
    await card.getByText('Apply for credit repair', { exact: true }).click();
    await card.getByText(/Your credit commitment of .* goes with this application/).waitFor();
    await card.getByLabel('What have you done to put it right?').fill('I paid the fine in full on 2026-10-20.');
    await card.getByLabel(/Reference of a supporting document/).fill('receipt 2026-118');
    await card.getByRole('button', { name: 'Apply for repair' }).click();
    await page.getByText('Your repair application was sent to the agency.').waitFor();
    await page
      .locator(`#record-${penalty}`)
      .getByText(/You applied for repair on .*; the agency must decide by/)
      .waitFor();
    await context.close();
  });

  test('what it means for me: lists, the agency to reach, a pending listing, repair dates, a statement', async () => {
    const someone = aResidentId();
    const court = await b.t.keyFor({
      role: 'agency',
      name: '东城区人民法院',
      agency_kind: 'court',
      agency_contact: {
        en: 'Enforcement office, weekdays 9:00-17:00',
        zh: '执行局，工作日9:00-17:00',
        phone: '+86 10 6512 0000',
        address: { en: '1 Court Street, Dongcheng', zh: '东城区法院街1号' },
      },
    });
    const operator = await b.t.keyFor({ role: 'operator', name: 'ops' });
    const market = await b.t.keyFor({ role: 'agency', name: 'Market Regulator 3', agency_kind: 'market' });
    const listing = await b.t.file(court, aCourtRecord({ subjectId: someone, name: '钱七' }));
    const basis = '《市场监督管理严重违法失信名单管理办法》';
    await b.t.file(market, aListingDecision({ kind: 'person', subjectId: someone, legal_basis: basis }));
    await b.t.file(market, aPenalty({ tier: 'general', kind: 'person', subjectId: someone }));
    const opened = await b.t.app.inject({
      method: 'POST',
      url: `/v1/records/${listing}/disputes`,
      headers: bearer(operator),
      payload: { statement: '我已经付清了' },
    });
    const resolved = await b.t.app.inject({
      method: 'POST',
      url: `/v1/disputes/${opened.json().dispute_id}/resolution`,
      headers: bearer(court),
      payload: { outcome: 'upheld', reason: '经核对判决书，记录无误。' },
    });
    assert.equal(resolved.statusCode, 200, resolved.body);
    const context = await b.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto('/portal');
    await page.getByLabel('证件号码', { exact: true }).fill(someone);
    await page.getByRole('button', { name: '打开此档案' }).click();
    await page.getByText('联系方式：执行局，工作日9:00-17:00').waitFor();
    await page.getByText(/^自\d{4}年\d{1,2}月\d{1,2}日起，该名单对您意味着：$/).waitFor();
    await page.getByText(/^您可自\d{4}年\d{1,2}月\d{1,2}日起申请信用修复/).waitFor();
    const card = page.locator(`#record-${listing}`);
    await card.getByText('为该记录添加您的说明').click();
    await card.getByLabel('您的说明').fill('法院没有看到我的收据。');
    await checkPage(page, 'portal-meaning-zh');
    await card.getByRole('button', { name: '保存说明' }).click();
    await page.getByText('您的说明已保存，将随该记录一并显示。').waitFor();
    await page.goto('/portal?lang=en');
    await page.getByText('How to reach them: Enforcement office, weekdays 9:00-17:00').waitFor();
    await checkPage(page, 'portal-meaning');
    await context.close();
  });

  test('the commitment a repair needs, and one made, pass axe and fit 360 px, in both languages', async () => {
    const someone = aResidentId();
    const market = await b.t.keyFor({ role: 'agency', name: 'Market Regulator 2', agency_kind: 'market' });
    const penaltyOf = await b.t.file(market, aPenalty({ tier: 'minor', kind: 'person', subjectId: someone }));
    const context = await b.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto('/portal');
    await page.getByLabel('Identifier', { exact: true }).fill(someone);
    await page.getByRole('button', { name: 'Open this file' }).click();
    await page.getByText('You have not made a credit commitment.').waitFor();
    const card = page.locator(`#record-${penaltyOf}`);
    await card.getByText('Apply for credit repair', { exact: true }).click();
    await card.getByLabel('Your commitment, in your own words').waitFor();
    await checkPage(page, 'portal-commitment-needed');
    await page.goto('/portal?lang=zh');
    await card.getByText('申请信用修复', { exact: true }).click();
    await card.getByLabel('您的承诺（请用您自己的话）').fill('我承诺今后按时缴纳罚款，依法经营。');
    await checkPage(page, 'portal-commitment-needed-zh');
    await card.getByRole('button', { name: '作出此承诺' }).click();
    await page.getByText('您的信用承诺已记录，并已公开。').waitFor();
    await checkPage(page, 'portal-committed-zh');
    await context.close();
  });
});
