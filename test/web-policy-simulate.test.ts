/**
 * The console's policy simulation (/operator/policy/simulate): operators only, CSRF on the run, counts only (never a
 * subject id), nothing written; then in Chromium, in English and Chinese: the candidate, the results with their
 * charts, an invalid candidate's problems, and a server with no candidate configured.
 */

import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { loadPolicy } from '../src/policy/index.ts';
import { createStaffAccount } from '../src/services/accounts/staff-accounts.service.ts';
import { loadDemo } from '../src/services/demo/demo.service.ts';
import { simulatePolicy } from '../src/services/ledger/policy-simulation.service.ts';
import { runActivationPage } from '../src/services/ledger/policy.service.ts';
import { checkPage, startTestBrowser, type TestBrowser } from './support/browser.ts';

const PASSWORD = 'correct horse battery staple';
const DEFAULT_DIR = new URL('../policies/default', import.meta.url).pathname;
const PATH = '/operator/policy/simulate';

let folder: string;
let candidateDir: string;
let b: TestBrowser;

/** The default policy with grade B from 900 and the red list without government commendations. */
async function writeCandidate(dir: string): Promise<void> {
  await cp(DEFAULT_DIR, dir, { recursive: true });
  const edit = async (name: string, from: RegExp, to: string) => {
    const text = await readFile(join(dir, name), 'utf8');
    assert.match(text, from);
    await writeFile(join(dir, name), text.replace(from, to));
  };
  await edit('policy.yaml', /version: "[^"]+"/, 'version: "candidate-1"');
  await edit('policy.yaml', /\{ grade: B, min: 850 \}/, '{ grade: B, min: 900 }');
  await edit('lists.yaml', /\n {6}- record_type: commendation\.government\n/, '\n');
}

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'credence-simulate-web-'));
  candidateDir = join(folder, 'candidate');
  await writeCandidate(candidateDir);
  b = await startTestBrowser({ app: { policyCandidateDir: candidateDir } });
  await loadDemo(b.t.registry.rt, { subjects: 600, seed: 12, baseUrl: 'http://127.0.0.1:8080' });
  await createStaffAccount(b.t.registry.rt, { username: 'olga', role: 'operator', password: PASSWORD });
  await createStaffAccount(b.t.registry.rt, {
    username: 'chen',
    role: 'agency',
    password: PASSWORD,
    agency_id: 'demo-court',
  });
});

after(async () => {
  await b?.close();
  await rm(folder, { recursive: true, force: true });
});

async function signIn(username: string, home: string): Promise<{ cookie: string; csrf: string }> {
  const form = await b.t.app.inject({ url: '/sign-in' });
  const formCookie = form.cookies.find((c) => c.name === 'credence_csrf')!.value;
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const response = await post('/sign-in', { username, password: PASSWORD, csrf }, `credence_csrf=${formCookie}`);
  assert.equal(response.statusCode, 303, response.body);
  const cookie = `credence_session=${response.cookies.find((c) => c.name === 'credence_session')!.value}`;
  const page = await b.t.app.inject({ url: home, headers: { cookie } });
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '' };
}

function post(url: string, fields: Record<string, string>, cookie: string) {
  return b.t.app.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
}

const ledgerSize = async () =>
  Number((await sql<{ n: string }>`select count(*)::text as n from ledger`.execute(b.t.registry.rt.db)).rows[0]!.n);

test('only an operator may simulate, the run needs its CSRF token; it shows counts, never subject ids', async () => {
  const clerk = await signIn('chen', '/agency');
  assert.equal((await b.t.app.inject({ url: PATH, headers: { cookie: clerk.cookie } })).statusCode, 403);
  assert.equal((await post(PATH, { csrf: clerk.csrf }, clerk.cookie)).statusCode, 403);
  assert.equal((await b.t.app.inject({ url: PATH })).statusCode, 303, 'no session: to the sign-in page');

  const operator = await signIn('olga', PATH);
  assert.equal((await post(PATH, {}, operator.cookie)).statusCode, 403, 'no CSRF token');
  const ledger = await ledgerSize();
  const page = await post(PATH, { csrf: operator.csrf }, operator.cookie);
  assert.equal(page.statusCode, 200, page.body);
  assert.equal(await ledgerSize(), ledger, 'nothing written');

  const expected = await simulatePolicy(b.t.registry.rt, await loadPolicy(candidateDir), {
    at: b.t.now,
    samples: 5,
  });
  const person = expected.kinds.find((k) => k.kind === 'person')!;
  assert.ok(person.changed.count > 0);
  assert.ok(page.body.includes(`Persons: ${person.subjects} subjects, ${person.changed.count} would change`));
  const red = person.lists.find((l) => l.list === 'red-list')!;
  assert.ok(red.leaves.count > 0);
  // The subject ids behind the changes are personal data: the console never shows one.
  const ids = new Set(expected.kinds.flatMap((k) => k.lists.flatMap((l) => [...l.joins.samples, ...l.leaves.samples])));
  assert.ok(ids.size > 0);
  const subjectRows = await b.t.registry.rt.db
    .selectFrom('subject_identifiers')
    .select('value')
    .where('subject_id', 'in', [...ids])
    .execute();
  for (const row of subjectRows) assert.ok(!page.body.includes(row.value), 'no identifier of a changed subject');
});

test('an operator runs the simulation in English and in Chinese, with charts', async () => {
  const context = await b.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Username').fill('olga');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/operator$/);
  await page
    .getByRole('navigation', { name: 'Console sections' })
    .getByRole('link', { name: 'Policy simulation' })
    .click();
  await page.getByRole('heading', { name: 'Policy simulation', level: 1 }).waitFor();
  await page.getByRole('table', { name: 'Policies compared' }).getByText('candidate-1').waitFor();
  await checkPage(page, 'operator-simulate-en');
  await page.getByRole('button', { name: 'Run the simulation' }).click();
  await page.getByRole('heading', { name: /^Persons: \d+ subjects/ }).waitFor();
  assert.ok((await page.locator('svg[role="img"]').count()) >= 2, 'grade and list charts are drawn');
  await page.getByRole('table', { name: 'Grade changes: Persons' }).waitFor();
  await checkPage(page, 'operator-simulated-en');

  await page.goto(`${PATH}?lang=zh`);
  await page.getByRole('heading', { name: '政策模拟', level: 1 }).waitFor();
  await checkPage(page, 'operator-simulate-zh');
  await page.getByRole('button', { name: '运行模拟' }).click();
  await page.getByRole('heading', { name: /^自然人：\d+个主体/ }).waitFor();
  await page.getByRole('table', { name: '名单：自然人' }).waitFor();
  await checkPage(page, 'operator-simulated-zh');

  // An invalid candidate: its problems, each with its path, and no way to run it.
  const lists = join(candidateDir, 'lists.yaml');
  const good = await readFile(lists, 'utf8');
  await writeFile(lists, good.replace('record_type: court.judgment_default', 'record_type: no.such_type'));
  try {
    await page.goto(`${PATH}?lang=en`);
    await page.getByRole('heading', { name: 'The candidate policy is not valid' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Run the simulation' }).count(), 0);
    assert.ok((await page.locator('li code').count()) >= 1, 'problems name their paths');
    await checkPage(page, 'operator-simulate-invalid-en');
    await page.goto(`${PATH}?lang=zh`);
    await page.getByRole('heading', { name: '候选政策无效' }).waitFor();
    await checkPage(page, 'operator-simulate-invalid-zh');
  } finally {
    await writeFile(lists, good);
  }

  // A server with no candidate configured says how to configure one.
  const bare = await buildApp({ rt: b.t.registry.rt, follower: b.t.registry.follower, logKey: b.t.logKey });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  try {
    const address = bare.server.address() as { port: number };
    await page.goto(`http://127.0.0.1:${address.port}${PATH}?lang=en`);
    await page.getByRole('heading', { name: 'No candidate policy' }).waitFor();
    await checkPage(page, 'operator-simulate-none-en');
    await page.goto(`http://127.0.0.1:${address.port}${PATH}?lang=zh`);
    await page.getByRole('heading', { name: '没有候选政策' }).waitFor();
    await checkPage(page, 'operator-simulate-none-zh');
  } finally {
    await bare.close();
  }
  await context.close();
});

// Last: it makes the candidate the active policy.
test('an operator activates the candidate in the console and follows it, in Chinese and English', async () => {
  const operator = await signIn('olga', PATH);
  const refused = await post('/operator/policy/activate', { csrf: operator.csrf, reason: ' ' }, operator.cookie);
  assert.equal(refused.statusCode, 400, 'a reason is required');
  assert.equal(
    await b.t.registry.rt.db
      .selectFrom('policy_activations')
      .select('id')
      .where('digest', '<>', b.t.registry.rt.policy.digest)
      .executeTakeFirst(),
    undefined,
  );

  const context = await b.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/sign-in?lang=zh');
  await page.getByLabel('用户名').fill('olga');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/operator/);
  await page.goto(`${PATH}?lang=zh`);
  await page.getByRole('heading', { name: '启用', level: 2 }).waitFor();
  await page.getByLabel('开始时间（可选）').fill('明天');
  await page.getByLabel(/变更政策的原因/).fill('信用等级 B 的门槛提高到 900 分');
  await page.getByRole('button', { name: '启用候选政策' }).click();
  await page.getByRole('heading', { name: '政策未启用' }).waitFor();
  assert.equal(await page.getByLabel(/变更政策的原因/).inputValue(), '信用等级 B 的门槛提高到 900 分', 'kept');
  await checkPage(page, 'operator-activate-refused-zh');
  await page.getByLabel('开始时间（可选）').fill('');
  await page.getByRole('button', { name: '启用候选政策' }).click();
  await page.getByRole('heading', { name: /^正在启用政策 candidate-1/ }).waitFor();
  assert.equal(await page.getByRole('button', { name: '启用候选政策' }).count(), 0, 'one activation at a time');
  await checkPage(page, 'operator-activating-zh');

  // The server's background loop would run the pages; here the test runs them.
  for (let outcome = await runActivationPage(b.t.registry.rt, 100); outcome.kind === 'page'; )
    outcome = await runActivationPage(b.t.registry.rt, 100);
  assert.equal(b.t.registry.rt.policy.version, 'candidate-1');
  await page.goto(`${PATH}?lang=en`);
  const recent = page.getByRole('table', { name: 'Latest activations' });
  await recent.getByRole('cell', { name: 'Active' }).first().waitFor();
  await checkPage(page, 'operator-activated-en');
  await context.close();
});
