/**
 * Rebuilds the projections from the ledger alone: subjects, identifiers, name variants,
 * records, subject_state and list_entries. Each subject is evaluated as the live system last
 * wrote it: at its last event under the policy it was under, then through the policy
 * activations after it (see reprojectAsLive), so the rebuilt tables come out identical.
 */

import type { Transaction } from 'kysely';
import type { AgencyContact } from '../../domain/agency-contact.ts';
import type { Policy } from '../../domain/policy.ts';
import type { RecordStatus } from '../../domain/record.ts';
import { CredenceError } from '../../errors.ts';
import { updateRecordStatuses } from '../../store/expiry.repository.ts';
import { getLedgerRowsAfter, lockLedgerHead, parsePayload, type LedgerRow } from '../../store/ledger.repository.ts';
import { insertAgency, updateAgencyContact } from '../../store/principals.repository.ts';
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
import { evaluateSubject, type Evaluation } from '../../domain/evaluate.ts';
import type { SubjectFile } from '../../domain/record.ts';
import { writeReplayed } from './projection.service.ts';
import { loadRelatedOrganizations, loadSubjectFiles } from './subject-files.service.ts';
import { sameEvaluation } from './rescoring.service.ts';

const PAGE = 5000;

type Dated<T> = { [K in keyof T]: T[K] extends Date ? Date : T[K] extends Date | null ? Date | null : T[K] };

function revive<T>(value: Record<string, unknown>, dateKeys: readonly string[]): Dated<T> {
  const copy: Record<string, unknown> = { ...value };
  for (const key of dateKeys) if (typeof copy[key] === 'string') copy[key] = new Date(copy[key] as string);
  return copy as Dated<T>;
}

interface ReplayState {
  /** Each subject's last event: when, and its seq. */
  readonly lastEvent: Map<string, { readonly at: Date; readonly seq: bigint }>;
  policyDigest: string | null;
  /** Policy changes in ledger order (see PolicySwitch). */
  readonly switches: PolicySwitch[];
  events: number;
}

/**
 * A policy change as the live registry made it. `all`: an activation from before resumable activations rescored and
 * wrote every subject at one instant; `completed`: a resumable activation completed (its pages rescored everyone
 * already there; later subjects are under it); `page`: a page of a resumable activation rescored the subjects with
 * ids in (after, through], writing only those whose evaluation changed; `subject`: a write put one subject under the
 * policy being activated before its page.
 */
type PolicySwitch =
  | { readonly kind: 'all' | 'completed'; readonly seq: bigint; readonly at: Date; readonly digest: string }
  /** One subject switched early to the policy being activated (early-switch.ts), by the write of this event. */
  | {
      readonly kind: 'subject';
      readonly seq: bigint;
      readonly at: Date;
      readonly digest: string;
      readonly subject: bigint;
    }
  | {
      readonly kind: 'page';
      readonly seq: bigint;
      readonly at: Date;
      readonly digest: string;
      readonly after: bigint;
      readonly through: bigint;
    };

async function applyPage(trx: Transaction<DB>, page: readonly LedgerRow[], state: ReplayState): Promise<void> {
  const subjects: Parameters<typeof insertSubjects>[1][number][] = [];
  const records: StoredRecord[] = [];
  const variants: NameVariantRow[] = [];
  for (const event of page) {
    state.events += 1;
    const seq = BigInt(event.seq);
    if (event.subject_id !== null) state.lastEvent.set(event.subject_id, { at: event.at, seq });
    const p = parsePayload(event);
    if (event.type === 'policy.activated') {
      state.policyDigest = String(p.digest);
      const kind = p.activation_id === undefined ? 'all' : 'completed';
      state.switches.push({ kind, seq, at: event.at, digest: String(p.digest) });
    } else if (event.type === 'policy.subject_switched') {
      const subject = BigInt(event.subject_id!);
      state.switches.push({ kind: 'subject', seq, at: event.at, digest: String(p.digest), subject });
    } else if (event.type === 'policy.rescored') {
      const range = { after: BigInt(String(p.after)), through: BigInt(String(p.through)) };
      state.switches.push({ kind: 'page', seq, at: event.at, digest: String(p.digest), ...range });
    } else if (event.type === 'agency.registered') {
      await insertAgency(trx, revive(p.agency as Record<string, unknown>, ['created_at']) as never);
    } else if (event.type === 'agency.contact_changed') {
      await updateAgencyContact(trx, String(p.agency_id), (p.contact ?? null) as AgencyContact | null);
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
      if (state.lastEvent.size === 0) return { events: state.events, subjects: 0 };
      throw new CredenceError('CRD_LEDGER_BROKEN', 'the ledger has subject events but no policy.activated event');
    }
    await reprojectAsLive(trx, state, policyFromDigest);
    await resetIdSequences(trx);
    return { events: state.events, subjects: state.lastEvent.size };
  });
}

/** Applies every ledger event, a page at a time, to the emptied tables. */
async function applyLedger(trx: Transaction<DB>): Promise<ReplayState> {
  const state: ReplayState = { lastEvent: new Map(), policyDigest: null, switches: [], events: 0 };
  let after = '0';
  for (;;) {
    const page = await getLedgerRowsAfter(trx, after, PAGE);
    if (page.length === 0) return state;
    await applyPage(trx, page, state);
    after = page[page.length - 1]!.seq;
  }
}

/**
 * Reprojects each subject as the live registry last wrote it. A subject is written at each of its events, under the
 * policy it was under then; after its last event, an old-style activation rewrote it, and a page of a resumable
 * activation rewrote it only if its evaluation changed. So each subject is evaluated at its last event under the
 * policy of the latest switch covering it before, then through every switch covering it after, keeping the last
 * evaluation that was written.
 */
async function reprojectAsLive(
  trx: Transaction<DB>,
  state: ReplayState,
  policyFromDigest: (digest: string) => Promise<Policy>,
): Promise<void> {
  const policies = new Map<string, Policy>();
  for (const digest of new Set(state.switches.map((s) => s.digest)))
    policies.set(digest, await policyFromDigest(digest));
  const switchesOf = switchesBySubject(state.switches);
  const ids = [...state.lastEvent.keys()];
  for (let i = 0; i < ids.length; i += PAGE) {
    const chunk = ids.slice(i, i + PAGE);
    const files = await loadSubjectFiles(trx, chunk);
    const written = new Map<string, { policy: Policy; at: Date; evaluation: Evaluation }>();
    const related = new Map<string, Awaited<ReturnType<typeof loadRelatedOrganizations>>>();
    const evaluate = async (policy: Policy, at: Date, subjectId: string) => {
      const key = `${policy.digest}@${at.getTime()}`;
      let organizations = related.get(key);
      if (organizations === undefined) {
        organizations = await loadRelatedOrganizations(trx, policy, files, at);
        related.set(key, organizations);
      }
      return evaluateSubject(policy, files.get(subjectId)!, at, organizations.get(subjectId));
    };
    for (const subjectId of chunk) {
      if (!files.has(subjectId)) continue;
      const last = state.lastEvent.get(subjectId)!;
      const switches = switchesOf(BigInt(subjectId));
      // A subject's own switch may be its last event: the write that made it evaluated the subject under it.
      const before = switches.filter((s) => s.seq <= last.seq).at(-1);
      if (before === undefined)
        throw new CredenceError('CRD_LEDGER_BROKEN', `subject ${subjectId} precedes any policy`);
      let policy = policies.get(before.digest)!;
      let current = { policy, at: last.at, evaluation: await evaluate(policy, last.at, subjectId) };
      for (const s of switches) {
        if (s.seq <= last.seq || s.kind === 'completed') continue;
        policy = policies.get(s.digest)!;
        const evaluation = await evaluate(policy, s.at, subjectId);
        const next = { policy, at: s.at, evaluation };
        if (s.kind === 'all' || !sameEvaluation(current, next)) current = next;
      }
      written.set(subjectId, current);
    }
    await writeGrouped(trx, files, written);
  }
}

/**
 * The switches covering a subject, in ledger order: every `all` and `completed`, its own `subject` switches, and of
 * each resumable activation the one page whose range holds the subject (pages of one activation are disjoint and in
 * id order: a binary search).
 */
function switchesBySubject(switches: readonly PolicySwitch[]): (subjectId: bigint) => PolicySwitch[] {
  const global = switches.filter((s) => s.kind === 'all' || s.kind === 'completed');
  const early = Map.groupBy(
    switches.filter((s) => s.kind === 'subject'),
    (s) => s.subject,
  );
  const activations: Extract<PolicySwitch, { kind: 'page' }>[][] = [[]];
  for (const s of switches) {
    if (s.kind === 'page') activations[activations.length - 1]!.push(s);
    else if (s.kind === 'completed') activations.push([]);
  }
  return (subjectId) => {
    const covering: PolicySwitch[] = [...global, ...(early.get(subjectId) ?? [])];
    for (const pages of activations) {
      let low = 0;
      let high = pages.length - 1;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        const page = pages[middle]!;
        if (subjectId <= page.after) high = middle - 1;
        else if (subjectId > page.through) low = middle + 1;
        else {
          covering.push(page);
          break;
        }
      }
    }
    return covering.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  };
}

/** Writes the replayed evaluations, grouped by the policy and instant each was written under. */
async function writeGrouped(
  trx: Transaction<DB>,
  files: ReadonlyMap<string, SubjectFile>,
  written: ReadonlyMap<string, { policy: Policy; at: Date; evaluation: Evaluation }>,
): Promise<void> {
  const groups = new Map<string, { policy: Policy; at: Date; evaluations: Map<string, Evaluation> }>();
  for (const [subjectId, w] of written) {
    const key = `${w.policy.digest}@${w.at.getTime()}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { policy: w.policy, at: w.at, evaluations: new Map() };
      groups.set(key, group);
    }
    group.evaluations.set(subjectId, w.evaluation);
  }
  for (const group of groups.values()) await writeReplayed(trx, group.policy, files, group.evaluations, group.at);
}
