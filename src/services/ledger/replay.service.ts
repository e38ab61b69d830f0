/**
 * Rebuilds the projections from the ledger alone: subjects, identifiers, name variants,
 * records, subject_state and list_entries. Each subject is evaluated as of its last event (or
 * the last policy activation, if later) under the latest activated policy, which is exactly
 * how the live system wrote them, so the rebuilt tables come out identical.
 */

import type { Transaction } from 'kysely';
import type { Policy } from '../../domain/policy.ts';
import type { RecordStatus } from '../../domain/record.ts';
import { CredenceError } from '../../errors.ts';
import { updateRecordStatuses } from '../../store/expiry.repository.ts';
import { getLedgerRowsAfter, lockLedgerHead, parsePayload, type LedgerRow } from '../../store/ledger.repository.ts';
import { insertAgency } from '../../store/principals.repository.ts';
import { insertRecords, type StoredRecord } from '../../store/records.repository.ts';
import {
  insertRelationships,
  updateRelationshipRevoked,
  type StoredRelationship,
} from '../../store/relationships.repository.ts';
import { resetIdSequences, truncateRebuiltTables } from '../../store/replay.repository.ts';
import type { DB } from '../../store/schema.ts';
import { insertNameVariants, insertSubjects, type NameVariantRow } from '../../store/subjects.repository.ts';
import type { ServiceContext } from '../context.ts';
import { applyDueProcessEvent, DUE_PROCESS_EVENT_TYPES, type DueProcessEvent } from '../due-process/events.service.ts';
import { reprojectSubjects } from './projection.service.ts';

const PAGE = 5000;

type Dated<T> = { [K in keyof T]: T[K] extends Date ? Date : T[K] extends Date | null ? Date | null : T[K] };

function revive<T>(value: Record<string, unknown>, dateKeys: readonly string[]): Dated<T> {
  const copy: Record<string, unknown> = { ...value };
  for (const key of dateKeys) if (typeof copy[key] === 'string') copy[key] = new Date(copy[key] as string);
  return copy as Dated<T>;
}

interface ReplayState {
  readonly lastEventAt: Map<string, Date>;
  policyDigest: string | null;
  activationAt: Date | null;
  events: number;
}

async function applyPage(trx: Transaction<DB>, page: readonly LedgerRow[], state: ReplayState): Promise<void> {
  const subjects: Parameters<typeof insertSubjects>[1][number][] = [];
  const records: StoredRecord[] = [];
  const variants: NameVariantRow[] = [];
  for (const event of page) {
    state.events += 1;
    if (event.subject_id !== null) state.lastEventAt.set(event.subject_id, event.at);
    const p = parsePayload(event);
    if (event.type === 'policy.activated') {
      state.policyDigest = String(p.digest);
      state.activationAt = event.at;
    } else if (event.type === 'agency.registered') {
      await insertAgency(trx, revive(p.agency as Record<string, unknown>, ['created_at']) as never);
    } else if (event.type === 'subject.registered') {
      const subject = revive<{ id: string; kind: 'person' | 'organization'; name: string; created_at: Date }>(
        p.subject as Record<string, unknown>,
        ['created_at'],
      );
      for (const identifier of p.identifiers as { scheme: string; value: string }[])
        subjects.push({ ...subject, ...identifier });
    } else if (event.type === 'record.filed') {
      records.push(
        revive<StoredRecord>(p.record as Record<string, unknown>, [
          'decided_at',
          'effective_at',
          'expires_at',
          'filed_at',
        ]) as StoredRecord,
      );
    } else if (event.type === 'subject.name_variant') {
      variants.push(revive<NameVariantRow>(p.variant as Record<string, unknown>, ['first_seen_at']) as NameVariantRow);
    } else if (event.type === 'relationship.filed' || event.type === 'relationship.revoked') {
      await flushBuffered(trx, subjects, records, variants); // a relationship names subjects registered before it
      await applyRelationshipEvent(trx, event.type, p, event.at);
    } else if (event.type === 'record.expired') {
      await setReplayedStatus(trx, records, String(p.record_id), 'expired');
    } else if (DUE_PROCESS_EVENT_TYPES.has(event.type)) {
      await flushBuffered(trx, subjects, records, variants); // these change rows filed earlier, perhaps in this page
      await applyDueProcessEvent(trx, { type: event.type, payload: p } as DueProcessEvent, event.at);
    }
  }
  await flushBuffered(trx, subjects, records, variants);
}

/** Fa Shi [2015] 17 art. 3 para. 2: rebuilds the relationships table from its events. */
async function applyRelationshipEvent(
  trx: Transaction<DB>,
  type: string,
  p: Record<string, unknown>,
  at: Date,
): Promise<void> {
  if (type === 'relationship.revoked') {
    await updateRelationshipRevoked(trx, String(p.relationship_id), at, String(p.reason));
    return;
  }
  const row = revive<StoredRelationship>(p.relationship as Record<string, unknown>, [
    'valid_from',
    'valid_until',
    'filed_at',
    'revoked_at',
  ]);
  await insertRelationships(trx, [row as StoredRelationship]);
}

/** Writes the buffered rows and empties the buffers. */
async function flushBuffered(
  trx: Transaction<DB>,
  subjects: Parameters<typeof insertSubjects>[1][number][],
  records: StoredRecord[],
  variants: NameVariantRow[],
): Promise<void> {
  await insertSubjects(trx, subjects.splice(0));
  await insertRecords(trx, records.splice(0));
  await insertNameVariants(trx, variants.splice(0));
}

/** Changes the status of a record filed earlier in this page (still buffered) or before it (stored). */
async function setReplayedStatus(
  trx: Transaction<DB>,
  buffered: StoredRecord[],
  recordId: string,
  status: RecordStatus,
): Promise<void> {
  const i = buffered.findIndex((r) => r.id === recordId);
  if (i >= 0) buffered[i] = { ...buffered[i]!, status };
  else await updateRecordStatuses(trx, [recordId], status);
}

/**
 * Replays the whole ledger into fresh projections, in one transaction. It appends nothing, so it
 * is a plain transaction, not a ledger write.
 */
export async function replayLedger(
  ctx: ServiceContext,
  policyFromDigest: (digest: string) => Promise<Policy>,
): Promise<{ events: number; subjects: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    await lockLedgerHead(trx);
    await truncateRebuiltTables(trx);
    const state = await applyLedger(trx);
    if (state.policyDigest === null) {
      if (state.lastEventAt.size === 0) return { events: state.events, subjects: 0 };
      throw new CredenceError('CRD_LEDGER_BROKEN', 'the ledger has subject events but no policy.activated event');
    }
    const policy = await policyFromDigest(state.policyDigest);
    await reprojectByInstant(trx, policy, state);
    await resetIdSequences(trx);
    return { events: state.events, subjects: state.lastEventAt.size };
  });
}

/** Applies every ledger event, a page at a time, to the emptied tables. */
async function applyLedger(trx: Transaction<DB>): Promise<ReplayState> {
  const state: ReplayState = { lastEventAt: new Map(), policyDigest: null, activationAt: null, events: 0 };
  let after = '0';
  for (;;) {
    const page = await getLedgerRowsAfter(trx, after, PAGE);
    if (page.length === 0) return state;
    await applyPage(trx, page, state);
    after = page[page.length - 1]!.seq;
  }
}

async function reprojectByInstant(trx: Transaction<DB>, policy: Policy, state: ReplayState): Promise<void> {
  const byInstant = new Map<number, string[]>();
  for (const [subjectId, at] of state.lastEventAt) {
    const instant = Math.max(at.getTime(), state.activationAt!.getTime());
    const group = byInstant.get(instant);
    if (group === undefined) byInstant.set(instant, [subjectId]);
    else group.push(subjectId);
  }
  for (const [instant, ids] of byInstant) {
    for (let i = 0; i < ids.length; i += PAGE)
      await reprojectSubjects(trx, policy, ids.slice(i, i + PAGE), new Date(instant), { notify: false });
  }
}
