/**
 * One policy's side of the decision index: how a subject's state (grade, active lists, whether related
 * organisations bind it) packs into a small integer, and the decision for each (state code, action), computed once
 * from the policy and cached. The index holds one of these for the policy in force and, while a policy activation
 * rescores the registry, a second for the policy being activated (decision-index.ts).
 */

import {
  decideAction,
  MAX_LISTS,
  STATE_GRADE_BITS,
  stateEncodingProblems,
  type ActionDecision,
} from '../../domain/decide.ts';
import { measuresFor, relatedMeasuresFor, type AppliedMeasure } from '../../domain/measures.ts';
import { gradeFor, type Policy } from '../../domain/policy.ts';
import type { RelatedListing, RelatedVia } from '../../domain/related.ts';
import { CredenceError } from '../../errors.ts';

const GRADE_MASK = (1 << STATE_GRADE_BITS) - 1;
/**
 * Set in a state code when measures bind the subject through a related organisation's listing (Fa Shi [2015] 17
 * art. 3 para. 2): the one bit above the grade and list bits (still a small integer). Such a subject's decisions
 * name the organisation and the relationship, so they are built per subject from `related`, not cached per code.
 */
export const RELATED_BIT = 1 << (STATE_GRADE_BITS + MAX_LISTS);

export interface DecisionTemplate extends ActionDecision {
  /** The version of the policy the decision was made under (issue 12: every decision records it). */
  readonly policy_version: string;
  readonly reasons: readonly string[];
  readonly measureViews: readonly {
    id: string;
    effect: string;
    list: string | null;
    grade: string | null;
    legal_basis: string;
    /** Where the measure binds the subject through an organisation: the organisation and the relationship. */
    related?: RelatedVia;
  }[];
}

export class PolicyCodes {
  readonly policy: Policy;
  readonly baseCode: number;
  private readonly listBits = new Map<string, number>();
  private readonly grades: string[];
  private readonly templates = new Map<string, Map<number, DecisionTemplate>>();

  constructor(policy: Policy) {
    this.policy = policy;
    this.grades = policy.scoring.grades.map((g) => g.grade);
    // The policy loader refuses such a policy; this guards policies built some other way.
    const problems = stateEncodingProblems({ grades: this.grades.length, lists: policy.lists.size });
    if (problems.length > 0)
      throw new CredenceError('CRD_POLICY_INVALID', 'the policy is too large for the decision index', problems);
    for (const [i, id] of [...policy.lists.keys()].entries()) this.listBits.set(id, 1 << i);
    this.baseCode = this.encode(gradeFor(policy.scoring, policy.scoring.base), []);
  }

  encode(grade: string, activeLists: readonly string[], related = false): number {
    let mask = 0;
    for (const list of activeLists) mask |= this.listBits.get(list) ?? 0;
    return (related ? RELATED_BIT : 0) | (mask << STATE_GRADE_BITS) | Math.max(0, this.grades.indexOf(grade));
  }

  /**
   * A function from state code (without RELATED_BIT) to decision for one action: resolve the action once per batch.
   * An action this policy does not know binds no measure of it: allowed (a policy being activated may drop one).
   */
  decider(action: string): (code: number) => DecisionTemplate {
    let templates = this.templates.get(action);
    if (templates === undefined) {
      templates = new Map();
      this.templates.set(action, templates);
    }
    const cache = templates;
    return (code) => {
      let template = cache.get(code);
      if (template === undefined) {
        template = this.buildTemplate(code, action);
        cache.set(code, template);
      }
      return template;
    };
  }

  /** The decision for a state code and the related listings binding the subject. */
  decideWith(action: string, code: number, listings: readonly RelatedListing[]): DecisionTemplate {
    const own = this.decider(action)(code & ~RELATED_BIT);
    const derived = decideAction(relatedMeasuresFor(this.policy, listings), action);
    if (derived.measures.length === 0) return own;
    return this.template(decideAction([...own.measures, ...derived.measures], action), action);
  }

  private buildTemplate(code: number, action: string): DecisionTemplate {
    const grade = this.grades[code & GRADE_MASK]!;
    const mask = code >>> STATE_GRADE_BITS;
    const lists = [...this.listBits].filter(([, bit]) => (mask & bit) !== 0).map(([list]) => ({ list, until: null }));
    return this.template(decideAction(measuresFor(this.policy, { grade, lists }), action), action);
  }

  private template(decision: ActionDecision, action: string): DecisionTemplate {
    return Object.freeze({
      ...decision,
      policy_version: this.policy.version,
      reasons: Object.freeze(decision.measures.map((m) => this.reason(m, action))),
      measureViews: Object.freeze(
        decision.measures.map((m) => ({
          id: m.id,
          effect: m.effect,
          list: m.list ?? null,
          grade: m.grade ?? null,
          legal_basis: m.legal_basis,
          ...(m.related === undefined ? {} : { related: m.related }),
        })),
      ),
    });
  }

  private reason(m: AppliedMeasure, action: string): string {
    const listed =
      m.list === undefined ? '' : `listed on ${m.list} (${this.policy.lists.get(m.list)?.legal_basis.en ?? ''})`;
    if (m.related !== undefined) {
      // Fa Shi [2015] 17 art. 3 para. 2: the decision names the organisation, the relationship and the law.
      const { organization, relationship_id, role } = m.related;
      const roleName = this.policy.relationships?.roles.get(role)?.name.en ?? role;
      return (
        `${m.effect} ${action}: ${roleName} (relationship ${relationship_id}) of ${organization.name} ` +
        `(${organization.scheme} ${organization.id}), which is ${listed}; measure ${m.id} binds related persons ` +
        `under ${m.legal_basis}`
      );
    }
    const why = m.list !== undefined ? listed : `credit grade ${m.grade}`;
    return `${m.effect} ${action}: ${why}; measure ${m.id} under ${m.legal_basis}`;
  }
}
