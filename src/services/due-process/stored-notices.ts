/**
 * Notices as read (migration 021): a row written since names the policy it was written under, and its consequences,
 * legal basis and parameters are rendered from that policy (domain/notice-storage.ts), so a notice says what it said
 * when it was written even after another policy is activated. Policies are read by reference from the policy store
 * and built once per process (services/ledger/stored-policies.ts). Rows written before 021 are read as they were
 * written.
 */

import type { NoticeParams } from '../../domain/notice.ts';
import {
  noticeLegalBasis,
  policyRef,
  readConsequences,
  readParams,
  type ConsequenceView,
  type MeasureGroup,
} from '../../domain/notice-storage.ts';
import type { Policy } from '../../domain/policy.ts';
import type { Executor } from '../../store/executor.ts';
import { getNoticePolicyDigests, getNoticesOfSubject, type StoredNotice } from '../../store/notices.repository.ts';
import { storedPolicy } from '../ledger/stored-policies.ts';

/** What a stored row holds of what rendering fills in. */
export interface NoticeStoredForm {
  readonly kind: string;
  readonly list_id: string | null;
  readonly legal_basis: string | null;
  readonly consequences: readonly ConsequenceView[] | null;
  readonly params: Readonly<Record<string, unknown>> | null;
  readonly policy_ref: string | null;
  readonly measures: readonly MeasureGroup[] | null;
}

/** A stored row with its consequences, legal basis and parameters rendered, as the views show it. */
export type RenderedNotice<R extends NoticeStoredForm> = Omit<
  R,
  'policy_ref' | 'measures' | 'legal_basis' | 'consequences' | 'params'
> & {
  readonly legal_basis: string;
  readonly consequences: readonly ConsequenceView[];
  readonly params: NoticeParams | null;
};

/** Policies' digests by reference: a reference names one digest for good. */
const DIGESTS = new Map<string, string>();

/**
 * The policies `rows` were written under, by reference: `current` (the reader's) without reading anything, others
 * built from the policy store once per process (storedPolicy). A policy the store does not hold (never activated: a
 * hand-made policy) is rendered with `current`.
 */
async function policiesOf(
  db: Executor,
  current: Policy,
  rows: readonly NoticeStoredForm[],
): Promise<(ref: string) => Policy> {
  const currentRef = policyRef(current.digest);
  const wanted = [
    ...new Set(rows.flatMap((r) => (r.policy_ref === null || r.policy_ref === currentRef ? [] : [r.policy_ref]))),
  ];
  const unknown = wanted.filter((ref) => !DIGESTS.has(ref));
  for (const { ref, digest } of await getNoticePolicyDigests(db, unknown)) DIGESTS.set(ref, digest);
  const policies = new Map<string, Policy>();
  for (const ref of wanted) {
    const digest = DIGESTS.get(ref);
    if (digest !== undefined) policies.set(ref, await storedPolicy(db, digest));
  }
  return (ref) => (ref === currentRef ? current : (policies.get(ref) ?? current));
}

/** One row rendered with the policy it names. */
function renderRow<R extends NoticeStoredForm>(row: R, policy: Policy | undefined): RenderedNotice<R> {
  const { policy_ref: _ref, measures, ...rest } = row;
  // Overwritten keys keep their places: a view answers its keys in the order it did before 021.
  if (policy === undefined)
    return { ...rest, legal_basis: row.legal_basis ?? '', consequences: row.consequences ?? [] } as RenderedNotice<R>;
  const params = row.params === null ? null : readParams(row.kind, row.params);
  const consequences = row.consequences ?? readConsequences(policy, measures);
  const legal = row.legal_basis ?? noticeLegalBasis(policy, row, params ?? {}, consequences) ?? '';
  return { ...rest, legal_basis: legal, consequences, params } as unknown as RenderedNotice<R>;
}

/** Rows rendered as the views show them, each from the policy it was written under. */
export async function renderStoredNotices<R extends NoticeStoredForm>(
  db: Executor,
  current: Policy,
  rows: readonly R[],
): Promise<RenderedNotice<R>[]> {
  const policyOf = await policiesOf(db, current, rows);
  return rows.map((row) => renderRow(row, row.policy_ref === null ? undefined : policyOf(row.policy_ref)));
}

/** A subject's notices (the newest first, at most `limit`), rendered. */
export async function readNoticesOfSubject(
  db: Executor,
  current: Policy,
  subjectId: string,
  limit?: number,
): Promise<StoredNotice[]> {
  return renderStoredNotices(db, current, await getNoticesOfSubject(db, subjectId, limit));
}
