/**
 * Which policy a subject is decided under, as the latest policy activation leaves it (issue 12). Outside an
 * activation, every subject is under the policy in force. While one runs, a subject its cursor has passed is under
 * the policy being activated, and so is one switched early to it (early-switch.ts); every other stays under the
 * policy it replaces. Once it has completed, everyone is under the activated policy, even in a process that has not
 * heard of it yet. Writes reproject by this rule (projection.service.ts), and a subject's report evaluates by it, so
 * the subject reads what services are told.
 */

import { switchesEarly } from '../../domain/early-switch.ts';
import type { Policy } from '../../domain/policy.ts';
import type { SubjectFile } from '../../domain/record.ts';
import type { Executor } from '../../store/executor.ts';
import { getLatestActivation, type PolicyActivationRow } from '../../store/policy-activations.repository.ts';
import type { ServiceContext } from '../context.ts';
import { storedPolicy } from './stored-policies.ts';

/** The policies the latest activation leaves subjects under. */
export interface ActivationPolicies {
  /** The policy of every subject not reached by the activation (all of them when none is running). */
  readonly before: Policy;
  /** While an activation runs: the policy it activates, how far its pages have come, and its id. */
  readonly running: {
    readonly next: Policy;
    /** The last subject id its pages have rescored; null before its first page. */
    readonly cursor: bigint | null;
    readonly activation_id: string;
  } | null;
}

type LatestActivation = Pick<PolicyActivationRow, 'id' | 'digest' | 'previous_digest' | 'status' | 'cursor'>;

/** The policies `latest` (the latest activation, if any) leaves subjects under; `policy` is the one in force here. */
export async function activationPolicies(
  db: Executor,
  policy: Policy,
  latest: LatestActivation | undefined,
): Promise<ActivationPolicies> {
  const load = (digest: string) => (digest === policy.digest ? policy : storedPolicy(db, digest));
  if (latest === undefined) return { before: policy, running: null };
  if (latest.status === 'completed') return { before: await load(latest.digest), running: null };
  const before = latest.previous_digest === null ? policy : await load(latest.previous_digest);
  const cursor = latest.status === 'scheduled' || latest.cursor === null ? null : BigInt(latest.cursor);
  return { before, running: { next: await load(latest.digest), cursor, activation_id: latest.id } };
}

/**
 * Where a subject stands: under the policy it was under (`before`), reached by the activation's pages (`next`), or
 * owing a switch to the new policy because its records hold a type only that one knows (`early`).
 */
export function standing(
  policies: ActivationPolicies,
  subjectId: string,
  file: SubjectFile,
): 'before' | 'next' | 'early' {
  const { before, running } = policies;
  if (running === null) return 'before';
  if (running.cursor !== null && BigInt(subjectId) <= running.cursor) return 'next';
  return switchesEarly(before, running.next, file) ? 'early' : 'before';
}

/** The policy a subject is decided under (see the file comment). */
export function decidingPolicy(policies: ActivationPolicies, subjectId: string, file: SubjectFile): Policy {
  return standing(policies, subjectId, file) === 'before' ? policies.before : policies.running!.next;
}

/**
 * The policy a stored subject is decided under now, for a read: `ctx.policy` unless the latest activation says
 * otherwise. Read without a lock: a page committing meanwhile moves the subject on by the rule the read applies.
 */
export async function policyDecidingNow(ctx: ServiceContext, subjectId: string, file: SubjectFile): Promise<Policy> {
  const policies = await activationPolicies(ctx.db, ctx.policy, await getLatestActivation(ctx.db));
  return decidingPolicy(policies, subjectId, file);
}
