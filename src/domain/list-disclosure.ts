/**
 * How much of a list the public sees, by subject kind and by the record type an entry rests on, from the policy
 * alone: `all` when every record of that type that can put a subject of that kind on the list is disclosed
 * publicly for that kind (whatever its variant), `none` when none is, `mixed` otherwise. It lets a public list's
 * size come from the maintained counts of its members by the types they rest on; `mixed` needs the records
 * looked at.
 */

import type { ListCriterion, ListDefinition, Policy, RecordType, SubjectKind } from './policy.ts';

export type ListDisclosure = 'all' | 'none' | 'mixed';

/** For each record type that can put a subject of `kind` on the list, how much of it the public sees. */
export function groundDisclosures(
  policy: Policy,
  list: ListDefinition,
  kind: SubjectKind,
): Map<string, ListDisclosure> {
  const byType = new Map<string, boolean[]>();
  if (!list.subject_kinds.includes(kind)) return new Map();
  for (const criterion of list.criteria) {
    const type = policy.record_types.get(criterion.record_type);
    if (type === undefined || !type.subject_kinds.includes(kind)) continue;
    const shown = branchDisclosures(type, criterion).map((d) => d[kind] === 'public');
    byType.set(type.id, [...(byType.get(type.id) ?? []), ...shown]);
  }
  return new Map(
    [...byType].map(([type, shown]) => [type, shown.every(Boolean) ? 'all' : shown.some(Boolean) ? 'mixed' : 'none']),
  );
}

/** The disclosure of every variant of the type a record meeting the criterion can have, and of none. */
function branchDisclosures(type: RecordType, criterion: ListCriterion) {
  const where = criterion.where ?? {};
  const possible = (when: Readonly<Record<string, string>>) =>
    Object.entries(when).every(([k, value]) => where[k] === undefined || where[k].includes(value));
  // A record matches no variant only if `where` lets some attribute avoid every variant's condition.
  const forced = (when: Readonly<Record<string, string>>) =>
    Object.entries(when).every(([k, value]) => where[k]?.every((w) => w === value) ?? false);
  const variants = type.variants.filter((v) => possible(v.when)).map((v) => ({ ...type.disclosure, ...v.disclosure }));
  return type.variants.some((v) => forced(v.when)) ? variants : [...variants, type.disclosure];
}
