/**
 * The agency console's own records (issue 4): correcting a record (re-validated like intake,
 * errors inline, the old version kept), resolving a dispute as "corrected" with the changes,
 * and the paged, searchable list of the clerk's own agency's records, never another's.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createStaffAccount } from '../src/services/accounts/staff-accounts.service.ts';
import { PASSWORD, postForm, signIn } from './support/agency-session.ts';
import { aCourtRecord } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

const correction = (fields: Record<string, string>) => ({
  decided_at: '2026-10-01',
  effective_at: '2026-10-01',
  expires_at: '',
  legal_basis: 'Fa Shi [2013] 17 art. 1',
  document_ref: '(2026)京0108执1号',
  summary: '',
  'attributes.criterion': 'able_but_refuses',
  reason: 'The document number was mistyped.',
  ...fields,
});

describe('agency records (app.inject)', () => {
  let t: TestRegistry;
  let court: string;
  let otherCourt: string;
  let operatorKey: string;

  before(async () => {
    t = await startTestRegistry();
    court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    otherCourt = await t.keyFor({ role: 'agency', name: 'Chaoyang Court', agency_kind: 'court' });
    operatorKey = await t.keyFor({ role: 'operator', name: 'ops' });
    for (const [username, agency] of [
      ['chen', 'haidian-court'],
      ['li', 'chaoyang-court'],
    ] as const) {
      await createStaffAccount(t.registry.rt, { username, role: 'agency', password: PASSWORD, agency_id: agency });
    }
  });
  after(() => t.close());

  const record = async (id: string) =>
    (await t.app.inject({ url: `/v1/records/${id}/versions`, headers: bearer(operatorKey) })).json();

  test('a correction is re-validated like intake: the error is shown inline and nothing changes', async () => {
    const id = await t.file(court, aCourtRecord());
    const chen = await signIn(t, 'chen', `/agency?find=${id}`);
    assert.match(chen.body, new RegExp(`action="/agency/records/${id}/corrections"`));
    const refused = await postForm(
      t,
      `/agency/records/${id}/corrections`,
      { ...correction({ expires_at: '2026-01-01' }), csrf: chen.csrf },
      chen.cookie,
    );
    assert.equal(refused.statusCode, 422, refused.body);
    assert.match(
      refused.body,
      // The fields are named by their labels on the form (issue 11).
      /<span class="usa-error-message" id="c-expires_at-error" role="alert">[^<]*Expires on must be after Effective/,
    );
    const blank = await postForm(
      t,
      `/agency/records/${id}/corrections`,
      { ...correction({ reason: ' ' }), csrf: chen.csrf },
      chen.cookie,
    );
    assert.equal(blank.statusCode, 422);
    assert.match(blank.body, /id="c-reason-error"/);
    assert.equal((await record(id)).versions.length, 0);
  });

  test(
    'a correction makes version 2 and keeps version 1; ' + 'without the CSRF token or by another agency it is refused',
    async () => {
      const id = await t.file(court, aCourtRecord());
      const chen = await signIn(t, 'chen', '/agency');
      const noToken = await postForm(
        t,
        `/agency/records/${id}/corrections`,
        correction({ document_ref: 'forged' }),
        chen.cookie,
      );
      assert.equal(noToken.statusCode, 403);
      const li = await signIn(t, 'li', '/agency');
      const other = await postForm(
        t,
        `/agency/records/${id}/corrections`,
        { ...correction({ document_ref: 'theirs' }), csrf: li.csrf },
        li.cookie,
      );
      assert.equal(other.statusCode, 404);
      assert.equal((await record(id)).versions.length, 0);
      const done = await postForm(
        t,
        `/agency/records/${id}/corrections`,
        { ...correction({ document_ref: '(2026)京0108执1号之二' }), csrf: chen.csrf },
        chen.cookie,
      );
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(done.headers.location, `/agency?corrected=${id}&version=2&find=${id}`);
      const versions = await record(id);
      assert.equal(versions.record.document_ref, '(2026)京0108执1号之二');
      assert.equal(versions.versions.length, 1);
      assert.match(
        (await t.app.inject({ url: done.headers.location as string, headers: { cookie: chen.cookie } })).body,
        /was corrected \(now version 2\)/,
      );
    },
  );

  test('a dispute resolved as "corrected" applies the changes; invalid changes are shown inline', async () => {
    const id = await t.file(court, aCourtRecord());
    const opened = await t.app.inject({
      method: 'POST',
      url: `/v1/records/${id}/disputes`,
      headers: bearer(operatorKey),
      payload: { statement: 'wrong judgment number' },
    });
    const disputeId = opened.json().dispute_id;
    const chen = await signIn(t, 'chen', '/agency');
    assert.match(chen.body, new RegExp(`id="outcome-${disputeId}-corrected"`));
    const { reason: _r, ...changes } = correction({});
    const bad = await postForm(
      t,
      `/agency/disputes/${disputeId}/resolution`,
      { ...changes, decided_at: 'yesterday', outcome: 'corrected', reason: 'checked', csrf: chen.csrf },
      chen.cookie,
    );
    assert.equal(bad.statusCode, 422, bad.body);
    assert.match(bad.body, new RegExp(`id="d-${disputeId}-decided_at-error"`));
    const ok = await postForm(
      t,
      `/agency/disputes/${disputeId}/resolution`,
      {
        ...changes,
        document_ref: '(2026)京0108执1号之三',
        outcome: 'corrected',
        reason: 'checked the court file',
        csrf: chen.csrf,
      },
      chen.cookie,
    );
    assert.equal(ok.statusCode, 303, ok.body);
    const versions = await record(id);
    assert.equal(versions.record.document_ref, '(2026)京0108执1号之三');
    assert.equal(versions.record.status, 'active');
  });

  test('my records: own agency only, newest first, filtered by status and text, paged', async () => {
    const ours: string[] = [];
    for (let i = 0; i < 22; i += 1) {
      t.now = new Date(t.now.getTime() + 60_000);
      ours.push(await t.file(court, aCourtRecord({ name: i === 21 ? '赵六' : '张三' })));
    }
    const theirs = aCourtRecord({ name: '赵六' });
    const theirId = await t.file(otherCourt, theirs);
    const chen = await signIn(t, 'chen', '/agency');
    const first = await t.app.inject({ url: '/agency/records', headers: { cookie: chen.cookie } });
    assert.equal(first.statusCode, 200);
    const ids = [...first.body.matchAll(/href="\/agency\?find=(\d+)#find-heading"/g)].map((m) => m[1]);
    assert.equal(ids.length, 20);
    assert.equal(ids[0], ours[21]);
    assert.ok(!ids.includes(theirId));
    assert.match(first.body, /Page 1 of 2/, 'the total from the maintained counts');
    const next = first.body.match(/href="(\/agency\/records\?after=[\w-]+)"[^>]*rel="next"/)?.[1];
    assert.ok(next !== undefined, 'a link to the next page');
    const second = await t.app.inject({ url: next, headers: { cookie: chen.cookie } });
    assert.match(second.body, /rel="previous"/);
    const rest = [...second.body.matchAll(/href="\/agency\?find=(\d+)#find-heading"/g)].map((m) => m[1]);
    assert.deepEqual(rest.slice(0, 2), [ours[1], ours[0]], 'the rest, in order');
    assert.ok(!rest.some((id) => ids.includes(id)), 'none twice');
    const byName = await t.app.inject({
      url: `/agency/records?q=${encodeURIComponent('赵六')}`,
      headers: { cookie: chen.cookie },
    });
    assert.deepEqual(
      [...byName.body.matchAll(/href="\/agency\?find=(\d+)#/g)].map((m) => m[1]),
      [ours[21]],
    );
    const byTheirRef = await t.app.inject({
      url: `/agency/records?q=${encodeURIComponent(String(theirs.source_ref))}`,
      headers: { cookie: chen.cookie },
    });
    assert.match(byTheirRef.body, /No records match/);
    // A record number matches that record only if it is ours (the number also matches references containing it).
    const byTheirId = await t.app.inject({ url: `/agency/records?q=${theirId}`, headers: { cookie: chen.cookie } });
    assert.ok(!byTheirId.body.includes(`find=${theirId}#`));
    const byOurId = await t.app.inject({ url: `/agency/records?q=${ours[3]}`, headers: { cookie: chen.cookie } });
    assert.ok(byOurId.body.includes(`find=${ours[3]}#`));
    const revoked = await t.app.inject({ url: '/agency/records?status=revoked', headers: { cookie: chen.cookie } });
    assert.match(revoked.body, /No records match/);
    assert.equal(
      (await t.app.inject({ url: '/agency/records?status=bogus', headers: { cookie: chen.cookie } })).statusCode,
      400,
    );
  });
});
