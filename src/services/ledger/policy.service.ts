/**
 * Policy activation. The active policy is the one named by the latest `policy.activated`
 * ledger event; its document is kept in `policies`, addressed by digest. Activating a new
 * policy rescores every subject in the same transaction, so projections never mix policies.
 */

import type { Transaction } from 'kysely';
import type { Policy } from '../../domain/policy.ts';
import { notifyLedger } from '../../store/ledger.repository.ts';
import {
  getActivePolicyRef,
  getPolicyDocument,
  insertPolicyVersion,
  lockPolicyActivation,
  type ActivePolicyRef,
} from '../../store/policies.repository.ts';
import type { DB } from '../../store/schema.ts';
import { getSubjectIdsAfter } from '../../store/subjects.repository.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import { appendEvents } from './ledger.service.ts';
import { reprojectSubjects } from './projection.service.ts';

const RESCORE_PAGE = 5000;

export type { ActivePolicyRef };

/** The latest activation (digest, seq, when); undefined before the first. */
export function readActivePolicyRef(ctx: ServiceContext): Promise<ActivePolicyRef | undefined> {
  return getActivePolicyRef(ctx.db);
}

/** The policy document stored under `digest`, if any. */
export function readPolicyDocument(ctx: ServiceContext, digest: string): Promise<Record<string, unknown> | undefined> {
  return getPolicyDocument(ctx.db, digest);
}

/** GET /v1/policy: the active policy (the context's), when it was activated, and its stored document. */
export async function readActivePolicy(ctx: ServiceContext): Promise<{
  digest: string;
  version: string;
  activated_at: Date | null;
  document: Record<string, unknown> | null;
}> {
  const { digest, version } = ctx.policy;
  const ref = await getActivePolicyRef(ctx.db);
  const document = ref === undefined ? null : ((await getPolicyDocument(ctx.db, ref.digest)) ?? null);
  return { digest, version, activated_at: ref?.at ?? null, document };
}

/** Makes `policy` the active one unless it already is; returns true when it changed. */
export async function activatePolicy(
  ctx: ServiceContext,
  policy: Policy,
  document: Record<string, unknown>,
): Promise<boolean> {
  const now = ctx.clock();
  return writeTransaction(ctx, async (trx) => {
    await lockPolicyActivation(trx); // one activation at a time
    if ((await getActivePolicyRef(trx))?.digest === policy.digest) return false;
    await insertPolicyVersion(trx, {
      digest: policy.digest,
      id: policy.id,
      version: policy.version,
      document: JSON.stringify(document),
      stored_at: now,
    });
    await appendEvents(trx, now, [
      {
        type: 'policy.activated',
        subject_id: null,
        payload: { digest: policy.digest, id: policy.id, version: policy.version },
      },
    ]);
    await rescoreAll(trx, policy, now);
    await notifyLedger(trx);
    return true;
  });
}

/** Re-evaluates every subject, a page at a time, under `policy` at `at`. */
export async function rescoreAll(trx: Transaction<DB>, policy: Policy, at: Date): Promise<number> {
  let after = '0';
  let count = 0;
  for (;;) {
    const ids = await getSubjectIdsAfter(trx, after, RESCORE_PAGE);
    if (ids.length === 0) return count;
    await reprojectSubjects(trx, policy, ids, at, { notify: true, activation: true });
    count += ids.length;
    after = ids[ids.length - 1]!;
  }
}
