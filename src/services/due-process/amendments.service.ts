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
 * Not amendments: a record reaching the end the policy and its filing gave it (expiry.service.ts) ends when every
 * decision about it said it would, so nothing a relying service was told becomes wrong; a record that ends early
 * does so by a repair (a court's deletion under Fa Shi [2017] 7 art. 10 is one), a revocation or a correction of
 * its dates, each of which is amended here. Nor is a dispute's suspension, which is provisional.
 */

import type { Insertable, Transaction } from 'kysely';
import { type AmendmentChange, lookbackStart, outcomeNow } from '../../domain/amendment.ts';
import type { Evaluation } from '../../domain/evaluate.ts';
import type { Policy } from '../../domain/policy.ts';
import type { Principal } from '../../domain/principal.ts';
import {
  type AmendmentRow,
  getAmendmentsAfter,
  getRecordTypes,
  getReliedDecisions,
  insertAmendments,
  type ReliedDecisions,
} from '../../store/amendments.repository.ts';
import type { AmendmentsTable } from '../../store/schema-amendments.ts';
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
        rows.push(amendmentRow(policy, now, record, types.get(record.record_id) ?? '', decisions, evaluation));
  }
  await insertAmendments(trx, rows);
  return rows.length;
}

function amendmentRow(
  policy: Policy,
  now: Date,
  record: AmendedRecord,
  recordType: string,
  decisions: ReliedDecisions,
  evaluation: Evaluation,
): Insertable<AmendmentsTable> {
  return {
    principal_id: decisions.principal_id,
    subject_id: record.subject_id,
    subject_scheme: decisions.subject_scheme,
    subject_value: decisions.subject_value,
    at: now,
    action: decisions.action,
    old_outcome: decisions.outcome,
    new_outcome: outcomeNow(evaluation, decisions.action),
    decision_ids: decisions.decision_ids,
    decision_count: decisions.decision_count,
    first_decided_at: decisions.first_decided_at,
    last_decided_at: decisions.last_decided_at,
    record_id: record.record_id,
    record_type: recordType,
    change: record.change,
    reason: record.reason,
    ground: record.ground ?? null,
    policy_version: policy.version,
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
  readonly record: {
    readonly id: string;
    readonly type: string;
    readonly change: AmendmentChange;
    readonly reason: string;
    readonly ground: string | null;
  };
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
    record: {
      id: String(row.record_id),
      type: row.record_type,
      change: row.change,
      reason: row.reason,
      ground: row.ground,
    },
    policy_version: row.policy_version,
    legal_basis: policy.amendments.legal_basis.en,
  };
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
