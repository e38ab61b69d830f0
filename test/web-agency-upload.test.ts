/**
 * Bulk upload on the agency console (issue 4): the file is streamed into the import service
 * with the clerk's agency as filer; counts and rejected lines are kept per upload; the rejects
 * download and the upload's page are the uploading agency's only; a missing CSRF token files
 * nothing; a re-upload files no duplicates; too large a file is a coded 413. And in a browser:
 * the script uploads with progress, and the rejects link downloads the bad line.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { runJobs } from '../src/services/runtime/jobs.service.ts';
import { createStaffAccount } from '../src/services/accounts/staff-accounts.service.ts';
import { multipart, PASSWORD, signIn } from './support/agency-session.ts';
import { checkPage, startTestBrowser, type TestBrowser } from './support/browser.ts';
import { aCourtRecord } from './support/factories.ts';
import { startTestRegistry, type TestRegistry } from './support/registry.ts';

/** Three good court records and, as line 3, one with a broken identifier. */
function anNdjsonFile(): { content: string; refs: string[] } {
  const records = [
    aCourtRecord(),
    aCourtRecord(),
    { ...aCourtRecord(), subject: { kind: 'person', scheme: 'cn-rid', id: '11010119900101123X', name: '王五' } },
    aCourtRecord(),
  ];
  return {
    content: `${records.map((r) => JSON.stringify(r)).join('\n')}\n`,
    refs: records.map((r) => String(r.source_ref)),
  };
}

async function countRecords(t: TestRegistry, agency: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from records where agency_id = ${agency}`.execute(
    t.registry.rt.db,
  );
  return Number(rows[0]!.n);
}

describe('agency upload (app.inject)', () => {
  let t: TestRegistry;

  before(async () => {
    t = await startTestRegistry();
    await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    await t.keyFor({ role: 'agency', name: 'Chaoyang Court', agency_kind: 'court' });
    for (const [username, agency] of [
      ['chen', 'haidian-court'],
      ['li', 'chaoyang-court'],
    ] as const) {
      await createStaffAccount(t.registry.rt, { username, role: 'agency', password: PASSWORD, agency_id: agency });
    }
  });
  after(() => t.close());

  test(
    'an upload files the good lines, keeps the bad one for download, ' + 'and a re-upload files no duplicates',
    async () => {
      const chen = await signIn(t, 'chen', '/agency');
      const file = anNdjsonFile();
      const before = await countRecords(t, 'haidian-court');
      const body = multipart({ csrf: chen.csrf }, { name: 'court.ndjson', content: file.content });
      const response = await t.app.inject({
        method: 'POST',
        url: '/agency/imports',
        headers: { ...body.headers, cookie: chen.cookie },
        payload: body.payload,
      });
      assert.equal(response.statusCode, 303, response.body);
      const pageUrl = response.headers.location as string;
      const id = /^\/agency\/imports\/([0-9a-f-]{36})$/.exec(pageUrl)![1]!;
      assert.equal(await countRecords(t, 'haidian-court'), before + 3);

      const status = (
        await t.app.inject({ url: `/agency/imports/${id}/status.json`, headers: { cookie: chen.cookie } })
      ).json();
      assert.deepEqual(
        {
          status: status.status,
          lines: status.lines,
          created: status.created,
          duplicate: status.duplicate,
          rejected: status.rejected,
        },
        { status: 'done', lines: 4, created: 3, duplicate: 0, rejected: 1 },
      );
      const page = await t.app.inject({ url: pageUrl, headers: { cookie: chen.cookie } });
      assert.match(page.body, /<progress id="upload-progress" max="1" value="1">/);
      assert.match(page.body, /id="upload-created">3</);
      assert.match(page.body, /upload the same file again/);

      const rejects = await t.app.inject({
        url: `/agency/imports/${id}/rejects.ndjson`,
        headers: { cookie: chen.cookie },
      });
      assert.equal(rejects.statusCode, 200);
      assert.match(
        String(rejects.headers['content-disposition']),
        /^attachment; filename="court\.ndjson\.rejects\.ndjson"$/,
      );
      const lines = rejects.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(lines.length, 1);
      assert.equal(lines[0].line, 3);
      assert.equal(lines[0].source_ref, file.refs[2]);
      assert.equal(lines[0].errors[0].code, 'CRD_INVALID_IDENTIFIER');
      assert.equal(lines[0].input.subject.id, '11010119900101123X');

      const again = await t.app.inject({
        method: 'POST',
        url: '/agency/imports',
        headers: { ...body.headers, cookie: chen.cookie },
        payload: body.payload,
      });
      const second = (
        await t.app.inject({ url: `${again.headers.location}/status.json`, headers: { cookie: chen.cookie } })
      ).json();
      assert.deepEqual([second.created, second.duplicate, second.rejected], [0, 3, 1]);
      assert.equal(await countRecords(t, 'haidian-court'), before + 3);
      assert.match(
        (await t.app.inject({ url: '/agency', headers: { cookie: chen.cookie } })).body,
        new RegExp(`href="/agency/imports/${id}">court.ndjson</a>`),
      );
    },
  );

  test('an upload without the CSRF token is refused and files nothing', async () => {
    const chen = await signIn(t, 'chen', '/agency');
    const before = await countRecords(t, 'haidian-court');
    const uploads = Number(
      (await sql<{ n: string }>`select count(*) as n from imports`.execute(t.registry.rt.db)).rows[0]!.n,
    );
    for (const fields of [{}, { csrf: 'forged-token' }] as Record<string, string>[]) {
      const body = multipart(fields, { name: 'court.ndjson', content: anNdjsonFile().content });
      const response = await t.app.inject({
        method: 'POST',
        url: '/agency/imports',
        headers: { ...body.headers, cookie: chen.cookie },
        payload: body.payload,
      });
      assert.equal(response.statusCode, 403, response.body);
      assert.match(response.body, /CRD_CSRF_INVALID/);
    }
    // The token after the file is too late: refused before the file is read.
    const late = multipart({}, { name: 'court.ndjson', content: anNdjsonFile().content });
    const latePayload = late.payload.replace(
      /--\r\n$/,
      `\r\ncontent-disposition: form-data; name="csrf"\r\n\r\n${chen.csrf}\r\n----credence-test-boundary--\r\n`,
    );
    assert.equal(
      (
        await t.app.inject({
          method: 'POST',
          url: '/agency/imports',
          headers: { ...late.headers, cookie: chen.cookie },
          payload: latePayload,
        })
      ).statusCode,
      403,
    );
    assert.equal(await countRecords(t, 'haidian-court'), before);
    assert.equal(
      Number((await sql<{ n: string }>`select count(*) as n from imports`.execute(t.registry.rt.db)).rows[0]!.n),
      uploads,
    );
  });

  test('another agency’s clerk gets 404 for the upload, its status and its rejects', async () => {
    const chen = await signIn(t, 'chen', '/agency');
    const body = multipart({ csrf: chen.csrf }, { name: 'court.ndjson', content: anNdjsonFile().content });
    const response = await t.app.inject({
      method: 'POST',
      url: '/agency/imports',
      headers: { ...body.headers, cookie: chen.cookie },
      payload: body.payload,
    });
    const li = await signIn(t, 'li', '/agency');
    for (const suffix of ['', '/status.json', '/rejects.ndjson']) {
      const other = await t.app.inject({
        url: `${response.headers.location}${suffix}`,
        headers: { cookie: li.cookie },
      });
      assert.equal(other.statusCode, 404, suffix);
      assert.ok(!other.body.includes('11010119900101123X'));
    }
    assert.ok(!li.body.includes(String(response.headers.location)));
  });

  test(
    'the script’s way: reserve, then send the file with the x-csrf-token header; ' + 'a second send is refused',
    async () => {
      const chen = await signIn(t, 'chen', '/agency');
      const reserved = await t.app.inject({
        method: 'POST',
        url: '/agency/imports/reservations',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: chen.cookie },
        payload: new URLSearchParams({ csrf: chen.csrf, file_name: 'court.ndjson' }).toString(),
      });
      assert.equal(reserved.statusCode, 201, reserved.body);
      const { id, status } = reserved.json();
      assert.equal(status, 'pending');
      const body = multipart({}, { name: 'court.ndjson', content: anNdjsonFile().content });
      const sent = await t.app.inject({
        method: 'POST',
        url: `/agency/imports/${id}/file`,
        headers: { ...body.headers, cookie: chen.cookie, 'x-csrf-token': chen.csrf },
        payload: body.payload,
      });
      assert.equal(sent.statusCode, 200, sent.body);
      assert.deepEqual([sent.json().status, sent.json().created, sent.json().rejected], ['done', 3, 1]);
      const twice = await t.app.inject({
        method: 'POST',
        url: `/agency/imports/${id}/file`,
        headers: { ...body.headers, cookie: chen.cookie, 'x-csrf-token': chen.csrf },
        payload: body.payload,
      });
      assert.equal(twice.statusCode, 409);
      assert.match(twice.body, /CRD_IMPORT_STARTED/);
    },
  );

  test(
    'an upload silent for an hour (reserved, never sent) ' + 'is failed by the scheduled jobs with what to do',
    async () => {
      // A fresh sign-in at each instant: a console session idles out after 30 minutes.
      const reserve = async () => {
        const chen = await signIn(t, 'chen', '/agency');
        return (
          await t.app.inject({
            method: 'POST',
            url: '/agency/imports/reservations',
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: chen.cookie },
            payload: new URLSearchParams({ csrf: chen.csrf, file_name: 'court.ndjson' }).toString(),
          })
        ).json().id as string;
      };
      const stalled = await reserve();
      const started = t.now;
      try {
        t.now = new Date(started.getTime() + 45 * 60_000);
        const recent = await reserve();
        t.now = new Date(started.getTime() + 61 * 60_000);
        const counts = await runJobs({ ctx: t.registry.rt, webhook: null }, t.now);
        assert.equal(counts.stalled_imports, 1);
        const chen = await signIn(t, 'chen', '/agency');
        const status = (id: string) =>
          t.app
            .inject({ url: `/agency/imports/${id}/status.json`, headers: { cookie: chen.cookie } })
            .then((r) => r.json());
        assert.deepEqual(
          [(await status(stalled)).status, (await status(stalled)).error_code],
          ['failed', 'CRD_IMPORT_INTERRUPTED'],
        );
        assert.equal((await status(recent)).status, 'pending', 'silent for 16 minutes only: left alone');
      } finally {
        t.now = started;
      }
    },
  );

  test('a file of unknown format and a file over the size limit are coded errors, not 500s', async () => {
    const chen = await signIn(t, 'chen', '/agency');
    const odd = multipart({ csrf: chen.csrf }, { name: 'court.xlsx', content: 'x' });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/agency/imports',
      headers: { ...odd.headers, cookie: chen.cookie },
      payload: odd.payload,
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /CRD_IMPORT_FILE/);

    const small = await buildApp({
      rt: t.registry.rt,
      follower: t.registry.follower,
      logKey: t.logKey,
      bodyLimitBytes: 2048,
    });
    try {
      const big = multipart(
        { csrf: chen.csrf },
        { name: 'big.ndjson', content: `${JSON.stringify(aCourtRecord())}\n`.repeat(40) },
      );
      const response = await small.inject({
        method: 'POST',
        url: '/agency/imports',
        headers: { ...big.headers, cookie: chen.cookie },
        payload: big.payload,
      });
      assert.equal(response.statusCode, 413, response.body);
      assert.match(response.body, /CRD_PAYLOAD_TOO_LARGE/);
      const { rows } = await sql<{
        status: string;
        error_code: string;
      }>`select status, error_code from imports where file_name = 'big.ndjson'`.execute(t.registry.rt.db);
      assert.deepEqual(rows, [{ status: 'failed', error_code: 'CRD_PAYLOAD_TOO_LARGE' }]);
    } finally {
      await small.close();
    }
  });
});

describe('agency upload in a browser', () => {
  let b: TestBrowser;

  before(async () => {
    b = await startTestBrowser();
    await b.t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    await createStaffAccount(b.t.registry.rt, {
      username: 'chen',
      role: 'agency',
      password: PASSWORD,
      agency_id: 'haidian-court',
    });
  });
  after(async () => b?.close());

  test('a clerk uploads an NDJSON file with one bad line, sees the counts and downloads the rejects', async () => {
    const context = await b.newContext({ locale: 'en-US', acceptDownloads: true });
    const page = await context.newPage();
    await page.goto('/sign-in?next=/agency');
    await page.getByLabel('Username').fill('chen');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Upload records in bulk' }).waitFor();
    const file = anNdjsonFile();
    await page
      .getByLabel('File (NDJSON or CSV)')
      .setInputFiles({ name: 'court.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(file.content) });
    // the script's XMLHttpRequest, not the plain form
    const sent = page.waitForRequest((r) => /\/agency\/imports\/[0-9a-f-]{36}\/file$/.test(r.url()));
    await page.getByRole('button', { name: 'Upload and file' }).click();
    await sent;
    await page.waitForURL(/\/agency\/imports\/[0-9a-f-]{36}$/);
    await page.locator('#upload-state', { hasText: 'done' }).waitFor();
    assert.equal(await page.locator('#upload-created').textContent(), '3');
    assert.equal(await page.locator('#upload-rejected').textContent(), '1');
    assert.equal(await page.locator('progress#upload-progress').getAttribute('value'), '1');
    await checkPage(page, 'agency-upload-done');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the rejected lines (NDJSON)' }).click();
    const saved = await (await download).path();
    const rejected = readFileSync(saved, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      rejected.map((r) => [r.line, r.source_ref]),
      [[3, file.refs[2]]],
    );
    await page.goto('/agency?lang=zh');
    await page.getByRole('heading', { name: '最近的上传' }).waitFor();
    await checkPage(page, 'agency-upload-zh');
    await context.close();
  });

  test('without JavaScript the plain form answers with the finished upload', async () => {
    const context = await b.newContext({ locale: 'en-US', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/sign-in?next=/agency');
    await page.getByLabel('Username').fill('chen');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('File (NDJSON or CSV)').setInputFiles({
      name: 'court.ndjson',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(anNdjsonFile().content),
    });
    await page.getByRole('button', { name: 'Upload and file' }).click();
    await page.waitForURL(/\/agency\/imports\/[0-9a-f-]{36}$/);
    assert.equal(await page.locator('#upload-state').textContent(), 'done');
    assert.equal(await page.locator('#upload-created').textContent(), '3');
    await context.close();
  });
});
