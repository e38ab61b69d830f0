/**
 * Keeps a process's decision index fresh from the ledger: warmed from subject_state at start,
 * then every new ledger event (from this process or any other, e.g. a CLI import) reloads the
 * subjects it touches. Woken by NOTIFY on the ledger channel, and by polling as a fallback.
 */

import type pg from 'pg';
import type { Policy } from '../../domain/policy.ts';
import { type ChannelListener, listenToChannel } from '../../store/channel-listener.ts';
import { getLedgerHeadSeq, getLedgerRowsAfter, LEDGER_CHANNEL, parsePayload } from '../../store/ledger.repository.ts';
import {
  getIdentifierStates,
  getIdentifierStatesInRange,
  getBaseStatesUnder,
  getIndexedIdentifiersPage,
} from '../../store/state.repository.ts';
import { getOpenActivation } from '../../store/policy-activations.repository.ts';
import { getSubjectIdsAfter } from '../../store/subjects.repository.ts';
import { DecisionIndex } from '../decisions/decision-index.ts';
import { indexRow, warmIndex } from './index-warmup.ts';
import type { Runtime } from './runtime.ts';

const PAGE = 10_000;

export interface FollowerHooks {
  /** Builds the policy stored under a digest (after another process activated it). */
  readonly policyFromDigest: (digest: string) => Promise<Policy>;
  readonly onPrincipalRevoked?: (principalId: string) => void;
  /** A principal (and its key) was created, by this process or another (e.g. `credence principal add`). */
  readonly onPrincipalCreated?: () => void;
  readonly onError?: (error: unknown) => void;
}

export class LedgerFollower {
  private lastSeq = '0';
  /** The pass under way, if any: at most one runs at a time. */
  private running: Promise<void> | null = null;
  /** The one pass queued behind it, shared by every caller that arrived while it ran. */
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private listener: ChannelListener | null = null;
  private readonly rt: Runtime;
  private readonly hooks: FollowerHooks;
  private readonly pool: pg.Pool | undefined;

  /**
   * `pool`: the warm-up streams the indexed identifiers from it with COPY (index-warmup.ts); without it (a test's
   * runtime behind a Kysely plugin) it reads them in pages through `rt.db`.
   */
  constructor(rt: Runtime, hooks: FollowerHooks, pool?: pg.Pool) {
    this.rt = rt;
    this.hooks = hooks;
    this.pool = pool;
  }

  get seq(): string {
    return this.lastSeq;
  }

  /** Builds the index from the projections; events after the head read here are replayed by catchUp. */
  async warm(policy: Policy = this.rt.policy): Promise<void> {
    const head = await getLedgerHeadSeq(this.rt.db);
    const index = new DecisionIndex(policy);
    const open = await this.openActivation(index, policy);
    if (this.pool !== undefined) await warmIndex(index, this.pool);
    else
      for (let after = '0'; ; ) {
        const page = await getIndexedIdentifiersPage(this.rt.db, after, PAGE);
        if (page.length === 0) break;
        for (const row of page) indexRow(index, row);
        after = page[page.length - 1]!.subject_id;
      }
    if (open?.cursor != null) await this.followOpenActivation(index, open.cursor);
    // Subjects switched early (once it has started) to the policy being activated, in its base state: decided under
    // it, not as unknown subjects under the policy it replaces.
    if (open?.status === 'running')
      for (const row of await getBaseStatesUnder(this.rt.db, open.digest, open.cursor ?? '0')) indexRow(index, row);
    this.rt.replaceIndex(index);
    this.lastSeq = head;
    // From now on a write through writeTransaction returns once this index reflects it.
    this.rt.followWith(() => this.catchUp());
  }

  /**
   * Applies every ledger event committed before the call. Resolves only after a pass that started
   * after the call (one already under way may have read the ledger before the caller's write
   * committed): callers arriving during a pass share the one pass queued behind it.
   */
  catchUp(): Promise<void> {
    if (this.queued !== null) return this.queued;
    if (this.running === null) return this.startPass();
    const previous = this.running.catch(() => undefined); // a failed pass does not fail the next
    this.queued = previous.then(() => {
      this.queued = null;
      return this.startPass();
    });
    return this.queued;
  }

  private startPass(): Promise<void> {
    const pass = this.pass();
    this.running = pass;
    pass
      .finally(() => {
        if (this.running === pass) this.running = null;
      })
      .catch(() => undefined); // the callers of catchUp see the error
    return pass;
  }

  private async pass(): Promise<void> {
    for (;;) {
      const events = await getLedgerRowsAfter(this.rt.db, this.lastSeq, PAGE);
      if (events.length === 0) return;
      const subjects = new Set<string>();
      let policyDigest: string | null = null;
      for (const event of events) {
        if (event.subject_id !== null) subjects.add(event.subject_id);
        if (event.type === 'policy.activated') policyDigest = String(parsePayload(event).digest);
        if (event.type === 'policy.rescored') await this.followRescored(parsePayload(event));
        if (event.type === 'policy.subject_switched') await this.followSwitched(parsePayload(event));
        if (event.type === 'principal.revoked')
          this.hooks.onPrincipalRevoked?.(String(parsePayload(event).principal_id));
        if (event.type === 'principal.created') this.hooks.onPrincipalCreated?.();
      }
      if (policyDigest !== null && policyDigest !== this.rt.policy.digest) {
        await this.warm(await this.hooks.policyFromDigest(policyDigest));
        continue;
      }
      for (const row of await getIdentifierStates(this.rt.db, [...subjects])) indexRow(this.rt.index, row);
      this.lastSeq = events[events.length - 1]!.seq;
    }
  }

  /**
   * Warming while a policy activation is open: the index learns the policy being activated before the states are
   * read, so a state written under it (a subject switched early, early-switch.ts) is indexed under it.
   */
  private async openActivation(index: DecisionIndex, policy: Policy) {
    const open = await getOpenActivation(this.rt.db);
    if (open === undefined || open.digest === policy.digest) return undefined;
    index.activating(await this.hooks.policyFromDigest(open.digest), open.cursor ?? '0');
    return open;
  }

  /**
   * Warming while a policy activation runs: the subjects its pages have rescored so far (up to `cursor`) are indexed
   * under the policy being activated, as followRescored would have indexed them.
   */
  private async followOpenActivation(index: DecisionIndex, cursor: string): Promise<void> {
    for (let after = '0'; BigInt(after) < BigInt(cursor); ) {
      const ids = await getSubjectIdsAfter(this.rt.db, after, PAGE);
      if (ids.length === 0) break;
      const last = ids[ids.length - 1]!;
      const through = BigInt(last) < BigInt(cursor) ? last : cursor;
      for (const row of await getIdentifierStatesInRange(this.rt.db, after, through)) indexRow(index, row);
      after = through;
    }
  }

  /**
   * A page of a policy activation (policy.service.ts): every subject it rescored is indexed under the policy being
   * activated from now on, the base state included (such a subject is no longer decided under the policy in force).
   * Reading the page's states later than it committed is safe: they can only have moved on under the same policy.
   */
  private async followRescored(payload: Record<string, unknown>): Promise<void> {
    const digest = String(payload.digest);
    if (digest === this.rt.policy.digest) return; // a page of an activation this index already ran under
    const index = this.rt.index;
    index.activating(await this.hooks.policyFromDigest(digest), String(payload.through));
    for (const row of await getIdentifierStatesInRange(this.rt.db, String(payload.after), String(payload.through)))
      indexRow(index, row);
  }

  /**
   * A subject switched early to the policy being activated (early-switch.ts), perhaps before the activation's first
   * page: the index learns the policy, and indexes the subject (an event about it) under it by its state's digest.
   */
  private async followSwitched(payload: Record<string, unknown>): Promise<void> {
    const digest = String(payload.digest);
    if (digest !== this.rt.policy.digest) this.rt.index.activating(await this.hooks.policyFromDigest(digest), '0');
  }

  /**
   * Listens for ledger notifications and polls every `pollMs` as a fallback. A lost listening connection is opened
   * again by itself, then a pass catches up on what was committed meanwhile.
   */
  async start(pool: pg.Pool, pollMs: number): Promise<void> {
    const wake = () => void this.catchUp().catch((error: unknown) => this.hooks.onError?.(error));
    this.listener = await listenToChannel(pool, LEDGER_CHANNEL, {
      onNotification: wake,
      onRelisten: wake,
      onError: (error) => this.hooks.onError?.(error),
    });
    this.timer = setInterval(wake, pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.queued?.catch(() => undefined);
    await this.running?.catch(() => undefined);
    await this.listener?.stop();
    this.listener = null;
  }
}
