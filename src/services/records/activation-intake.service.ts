/**
 * Filing a record type that only the policy being activated knows (issue 12). While an activation rescores the
 * registry, the policy it replaces still checks filings, and would refuse such a record as an unknown type until the
 * last page. A serious registry does not make an agency wait on its own rescoring: once the activation has started,
 * an item refused only as an unknown type is checked again under the new policy, and filed under it if it passes.
 * Its subject is then decided under the new policy at once, as its page would decide it (early-switch.ts,
 * projection.service.ts policiesOf). Before the activation's start the new policy is not in force: the item stays
 * refused, as a type not yet in force (CRD_RECORD_TYPE_NOT_YET_IN_FORCE), saying from when.
 */

import { type BatchPlan, planBatch, type Rejected } from '../../domain/intake-plan.ts';
import type { Policy } from '../../domain/policy.ts';
import type { ProblemDetail } from '../../errors.ts';
import { getOpenActivation, type PolicyActivationRow } from '../../store/policy-activations.repository.ts';
import type { ServiceContext } from '../context.ts';
import { storedPolicy } from '../ledger/stored-policies.ts';

/** Items checked under one policy, to be filed under it. */
export interface PolicyBatch {
  readonly policy: Policy;
  readonly plan: BatchPlan;
}

/**
 * The batch as filed: `planned` (checked under the policy in force), and, where some of its items were refused as
 * an unknown type while an activation of a policy that knows it has started, those items checked again under that
 * policy, as a second batch. Asks the database nothing when no item was refused as an unknown type.
 */
export async function withActivatingTypes(
  ctx: ServiceContext,
  agencyKind: string,
  planned: PolicyBatch & { readonly now: Date; readonly inputs: readonly unknown[] },
): Promise<PolicyBatch[]> {
  const { now, policy, plan, inputs } = planned;
  const unknown = plan.rejected.filter((r) => r.errors.some((e) => e.code === UNKNOWN));
  if (unknown.length === 0) return [{ policy, plan }];
  const open = await getOpenActivation(ctx.db);
  if (open === undefined || open.digest === policy.digest) return [{ policy, plan }];
  const next = await storedPolicy(ctx.db, open.digest);
  const known = unknown.filter((r) => next.record_types.has(typeOf(inputs[r.index])));
  if (known.length === 0) return [{ policy, plan }];
  const replanned = new Set(known.map((r) => r.index));
  const others = plan.rejected.filter((r) => !replanned.has(r.index));
  if (open.starts_at > now) {
    const refused = known.map((r) => notYetInForce(r, open, next, typeOf(inputs[r.index])));
    return [{ policy, plan: { ...plan, rejected: [...others, ...refused] } }];
  }
  return [
    { policy, plan: { ...plan, rejected: others } },
    { policy: next, plan: planAgain(next, agencyKind, known, inputs, now) },
  ];
}

/** The refused items checked again under `next`, with their indices in the batch as sent. */
function planAgain(
  next: Policy,
  agencyKind: string,
  refused: readonly Rejected[],
  inputs: readonly unknown[],
  now: Date,
): BatchPlan {
  const checked = planBatch(
    next,
    agencyKind,
    refused.map((r) => inputs[r.index]),
    now,
  );
  const indexOf = (i: number) => refused[i]!.index;
  return {
    candidates: checked.candidates.map((c) => ({ ...c, index: indexOf(c.index) })),
    repeats: new Map([...checked.repeats].map(([i, first]) => [indexOf(i), indexOf(first)])),
    rejected: checked.rejected.map((r) => ({ ...r, index: indexOf(r.index) })),
  };
}

const UNKNOWN = 'CRD_UNKNOWN_RECORD_TYPE';

function typeOf(input: unknown): string {
  const type = (input as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : '';
}

/**
 * An item of a type the policy scheduled to start later knows: refused until then, naming the activation, with its
 * other problems as the policy in force found them.
 */
function notYetInForce(rejected: Rejected, open: PolicyActivationRow, next: Policy, type: string): Rejected {
  const startsAt = open.starts_at.toISOString();
  const problem: ProblemDetail = {
    code: 'CRD_RECORD_TYPE_NOT_YET_IN_FORCE',
    path: 'type',
    message:
      `record type "${type}" is in policy ${next.version}, which activation ${open.id} puts in force from ` +
      `${startsAt}: file it from then`,
    key: 'type_not_yet_in_force',
    params: { field: 'type', type, version: next.version, activation: open.id, starts_at: startsAt },
  };
  return { ...rejected, errors: rejected.errors.map((e) => (e.code === UNKNOWN ? problem : e)) };
}
