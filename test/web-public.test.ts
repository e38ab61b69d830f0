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
import { zh } from '../src/web/i18n/zh.ts';
import { CredenceError } from '../src/errors.ts';
import { PUBLIC_RATE_LIMITS } from '../src/shell/rate-limits.ts';
import { pickLocale, translator } from '../src/web/i18n/index.ts';
import { refusedPage } from '../src/web/public/refused.page.ts';
import { checkPage, SCREENSHOTS, startTestBrowser, type TestBrowser } from './support/browser.ts';
import { startTestRegistry, type TestRegistry } from './support/registry.ts';
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

describe('errors for people, totals and pages (app.inject)', () => {
  let t: TestRegistry;
  const browser = { accept: 'text/html,application/xhtml+xml' };
  const chinese = { ...browser, 'accept-language': 'zh-CN,zh;q=0.9' };

  before(async () => {
    t = await startTestRegistry();
    const court = await t.keyFor({ role: 'agency', name: '海淀区人民法院', agency_kind: 'court' });
    for (let i = 0; i < 23; i += 1) await t.file(court, aCourtRecord({ name: '张伟' }));
  });
  after(async () => t?.close());

  test('an unknown page, /favicon.ico and GET of a form target are 404 pages in the layout and language', async () => {
    for (const url of ['/no-such-page', '/favicon.ico', '/agency/imports', '/lists/x/y']) {
      const en = await t.app.inject({ url, headers: browser });
      assert.equal(en.statusCode, 404, url);
      assert.match(String(en.headers['content-type']), /^text\/html/, url);
      assert.match(en.body, /<html lang="en">[\s\S]*<h1[^>]*>Page not found<\/h1>[\s\S]*CRD_NOT_FOUND/, url);
    }
    const zhPage = await t.app.inject({ url: '/no-such-page', headers: chinese });
    assert.match(zhPage.body, /<html lang="zh-Hans">[\s\S]*找不到此页面[\s\S]*此地址没有页面/);
    const bare = await t.app.inject({ url: '/favicon.ico' }); // a browser's icon request accepts images only
    assert.equal(bare.statusCode, 404);
    assert.match(String(bare.headers['content-type']), /^text\/html/, 'outside the API, a page');
  });

  test('the API keeps its coded JSON, unless a browser asks for HTML', async () => {
    const api = await t.app.inject({ url: '/v1/no-such-thing' });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error.code, 'CRD_NOT_FOUND');
    const fromBrowser = await t.app.inject({ url: '/v1/no-such-thing', headers: browser });
    assert.match(fromBrowser.body, /Page not found/);
  });

  test("403 and 500 pages say what happened in the reader's language, with the code", () => {
    const zhCtx = { locale: 'zh' as const, t: translator('zh'), path: '/', query: {} };
    const forbidden = refusedPage(zhCtx, { error: new CredenceError('CRD_FORBIDDEN', 'a clerk may not') }).value;
    assert.match(forbidden, /无权访问[\s\S]*CRD_FORBIDDEN/);
    assert.ok(!forbidden.includes('a clerk may not'), 'not the English message on a Chinese page');
    const failed = refusedPage(zhCtx, { error: new CredenceError('CRD_INTERNAL', 'boom') }).value;
    assert.match(failed, /出错了[\s\S]*CRD_INTERNAL/);
  });

  test('a list says how many it holds and "page X of Y", with next and last pages by cursor', async () => {
    const first = await t.app.inject({ url: '/lists/judgment-defaulters', headers: browser });
    assert.match(first.body, /23 people and organisations on this list/);
    assert.match(first.body, /Page 1 of 2/);
    const next = first.body.match(/href="(\/lists\/judgment-defaulters\?after=[\w-]+)"[^>]*data-page="next"/)?.[1];
    const last = first.body.match(/href="(\/lists\/judgment-defaulters\?after=[\w-]+)"[^>]*data-page="last"/)?.[1];
    assert.ok(next !== undefined && last !== undefined, 'links to the next and the last page');
    assert.doesNotMatch(first.body, /usa-pagination__arrow/, 'no item USWDS hides at 360 px');
    for (const url of [next, last]) {
      const second = await t.app.inject({ url, headers: chinese });
      assert.match(second.body, /第 2 页，共 2 页/);
      assert.equal((second.body.match(/<tr>/g) ?? []).length - 1, 3, 'the last 3 on page 2');
      assert.match(second.body, /href="\/lists\/judgment-defaulters"[^>]*data-page="first"/);
    }
    const stale = await t.app.inject({ url: '/lists/judgment-defaulters?after=not-ours', headers: browser });
    assert.equal(stale.statusCode, 200, 'a bad link is no error');
    assert.match(stale.body, /Page 1 of 2/);
  });

  test('a name search counts and pages its results beyond 20', async () => {
    const first = await t.app.inject({ url: `/?q=${encodeURIComponent('张伟')}`, headers: browser });
    assert.match(first.body, /23 found\./);
    assert.match(first.body, /Page 1 of 2/);
    assert.equal((first.body.match(/class="usa-card /g) ?? []).length, 20);
    const next = first.body.match(/href="(\/\?q=[^"]+&amp;after=[\w-]+)"[^>]*data-page="next"/)?.[1];
    assert.ok(next !== undefined, 'a link to the next page');
    const second = await t.app.inject({ url: next.replaceAll('&amp;', '&'), headers: browser });
    assert.equal((second.body.match(/class="usa-card /g) ?? []).length, 3);
    assert.match(second.body, /Page 2 of 2/);
  });

  test('an invalid resident ID is said to be invalid, not "no public entries"', async () => {
    const valid = aResidentId();
    const wrong = `${valid.slice(0, 17)}${valid[17] === '0' ? '1' : '0'}`;
    const en = await t.app.inject({ url: `/?q=${wrong}`, headers: browser });
    assert.equal(en.statusCode, 400);
    assert.match(en.body, /This is not a valid [^:]+: cn-rid check digit is/);
    assert.doesNotMatch(en.body, /No public entries/);
    const zhPage = await t.app.inject({ url: `/?q=${wrong}`, headers: chinese });
    assert.match(zhPage.body, /这不是有效的[\s\S]*校验码/);
    const none = await t.app.inject({ url: `/?q=${aResidentId()}`, headers: browser });
    assert.match(none.body, /No public entries/, 'a valid one with nothing public');
  });
  test('a search over its rate limit is a 429 page with Retry-After, in the page language', async () => {
    let last = await t.app.inject({ url: '/?q=%E7%8E%8B%E4%BA%94', headers: chinese });
    for (let i = 0; i < PUBLIC_RATE_LIMITS.search && last.statusCode !== 429; i += 1)
      last = await t.app.inject({ url: '/?q=%E7%8E%8B%E4%BA%94', headers: chinese });
    assert.equal(last.statusCode, 429);
    assert.ok(Number(last.headers['retry-after']) > 0);
    assert.match(
      last.body,
      /<html lang="zh-Hans">[\s\S]*请求过于频繁[\s\S]*请等待 \d+ 秒后再试[\s\S]*CRD_RATE_LIMITED/,
    );
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

  test('a list page is paged with usa-pagination links: next, last, previous and first by cursor', async () => {
    const context = await b.newContext();
    const page = await context.newPage();
    await page.goto('/lists/judgment-defaulters');
    assert.equal(await page.locator('main tbody tr').count(), 20);
    await checkPage(page, 'list');
    await page.getByRole('link', { name: 'Next' }).click();
    await page.waitForURL(/after=/);
    assert.equal(await page.locator('main tbody tr').count(), 3);
    await page.getByRole('link', { name: 'Previous' }).click();
    await page.getByText('Page 1 of 2').waitFor();
    await page.getByRole('link', { name: 'Last' }).click();
    await page.getByText('Page 2 of 2').waitFor();
    assert.equal(await page.locator('main tbody tr').count(), 3);
    await checkPage(page, 'list-last');
    await page.getByRole('link', { name: 'First' }).click();
    await page.getByText('Page 1 of 2').waitFor();
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
    const { policy } = b.t.registry.rt;
    for (const measure of policy.measures) {
      assert.ok(text.includes(measure.legal_basis.en), `measure ${measure.id}`);
      // Fa Shi [2015] 17 art. 3 para. 2: the measures that also bind a listed organisation's related persons.
      if (measure.binds_related !== undefined) assert.ok(text.includes(measure.binds_related.legal_basis.en));
    }
    // NDRC Order No. 36 (2025): the commitment a repair needs and the agency's deadline; FCRA § 611(d); retention.
    for (const basis of [policy.repair.commitment!, policy.repair.decision!, policy.amendments, policy.inquiries])
      assert.ok(text.includes(basis.legal_basis.en), basis.legal_basis.en);
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
