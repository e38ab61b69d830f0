/**
 * The portal's in-browser check against the public log (issue 9, item 5), in Debian's Chromium: WebCrypto
 * verifies the log's signature and each entry's inclusion proof. It passes on the registry's file; it fails,
 * visibly and naming the entry, when the first record's stored event bytes were altered in the database, and
 * on a downloaded file whose bytes were altered; in Chinese too; and without JavaScript the section says how
 * to check offline.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { sql } from 'kysely';
import { getEntryRowsAfter } from '../src/store/log.repository.ts';
import { integrateLog } from '../src/services/ledger/log-integrator.service.ts';
import { openLogSigner } from '../src/services/ledger/log-key.service.ts';
import { checkPage, startTestBrowser, type TestBrowser } from './support/browser.ts';
import { aPenalty, aResidentId } from './support/factories.ts';

describe('portal: checking my file against the public log in the browser', () => {
  let b: TestBrowser;
  const resident = aResidentId();

  before(async () => {
    b = await startTestBrowser({ app: { subjectSignIn: { oidc: null, demo: true } } });
    const market = await b.t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
    await b.t.file(market, aPenalty({ tier: 'minor', kind: 'person', subjectId: resident }));
    await b.t.file(market, aPenalty({ tier: 'serious', kind: 'person', subjectId: aResidentId() }));
    await b.t.file(market, aPenalty({ tier: 'minor', kind: 'person', subjectId: resident }));
    const signer = await openLogSigner(b.t.config);
    while ((await integrateLog(b.t.registry.rt, signer)).added > 0);
  });
  after(async () => b?.close());

  async function openMyFile(locale: string, javaScriptEnabled = true): Promise<Page> {
    const context = await b.newContext({ locale, javaScriptEnabled });
    const page = await context.newPage();
    await page.goto('/portal');
    await page.locator('input[name="id"]').fill(resident);
    await page.locator('form[action="/portal/demo-sign-in"] button[type="submit"]').click();
    await page.locator('#log-heading').waitFor();
    return page;
  }

  test('the check passes on the registry file, listing each entry it proved', async () => {
    const page = await openMyFile('en-US');
    await page.getByRole('button', { name: 'Check my file now' }).click();
    const result = page.locator('[data-log-check-result] .usa-alert');
    await result.getByRole('heading', { name: 'Verified against the public log' }).waitFor();
    assert.equal(await result.getAttribute('data-outcome'), 'success');
    const text = (await result.textContent()) ?? '';
    assert.match(text, /All \d+ events in this file are in the public log \S+\/ledger, in its signed checkpoint/);
    assert.match(text, /Log entry \d+: record\.filed, 2026-11-01/);
    await checkPage(page, 'portal-log-verified');
    await page.context().close();
  });

  test('a downloaded file with one altered byte fails, naming the entry', async () => {
    const page = await openMyFile('en-US');
    const report = await (await page.request.get('/portal/data.json')).json();
    const entry = report.log.entries[0];
    const bytes = Buffer.from(entry.data, 'base64');
    bytes[bytes.indexOf('"at":"2026') + 6] = '7'.charCodeAt(0);
    entry.data = bytes.toString('base64');
    await page.getByLabel('Or check a file you downloaded earlier').setInputFiles({
      name: 'credence-file.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(report)),
    });
    const result = page.locator('[data-log-check-result] .usa-alert');
    await result.getByRole('heading', { name: 'This file did not verify against the public log' }).waitFor();
    assert.equal(await result.getAttribute('data-outcome'), 'error');
    assert.match(
      (await result.textContent()) ?? '',
      new RegExp(`Log entry ${entry.index} in this file is not in the signed log`),
    );
    await checkPage(page, 'portal-log-failed');
    await page.context().close();
  });

  test('an event rewritten in the database fails the check of the file the registry serves, in Chinese', async () => {
    const db = b.t.registry.rt.db;
    const row = await sql<{ seq: string }>`
      select seq from ledger where type = 'record.filed' order by seq limit 1
    `.execute(db);
    const [target] = await getEntryRowsAfter(db, String(Number(row.rows[0]!.seq) - 1), 1);
    if (target === undefined) throw new Error('no record.filed event');
    const rewritten = Buffer.from(target.entry.toString('utf8').replace('"at":"2026', '"at":"2025'));
    await sql`update ledger set entry = ${rewritten} where seq = ${target.seq}`.execute(db);
    try {
      const page = await openMyFile('zh-CN');
      await page.getByRole('button', { name: '立即核验我的档案' }).click();
      const result = page.locator('[data-log-check-result] .usa-alert');
      await result.getByRole('heading', { name: '此文件未通过公开日志核验' }).waitFor();
      assert.match(
        (await result.textContent()) ?? '',
        new RegExp(`日志第 ${Number(target.seq) - 1} 条不在已签名的日志中`),
      );
      await checkPage(page, 'portal-log-failed-zh');
      await page.context().close();
    } finally {
      await sql`update ledger set entry = null where seq = ${target.seq}`.execute(db); // as stored: its salt
    }
  });

  test('without JavaScript the section says how to check a download offline', async () => {
    const page = await openMyFile('en-US', false);
    await page.getByText(/credence verify-report FILE --log-key KEY/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Check my file now' }).isVisible(), false);
    await page.getByText('The keys this check uses').click();
    await page.getByText(b.t.logKey).waitFor();
    await page.context().close();
  });
});
