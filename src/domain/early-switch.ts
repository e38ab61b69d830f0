/**
 * Subjects switched early to a policy being activated (issue 12). While an activation rescores the registry a page
 * at a time, an agency may already file a record of a type that only the new policy knows: its subject cannot be
 * evaluated with that record under the policy it replaces (which would ignore it), so from that filing on the
 * subject is decided under the new policy, as if its page had come. The rule rests on the subject's records alone,
 * so every write, decision and replay during the activation finds the same answer.
 */

import type { Policy } from './policy.ts';
import type { SubjectFile } from './record.ts';

/** Whether the subject's file holds a record of a type `next` knows and `before` does not. */
export function switchesEarly(before: Policy, next: Policy, file: SubjectFile): boolean {
  return file.records.some((r) => !before.record_types.has(r.type) && next.record_types.has(r.type));
}
