import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { loadPolicyDir, policyFromStore } from '../src/services/runtime/open-registry.ts';
import { activatePolicy } from '../src/services/ledger/policy.service.ts';
import { verifyLedger } from '../src/services/ledger/ledger.service.ts';
import { reevaluateAllDue } from '../src/services/ledger/reevaluation.service.ts';
import { replayLedger } from '../src/services/ledger/replay.service.ts';
import { aListingDecision, aPenalty, anUscc } from './support/factories.ts';
import { policyWithReviewList } from './support/policies.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let policyDir: string;
let market: string;
let buyer: string;
let otherBuyer: string;
let operator: string;
let auditor: string;

before(async () => {
  policyDir = await policyWithReviewList('review');
  t = await startTestRegistry(undefined, {}, { CREDENCE_POLICY_DIR: policyDir });
  market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  buyer = await t.keyFor({
    role: 'relying',
    name: 'Procurement Centre',
    actions: ['procurement.bid', 'subsidy.apply', 'permits.application'],
    purposes: ['procurement', 'subsidy', 'permit'],
  });
  otherBuyer = await t.keyFor({
    role: 'relying',
    name: 'Other Centre',
    actions: ['procurement.bid'],
    purposes: ['procurement'],
  });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
  auditor = await t.keyFor({ role: 'auditor', name: 'Audit Office' });
});
after(async () => {
  await t.close();
  await rm(policyDir, { recursive: true, force: true });
});

/** A company with a general penalty: on the `under-review` list at once, whose measure asks for review. */
async function aCompanyUnderReview(): Promise<string> {
  const org = anUscc();
  await t.file(market, aPenalty({ tier: 'general', subjectId: org }));
  return org;
}

const ask = async (org: string, key = buyer, action = 'procurement.bid', purpose = 'procurement') =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: bearer(key),
      payload: { subject: { scheme: 'cn-uscc', id: org }, action, purpose },
    })
  ).json();
const list = async (key: string, query = 'status=open') =>
  t.app.inject({ url: `/v1/reviews?${query}`, headers: bearer(key) });
const close = (id: string, key: string, payload: Record<string, unknown>) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/reviews/${encodeURIComponent(id)}/decision`,
    headers: bearer(key),
    payload,
  });
const allow = {
  outcome: 'allow',
  reason: 'deposit paid in full; penalties were for late filings',
  reviewer: 'Li Wei, case officer',
};

describe('a review outcome opens a task for the service that asked', () => {
  test(
    'the decision names its review task, ' + 'and the task lists subject, action, purpose, measures and reasons',
    async () => {
      const org = await aCompanyUnderReview();
      const decision = await ask(org);
      assert.equal(decision.outcome, 'review');
      assert.equal(decision.review_id, decision.decision_id);
      const { reviews } = (await list(buyer)).json();
      const task = reviews.find((r: { review_id: string }) => r.review_id === decision.review_id);
      assert.deepEqual(task.subject, { scheme: 'cn-uscc', id: org });
      assert.equal(task.action, 'procurement.bid');
      assert.equal(task.purpose, 'procurement');
      assert.equal(task.status, 'open');
      assert.equal(new Date(task.opened_at).getTime(), t.now.getTime());
      assert.deepEqual(
        task.measures.map((m: { id: string; effect: string; list: string }) => [m.id, m.effect, m.list]),
        [['under-review.review', 'review', 'under-review']],
      );
      assert.match(task.reasons[0], /listed on under-review/);
    },
  );

  test('a decision that is not a review opens nothing and carries no review_id', async () => {
    const decision = await ask(anUscc());
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.review_id, undefined);
    assert.equal(
      await t.registry.rt.db
        .selectFrom('review_tasks')
        .select('id')
        .where('id', '=', decision.decision_id)
        .executeTakeFirst(),
      undefined,
    );
  });

  test('a list measure asking for review opens a task too, once the listing is in effect', async () => {
    const org = anUscc();
    await t.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: bearer(market),
      payload: { records: [aListingDecision({ subjectId: org })] },
    });
    const start = t.now;
    try {
      t.now = new Date(start.getTime() + 31 * 86_400_000); // past serious-dishonesty's 30 notice days
      await reevaluateAllDue(t.registry.rt);
      await t.registry.follower.catchUp();
      const decision = await ask(org, buyer, 'permits.application', 'permit');
      assert.equal(decision.outcome, 'review');
      const task = (await t.app.inject({ url: `/v1/reviews/${decision.review_id}`, headers: bearer(buyer) })).json();
      assert.equal(task.measures[0].list, 'serious-dishonesty');
    } finally {
      t.now = start;
    }
  });

  test('a batch opens one task per review outcome, each under its decision id', async () => {
    const [a, b] = [await aCompanyUnderReview(), await aCompanyUnderReview()];
    const subjects = [a, anUscc(), b].map((id) => ({ scheme: 'cn-uscc', id }));
    const { results } = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/decisions/batch',
        headers: bearer(buyer),
        payload: { subjects, action: 'subsidy.apply', purpose: 'subsidy' },
      })
    ).json();
    assert.deepEqual(
      results.map((r: { outcome: string }) => r.outcome),
      ['review', 'allow', 'review'],
    );
    assert.equal(results[1].review_id, undefined);
    const ids = [results[0].review_id, results[2].review_id];
    assert.deepEqual(ids, [results[0].decision_id, results[2].decision_id]);
    const stored = await t.registry.rt.db
      .selectFrom('review_tasks')
      .select(['id', 'subject_value'])
      .where('id', 'in', ids)
      .orderBy('subject_value')
      .execute();
    assert.deepEqual(stored.map((s) => s.subject_value).sort(), [a, b].sort());
  });
});

describe('who sees and closes a task', () => {
  test('another relying service neither lists, reads nor closes it: not found', async () => {
    const { review_id } = await ask(await aCompanyUnderReview());
    const theirs = (await list(otherBuyer)).json().reviews.map((r: { review_id: string }) => r.review_id);
    assert.ok(!theirs.includes(review_id));
    const read = await t.app.inject({ url: `/v1/reviews/${review_id}`, headers: bearer(otherBuyer) });
    assert.equal(read.statusCode, 404);
    assert.equal(read.json().error.code, 'CRD_REVIEW_NOT_FOUND');
    assert.equal((await close(review_id, otherBuyer, allow)).json().error.code, 'CRD_REVIEW_NOT_FOUND');
  });

  test('auditors read every task but may not close one; operators may', async () => {
    const { review_id } = await ask(await aCompanyUnderReview());
    assert.ok((await list(auditor)).json().reviews.some((r: { review_id: string }) => r.review_id === review_id));
    assert.equal((await close(review_id, auditor, allow)).statusCode, 403);
    const closed = await close(review_id, operator, allow);
    assert.equal(closed.statusCode, 200);
    assert.notEqual(
      closed.json().closed.by,
      closed.json().asked_by,
      'closed by the operator, not the service that asked',
    );
  });

  test('every task shown is logged as an inquiry about its subject', async () => {
    const org = await aCompanyUnderReview();
    const { review_id } = await ask(org);
    await list(auditor);
    const reads = await t.registry.rt.db
      .selectFrom('inquiries')
      .select(['kind', 'purpose'])
      .where('subject_value', '=', org)
      .where('kind', '=', 'report')
      .execute();
    assert.ok(reads.some((r) => r.purpose === `review ${review_id}`));
  });
});

describe('closing a task with the human decision', () => {
  test('is logged as a decision inquiry naming the task, and a review.closed ledger event', async () => {
    const org = await aCompanyUnderReview();
    const { review_id } = await ask(org);
    const response = await close(review_id, buyer, allow);
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.status, 'closed');
    assert.equal(body.closed.outcome, 'allow');
    assert.equal(body.closed.reviewer, allow.reviewer);
    const inquiry = await t.registry.rt.db
      .selectFrom('inquiries')
      .selectAll()
      .where('id', '=', body.closed.inquiry_id)
      .executeTakeFirstOrThrow();
    assert.equal(inquiry.kind, 'decision');
    assert.equal(inquiry.outcome, 'allow');
    assert.equal(inquiry.purpose, 'procurement');
    assert.equal(inquiry.action, 'procurement.bid');
    assert.equal(inquiry.review_id, review_id);
    assert.equal(inquiry.subject_value, org);
    assert.notEqual(inquiry.id, review_id);
    const event = await t.registry.rt.db
      .selectFrom('ledger')
      .select(['payload'])
      .where('type', '=', 'review.closed')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(event.payload), {
      review_id,
      inquiry_id: inquiry.id,
      outcome: 'allow',
      reason: allow.reason,
      reviewer: allow.reviewer,
      legal_basis: null,
      closed_by: body.closed.by,
    });
    assert.equal((await verifyLedger(t.registry.rt)).ok, true);
  });

  test('the subject sees the human decision among who checked them', async () => {
    const org = await aCompanyUnderReview();
    const { review_id } = await ask(org);
    const deny = {
      outcome: 'deny',
      reason: 'bid bond forfeited twice this year',
      reviewer: 'Li Wei',
      legal_basis: 'Government Procurement Law art. 22(1)',
    };
    assert.equal((await close(review_id, buyer, deny)).statusCode, 200);
    const report = (
      await t.app.inject({ url: `/v1/subjects/cn-uscc/${org}/report`, headers: bearer(operator) })
    ).json();
    const human = report.inquiries.find(
      (i: { kind: string; outcome: string }) => i.kind === 'decision' && i.outcome === 'deny',
    );
    assert.equal(human.by.name, 'Procurement Centre');
    assert.equal(human.purpose, 'procurement');
  });

  test('closes once: a second closing is a coded 409, and the task leaves the open queue', async () => {
    const { review_id } = await ask(await aCompanyUnderReview());
    assert.equal((await close(review_id, buyer, allow)).statusCode, 200);
    const again = await close(review_id, buyer, { ...allow, outcome: 'allow' });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'CRD_REVIEW_CLOSED');
    assert.ok(!(await list(buyer)).json().reviews.some((r: { review_id: string }) => r.review_id === review_id));
    assert.ok(
      (await list(buyer, 'status=closed&limit=500'))
        .json()
        .reviews.some((r: { review_id: string }) => r.review_id === review_id),
    );
  });

  test('two simultaneous closings: exactly one wins', async () => {
    const { review_id } = await ask(await aCompanyUnderReview());
    const answers = await Promise.all([close(review_id, buyer, allow), close(review_id, operator, allow)]);
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 409]);
  });

  test('a human deny or restrict must cite the law that allows it; other outcomes are refused', async () => {
    const { review_id } = await ask(await aCompanyUnderReview());
    const bare = await close(review_id, buyer, { outcome: 'deny', reason: 'grade D', reviewer: 'Li Wei' });
    assert.equal(bare.statusCode, 400);
    assert.equal(bare.json().error.details[0].path, 'legal_basis');
    const reward = await close(review_id, buyer, { outcome: 'expedite', reason: 'x', reviewer: 'Li Wei' });
    assert.equal(reward.statusCode, 400);
    assert.equal(
      (await close(review_id, buyer, { outcome: 'allow', reason: ' ', reviewer: 'Li Wei' })).statusCode,
      400,
    );
    assert.equal(
      (await t.app.inject({ url: `/v1/reviews/${review_id}`, headers: bearer(buyer) })).json().status,
      'open',
    );
  });

  test('an unknown task is not found', async () => {
    assert.equal((await close('no-such-task', operator, allow)).json().error.code, 'CRD_REVIEW_NOT_FOUND');
  });
});

describe('the open queue', () => {
  test('pages oldest first with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await ask(await aCompanyUnderReview(), otherBuyer)).review_id);
    const first = (await list(otherBuyer, 'status=open&limit=2')).json();
    assert.equal(first.reviews.length, 2);
    const second = (await list(otherBuyer, `status=open&limit=2&after=${encodeURIComponent(first.next)}`)).json();
    const seen = [...first.reviews, ...second.reviews].map((r: { review_id: string }) => r.review_id);
    for (const id of ids) assert.ok(seen.includes(id));
    assert.equal(new Set(seen).size, seen.length);
  });

  test('tasks are not projections: a ledger replay leaves them alone', async () => {
    const { review_id } = await ask(await aCompanyUnderReview());
    await replayLedger(t.registry.rt, (digest) => policyFromStore(t.registry.database, digest));
    assert.equal(
      (await t.app.inject({ url: `/v1/reviews/${review_id}`, headers: bearer(buyer) })).json().status,
      'open',
    );
  });
});

// Last in the file: it makes the default policy, without `under-review`, the active one.
describe('activating another policy', () => {
  test('tells each subject whose lists it changes, naming the policy version (issue 10)', async () => {
    const org = await aCompanyUnderReview();
    const { policy, document } = await loadPolicyDir('policies/default');
    assert.equal(await activatePolicy(t.registry.rt, policy, document), true);
    const notices = async (language: string) =>
      (
        await t.app.inject({
          url: `/v1/subjects/cn-uscc/${org}/notices`,
          headers: { ...bearer(operator), 'accept-language': language },
        })
      ).json().notices as { kind: string; list_id: string | null; what: string }[];
    const ended = (await notices('en')).find((n) => n.kind === 'list.ended' && n.list_id === 'under-review');
    assert.ok(ended !== undefined, 'the subject is told the list ended');
    assert.ok(ended.what.includes(`policy version ${policy.version}`), ended.what);
    const zh = (await notices('zh')).find((n) => n.kind === 'list.ended' && n.list_id === 'under-review');
    assert.ok(zh?.what.includes(`政策版本 ${policy.version}`), zh?.what);
    // A change made by a record names no policy.
    const started = (await notices('en')).find((n) => n.kind === 'list.started' && n.list_id === 'under-review');
    assert.ok(started !== undefined && !started.what.includes('policy version'), started?.what);
  });
});
