/**
 * "What it means for me" (issue 11): where a sanction and a reward bind the same action, the portal says which one
 * applies and why (the strongest effect, as decisions take it), in the page's language.
 */

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Policy } from '../src/domain/policy.ts';
import { loadPolicy } from '../src/policy/index.ts';
import { translator, type Locale } from '../src/web/i18n/index.ts';
import type { PageContext } from '../src/web/layout.ts';
import { measureConflicts } from '../src/web/portal/portal-meaning.page.ts';
import type { PortalView } from '../src/web/portal/portal-view.ts';

let policy: Policy;
before(async () => {
  policy = await loadPolicy('policies/default');
});

const ctx = (locale: Locale): PageContext => ({ locale, t: translator(locale), path: '/portal', query: {} });

/** A view whose report binds `procurement.bid` by a list's refusal and by the red list's waiver. */
function viewWith(measures: { id: string; effect: string; actions: string[]; list: string }[]): PortalView {
  return { policy, report: { measures } } as unknown as PortalView;
}

const refusal = { id: 'jd-procurement', effect: 'deny', actions: ['procurement.bid'], list: 'judgment-defaulters' };
const waiver = { id: 'red-procurement', effect: 'waive', actions: ['procurement.bid'], list: 'red-list' };

test('a refusal and a waiver of the same action: the refusal applies, and the page says why', () => {
  const en = measureConflicts(ctx('en'), viewWith([waiver, refusal])).value;
  assert.match(en, /more than one measure applies: “Refused” applies, not “Waived for you”/);
  assert.match(en, /A refusal or restriction resting on a list always prevails over a reward/);
  const zh = measureConflicts(ctx('zh'), viewWith([waiver, refusal])).value;
  assert.match(zh, /同时适用多项措施/);
});

test('measures on different actions conflict with nothing', () => {
  const other = { ...waiver, actions: ['customs.green_channel'] };
  assert.equal(measureConflicts(ctx('en'), viewWith([other, refusal])).value, '');
});
