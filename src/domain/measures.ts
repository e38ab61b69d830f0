/**
 * The measures a subject's state puts in effect: those bound to the lists it is actively on, to its grade (rewards
 * only), and, for a person, to the listings of organisations it is related to (Fa Shi [2015] 17 art. 3 para. 2).
 * The rules evaluation and the decision index both apply. Pure.
 */

import type { Effect, Policy } from './policy.ts';
import type { RelatedListing, RelatedVia } from './related.ts';

export interface AppliedMeasure {
  readonly id: string;
  readonly effect: Effect;
  readonly actions: readonly string[];
  readonly legal_basis: string;
  readonly list?: string;
  readonly grade?: string;
  /** When the measure lapses unless something changes; null while the grade holds. */
  readonly until: Date | null;
  /** Where the measure binds the subject through a related organisation's listing (Fa Shi [2015] 17 art. 3 para. 2). */
  readonly related?: RelatedVia;
}

/** A list a subject is actively on (past its notice period), and until when (null where not known). */
export interface ActiveListing {
  readonly list: string;
  readonly until: Date | null;
}

/**
 * The measures a state puts in effect, in policy order: those bound to a list the subject is
 * actively on, and those bound to its grade. The one rule both evaluation and the decision index
 * apply (the index passes `until: null`: a cached decision holds for as long as its state does).
 */
export function measuresFor(
  policy: Policy,
  state: { readonly grade: string; readonly lists: readonly ActiveListing[] },
): AppliedMeasure[] {
  const applied: AppliedMeasure[] = [];
  for (const measure of policy.measures) {
    const base = {
      id: measure.id,
      effect: measure.effect,
      actions: measure.actions,
      legal_basis: measure.legal_basis.en,
    };
    if (measure.list !== undefined) {
      const listing = state.lists.find((l) => l.list === measure.list);
      if (listing !== undefined) applied.push({ ...base, list: measure.list, until: listing.until });
    } else if (measure.grades?.includes(state.grade) === true) {
      // A grade may only reward (EU AI Act art. 5(1)(c); PIPL art. 24): the policy loader refuses anything else.
      applied.push({ ...base, grade: state.grade, until: null });
    }
  }
  return applied;
}

/**
 * The measures that bind a person through related organisations' listings: on each listing, every measure of its
 * list whose `binds_related` names the role and is not lifted by an exemption, citing the law that binds related
 * persons and naming the organisation and the relationship. The one rule evaluation and the decision index apply.
 */
export function relatedMeasuresFor(policy: Policy, listings: readonly RelatedListing[]): AppliedMeasure[] {
  const applied: AppliedMeasure[] = [];
  for (const listing of listings) {
    const { relationship_id, role, organization } = listing;
    for (const measure of policy.measures) {
      const binding = measure.binds_related;
      if (measure.list !== listing.list || binding === undefined || !binding.roles.includes(role)) continue;
      if (binding.exempted_by !== undefined && listing.exempted_by.includes(binding.exempted_by)) continue;
      applied.push({
        id: measure.id,
        effect: measure.effect,
        actions: measure.actions,
        legal_basis: binding.legal_basis.en,
        list: listing.list,
        until: listing.until,
        related: { relationship_id, role, organization },
      });
    }
  }
  return applied;
}
