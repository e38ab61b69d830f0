/**
 * The public pages in a real browser (Debian's Chromium via playwright-core): search in English
 * and, through the visible switch, in Chinese; a list page; transparency with its SVG charts; the
 * about page; one journey with JavaScript off. Every page: no axe-core violations, no sideways
 * scroll at 360 px, and a screenshot in test-results/screenshots/.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { escapeHtml, html, raw } from '../src/web/html.ts';
import { en } from '../src/web/i18n/en.ts';
import { pickLocale } from '../src/web/i18n/index.ts';
import { zh } from '../src/web/i18n/zh.ts';
import { checkPage, SCREENSHOTS, startTestBrowser, type TestBrowser } from './support/browser.ts';
import { aCourtRecord, aResidentId } from './support/factories.ts';

describe('web foundation (no browser)', () => {
  test('the English and Chinese catalogues have the same keys', () => {
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  });

  test('html escapes every interpolated value unless raw()', () => {
    const name = '<script>alert("x")</script>&\'';
    assert.equal(html`<p title="${name}">${name}</p>`.value, `<p title="${escapeHtml(name)}">${escapeHtml(name)}</p>`);
    assert.equal(
      html`${[html`<b>${'<'}</b>`, raw('<i>ok</i>'), null, undefined, false, 0]}`.value,
      '<b>&lt;</b><i>ok</i>0',
    );
  });

  test('the language: ?lang=, then the cookie, then Accept-Language by q, then English', () => {
    assert.equal(pickLocale({ query: 'zh', cookie: 'en' }), 'zh');
    assert.equal(pickLocale({ cookie: 'zh', acceptLanguage: 'en' }), 'zh');
    assert.equal(pickLocale({ acceptLanguage: 'fr, zh-CN;q=0.8, en;q=0.5' }), 'zh');
    assert.equal(pickLocale({ acceptLanguage: 'zh-TW;q=0.1, en' }), 'en');
    assert.equal(pickLocale({ query: 'xx', acceptLanguage: 'de' }), 'en');
  });
});

describe('public pages in a browser', () => {
  let b: TestBrowser;
  const personId = aResidentId();

  before(async () => {
    b = await startTestBrowser();
    const court = await b.t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    await b.t.file(court, aCourtRecord({ subjectId: personId, name: '王小明', document_ref: '(2026)京0108执100号' }));
    for (let i = 0; i < 22; i += 1) await b.t.file(court, aCourtRecord({ name: `Defaulter ${i}` }));
  });
  after(async () => b?.close());

  test('search in English: a masked identifier, then a clear "no public entries"', async () => {
    const context = await b.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto('/');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByLabel('Name or identifier').fill(personId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: '王小明' }).waitFor();
    const text = await page.textContent('main');
    assert.ok(text!.includes(`${personId.slice(0, 6)}********${personId.slice(14)}`), 'the identifier is masked');
    assert.ok(!text!.includes(personId), 'the full identifier is not shown');
    assert.ok(text!.includes('(2026)京0108执100号'));
    await checkPage(page, 'search-en');
    await page.getByLabel('Name or identifier').fill('Nobody Atall');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'No public entries' }).waitFor();
    await context.close();
  });

  test('search in Chinese through the visible language switch, remembered across pages', async () => {
    const context = await b.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: '简体中文' }).click();
    await page.waitForURL(/lang=zh/);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
    await page.getByLabel('名称或证件号码').fill('王小明');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('heading', { name: '查询结果' }).waitFor();
    assert.ok(!page.url().includes('lang='), 'the cookie, not the URL, carries the language now');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
    await checkPage(page, 'search-zh');
    await context.close();
  });

  test('a list page is paged with usa-pagination links', async () => {
    const context = await b.newContext();
    const page = await context.newPage();
    await page.goto('/lists/judgment-defaulters');
    assert.equal(await page.locator('main tbody tr').count(), 20);
    await checkPage(page, 'list');
    await page.getByRole('link', { name: 'Next' }).click();
    await page.waitForURL(/page=2/);
    assert.equal(await page.locator('main tbody tr').count(), 3);
    assert.equal((await page.goto('/lists/no-such-list'))!.status(), 404);
    await context.close();
  });

  test('a list page in Chinese: the list name, legal basis, record types and exit route in Chinese', async () => {
    const context = await b.newContext();
    const page = await context.newPage();
    await page.goto('/lists/judgment-defaulters?lang=zh');
    const list = b.t.registry.rt.policy.lists.get('judgment-defaulters')!;
    assert.equal(await page.textContent('h1'), '公开名单：失信被执行人名单');
    const text = (await page.textContent('main'))!;
    assert.ok(text.includes(list.legal_basis.zh), 'the legal basis as the law is cited in Chinese');
    assert.ok(text.includes('法释〔2013〕17号') && !text.includes('Fa Shi'), 'no pinyin citation');
    assert.ok(text.includes('如何移出本名单') && text.includes(list.exit.zh), 'the exit route');
    assert.ok(text.includes('三个工作日内删除失信信息'), 'art. 10: deleted within 3 working days');
    assert.equal(await page.locator('main tbody tr', { hasText: '失信被执行人' }).count(), 20, 'record types');
    assert.ok(!text.includes(list.name.en) && !text.includes('Dishonest judgment debtor'), 'no English names');
    await checkPage(page, 'list-zh');
    await context.close();
  });

  test('transparency shows its figures as tables and server-rendered SVG charts', async () => {
    const context = await b.newContext();
    const page = await context.newPage();
    await page.goto('/transparency');
    const charts = page.locator('figure.chart svg[role="img"]');
    assert.ok((await charts.count()) >= 2, 'a chart per section with figures');
    assert.ok((await charts.first().locator('path, rect').count()) > 0, 'the chart has marks');
    assert.ok((await page.textContent('main'))!.includes('23'), 'records filed in the table');
    await checkPage(page, 'transparency');
    await context.close();
  });

  test('the about page is generated from the active policy', async () => {
    const context = await b.newContext();
    const page = await context.newPage();
    await page.goto('/about');
    const text = (await page.textContent('main'))!;
    for (const list of b.t.registry.rt.policy.lists.values()) {
      assert.ok(text.includes(list.name.en) && text.includes(list.legal_basis.en), `list ${list.id}, legal basis`);
      assert.ok(text.includes(list.exit.en), `list ${list.id} with its exit route`);
    }
    for (const measure of b.t.registry.rt.policy.measures)
      assert.ok(text.includes(measure.legal_basis.en), `measure ${measure.id}`);
    await checkPage(page, 'about');
    await context.close();
  });

  test('the about page in Chinese: every list, exit route, measure and record type in Chinese', async () => {
    const context = await b.newContext();
    const page = await context.newPage();
    await page.goto('/about?lang=zh');
    const { policy } = b.t.registry.rt;
    const text = (await page.textContent('main'))!;
    assert.ok(text.includes('如何移出名单'));
    for (const list of policy.lists.values()) {
      assert.equal(
        await page.textContent(`#exit-${list.id}`),
        list.name.zh,
        `list ${list.id}: its name heads its route`,
      );
      assert.ok(text.includes(list.legal_basis.zh) && text.includes(list.exit.zh), `list ${list.id}`);
      assert.ok(!text.includes(list.name.en) && !text.includes(list.exit.en), `list ${list.id}: no English`);
    }
    for (const measure of policy.measures) assert.ok(text.includes(measure.legal_basis.zh), `measure ${measure.id}`);
    for (const type of policy.record_types.values())
      assert.ok(text.includes(type.name.zh) && text.includes(type.legal_basis.zh), `record type ${type.id}`);
    assert.ok(text.includes('《中华人民共和国行政处罚法》（2021年修订）第四十八条'), 'a statute cited in Chinese form');
    assert.ok(!/Fa Shi|Guo Fa|Cai Ku|Fa Gai/.test(text), 'no pinyin citation');
    await checkPage(page, 'about-zh');
    await context.close();
  });

  test('with JavaScript disabled: switch language, search, and follow a list link', async () => {
    const context = await b.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/?lang=zh');
    await page.getByLabel('名称或证件号码').fill(personId);
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('heading', { name: '王小明' }).waitFor();
    await page.locator('main a[href^="/lists/"]').first().click();
    await page.waitForURL(/\/lists\/judgment-defaulters/);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
    await page.screenshot({ path: `${SCREENSHOTS}/list-no-js-zh.png`, fullPage: true });
    await context.close();
  });

  test('assets come from the USWDS package with types and caching; nothing escapes dist/', async () => {
    const css = await b.t.app.inject({ url: '/assets/uswds/css/uswds.min.css' });
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.match(String(css.headers['cache-control']), /max-age=\d+/);
    assert.equal(
      (await b.t.app.inject({ url: '/assets/uswds/fonts/public-sans/PublicSans-Regular.woff2' })).headers[
        'content-type'
      ],
      'font/woff2',
    );
    for (const url of [
      '/assets/uswds/../package.json',
      '/assets/uswds/%2e%2e/package.json',
      '/assets/uswds/js/nope.js',
    ]) {
      assert.equal((await b.t.app.inject({ url })).statusCode, 404, url);
    }
  });
});
