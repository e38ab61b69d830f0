/** Policy folders for tests: the default policy with changes, written to a temporary folder. */

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readPolicyFiles } from '../../src/policy/index.ts';

/**
 * The default policy with one more sanction list, `under-review`, entered by any general penalty at once, whose
 * measure asks for review of bids and subsidies. Grades may only reward (EU AI Act art. 5(1)(c)): a review, like
 * any unfavourable effect, comes from a list resting on an authority's record. Lists and measures are cloned from
 * the default's, so the texts keep whatever form the policy gives them.
 */
export async function policyWithReviewList(suffix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `credence-${suffix}-policy-`));
  for (const file of await readPolicyFiles('policies/default')) {
    const doc = parse(file.text);
    // Its own version, so that a notice naming the policy says which.
    if (doc.version !== undefined) doc.version = `${doc.version}-${suffix}`;
    if (doc.lists !== undefined)
      doc.lists['under-review'] = {
        ...structuredClone(doc.lists['serious-dishonesty']),
        notice_days: 0,
        criteria: [{ record_type: 'admin.penalty', where: { tier: ['general'] } }],
      };
    if (doc.measures !== undefined)
      doc.measures['under-review.review'] = {
        ...structuredClone(doc.measures['serious-dishonesty.permits']),
        list: 'under-review',
        effect: 'review',
        actions: ['procurement.bid', 'subsidy.apply'],
      };
    await writeFile(join(dir, file.name), stringify(doc));
  }
  return dir;
}
