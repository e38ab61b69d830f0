/**
 * Public disclosure: which records and list memberships anyone may see without a key, now.
 * Pure rules; `now` is an input. The public search, the public lists and their SQL pre-filter
 * (`publicShapes`) all rest on these, so "public" means one thing everywhere.
 */

import { addDuration, parseDuration } from './duration.ts';
import { recordWindow } from './evaluate.ts';
import { resolveRecordTerms, type Policy, type RecordType, type SubjectKind, type Tier } from './policy.ts';
import type { CreditRecord, RecordStatus } from './record.ts';

/**
 * The longest a record of each negative tier may be disclosed, from its decision date (NDRC Credit
 * Repair Management Measures, Order No. 36 (2025), in force 1 April 2026: minor at most 3 months,
 * general 3 months to 1 year, serious 1 to 3 years). A positive record is disclosed for as long as it counts.
 */
export const TIER_MAX_DISCLOSURE: Readonly<Record<Exclude<Tier, 'positive'>, string>> = Object.freeze({
  minor: 'P3M',
  general: 'P1Y',
  serious: 'P3Y',
});

/**
 * Statuses under which a record may be published: `active`, and `disputed` where the type keeps
 * counting while disputed (a competent authority's decision stays in force on appeal). Revoked,
 * repaired, expired, suspended and superseded (`corrected`) versions never are.
 */
export function publishableStatuses(type: RecordType): readonly RecordStatus[] {
  return type.dispute.while_disputed === 'keep' ? ['active', 'disputed'] : ['active'];
}

/**
 * The period in which a record may be public: from `effective_at` until the earlier of the end of its counting
 * window and its tier's maximum disclosure, which runs from `decided_at` (NDRC Order No. 36 (2025): periods run
 * from the decision date).
 */
export function disclosureWindow(type: RecordType, record: CreditRecord): { start: Date; end: Date } {
  const terms = resolveRecordTerms(type, record.attributes);
  const { start, end } = recordWindow(type, record, terms);
  if (terms.tier === 'positive') return { start, end };
  const tierEnd = addDuration(record.decided_at, TIER_MAX_DISCLOSURE[terms.tier]);
  // biome-ignore lint/complexity/useMathMinMax: these are Dates; Math.min would return a number
  return { start, end: tierEnd < end ? tierEnd : end };
}

/**
 * A record is public iff its resolved disclosure for the subject's kind is `public`, its status
 * may be published, and `now` lies in its disclosure window.
 */
export function isRecordPublic(policy: Policy, kind: SubjectKind, record: CreditRecord, now: Date): boolean {
  const type = policy.record_types.get(record.type);
  if (type === undefined || !publishableStatuses(type).includes(record.status)) return false;
  if (resolveRecordTerms(type, record.attributes).disclosure[kind] !== 'public') return false;
  const { start, end } = disclosureWindow(type, record);
  return start <= now && now < end;
}

/** A list membership as the projection holds it. */
export interface MembershipFacts {
  readonly status: string;
  readonly effective_from: Date;
  readonly until: Date;
  readonly record_ids: readonly string[];
}

/**
 * A membership is public iff it is `active` now (never during its notice period) and at least
 * one record it rests on is public. Returns the public records it rests on; empty means "not public".
 */
export function publicGrounds(membership: MembershipFacts, publicRecordIds: ReadonlySet<string>, now: Date): string[] {
  if (membership.status !== 'active' || now < membership.effective_from || membership.until <= now) return [];
  return membership.record_ids.filter((id) => publicRecordIds.has(id));
}

/**
 * A necessary condition for a record to be public, in a form SQL can test: the subject's kind,
 * the record type, attributes it must carry (`when`) and must not match (`unless`: earlier
 * variants, since the first matching variant wins), publishable statuses, and a cutoff that
 * `decided_at` must be after (every period runs from it). The cutoff is conservative (a month
 * counts as 31 days), so the shapes select a superset of the public records; `isRecordPublic`
 * is the exact rule.
 */
export interface PublicShape {
  readonly kind: SubjectKind;
  readonly type: string;
  readonly when: Readonly<Record<string, string>>;
  readonly unless: readonly Readonly<Record<string, string>>[];
  readonly statuses: readonly RecordStatus[];
  readonly decided_after: Date;
}

/** Every way a record can be public under the policy at `now`. */
export function publicShapes(policy: Policy, now: Date): PublicShape[] {
  const shapes: PublicShape[] = [];
  for (const type of policy.record_types.values()) {
    // Each variant in order, then the type's own terms for records no variant matches.
    const branches = [...type.variants.map((v) => ({ ...type, variants: [v] })), { ...type, variants: [] }];
    branches.forEach((branch, i) => {
      const when = branch.variants[0]?.when ?? {};
      const terms = resolveRecordTerms(branch, when);
      const spans = [
        type.max_duration,
        terms.duration,
        terms.tier === 'positive' ? null : TIER_MAX_DISCLOSURE[terms.tier],
      ];
      const days = Math.min(...spans.filter((s): s is string => s !== null).map(upperBoundDays));
      for (const kind of type.subject_kinds) {
        if (terms.disclosure[kind] !== 'public') continue;
        shapes.push({
          kind,
          type: type.id,
          when,
          unless: type.variants.slice(0, i).map((v) => v.when),
          statuses: publishableStatuses(type),
          decided_after: new Date(now.getTime() - days * DAY_MS),
        });
      }
    });
  }
  return shapes;
}

const DAY_MS = 86_400_000;

/** Days a duration can span at most: `addDuration` moves a month by at most 31 days. */
function upperBoundDays(text: string): number {
  const duration = parseDuration(text);
  if (duration === null) throw new RangeError(`not an ISO 8601 duration: ${text}`);
  return (duration.years * 12 + duration.months) * 31 + duration.days;
}
