/**
 * Policy activation (issue 12). The active policy is the one named by the latest `policy.activated` ledger event;
 * its document is kept in `policies`, addressed by digest. Activating another is background work, not one
 * transaction: `schedulePolicyActivation` records the activation (`policy.activation_scheduled`), then
 * `runActivationPage` rescores the registry's subjects a page at a time in subject-id order, each page its own
 * transaction that moves the activation's cursor and appends `policy.rescored`. A subject switches to the new
 * policy atomically with its page: from then on every write reprojects it, and every decision decides it, under
 * the new policy (projection.service.ts policiesOf, decision-index.ts), and the list notices its page causes name
 * the version. The page after the last appends `policy.activated`. A killed activation resumes at its cursor.
 */

import type { Transaction } from 'kysely';
import type { Policy } from '../../domain/policy.ts';
import { CredenceError } from '../../errors.ts';
import { lockLedger, notifyLedger } from '../../store/ledger.repository.ts';
import {
  getActivePolicyRef,
  getPolicyDocument,
  insertPolicyVersion,
  lockPolicyActivation,
  type ActivePolicyRef,
} from '../../store/policies.repository.ts';
import {
  advanceActivation,
  completeActivation,
  getOpenActivation,
  getRecentActivations,
  insertActivation,
  markActivationRunning,
  type PolicyActivationRow,
} from '../../store/policy-activations.repository.ts';
import type { DB } from '../../store/schema.ts';
import { countSubjects } from '../../store/subjects.repository.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import { appendEvents } from './ledger.service.ts';
import { loadSubjectFilesAfter } from './subject-files.service.ts';
import { rescorePage } from './rescoring.service.ts';
import { rememberPolicy, storedPolicy } from './stored-policies.ts';

/** Subjects rescored per page (one transaction, one `policy.rescored` event). */
export const ACTIVATION_PAGE = 5000;

export type { ActivePolicyRef, PolicyActivationRow };

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

/** Who asks for an activation, why, and from when. */
export interface ActivationRequest {
  /** Why the policy changes: kept with the activation and in the ledger. */
  readonly reason: string;
  /** `cli`, `config` (the policy folder changed at start) or the operator principal's id. */
  readonly requestedBy: string;
  /** The activation starts rescoring at this instant (default: now). */
  readonly startsAt?: Date;
}

export type ScheduleOutcome =
  /** The policy is already the active one: nothing to do. */
  | { readonly state: 'active' }
  /** Scheduled now, or (`created` false) already scheduled or running: the same policy asked for again. */
  | { readonly state: 'open'; readonly created: boolean; readonly activation: PolicyActivationRow };

/**
 * Records an activation of `policy`. One is open at a time: asking again for the one open answers it (so a retried
 * request changes nothing), asking for another is CRD_ACTIVATION_IN_PROGRESS.
 */
export async function schedulePolicyActivation(
  ctx: ServiceContext,
  policy: Policy,
  document: Record<string, unknown>,
  request: ActivationRequest,
): Promise<ScheduleOutcome> {
  const now = ctx.clock();
  return writeTransaction(ctx, async (trx): Promise<ScheduleOutcome> => {
    await lockPolicyActivation(trx); // one scheduling at a time
    const open = await getOpenActivation(trx);
    if (open !== undefined) {
      if (open.digest === policy.digest) return { state: 'open', created: false, activation: open };
      throw new CredenceError(
        'CRD_ACTIVATION_IN_PROGRESS',
        `policy ${open.version} (activation ${open.id}) is being activated; it must complete first`,
      );
    }
    const active = await getActivePolicyRef(trx);
    if (active?.digest === policy.digest) return { state: 'active' };
    await insertPolicyVersion(trx, {
      digest: policy.digest,
      id: policy.id,
      version: policy.version,
      document: JSON.stringify(document),
      stored_at: now,
    });
    rememberPolicy(policy);
    const activation = {
      id: ctx.newId(),
      digest: policy.digest,
      previous_digest: active?.digest ?? null,
      version: policy.version,
      reason: request.reason,
      requested_by: request.requestedBy,
      requested_at: now,
      starts_at: request.startsAt ?? now,
      subjects_total: '0',
    };
    await insertActivation(trx, activation);
    await appendEvents(trx, now, [
      {
        type: 'policy.activation_scheduled',
        subject_id: null,
        payload: {
          activation_id: activation.id,
          digest: policy.digest,
          id: policy.id,
          version: policy.version,
          reason: request.reason,
          starts_at: activation.starts_at.toISOString(),
        },
      },
    ]);
    await notifyLedger(trx);
    return { state: 'open', created: true, activation: (await getOpenActivation(trx))! };
  });
}

export type PageOutcome =
  | { readonly kind: 'idle' }
  /** The open activation starts later. */
  | { readonly kind: 'waiting'; readonly until: Date; readonly activation: PolicyActivationRow }
  /** `count` subjects rescored, of whom `changed` changed. */
  | {
      readonly kind: 'page';
      readonly count: number;
      readonly changed: number;
      readonly activation: PolicyActivationRow;
    }
  | { readonly kind: 'completed'; readonly activation: PolicyActivationRow };

/**
 * Rescores the next page of the open activation's subjects, in one transaction: moves its cursor past them,
 * reprojects them under the new policy (with notices naming it) and appends `policy.rescored`; after the last page,
 * appends `policy.activated` and completes it. Safe to call from several processes at once: the activation's row
 * is locked for the page, so the pages follow one another.
 */
export async function runActivationPage(ctx: ServiceContext, pageSize = ACTIVATION_PAGE): Promise<PageOutcome> {
  const now = ctx.clock();
  if ((await getOpenActivation(ctx.db)) === undefined) return { kind: 'idle' }; // the poll's usual answer, no write
  return writeTransaction(ctx, async (trx): Promise<PageOutcome> => {
    await lockLedger(trx); // before the activation's row, in the order every write takes them (see policiesOf)
    const open = await getOpenActivation(trx, 'update');
    if (open === undefined) return { kind: 'idle' };
    if (open.starts_at > now) return { kind: 'waiting', until: open.starts_at, activation: open };
    const policy = await storedPolicy(trx, open.digest);
    if (open.status === 'scheduled') await markActivationRunning(trx, open.id, now, await countSubjects(trx));
    const after = open.cursor ?? '0';
    const files = await loadSubjectFilesAfter(trx, after, pageSize);
    if (files.size === 0) return { kind: 'completed', activation: await complete(trx, open, policy, now) };
    const through = [...files.keys()].at(-1)!;
    await advanceActivation(trx, open.id, through, files.size, now);
    const changed = await rescorePage(trx, policy, files, { after, through }, now);
    await appendEvents(trx, now, [
      {
        type: 'policy.rescored',
        subject_id: null,
        payload: { activation_id: open.id, digest: open.digest, after, through, subjects: files.size, changed },
      },
    ]);
    await notifyLedger(trx);
    return { kind: 'page', count: files.size, changed, activation: (await getOpenActivation(trx))! };
  });
}

async function complete(
  trx: Transaction<DB>,
  open: PolicyActivationRow,
  policy: Policy,
  now: Date,
): Promise<PolicyActivationRow> {
  await appendEvents(trx, now, [
    {
      type: 'policy.activated',
      subject_id: null,
      payload: { digest: policy.digest, id: policy.id, version: policy.version, activation_id: open.id },
    },
  ]);
  await completeActivation(trx, open.id, now);
  await notifyLedger(trx);
  return { ...open, status: 'completed', completed_at: now };
}

/**
 * Runs the open activation's pages until it completes (or `shouldStop` says so, or it is not due yet); calls
 * `onPage` after each. Resolves to the last outcome.
 */
export async function runActivation(
  ctx: ServiceContext,
  options: {
    readonly pageSize?: number;
    readonly onPage?: (outcome: PageOutcome) => void;
    readonly shouldStop?: () => boolean;
  } = {},
): Promise<PageOutcome> {
  for (;;) {
    const outcome = await runActivationPage(ctx, options.pageSize);
    options.onPage?.(outcome);
    if (outcome.kind !== 'page' || options.shouldStop?.() === true) return outcome;
  }
}

/**
 * Makes `policy` the active one and returns once it is (true), or at once when it already is (false): schedules
 * the activation, or joins the one open for it, and runs it in this process. A registry's first start does this.
 */
export async function activatePolicy(
  ctx: ServiceContext,
  policy: Policy,
  document: Record<string, unknown>,
  request: ActivationRequest = { reason: 'activated at start', requestedBy: 'config' },
): Promise<boolean> {
  const scheduled = await schedulePolicyActivation(ctx, policy, document, { ...request, startsAt: undefined });
  if (scheduled.state === 'active') return false;
  const outcome = await runActivation(ctx);
  if (outcome.kind !== 'completed')
    throw new Error(`activation ${scheduled.activation.id} did not complete (${outcome.kind})`);
  return true;
}

/** The open activation and the latest ones, newest first: progress for the CLI, the API and the console. */
export async function readActivations(
  ctx: ServiceContext,
  limit = 10,
): Promise<{ open: PolicyActivationRow | null; recent: PolicyActivationRow[] }> {
  const [open, recent] = await Promise.all([getOpenActivation(ctx.db), getRecentActivations(ctx.db, limit)]);
  return { open: open ?? null, recent };
}
