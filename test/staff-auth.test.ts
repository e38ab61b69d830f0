import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runJobs } from '../src/services/runtime/jobs.service.ts';
import { createStaffAccount } from '../src/services/accounts/staff-accounts.service.ts';
import { sessionIdHash } from '../src/services/accounts/tokens.service.ts';
import { verifyPassword } from '../src/services/accounts/passwords.service.ts';
import { startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
const PASSWORD = 'correct horse battery staple';
const MINUTE = 60_000;

before(async () => {
  t = await startTestRegistry();
  await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  await addStaff('olga', 'operator');
  await addStaff('chen', 'agency', 'haidian-court');
});
after(() => t.close());

function addStaff(username: string, role: string, agency?: string) {
  return createStaffAccount(t.registry.rt, {
    username,
    role,
    password: PASSWORD,
    ...(agency ? { agency_id: agency } : {}),
  });
}

function advance(ms: number): void {
  t.now = new Date(t.now.getTime() + ms);
}

type Response = Awaited<ReturnType<TestRegistry['app']['inject']>>;
const cookieOf = (response: Response, name: string) => response.cookies.find((c) => c.name === name);

/** Opens the sign-in form: its double-submit cookie and hidden token. */
async function openSignIn(): Promise<{ cookie: string; csrf: string }> {
  const form = await t.app.inject({ url: '/sign-in' });
  assert.equal(form.statusCode, 200);
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
  return { cookie: `credence_csrf=${cookieOf(form, 'credence_csrf')!.value}`, csrf };
}

let addresses = 0;
/** A fresh client address per form post, so the per-address limit (tested on its own) stays out of the other tests. */
const nextAddress = () => {
  addresses += 1;
  return `198.51.100.${(addresses % 250) + 1}`;
};

function postForm(url: string, fields: Record<string, string>, cookie?: string, remoteAddress = nextAddress()) {
  return t.app.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });
}

async function attempt(username: string, password: string): Promise<Response> {
  const { cookie, csrf } = await openSignIn();
  return postForm('/sign-in', { username, password, csrf }, cookie);
}

/** Signs in and returns the session cookie header and the CSRF token of its pages. */
async function signIn(username: string, home = '/operator'): Promise<{ cookie: string; csrf: string }> {
  const response = await attempt(username, PASSWORD);
  assert.equal(response.statusCode, 303, response.body);
  const cookie = `credence_session=${cookieOf(response, 'credence_session')!.value}`;
  const page = await t.app.inject({ url: home, headers: { cookie } });
  assert.equal(page.statusCode, 200, page.body);
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page.body)![1]! };
}

describe('signing in', () => {
  test('success sets an HttpOnly, Secure, SameSite session cookie and redirects to the console', async () => {
    const response = await attempt('olga', PASSWORD);
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/operator');
    const session = cookieOf(response, 'credence_session')!;
    assert.match(session.value, /^[A-Za-z0-9_-]{43}$/, '256 random bits');
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(session.path, '/');
    const stored = await t.registry.rt.db.selectFrom('staff_sessions').select('id_hash').execute();
    assert.ok(
      stored.every((s) => s.id_hash !== session.value),
      'only the hash of the id is stored',
    );
    const page = await t.app.inject({ url: '/operator', headers: { cookie: `credence_session=${session.value}` } });
    assert.match(page.body, /Signed in as <strong>olga<\/strong>, operator/);
    assert.equal(page.headers['cache-control'], 'no-store');
  });

  test('a wrong password and an unknown user get the same answer', async () => {
    const wrong = await attempt('olga', 'not the password at all');
    const unknown = await attempt('nobody', 'not the password at all');
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    const shape = (r: Response) => r.body.replace(/value="[^"]*"/g, 'value=""');
    assert.equal(shape(wrong), shape(unknown));
    assert.match(wrong.body, /CRD_SIGN_IN_FAILED/);
    assert.equal(cookieOf(wrong, 'credence_session'), undefined);
  });

  test('five failures lock the username for 15 minutes, known or not', async () => {
    await addStaff('lena', 'operator');
    for (let i = 1; i <= 4; i += 1) assert.equal((await attempt('lena', `wrong password ${i}`)).statusCode, 401);
    const fifth = await attempt('lena', 'wrong password 5');
    assert.equal(fifth.statusCode, 429);
    assert.match(fifth.body, /CRD_SIGN_IN_LOCKED/);
    assert.equal((await attempt('lena', PASSWORD)).statusCode, 429, 'even the right password is refused while locked');
    for (let i = 1; i <= 5; i += 1) await attempt('ghost', `guess ${i}`);
    assert.equal((await attempt('ghost', 'guess 6')).statusCode, 429, 'unknown users lock the same way');
    advance(14 * MINUTE);
    assert.equal((await attempt('lena', PASSWORD)).statusCode, 429);
    advance(MINUTE);
    assert.equal((await attempt('lena', PASSWORD)).statusCode, 303, 'unlocked after 15 minutes');
  });

  test(
    'one address gets 20 attempts a minute whatever the usernames, ' + 'then a coded 429 page in the layout',
    async () => {
      const address = '203.0.113.9';
      for (let i = 1; i <= 20; i += 1) {
        const { cookie, csrf } = await openSignIn();
        assert.equal(
          (await postForm('/sign-in', { username: `sprayed-${i}`, password: 'a guess', csrf }, cookie, address))
            .statusCode,
          401,
          `attempt ${i}`,
        );
      }
      const { cookie, csrf } = await openSignIn();
      const refused = await postForm('/sign-in', { username: 'olga', password: PASSWORD, csrf }, cookie, address);
      assert.equal(refused.statusCode, 429);
      assert.match(refused.headers['content-type'] as string, /^text\/html/);
      assert.match(refused.body, /<code>CRD_RATE_LIMITED<\/code>/);
      assert.match(refused.body, /class="usa-header/, 'in the site layout');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      assert.equal(cookieOf(refused, 'credence_session'), undefined, 'even the right password is not tried');
      const zh = await t.app.inject({
        method: 'POST',
        url: '/sign-in',
        remoteAddress: address,
        headers: { 'accept-language': 'zh-CN', 'content-type': 'application/x-www-form-urlencoded', cookie },
        payload: '',
      });
      assert.equal(zh.statusCode, 429);
      assert.match(zh.body, /<html lang="zh-Hans">[\s\S]*登录尝试过多[\s\S]*CRD_RATE_LIMITED/);
      assert.equal((await attempt('olga', PASSWORD)).statusCode, 303, 'another address is not affected');
    },
  );

  test('failures spread beyond the 15-minute window do not lock', async () => {
    await addStaff('mira', 'operator');
    for (let i = 1; i <= 4; i += 1) await attempt('mira', `wrong ${i}`);
    advance(16 * MINUTE);
    assert.equal((await attempt('mira', 'wrong 5')).statusCode, 401);
    assert.equal((await attempt('mira', PASSWORD)).statusCode, 303);
  });

  test('the hash stored is scrypt with its parameters and salt, not the password, and it verifies', async () => {
    const row = await t.registry.rt.db
      .selectFrom('staff_accounts')
      .select('password_hash')
      .where('username', '=', 'olga')
      .executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.ok(!row.password_hash.includes(PASSWORD));
    assert.equal(await verifyPassword(PASSWORD, row.password_hash), true);
    assert.equal(await verifyPassword(`${PASSWORD}!`, row.password_hash), false);
    const events = await t.registry.rt.db
      .selectFrom('ledger')
      .select(['type', 'payload'])
      .where('type', '=', 'staff.created')
      .execute();
    assert.ok(events.length >= 2);
    assert.ok(events.every((e) => !e.payload.includes('scrypt') && JSON.parse(e.payload).staff.username !== undefined));
  });
});

describe('CSRF', () => {
  test('the sign-in form refuses a missing or wrong token', async () => {
    const { cookie, csrf } = await openSignIn();
    const missing = await postForm('/sign-in', { username: 'olga', password: PASSWORD }, cookie);
    assert.equal(missing.statusCode, 403);
    assert.match(missing.body, /CRD_CSRF_INVALID/);
    const wrong = await postForm(
      '/sign-in',
      { username: 'olga', password: PASSWORD, csrf: `${csrf.slice(0, -1)}x` },
      cookie,
    );
    assert.equal(wrong.statusCode, 403);
    const noCookie = await postForm('/sign-in', { username: 'olga', password: PASSWORD, csrf });
    assert.equal(noCookie.statusCode, 403);
    assert.equal(cookieOf(wrong, 'credence_session'), undefined);
  });

  test('signing out needs the session’s token; a wrong one leaves the session alive', async () => {
    const { cookie, csrf } = await signIn('olga');
    const missing = await postForm('/sign-out', {}, cookie);
    assert.equal(missing.statusCode, 403);
    assert.match(missing.body, /CRD_CSRF_INVALID/);
    const foreign = await signIn('chen', '/agency');
    assert.equal(
      (await postForm('/sign-out', { csrf: foreign.csrf }, cookie)).statusCode,
      403,
      'another session’s token does not do',
    );
    assert.equal((await t.app.inject({ url: '/operator', headers: { cookie } })).statusCode, 200);
    assert.equal((await postForm('/sign-out', { csrf }, cookie)).statusCode, 303);
  });
});

describe('sessions', () => {
  test('a session cannot be used after sign-out', async () => {
    const { cookie, csrf } = await signIn('olga');
    const out = await postForm('/sign-out', { csrf }, cookie);
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/sign-in');
    assert.equal(cookieOf(out, 'credence_session')!.value, '');
    const after = await t.app.inject({ url: '/operator', headers: { cookie } });
    assert.equal(after.statusCode, 303);
    assert.equal(after.headers.location, '/sign-in?next=%2Foperator');
  });

  test('a session idle for 30 minutes ends; activity keeps it alive up to 12 hours', async () => {
    const idle = await signIn('olga');
    advance(29 * MINUTE);
    assert.equal((await t.app.inject({ url: '/operator', headers: { cookie: idle.cookie } })).statusCode, 200);
    advance(30 * MINUTE);
    assert.equal((await t.app.inject({ url: '/operator', headers: { cookie: idle.cookie } })).statusCode, 303);

    const busy = await signIn('olga');
    for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
      advance(20 * MINUTE);
      assert.equal(
        (await t.app.inject({ url: '/operator', headers: { cookie: busy.cookie } })).statusCode,
        200,
        `at ${minutes} minutes`,
      );
    }
    advance(20 * MINUTE);
    assert.equal(
      (await t.app.inject({ url: '/operator', headers: { cookie: busy.cookie } })).statusCode,
      303,
      'past the absolute lifetime',
    );
  });

  test('a forged or garbled session cookie is simply not signed in', async () => {
    for (const value of ['x', 'A'.repeat(43), '../../etc']) {
      const response = await t.app.inject({ url: '/agency', headers: { cookie: `credence_session=${value}` } });
      assert.equal(response.statusCode, 303);
    }
  });
});

describe('roles and scope', () => {
  test('an agency clerk sees their agency’s name and cannot reach /operator', async () => {
    const { cookie } = await signIn('chen', '/agency');
    const agency = await t.app.inject({ url: '/agency', headers: { cookie } });
    assert.match(agency.body, /Signed in as <strong>chen<\/strong>, clerk at Haidian Court/);
    assert.ok(!agency.body.includes('Market Regulator'));
    const operator = await t.app.inject({ url: '/operator', headers: { cookie } });
    assert.equal(operator.statusCode, 403);
    assert.match(operator.body, /CRD_FORBIDDEN/);
    assert.match(operator.headers['content-type'] as string, /text\/html/);
  });

  test('an operator is not a clerk', async () => {
    const { cookie } = await signIn('olga');
    assert.equal((await t.app.inject({ url: '/agency', headers: { cookie } })).statusCode, 403);
  });

  test('after sign-in the form sends a clerk back where they were going, but never off-site', async () => {
    const { cookie, csrf } = await openSignIn();
    const back = await postForm(
      '/sign-in',
      { username: 'chen', password: PASSWORD, csrf, next: '/agency?page=2' },
      cookie,
    );
    assert.equal(back.headers.location, '/agency?page=2');
    const again = await openSignIn();
    const away = await postForm(
      '/sign-in',
      { username: 'chen', password: PASSWORD, csrf: again.csrf, next: '//evil.example/' },
      again.cookie,
    );
    assert.equal(away.headers.location, '/agency');
  });
});

describe('housekeeping', () => {
  const DAY = 24 * 60 * MINUTE;
  const sessionRow = (cookie: string) =>
    t.registry.rt.db
      .selectFrom('staff_sessions')
      .select('ended_at')
      .where('id_hash', '=', sessionIdHash(cookie.slice('credence_session='.length)))
      .executeTakeFirst();
  const throttleRow = (username: string) =>
    t.registry.rt.db
      .selectFrom('staff_sign_in_throttle')
      .select('failures')
      .where('username', '=', username)
      .executeTakeFirst();

  test(
    'the scheduled jobs delete sessions and throttle rows a week past their end; ' + 'live and recent ones stay',
    async () => {
      const old = await signIn('olga');
      assert.equal((await postForm('/sign-out', { csrf: old.csrf }, old.cookie)).statusCode, 303);
      assert.equal((await attempt('sprayed', 'a wrong password')).statusCode, 401);
      assert.ok(await throttleRow('sprayed'));
      advance(2 * DAY);
      const recent = await signIn('olga');
      await postForm('/sign-out', { csrf: recent.csrf }, recent.cookie);
      advance(6 * DAY + MINUTE);
      const live = await signIn('olga');

      const counts = await runJobs({ ctx: t.registry.rt, webhook: null }, t.now);
      assert.ok(counts.purged_staff_sessions! >= 1, JSON.stringify(counts));
      assert.ok(counts.purged_sign_in_throttles! >= 1, JSON.stringify(counts));
      assert.equal(await sessionRow(old.cookie), undefined, 'ended eight days ago: deleted');
      assert.equal(await throttleRow('sprayed'), undefined, 'its window is eight days past: deleted');
      assert.ok(await sessionRow(recent.cookie), 'ended six days ago: kept');
      assert.equal((await sessionRow(live.cookie))?.ended_at, null, 'the live session is kept, open');
      assert.equal(
        (await t.app.inject({ url: '/operator', headers: { cookie: live.cookie } })).statusCode,
        200,
        'and still signs its owner in',
      );
      const again = await runJobs({ ctx: t.registry.rt, webhook: null }, t.now);
      assert.equal(again.purged_staff_sessions, 0, 'nothing left to purge at the same instant');
    },
  );
});

/** Runs `use` with `process.stdin` reading `text`, as `credence staff add --password-stdin` would from a pipe. */
async function withStdin<T>(text: string, use: () => Promise<T>): Promise<T> {
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: Readable.from([text]), configurable: true });
  try {
    return await use();
  } finally {
    Object.defineProperty(process, 'stdin', stdin);
  }
}

describe('staff accounts on the command line', () => {
  test('staff add reads the password from stdin; list shows no hash; disable ends sessions and sign-in', async () => {
    const added = await withStdin(`${PASSWORD}\n`, () =>
      t.cli(
        'staff',
        'add',
        '--username',
        'Wei',
        '--role',
        'agency',
        '--agency',
        'market-regulator',
        '--password-stdin',
      ),
    );
    assert.equal(added.code, 0, added.err);
    const { cookie } = await signIn('wei', '/agency');
    const listed = await t.cli('staff', 'list');
    assert.match(listed.out, /wei\s+agency\s+active\s+agency=market-regulator \(Market Regulator\)/);
    assert.ok(!listed.out.includes('scrypt'));

    const disabled = await t.cli('staff', 'disable', 'wei');
    assert.equal(disabled.code, 0, disabled.err);
    assert.equal(
      (await t.app.inject({ url: '/agency', headers: { cookie } })).statusCode,
      303,
      'open sessions end at once',
    );
    const refused = await attempt('wei', PASSWORD);
    assert.equal(refused.statusCode, 401, 'a disabled account looks like a wrong password');
    assert.match(refused.body, /CRD_SIGN_IN_FAILED/);
    const event = await t.registry.rt.db
      .selectFrom('ledger')
      .select('payload')
      .where('type', '=', 'staff.disabled')
      .executeTakeFirstOrThrow();
    assert.equal(JSON.parse(event.payload).username, 'wei');
  });

  test('bad input is refused with codes', async () => {
    const short = await withStdin('too short\n', () =>
      t.cli('staff', 'add', '--username', 'x1', '--role', 'operator', '--password-stdin'),
    );
    assert.notEqual(short.code, 0);
    assert.match(short.err, /at least 15 characters/);
    await assert.rejects(addStaff('olga', 'operator'), /CRD_STAFF_EXISTS|exists already/);
    await assert.rejects(addStaff('nomad', 'agency'), /--agency ID/);
    await assert.rejects(addStaff('nomad', 'agency', 'no-such-agency'), /no agency/);
    assert.match((await t.cli('staff', 'disable', 'nobody')).err, /CRD_STAFF_NOT_FOUND/);
  });
});
