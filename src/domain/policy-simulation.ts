/**
 * What a candidate policy would change: each subject evaluated under the active policy and under the candidate at
 * the same instant, tallied by subject kind into grade transitions, list joins and leaves, and measures gained or
 * lost. Pure: the caller evaluates and feeds subjects in id order, so the sample ids are the first in id order.
 */

import type { Evaluation } from './evaluate.ts';
import type { Policy, SubjectKind } from './policy.ts';

/** How many subjects a change touches, and the first few of them by id (only when samples were asked for). */
export interface ChangeCount {
  readonly count: number;
  readonly samples: readonly string[];
}

/** How a list's or a measure's definition differs between the two policies. */
export type DefinitionChange = 'added' | 'removed' | 'changed' | 'unchanged';

export interface GradeTransition extends ChangeCount {
  readonly from: string;
  readonly to: string;
}

export interface ListCounts {
  readonly active: number;
  readonly pending: number;
}

export interface ListChange {
  readonly list: string;
  readonly definition: DefinitionChange;
  readonly before: ListCounts;
  readonly after: ListCounts;
  /** Not actively on the list under the active policy, actively on it under the candidate. */
  readonly joins: ChangeCount;
  /** Actively on the list under the active policy, not under the candidate. */
  readonly leaves: ChangeCount;
  /** Off the list under the active policy, in its notice period under the candidate. */
  readonly pending_joins: ChangeCount;
  /** In the notice period under the active policy, off the list under the candidate. */
  readonly pending_leaves: ChangeCount;
}

export interface MeasureChange {
  readonly measure: string;
  readonly definition: DefinitionChange;
  readonly gains: ChangeCount;
  readonly losses: ChangeCount;
}

export interface KindSimulation {
  readonly kind: SubjectKind;
  readonly subjects: number;
  /** Subjects whose grade, list memberships or measures change. */
  readonly changed: ChangeCount;
  readonly grades: readonly GradeTransition[];
  readonly lists: readonly ListChange[];
  readonly measures: readonly MeasureChange[];
}

export interface PolicySide {
  readonly id: string;
  readonly version: string;
  readonly digest: string;
}

export interface SimulationTotals {
  readonly active: PolicySide;
  readonly candidate: PolicySide;
  readonly subjects: number;
  readonly kinds: readonly KindSimulation[];
}

class Counter {
  count = 0;
  readonly samples: string[] = [];
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  add(id: string): void {
    this.count += 1;
    if (this.samples.length < this.limit) this.samples.push(id);
  }
  toJSON(): ChangeCount {
    return { count: this.count, samples: this.samples };
  }
}

type Status = 'active' | 'pending' | undefined;

class ListTally {
  readonly before = { active: 0, pending: 0 };
  readonly after = { active: 0, pending: 0 };
  readonly joins: Counter;
  readonly leaves: Counter;
  readonly pendingJoins: Counter;
  readonly pendingLeaves: Counter;
  constructor(limit: number) {
    this.joins = new Counter(limit);
    this.leaves = new Counter(limit);
    this.pendingJoins = new Counter(limit);
    this.pendingLeaves = new Counter(limit);
  }
  /** Counts one subject's status on the list under each policy; true when it changes. */
  add(id: string, from: Status, to: Status): boolean {
    if (from !== undefined) this.before[from] += 1;
    if (to !== undefined) this.after[to] += 1;
    if (from === to) return false;
    if (to === 'active') this.joins.add(id);
    else if (from === 'active') this.leaves.add(id);
    else if (to === 'pending') this.pendingJoins.add(id);
    else this.pendingLeaves.add(id);
    return true;
  }
}

class KindTally {
  subjects = 0;
  readonly changed: Counter;
  readonly grades = new Map<string, Counter>();
  readonly lists = new Map<string, ListTally>();
  readonly gains = new Map<string, Counter>();
  readonly losses = new Map<string, Counter>();
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
    this.changed = new Counter(limit);
  }
  counter(map: Map<string, Counter>, key: string): Counter {
    return entry(map, key, () => new Counter(this.limit));
  }
  list(id: string): ListTally {
    return entry(this.lists, id, () => new ListTally(this.limit));
  }
}

/** The value under `key`, made and stored on first use. */
function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

const GRADE_KEY = ' → ';

/**
 * Tallies subjects evaluated under both policies. `samples` bounds the ids kept per change (0: counts only, as the
 * operator console shows: the ids are personal data).
 */
export class SimulationTally {
  private readonly kinds = new Map<SubjectKind, KindTally>();
  private subjects = 0;
  private readonly active: Policy;
  private readonly candidate: Policy;
  private readonly samples: number;

  constructor(active: Policy, candidate: Policy, samples: number) {
    this.active = active;
    this.candidate = candidate;
    this.samples = samples;
  }

  /** Counts one subject, given its evaluation under the active policy (`before`) and the candidate (`after`). */
  add(id: string, kind: SubjectKind, before: Evaluation, after: Evaluation): void {
    this.subjects += 1;
    const tally = entry(this.kinds, kind, () => new KindTally(this.samples));
    tally.subjects += 1;
    let changed = false;
    if (before.grade !== after.grade) {
      tally.counter(tally.grades, `${before.grade}${GRADE_KEY}${after.grade}`).add(id);
      changed = true;
    }
    if (before.lists.length > 0 || after.lists.length > 0) changed = tallyLists(tally, id, before, after) || changed;
    if (before.measures.length > 0 || after.measures.length > 0)
      changed = tallyMeasures(tally, id, before, after) || changed;
    if (changed) tally.changed.add(id);
  }

  /** The summary so far: kinds in policy order, grade transitions by count, lists and measures in policy order. */
  totals(): SimulationTotals {
    return {
      active: sideOf(this.active),
      candidate: sideOf(this.candidate),
      subjects: this.subjects,
      kinds: [...this.kinds].sort(([a], [b]) => kindOrder(a) - kindOrder(b)).map(([kind, t]) => this.kind(kind, t)),
    };
  }

  private kind(kind: SubjectKind, t: KindTally): KindSimulation {
    const grades = [...t.grades]
      .map(([key, c]) => {
        const [from = '', to = ''] = key.split(GRADE_KEY);
        return { from, to, ...c.toJSON() };
      })
      .sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    const lists = listIds(this.active, this.candidate, kind).map((list) => {
      const l = t.lists.get(list) ?? new ListTally(0);
      return {
        list,
        definition: definitionChange(this.active.lists.get(list), this.candidate.lists.get(list)),
        before: { ...l.before },
        after: { ...l.after },
        joins: l.joins.toJSON(),
        leaves: l.leaves.toJSON(),
        pending_joins: l.pendingJoins.toJSON(),
        pending_leaves: l.pendingLeaves.toJSON(),
      };
    });
    const measures = measureIds(this.active, this.candidate)
      .map((measure) => ({
        measure,
        definition: definitionChange(findMeasure(this.active, measure), findMeasure(this.candidate, measure)),
        gains: (t.gains.get(measure) ?? new Counter(0)).toJSON(),
        losses: (t.losses.get(measure) ?? new Counter(0)).toJSON(),
      }))
      .filter((m) => m.definition !== 'unchanged' || m.gains.count > 0 || m.losses.count > 0);
    return { kind, subjects: t.subjects, changed: t.changed.toJSON(), grades, lists, measures };
  }
}

function tallyLists(tally: KindTally, id: string, before: Evaluation, after: Evaluation): boolean {
  const from = new Map<string, Status>(before.lists.map((m) => [m.list, m.status]));
  const to = new Map<string, Status>(after.lists.map((m) => [m.list, m.status]));
  let changed = false;
  for (const list of new Set([...from.keys(), ...to.keys()]))
    changed = tally.list(list).add(id, from.get(list), to.get(list)) || changed;
  return changed;
}

function tallyMeasures(tally: KindTally, id: string, before: Evaluation, after: Evaluation): boolean {
  const from = new Set(before.measures.map((m) => m.id));
  const to = new Set(after.measures.map((m) => m.id));
  let changed = false;
  for (const m of to)
    if (!from.has(m)) {
      tally.counter(tally.gains, m).add(id);
      changed = true;
    }
  for (const m of from)
    if (!to.has(m)) {
      tally.counter(tally.losses, m).add(id);
      changed = true;
    }
  return changed;
}

function sideOf(policy: Policy): PolicySide {
  return { id: policy.id, version: policy.version, digest: policy.digest };
}

function kindOrder(kind: SubjectKind): number {
  return kind === 'person' ? 0 : 1;
}

/** The lists of either policy open to subjects of `kind`: the candidate's in its order, then those it drops. */
function listIds(active: Policy, candidate: Policy, kind: SubjectKind): string[] {
  const ids = [...candidate.lists.values(), ...active.lists.values()]
    .filter((l) => l.subject_kinds.includes(kind))
    .map((l) => l.id);
  return [...new Set(ids)];
}

function measureIds(active: Policy, candidate: Policy): string[] {
  return [...new Set([...candidate.measures, ...active.measures].map((m) => m.id))];
}

function findMeasure(policy: Policy, id: string): unknown {
  return policy.measures.find((m) => m.id === id);
}

function definitionChange(before: unknown, after: unknown): DefinitionChange {
  if (before === undefined) return after === undefined ? 'unchanged' : 'added';
  if (after === undefined) return 'removed';
  return JSON.stringify(before) === JSON.stringify(after) ? 'unchanged' : 'changed';
}
