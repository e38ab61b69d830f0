/**
 * Printing the portal (issue 11, "a printable credit report"), in Debian's Chromium: with print media emulated, the
 * site's header, navigation, buttons, forms, the skip link and the log check's controls are hidden, while every
 * section of the file is shown at the paper's full width, in Chinese and in English; the page links to its PDF.
 * Keeps the screenshots the README shows (tools/screenshots.ts copies them to docs/screenshots/): the Chinese
 * portal at 1280 px, and the Chinese portal as printed.
 */

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { integrateLog } from '../src/services/ledger/log-integrator.service.ts';
import { openLogSigner } from '../src/services/ledger/log-key.service.ts';
import { checkPage, SCREENSHOTS, startTestBrowser, type TestBrowser } from './support/browser.ts';
import { aCourtRecord, aPenalty, aResidentId } from './support/factories.ts';
import { bearer } from './support/registry.ts';

const SECTIONS = ['score', 'lists', 'measures', 'records', 'notices', 'inquiries', 'log'];
/** What printing hides: the site's chrome and everything a person can only click. */
const HIDDEN_IN_PRINT = [
  '.usa-skipnav',
  'header.usa-header',
  'nav',
  'main form',
  'main button',
  'a.usa-button',
  '[data-log-check-controls]',
];

describe('the portal, printed', () => {
  let b: TestBrowser;
  const resident = aResidentId();

  before(async () => {
    b = await startTestBrowser({ app: { subjectSignIn: { oidc: null, demo: true } } });
    const court = await b.t.keyFor({
      role: 'agency',
      name: '北京市海淀区人民法院',
      agency_kind: 'court',
      agency_id: 'haidian-court',
    });
    const market = await b.t.keyFor({
      role: 'agency',
      name: '北京市市场监督管理局',
      agency_kind: 'market',
      agency_id: 'beijing-market',
    });
    await b.t.file(
      court,
      aCourtRecord({ subjectId: resident, name: '王小明', legal_basis: '法释〔2013〕17号 第一条' }),
    );
    await b.t.file(
      market,
      aPenalty({ tier: 'minor', kind: 'person', subjectId: resident, legal_basis: '《行政处罚法》第九条' }),
    );
    const relying = await b.t.keyFor({
      role: 'relying',
      name: '中国国际航空',
      actions: ['travel.air.premium_class'],
      purposes: ['ticketing'],
    });
    const decision = await b.t.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: bearer(relying),
      payload: {
        subject: { scheme: 'cn-rid', id: resident },
        action: 'travel.air.premium_class',
        purpose: 'ticketing',
      },
    });
    assert.equal(decision.statusCode, 200, decision.body);
    const signer = await openLogSigner(b.t.config);
    while ((await integrateLog(b.t.registry.rt, signer)).added > 0);
  });
  after(async () => b?.close());

  async function signIn(page: Page): Promise<void> {
    await page.goto('/portal');
    await page.locator('input[name="id"]').fill(resident);
    await page.locator('form[action="/portal/demo-sign-in"] button[type="submit"]').click();
    await page.locator('#records-heading').waitFor();
  }

  async function assertPrinted(page: Page): Promise<void> {
    await page.emulateMedia({ media: 'print' });
    for (const selector of HIDDEN_IN_PRINT) {
      const shown = await page
        .locator(selector)
        .evaluateAll((nodes) =>
          nodes
            .filter((n) => (n as unknown as { checkVisibility(): boolean }).checkVisibility())
            .map((n) => n.outerHTML),
        );
      assert.deepEqual(shown, [], `${selector} is hidden in print`);
    }
    for (const section of SECTIONS) assert.ok(await page.locator(`#${section}-heading`).isVisible(), section);
    assert.ok(await page.locator('main h1').isVisible());
    const widths = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { clientWidth: number } } })
        .document;
      return { main: doc.querySelector('main').clientWidth, body: doc.querySelector('body').clientWidth };
    });
    assert.ok(widths.main >= widths.body - 2, `main fills the paper's width: ${JSON.stringify(widths)}`);
    await page.emulateMedia({ media: 'screen' });
    assert.ok(await page.locator('header.usa-header').isVisible(), 'the screen still shows the header');
  }

  test('in Chinese: the page links to its PDF, and prints without its navigation, buttons and forms', async () => {
    const context = await b.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await signIn(page);
    await page.getByRole('heading', { name: '我的信用档案', level: 1 }).waitFor();
    const link = page.getByRole('link', { name: '下载PDF' });
    assert.equal(await link.getAttribute('href'), '/portal/report.pdf');
    const pdf = await page.request.get('/portal/report.pdf');
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    await checkPage(page, 'portal-zh-with-pdf');
    await page.setViewportSize({ width: 1280, height: 900 });
    // The top of the page: the file's summary, lists and what they mean.
    await page.screenshot({
      path: `${SCREENSHOTS}/readme-portal-zh.png`,
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: 2400 },
    });
    await assertPrinted(page);
    // The first printed page: A4 at 96 px to the inch.
    await page.emulateMedia({ media: 'print' });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.screenshot({ path: `${SCREENSHOTS}/readme-portal-print-zh.png` });
    await context.close();
  });

  test('in English too', async () => {
    const context = await b.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Download PDF' }).waitFor();
    await assertPrinted(page);
    await context.close();
  });
});
