/**
 * Filing and revoking relationships (Fa Shi [2015] 17 art. 3 para. 2; Fa Shi [2017] 7 art. 6): the registration
 * authority names a person's role in an organisation. Like records: one transaction per batch writes subjects,
 * relationships, ledger events, projections and notices together; idempotent on (agency, source_ref), a retry
 * answering `duplicate` with the original id; bad items come back `rejected` with coded problems.
 */

import type { Transaction } from 'kysely';
import type { Principal } from '../../domain/principal.ts';
import type { Party, Relationship } from '../../domain/relationship.ts';
import { checkRelationshipInput, type NormalizedRelationship } from '../../domain/relationship-input.ts';
import { relationshipNotice } from '../../domain/relationship-notices.ts';
import { CredenceError, type ProblemDetail } from '../../errors.ts';
import { lockLedgerHead, notifyLedger } from '../../store/ledger.repository.ts';
import {
  getRelationshipById,
  getRelationshipsBySourceRefs,
  insertRelationships,
  reserveRelationshipIds,
  updateRelationshipRevoked,
  type StoredRelationship,
} from '../../store/relationships.repository.ts';
import type { DB } from '../../store/schema.ts';
import { insertSubjects } from '../../store/subjects.repository.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import { readPersonBefore, writeRevocationAmendments } from '../due-process/related-amendments.service.ts';
import { appendEvents } from '../ledger/ledger.service.ts';
import { recordNotices, reprojectSubjects } from '../ledger/projection.service.ts';
import type { Filer } from '../records/intake.service.ts';
import { resolveParties, subjectRegisteredEvents, type Resolution } from '../records/subject-resolution.service.ts';
import { partiesOf, relationshipView, type RelationshipView } from './relationship-views.service.ts';

export interface AcceptedRelationship {
  readonly index: number;
  readonly source_ref: string;
  readonly relationship_id: string;
  readonly status: 'created' | 'duplicate';
}

export interface RejectedRelationship {
  readonly index: number;
  readonly source_ref: string | null;
  readonly errors: readonly ProblemDetail[];
}

interface Candidate {
  readonly index: number;
  readonly relationship: NormalizedRelationship;
}

interface Answers {
  readonly accepted: AcceptedRelationship[];
  readonly rejected: RejectedRelationship[];
}

function conflict(sourceRef: string, where: string): ProblemDetail {
  const message =
    `source_ref "${sourceRef}" was already used ${where} for a relationship with different content; ` +
    'revoke it and file the new one under its own source_ref';
  return { code: 'CRD_SOURCE_REF_CONFLICT', path: 'source_ref', message };
}

const sourceRefOf = (input: unknown): string | null => {
  const ref = (input as { source_ref?: unknown } | null)?.source_ref;
  return typeof ref === 'string' ? ref : null;
};

/** Checks every item; later repeats of a source_ref in the batch are answered as the first one was. */
function planBatch(ctx: ServiceContext, filer: Filer, inputs: readonly unknown[], answers: Answers) {
  const candidates: Candidate[] = [];
  const repeats: [number, Candidate][] = [];
  const first = new Map<string, Candidate>();
  for (const [index, input] of inputs.entries()) {
    const check = checkRelationshipInput(ctx.policy, filer.agency_kind, input);
    if (!check.ok) {
      answers.rejected.push({ index, source_ref: sourceRefOf(input), errors: check.problems });
      continue;
    }
    const { source_ref, digest } = check.relationship;
    const earlier = first.get(source_ref);
    if (earlier === undefined) {
      const candidate = { index, relationship: check.relationship };
      first.set(source_ref, candidate);
      candidates.push(candidate);
    } else if (earlier.relationship.digest === digest) repeats.push([index, earlier]);
    else answers.rejected.push({ index, source_ref, errors: [conflict(source_ref, `at index ${earlier.index}`)] });
  }
  return { candidates, repeats };
}

/** Files a batch of relationships for one agency at the context's clock. Never throws for bad items. */
export async function fileRelationships(
  ctx: ServiceContext,
  filer: Filer,
  inputs: readonly unknown[],
): Promise<Answers> {
  const answers: Answers = { accepted: [], rejected: [] };
  const { candidates, repeats } = planBatch(ctx, filer, inputs, answers);
  if (candidates.length > 0)
    await writeTransaction(ctx, async (trx) => {
      await lockLedgerHead(trx); // serialises writers: the idempotency check below cannot race
      const fresh = await excludeFiled(trx, filer, candidates, answers);
      await writeBatch(ctx, trx, filer, fresh, answers);
    });
  for (const [index, earlier] of repeats) {
    const original = answers.accepted.find((a) => a.index === earlier.index);
    if (original !== undefined) answers.accepted.push({ ...original, index, status: 'duplicate' });
    else answers.rejected.push({ ...answers.rejected.find((r) => r.index === earlier.index)!, index });
  }
  answers.accepted.sort((a, b) => a.index - b.index);
  answers.rejected.sort((a, b) => a.index - b.index);
  return answers;
}

async function excludeFiled(
  trx: Transaction<DB>,
  filer: Filer,
  candidates: readonly Candidate[],
  answers: Answers,
): Promise<Candidate[]> {
  const refs = candidates.map((c) => c.relationship.source_ref);
  const filed = new Map((await getRelationshipsBySourceRefs(trx, filer.agency_id, refs)).map((r) => [r.source_ref, r]));
  return candidates.filter(({ index, relationship: { source_ref, digest } }) => {
    const previous = filed.get(source_ref);
    if (previous === undefined) return true;
    if (previous.body_digest === digest)
      answers.accepted.push({ index, source_ref, relationship_id: previous.id, status: 'duplicate' });
    else answers.rejected.push({ index, source_ref, errors: [conflict(source_ref, 'by this agency')] });
    return false;
  });
}

const partyKey = (p: Party) => `${p.scheme}:${p.id}`;

/** Resolves both parties of each candidate; rejects those naming a subject registered as the other kind. */
function fitting(resolution: Resolution, candidates: readonly Candidate[], answers: Answers): Candidate[] {
  const kinds = new Map([...resolution.existing.values(), ...resolution.newSubjects].map((s) => [s.id, s.kind]));
  return candidates.filter(({ index, relationship }) => {
    const errors: ProblemDetail[] = [];
    for (const [path, kind] of [
      ['organization', 'organization'],
      ['person', 'person'],
    ] as const) {
      const registered = kinds.get(resolution.subjectIdByKey.get(partyKey(relationship[path]))!);
      if (registered !== kind)
        errors.push({
          code: 'CRD_SUBJECT_KIND_MISMATCH',
          path: `${path}.id`,
          message: `${partyKey(relationship[path])} is registered as a ${registered}`,
        });
    }
    if (errors.length > 0) answers.rejected.push({ index, source_ref: relationship.source_ref, errors });
    return errors.length === 0;
  });
}

async function writeBatch(
  ctx: ServiceContext,
  trx: Transaction<DB>,
  filer: Filer,
  candidates: readonly Candidate[],
  answers: Answers,
): Promise<void> {
  if (candidates.length === 0) return;
  const now = ctx.clock();
  const parties = candidates.flatMap(({ relationship: r }) => [
    { ...r.organization, kind: 'organization' as const },
    { ...r.person, kind: 'person' as const },
  ]);
  const resolution = await resolveParties(trx, parties, now);
  const kept = fitting(resolution, candidates, answers);
  const ids = await reserveRelationshipIds(trx, kept.length);
  const rows: StoredRelationship[] = kept.map(({ relationship: { organization, person, digest, ...r } }, i) => ({
    ...r,
    id: ids[i]!,
    person_id: resolution.subjectIdByKey.get(partyKey(person))!,
    organization_id: resolution.subjectIdByKey.get(partyKey(organization))!,
    agency_id: filer.agency_id,
    filed_at: now,
    status: 'active',
    revoked_at: null,
    revocation_reason: null,
    body_digest: digest,
  }));
  const used = new Set(rows.flatMap((r) => [r.person_id, r.organization_id]));
  const newSubjects = resolution.newSubjects.filter((s) => used.has(s.id));
  await insertSubjects(trx, newSubjects);
  await insertRelationships(trx, rows);
  await appendEvents(trx, now, [
    ...subjectRegisteredEvents(newSubjects),
    ...rows.map((r) => ({ type: 'relationship.filed', subject_id: r.person_id, payload: { relationship: r } })),
  ]);
  // The persons (and any subject registered now, which a replay evaluates as of now too) are evaluated again.
  const touched = [...new Set([...rows.map((r) => r.person_id), ...newSubjects.map((s) => s.id)])];
  const { evaluations } = await reprojectSubjects(trx, ctx.policy, touched, now, { notify: true });
  await recordNotices(
    trx,
    kept.map(({ relationship }, i) =>
      relationshipNotice(
        ctx.policy,
        'relationship.filed',
        rows[i]!,
        relationship.organization,
        evaluations.get(rows[i]!.person_id)!,
      ),
    ),
    now,
  );
  await notifyLedger(trx);
  for (const [i, { index, relationship }] of kept.entries())
    answers.accepted.push({ index, source_ref: relationship.source_ref, relationship_id: ids[i]!, status: 'created' });
}

/**
 * Revokes a relationship, by the agency that filed it only (any other principal learns nothing: not found). The
 * person's measures through it end at once; they are told, with the reason, and so is a relying service whose
 * decision about them the revocation changes (an amendment). Revoking again answers it as it is.
 */
export async function revokeRelationship(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  reason: string,
): Promise<{ relationship: RelationshipView }> {
  const now = ctx.clock();
  return writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx);
    const current = await getRelationshipById(trx, id);
    if (current === undefined || principal.role !== 'agency' || current.agency_id !== principal.agency_id)
      throw new CredenceError('CRD_NOT_FOUND', `no relationship ${id}`);
    const parties = await partiesOf(ctx, trx, [current.person_id, current.organization_id]);
    if (current.status === 'revoked') return { relationship: relationshipView(current, parties) };
    const revoked: Relationship = { ...current, status: 'revoked', revoked_at: now, revocation_reason: reason };
    // FCRA § 611(d): how the organisation's listing bound the person before, for the amendments after.
    const before = await readPersonBefore(trx, current.person_id);
    await updateRelationshipRevoked(trx, id, now, reason);
    await appendEvents(trx, now, [
      { type: 'relationship.revoked', subject_id: current.person_id, payload: { relationship_id: id, reason } },
    ]);
    const { evaluations } = await reprojectSubjects(trx, ctx.policy, [current.person_id], now, { notify: true });
    await writeRevocationAmendments(trx, ctx.policy, now, { id, person_id: current.person_id, reason }, before);
    const organization = parties.get(current.organization_id)!;
    const notice = relationshipNotice(
      ctx.policy,
      'relationship.revoked',
      revoked,
      organization,
      evaluations.get(current.person_id)!,
    );
    await recordNotices(trx, [notice], now);
    await notifyLedger(trx);
    return { relationship: relationshipView(revoked, parties) };
  });
}
