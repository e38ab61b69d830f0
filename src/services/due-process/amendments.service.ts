/**
 * Telling those who relied on a record (FCRA § 611(d), 15 U.S.C. § 1681i(d)). When a record is corrected, revoked or
 * repaired, every relying principal that got a decision about its subject within the policy's lookback (6 months by
 * default) is sent an amendment: its decisions, their outcome as logged, the outcome for the same action now, and
 * why. Written in the transaction of the change (commitChanges), read by the principal a page at a time, and POSTed
 * to its webhook if it has one (amendment-delivery.service.ts).
 *
 * An amendment is written for every affected (principal, identifier, action, old outcome), also where the outcome
 * stays the same (`outcome_changed: false`): § 611(d) is a notice of the deletion or modification itself, and a
 * relying service may have kept more than the outcome (a reason, a date) that the change makes wrong.
 *
 * Those who relied on decisions about the persons a listed organisation's measures bound (Fa Shi [2015] 17 art. 3
 * para. 2) are told of its record's change, of a relationship's revocation, and of a court's exemption of the person,
 * where that changes the outcome of those decisions: related-amendments.service.ts.
 *
 * Not amendments: a record reaching the end the policy and its filing gave it (expiry.service.ts) ends when every
 * decision about it said it would, so nothing a relying service was told becomes wrong; a record that ends early
 * does so by a repair (a court's deletion under Fa Shi [2017] 7 art. 10 is one), a revocation or a correction of
 * its dates, each of which is amended here. Nor is a dispute's suspension, which is provisional.
 */

import type { Insertable, Transaction } from 'kysely';
import { type AmendmentChange, lookbackStart, outcomeNow } from '../../domain/amendment.ts';
import type { Evaluation } from '../../domain/evaluate.ts';
import type { Outcome, Policy } from '../../domain/policy.ts';
import type { Principal } from '../../domain/principal.ts';
import {
  type AmendmentRow,
  getAmendmentsAfter,
  getRecordTypes,
  getReliedDecisions,
  insertAmendments,
  type ReliedDecisions,
} from '../../store/amendments.repository.ts';
import type { AmendmentRelated, AmendmentsTable } from '../../store/schema-amendments.ts';
import type { DB } from '../../store/schema.ts';
import type { ServiceContext } from '../context.ts';
import { logInquiries } from './inquiries.service.ts';

/** A record a change corrected, revoked or repaired, and the agency's reason. */
export interface AmendedRecord {
  readonly subject_id: string;
  readonly record_id: string;
  readonly change: AmendmentChange;
  readonly reason: string;
  /** Fa Shi [2017] 7 art. 10: the ground of a court's deletion. */
  readonly ground?: string | undefined;
}

/**
 * Writes the amendments of these changed records, in the change's transaction (which holds the ledger lock), from
 * the subjects' evaluations after the change. One query finds every decision relied on; returns how many were written.
 */
export async function writeAmendments(
  trx: Transaction<DB>,
  policy: Policy,
  now: Date,
  amended: readonly AmendedRecord[],
  evaluations: ReadonlyMap<string, Evaluation>,
): Promise<number> {
  if (amended.length === 0) return 0;
  const since = lookbackStart(policy.amendments, now);
  const relied = await getReliedDecisions(trx, [...new Set(amended.map((a) => a.subject_id))], since, now);
  if (relied.length === 0) return 0;
  const types = await getRecordTypes(trx, [...new Set(amended.map((a) => a.record_id))]);
  const rows: Insertable<AmendmentsTable>[] = [];
  for (const record of amended) {
    const evaluation = evaluations.get(record.subject_id);
    if (evaluation === undefined) continue;
    for (const decisions of relied)
      if (decisions.subject_id === record.subject_id)
        rows.push(
          amendmentRow(policy, now, recordCause(record, types), decisions, {
            outcome: outcomeNow(evaluation, decisions.action),
          }),
        );
  }
  await insertAmendments(trx, rows);
  return rows.length;
}

/**
 * What an amendment tells of: a record's change, an exemption's filing (for a related person), or (naming no record)
 * a relationship's revocation.
 */
export interface AmendmentCause {
  readonly record_id: string | null;
  readonly record_type: string | null;
  readonly change: AmendmentChange | 'filed' | 'relationship_revoked';
  readonly reason: string;
  readonly ground: string | null;
}

/** A changed record as an amendment names it, with its type. */
export function recordCause(record: AmendedRecord, types: ReadonlyMap<string, string>): AmendmentCause {
  const { record_id, change, reason } = record;
  return { record_id, record_type: types.get(record_id) ?? '', change, reason, ground: record.ground ?? null };
}

/**
 * One amendment: the decisions a principal got about an identifier (the changed record's subject's, or a person's
 * bound through `related`), the outcome the same action has now, and what changed.
 */
export function amendmentRow(
  policy: Policy,
  now: Date,
  cause: AmendmentCause,
  decisions: ReliedDecisions,
  after: { readonly outcome: Outcome; readonly related?: AmendmentRelated },
): Insertable<AmendmentsTable> {
  return {
    principal_id: decisions.principal_id,
    subject_id: decisions.subject_id,
    subject_scheme: decisions.subject_scheme,
    subject_value: decisions.subject_value,
    at: now,
    action: decisions.action,
    old_outcome: decisions.outcome,
    new_outcome: after.outcome,
    decision_ids: decisions.decision_ids,
    decision_count: decisions.decision_count,
    first_decided_at: decisions.first_decided_at,
    last_decided_at: decisions.last_decided_at,
    record_id: cause.record_id,
    record_type: cause.record_type,
    change: cause.change,
    reason: cause.reason,
    ground: cause.ground,
    policy_version: policy.version,
    related: after.related === undefined ? null : JSON.stringify(after.related),
    // Only a principal with a webhook now has it sent; every amendment stays readable through the API.
    delivery_status: decisions.has_webhook ? 'pending' : null,
    next_attempt_at: decisions.has_webhook ? now : null,
  };
}

/** An amendment as the relying principal reads it (the API) and receives it (its webhook). */
export interface AmendmentView {
  readonly id: string;
  readonly at: string;
  readonly subject: { readonly scheme: string; readonly id: string };
  readonly action: string;
  readonly old_outcome: string;
  readonly new_outcome: string;
  readonly outcome_changed: boolean;
  readonly decision_ids: readonly string[];
  readonly decision_count: number;
  readonly first_decided_at: string;
  readonly last_decided_at: string;
  /**
   * The record that changed, or the exemption filed (`filed`); null where a relationship was revoked instead
   * (`related.revocation_reason`).
   */
  readonly record: {
    readonly id: string;
    readonly type: string;
    readonly change: AmendmentChange | 'filed';
    readonly reason: string;
    readonly ground: string | null;
  } | null;
  /**
   * Set where the subject is a person a listed organisation's measures bound (Fa Shi [2015] 17 art. 3 para. 2):
   * the organisation, the relationships, and the reason the relationship was revoked where that is the change.
   */
  readonly related: (AmendmentRelated & { readonly revocation_reason: string | null }) | null;
  readonly policy_version: string;
  readonly legal_basis: string;
}

export function amendmentView(policy: Policy, row: AmendmentRow): AmendmentView {
  return {
    id: row.id,
    at: row.at.toISOString(),
    subject: { scheme: row.subject_scheme, id: row.subject_value },
    action: row.action,
    old_outcome: row.old_outcome,
    new_outcome: row.new_outcome,
    outcome_changed: row.old_outcome !== row.new_outcome,
    decision_ids: row.decision_ids,
    decision_count: row.decision_count,
    first_decided_at: row.first_decided_at.toISOString(),
    last_decided_at: row.last_decided_at.toISOString(),
    record: recordView(row),
    related:
      row.related === null
        ? null
        : { ...row.related, revocation_reason: row.change === 'relationship_revoked' ? row.reason : null },
    policy_version: row.policy_version,
    legal_basis: policy.amendments.legal_basis.en,
  };
}

function recordView(row: AmendmentRow): AmendmentView['record'] {
  if (row.change === 'relationship_revoked' || row.record_id === null) return null;
  const { record_id, record_type, change, reason, ground } = row;
  return { id: String(record_id), type: record_type ?? '', change, reason, ground };
}

const AMENDMENTS_PAGE_DEFAULT = 100;

/**
 * GET /v1/decisions/amendments: the principal's own amendments after the cursor `since` (an amendment id; absent:
 * from the first), oldest first. `next` is the cursor of the following page, null when this page is the last for now
 * (poll again later with the id of the last amendment read). Reading them is logged as inquiries about each identifier.
 */
export async function listAmendments(
  ctx: ServiceContext,
  principal: Principal,
  query: { since?: string | undefined; limit?: number | undefined },
): Promise<{ amendments: AmendmentView[]; next: string | null }> {
  const limit = query.limit ?? AMENDMENTS_PAGE_DEFAULT;
  const rows = await getAmendmentsAfter(ctx.db, principal.id, query.since ?? '0', limit);
  await logAmendmentReads(ctx, principal, rows);
  return {
    amendments: rows.map((row) => amendmentView(ctx.policy, row)),
    next: rows.length === limit ? rows[rows.length - 1]!.id : null,
  };
}

/** One inquiry per identifier and action read: the subject sees who read what about them, and for which action. */
async function logAmendmentReads(ctx: ServiceContext, principal: Principal, rows: readonly AmendmentRow[]) {
  const byAction = new Map<string, Map<string, { scheme: string; id: string }>>();
  for (const row of rows) {
    const identifiers = byAction.get(row.action) ?? new Map();
    identifiers.set(`${row.subject_scheme}:${row.subject_value}`, {
      scheme: row.subject_scheme,
      id: row.subject_value,
    });
    byAction.set(row.action, identifiers);
  }
  for (const [action, identifiers] of byAction)
    await logInquiries(ctx, principal, { identifiers: [...identifiers.values()] }, null, { kind: 'record', action });
}
