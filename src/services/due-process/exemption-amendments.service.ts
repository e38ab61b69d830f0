/**
 * Amendments for a court's exemption (Fa Shi [2015] 17 art. 3 para. 2; FCRA § 611(d)). A record of a type that a
 * measure's `binds_related.exempted_by` names, filed about a person and naming an organisation (its `organization`
 * attribute, any of the organisation's identifiers), lifts the measures through which that organisation's listing
 * bound the person. A relying principal that was told the person was bound is amended as for the relationship's
 * revocation (related-amendments.service.ts), naming the exemption as `filed`, with the legal basis it was filed on.
 *
 * The record intake reads the persons' states in its transaction before the batch is written (readExemptionsBefore)
 * and writes the amendments after it is projected (writeExemptionAmendments). A batch filing no exemption about a
 * person related to the organisation it names asks the database nothing here.
 */

import type { Transaction } from 'kysely';
import type { Accepted, Candidate } from '../../domain/intake-plan.ts';
import type { Policy } from '../../domain/policy.ts';
import { getDecisionStates, type StoredDecisionState } from '../../store/decision-states.repository.ts';
import { getRelationshipsOfPersons } from '../../store/relationships.repository.ts';
import type { DB } from '../../store/schema.ts';
import { getIdentifiersOfSubjects, getSubjectsByIdentifiers } from '../../store/subjects.repository.ts';
import { writeBindingAmendments } from './related-amendments.service.ts';

/** An exemption in a batch: its type, whom it is about, the relationships to the organisation it names, its basis. */
interface ExemptionFiling {
  readonly type: string;
  readonly person_id: string;
  readonly through: ReadonlySet<string>;
  readonly legal_basis: string;
}

/** The batch's exemptions by candidate index, and the persons' states before the batch. */
export interface ExemptionsBefore {
  readonly filings: ReadonlyMap<number, ExemptionFiling>;
  readonly states: ReadonlyMap<string, StoredDecisionState>;
}

/**
 * Read before the batch is written: the candidates filing an exemption for a registered person with a relationship
 * in force to the organisation it names, and those persons' states. Null where there is none.
 */
export async function readExemptionsBefore(
  trx: Transaction<DB>,
  policy: Policy,
  candidates: readonly Candidate[],
): Promise<ExemptionsBefore | null> {
  const exempting = new Set(policy.measures.flatMap((m) => m.binds_related?.exempted_by ?? []));
  const exemptions = candidates.filter((c) => exempting.has(c.record.type));
  if (exemptions.length === 0) return null;
  const keyOf = (scheme: string, value: string) => `${scheme}:${value}`;
  const persons = await getSubjectsByIdentifiers(
    trx,
    exemptions.map((c) => ({ scheme: c.record.subject.scheme, value: c.record.subject.id })),
  );
  const personIdByKey = new Map(persons.map((p) => [keyOf(p.scheme, p.value), p.id]));
  const relationships = (await getRelationshipsOfPersons(trx, [...new Set(personIdByKey.values())])).filter(
    (r) => r.status === 'active',
  );
  // An exemption names the organisation by any of its identifiers, compared as evaluation compares them (related.ts).
  const organizationIds = [...new Set(relationships.map((r) => r.organization_id))];
  const identifiers = await getIdentifiersOfSubjects(trx, organizationIds);
  const filings = new Map<number, ExemptionFiling>();
  for (const c of exemptions) {
    const person = personIdByKey.get(keyOf(c.record.subject.scheme, c.record.subject.id));
    const named = (c.record.attributes.organization ?? '').trim().toUpperCase();
    const organizations = new Set(identifiers.filter((i) => i.value.toUpperCase() === named).map((i) => i.subject_id));
    const through = relationships.filter((r) => r.person_id === person && organizations.has(r.organization_id));
    if (person === undefined || through.length === 0) continue;
    filings.set(c.index, {
      type: c.record.type,
      person_id: person,
      through: new Set(through.map((r) => r.id)),
      legal_basis: c.record.legal_basis,
    });
  }
  if (filings.size === 0) return null;
  const states = await getDecisionStates(trx, [...new Set([...filings.values()].map((f) => f.person_id))]);
  return { filings, states };
}

/**
 * Written after the batch is projected (the persons re-evaluated with their exemptions): the amendments of each
 * exemption the batch created (a duplicate or a rejected filing changed nothing), once for a person and organisation
 * that several exemptions in the batch name. Returns how many were written.
 */
export async function writeExemptionAmendments(
  trx: Transaction<DB>,
  policy: Policy,
  now: Date,
  before: ExemptionsBefore | null,
  accepted: readonly Accepted[],
): Promise<number> {
  if (before === null) return 0;
  let written = 0;
  const told = new Set<string>();
  for (const { index, record_id, status } of accepted) {
    const filing = before.filings.get(index);
    const tie = filing === undefined ? '' : `${filing.person_id} ${[...filing.through].sort().join(',')}`;
    if (filing === undefined || status !== 'created' || told.has(tie)) continue;
    told.add(tie);
    const cause = {
      record_id,
      record_type: filing.type,
      change: 'filed',
      reason: filing.legal_basis,
      ground: null,
    } as const;
    const person = filing.person_id;
    written += await writeBindingAmendments(trx, policy, now, cause, person, filing.through, before.states.get(person));
  }
  return written;
}
