/** Policy folders for tests: the default policy with changes, written to a temporary folder. */

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readPolicyFiles } from '../../src/policy/index.ts';

/**
 * The default policy, each of its files' documents changed by `edit` (which finds the part it changes, if the file
 * has it), with its own version (`-suffix`), so that a notice naming the policy says which.
 */
async function defaultPolicyWith(suffix: string, edit: (doc: Record<string, any>) => void): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `credence-${suffix}-policy-`));
  for (const file of await readPolicyFiles('policies/default')) {
    const doc = parse(file.text);
    if (doc.version !== undefined) doc.version = `${doc.version}-${suffix}`;
    edit(doc);
    await writeFile(join(dir, file.name), stringify(doc));
  }
  return dir;
}

/**
 * The default policy with one more sanction list, `under-review`, whose measure asks for review of bids and
 * subsidies, entered at once by `criterion`. Grades may only reward (EU AI Act art. 5(1)(c)): a review, like any
 * unfavourable effect, comes from a list resting on an authority's record. The list and measure are cloned from
 * the default's, so the texts keep whatever form the policy gives them.
 */
function addReviewList(doc: Record<string, any>, criterion: Record<string, unknown>): void {
  if (doc.lists !== undefined)
    doc.lists['under-review'] = {
      ...structuredClone(doc.lists['serious-dishonesty']),
      notice_days: 0,
      criteria: [criterion],
    };
  if (doc.measures !== undefined)
    doc.measures['under-review.review'] = {
      ...structuredClone(doc.measures['serious-dishonesty.permits']),
      list: 'under-review',
      effect: 'review',
      actions: ['procurement.bid', 'subsidy.apply'],
    };
}

/** The default policy with the `under-review` list (addReviewList), entered by any general penalty. */
export function policyWithReviewList(suffix: string): Promise<string> {
  return defaultPolicyWith(suffix, (doc) =>
    addReviewList(doc, { record_type: 'admin.penalty', where: { tier: ['general'] } }),
  );
}

/**
 * The default policy with a record type it lacks, `market.inspection_order` (an administrative penalty's terms, filed
 * by market regulators about organisations), which enters the `under-review` list (addReviewList).
 */
export function policyWithInspectionOrders(suffix: string): Promise<string> {
  return defaultPolicyWith(suffix, (doc) => {
    if (doc.record_types !== undefined)
      doc.record_types['market.inspection_order'] = {
        ...structuredClone(doc.record_types['admin.penalty']),
        name: { en: 'Inspection order', zh: '检查令' },
        agency_kinds: ['market'],
        subject_kinds: ['organization'],
      };
    addReviewList(doc, { record_type: 'market.inspection_order' });
  });
}
