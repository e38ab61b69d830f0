/**
 * Amendments for related persons (FCRA § 611(d) with Fa Shi [2015] 17 art. 3 para. 2). A measure on a list binds a
 * listed organisation's related persons, so a decision about such a person may have been answered as it was because
 * of the organisation's record. When that record is corrected, revoked or repaired, or the relationship is revoked,
 * a relying principal that got such a decision within the lookback is told, as the organisation's own relying
 * principals are of its record (amendments.service.ts). So is a court's exemption filed for the person
 * (`binds_related.exempted_by`), which the record intake writes (exemption-amendments.service.ts).
 *
 * The inquiry log keeps a decision's outcome, not the measures behind it, so which decisions the organisation
 * decided is found from the person's state: the listings through the organisation that bound them before the change
 * (read before it) and after it. A decision is amended where the change binds the person differently, the outcome
 * for its action with the listings as they were is the outcome it was answered with, and the outcome now differs:
 * what the principal was told is then wrong because of the change. The person's own state (their
 * lists and grade) is taken as it is after the change for both, so a change of theirs is not blamed on the
 * organisation. Unlike the record's own subject's, a decision whose outcome stays is not amended: nothing about
 * the person was corrected.
 */

import type { Insertable, Transaction } from 'kysely';
import { lookbackStart } from '../../domain/amendment.ts';
import { decideAction } from '../../domain/decide.ts';
import { measuresFor, relatedMeasuresFor } from '../../domain/measures.ts';
import type { Outcome, Policy } from '../../domain/policy.ts';
import type { RelatedListing } from '../../domain/related.ts';
import {
  getReliedDecisions,
  getRecordTypes,
  insertAmendments,
  type ReliedDecisions,
} from '../../store/amendments.repository.ts';
import { getDecisionStates, type StoredDecisionState } from '../../store/decision-states.repository.ts';
import { getRelationshipsOfOrganizations, type StoredRelationship } from '../../store/relationships.repository.ts';
import type { AmendmentRelated, AmendmentsTable } from '../../store/schema-amendments.ts';
import type { DB } from '../../store/schema.ts';
import { type AmendedRecord, type AmendmentCause, amendmentRow, recordCause } from './amendments.service.ts';

/** The persons related to the organisations a change amends records of, and their states before the change. */
export interface RelatedBefore {
  readonly relationships: readonly StoredRelationship[];
  readonly states: ReadonlyMap<string, StoredDecisionState>;
}

/** Read in the change's transaction before it is projected: null where no amended record's subject has persons. */
export async function readRelatedBefore(
  trx: Transaction<DB>,
  amended: readonly AmendedRecord[],
): Promise<RelatedBefore | null> {
  if (amended.length === 0) return null;
  const organizations = [...new Set(amended.map((a) => a.subject_id))];
  const relationships = (await getRelationshipsOfOrganizations(trx, organizations)).filter(
    (r) => r.status === 'active',
  );
  if (relationships.length === 0) return null;
  const states = await getDecisionStates(trx, [...new Set(relationships.map((r) => r.person_id))]);
  return { relationships, states };
}

/**
 * Writes the related persons' amendments of these changed records, after the change is projected (the persons
 * re-evaluated with it); returns how many were written.
 */
export async function writeRelatedAmendments(
  trx: Transaction<DB>,
  policy: Policy,
  now: Date,
  amended: readonly AmendedRecord[],
  before: RelatedBefore | null,
): Promise<number> {
  if (before === null) return 0;
  const persons = [...new Set(before.relationships.map((r) => r.person_id))];
  const relied = await getReliedDecisions(trx, persons, lookbackStart(policy.amendments, now), now);
  if (relied.length === 0) return 0;
  const [after, types] = await Promise.all([
    getDecisionStates(trx, persons),
    getRecordTypes(trx, [...new Set(amended.map((a) => a.record_id))]),
  ]);
  const rows: Insertable<AmendmentsTable>[] = [];
  for (const record of amended) {
    const ties = before.relationships.filter((r) => r.organization_id === record.subject_id);
    for (const person of new Set(ties.map((r) => r.person_id))) {
      const through = new Set(ties.filter((r) => r.person_id === person).map((r) => r.id));
      const change = bindingChange(policy, now, before.states.get(person), after.get(person), through);
      rows.push(...personRows(policy, now, recordCause(record, types), relied, person, change));
    }
  }
  await insertAmendments(trx, rows);
  return rows.length;
}

/** A person's state before a change of their relationships, read in its transaction before it is projected. */
export async function readPersonBefore(
  trx: Transaction<DB>,
  personId: string,
): Promise<StoredDecisionState | undefined> {
  return (await getDecisionStates(trx, [personId])).get(personId);
}

/**
 * Writes the amendments of a relationship's revocation, after the person is re-evaluated without it: the decisions
 * about the person whose outcome the organisation's listing gave through it and which now differ. They name no
 * record; `related` names the organisation and the relationship, with the authority's reason. Returns how many.
 */
export async function writeRevocationAmendments(
  trx: Transaction<DB>,
  policy: Policy,
  now: Date,
  revoked: { readonly id: string; readonly person_id: string; readonly reason: string },
  before: StoredDecisionState | undefined,
): Promise<number> {
  const cause = {
    record_id: null,
    record_type: null,
    change: 'relationship_revoked',
    reason: revoked.reason,
    ground: null,
  } as const;
  return writeBindingAmendments(trx, policy, now, cause, revoked.person_id, new Set([revoked.id]), before);
}

/**
 * Writes the amendments of a change of how `person` is bound through the relationships `through` (to one
 * organisation), after the person is re-evaluated with it: the decisions whose outcome that binding gave and which
 * now differ, told of `cause`. Returns how many.
 */
export async function writeBindingAmendments(
  trx: Transaction<DB>,
  policy: Policy,
  now: Date,
  cause: AmendmentCause,
  person: string,
  through: ReadonlySet<string>,
  before: StoredDecisionState | undefined,
): Promise<number> {
  const relied = await getReliedDecisions(trx, [person], lookbackStart(policy.amendments, now), now);
  if (relied.length === 0) return 0;
  const after = (await getDecisionStates(trx, [person])).get(person);
  const change = bindingChange(policy, now, before, after, through);
  const rows = personRows(policy, now, cause, relied, person, change);
  await insertAmendments(trx, rows);
  return rows.length;
}

/** The amendments of the decisions about `person` that the change made wrong (see the file's comment). */
function personRows(
  policy: Policy,
  now: Date,
  cause: AmendmentCause,
  relied: readonly ReliedDecisions[],
  person: string,
  change: BindingChange | null,
): Insertable<AmendmentsTable>[] {
  if (change === null) return [];
  const rows: Insertable<AmendmentsTable>[] = [];
  for (const decisions of relied) {
    if (decisions.subject_id !== person) continue;
    const was = change.before(decisions.action);
    const is = change.after(decisions.action);
    if (was === is || decisions.outcome !== was) continue;
    rows.push(amendmentRow(policy, now, cause, decisions, { outcome: is, related: change.related }));
  }
  return rows;
}

interface BindingChange {
  /** The outcome of an action with the listings through the organisation as they were, and as they are. */
  before(action: string): Outcome;
  after(action: string): Outcome;
  readonly related: AmendmentRelated;
}

/**
 * How the change bound a person differently through the relationships `through` (to one organisation): null where
 * it did not (the same listings bind them through it before and after).
 */
function bindingChange(
  policy: Policy,
  now: Date,
  before: StoredDecisionState | undefined,
  after: StoredDecisionState | undefined,
  through: ReadonlySet<string>,
): BindingChange | null {
  const own = after ?? before;
  if (own === undefined) return null;
  // A listing that has ended since the person was last evaluated bound no one at `now`.
  const was = listingsOf(before).filter((l) => l.until === null || new Date(l.until) > now);
  const is = listingsOf(after);
  const via = (listings: readonly RelatedListing[]) => listings.filter((l) => through.has(l.relationship_id));
  const key = (listings: readonly RelatedListing[]) =>
    via(listings)
      .map((l) => `${l.relationship_id} ${l.list} ${l.exempted_by.join(',')}`)
      .sort()
      .join('\n');
  if (key(was) === key(is)) return null;
  const ownMeasures = measuresFor(policy, { grade: own.grade, lists: activeListings(own) });
  const outcome = (listings: readonly RelatedListing[]) => (action: string) =>
    decideAction([...ownMeasures, ...relatedMeasuresFor(policy, listings)], action).outcome;
  const tied = [...via(was), ...via(is)];
  const relationships = [...new Map(tied.map((l) => [l.relationship_id, l.role])).entries()];
  return {
    before: outcome(was),
    after: outcome(is),
    related: {
      organization: tied[0]!.organization,
      relationships: relationships.map(([relationship_id, role]) => ({ relationship_id, role })),
    },
  };
}

/** The related listings a stored state holds (dates as stored text; only `until` is read, and only here). */
function listingsOf(state: StoredDecisionState | undefined): RelatedListing[] {
  return (state?.related ?? []) as RelatedListing[];
}

/** The lists a stored state has the subject actively on, as the decision index reads them. */
function activeListings(state: StoredDecisionState): { list: string; until: Date | null }[] {
  const lists = state.lists as { list: string; status: string }[];
  return lists.filter((m) => m.status === 'active').map((m) => ({ list: m.list, until: null }));
}
