/**
 * The policy model: what the loader produces from YAML and what evaluation reads.
 * Pure types and small lookups; no I/O. Durations are ISO 8601 strings (`P2Y`, `P3M`, `P30D`).
 * Every text a person reads is a `LocalText` (`{en, zh}`); ids and codes are plain strings.
 */

import type { LocalText } from './local-text.ts';

export type SubjectKind = 'person' | 'organization';
export const SUBJECT_KINDS: readonly SubjectKind[] = ['person', 'organization'];

export type Tier = 'minor' | 'general' | 'serious' | 'positive';

export type Disclosure = 'public' | 'shared' | 'private';

/** Effects a measure may have. `deny` and `restrict` are sanctions and need a list. */
export type Effect = 'deny' | 'restrict' | 'review' | 'waive' | 'expedite';
export const SANCTION_EFFECTS: readonly Effect[] = ['deny', 'restrict'];

/** Outcome precedence, strongest first: a sanction beats a review, a review beats a reward. */
export const OUTCOME_PRECEDENCE: readonly Outcome[] = ['deny', 'restrict', 'review', 'waive', 'expedite', 'allow'];
export type Outcome = Effect | 'allow';

export interface AgencyKind {
  readonly id: string;
  readonly name: LocalText;
}

export interface IdentifierScheme {
  readonly id: string;
  readonly name: LocalText;
  readonly subject_kinds: readonly SubjectKind[];
  /** Built-in schemes carry a check-digit algorithm; deployment schemes a pattern. */
  readonly check?: 'gb11643' | 'gb32100' | 'iso17442';
  readonly pattern?: string;
}

export interface AttributeSpec {
  readonly description?: LocalText;
  readonly required: boolean;
  /** Allowed values; absent means any string up to 200 characters. */
  readonly enum?: readonly string[];
  /** What each `enum` value means, for people (the loader requires one for every value). */
  readonly labels?: Readonly<Record<string, LocalText>>;
}

/** Overrides a record type's terms when every attribute in `when` matches. First match wins. */
export interface RecordVariant {
  readonly when: Readonly<Record<string, string>>;
  readonly tier?: Tier;
  readonly points?: number;
  /** `null` means the record lasts until the agency ends it (e.g. until performance). */
  readonly duration?: string | null;
  readonly disclosure?: Readonly<Partial<Record<SubjectKind, Disclosure>>>;
}

export interface DisputeRules {
  readonly days: number;
  readonly while_disputed: 'keep' | 'suspend';
}

export interface RecordType {
  readonly id: string;
  readonly name: LocalText;
  readonly agency_kinds: readonly string[];
  readonly subject_kinds: readonly SubjectKind[];
  readonly tier: Tier;
  readonly legal_basis: LocalText;
  readonly points: number;
  /** How long a record counts, from `decided_at`, unless the agency sets `expires_at`. */
  readonly duration: string | null;
  /** Upper bound on any record's life; an agency's `expires_at` is capped to it. */
  readonly max_duration: string;
  readonly disclosure: Readonly<Record<SubjectKind, Disclosure>>;
  readonly dispute: DisputeRules;
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  readonly variants: readonly RecordVariant[];
  /**
   * A record of this type lengthens another record (Fa Shi [2013] 17 as amended by Fa Shi [2017] 7,
   * art. 2: a court may extend a listing by 1 to 3 years): the record whose id its `listing` attribute
   * gives, of the type named here, by its `years` attribute, within that type's maximum duration.
   */
  readonly extends?: string;
}

/** One way onto a list: a record of this type, optionally with matching attributes. */
export interface ListCriterion {
  readonly record_type: string;
  readonly where?: Readonly<Record<string, readonly string[]>>;
  /**
   * The record's `year` and the years before it, this many in all, each have a standing record meeting the
   * criterion (SAT Announcement 2025 No. 12: grade A three years running).
   */
  readonly consecutive_years?: number;
}

export interface ListDefinition {
  readonly id: string;
  readonly name: LocalText;
  readonly kind: 'sanction' | 'reward';
  readonly legal_basis: LocalText;
  /** How a subject leaves the list: what to do, which agency decides, by when, how to appeal. */
  readonly exit: LocalText;
  readonly max_duration: string;
  readonly notice_days: number;
  readonly subject_kinds: readonly SubjectKind[];
  readonly criteria: readonly ListCriterion[];
}

export interface Action {
  readonly id: string;
  readonly name: LocalText;
}

export interface Purpose {
  readonly id: string;
  readonly name: LocalText;
}

/** Binds a list (or, for rewards and review only, grades) to actions with an effect. */
export interface Measure {
  readonly id: string;
  readonly effect: Effect;
  readonly actions: readonly string[];
  readonly legal_basis: LocalText;
  readonly list?: string;
  readonly grades?: readonly string[];
  readonly description?: LocalText;
  /** The measure also binds persons related to a listed organisation, where the law it cites says so. */
  readonly binds_related?: RelatedBinding;
}

/** The roles a relationship may name (Fa Shi [2015] 17 art. 3 para. 2; Fa Shi [2017] 7 art. 6). */
export type RelationshipRole = 'legal_representative' | 'principal' | 'actual_controller' | 'directly_responsible';
export const RELATIONSHIP_ROLES: readonly RelationshipRole[] = [
  'legal_representative',
  'principal',
  'actual_controller',
  'directly_responsible',
];

/**
 * A measure's reach to related persons: a person whose relationship to a listed organisation has one of `roles`
 * is bound too, on `legal_basis` (the law that says so), unless a record of type `exempted_by` about the person
 * names the organisation (Fa Shi [2015] 17 art. 3 para. 2: the court may allow personal spending from personal
 * funds).
 */
export interface RelatedBinding {
  readonly roles: readonly RelationshipRole[];
  readonly legal_basis: LocalText;
  readonly exempted_by?: string;
}

/** Who may file relationships, and the roles a deployment names (the policy's `relationships` section). */
export interface RelationshipRules {
  readonly roles: ReadonlyMap<RelationshipRole, { readonly id: RelationshipRole; readonly name: LocalText }>;
  readonly agency_kinds: readonly string[];
  readonly legal_basis: LocalText;
  /**
   * Fa Shi [2017] 7 art. 6(1): the list of dishonest judgment debtors publishes an organisation debtor's legal
   * representative or principal by name; the public register shows the persons in `roles` of an organisation
   * publicly on one of `lists`, by name only.
   */
  readonly published?: {
    readonly roles: readonly RelationshipRole[];
    readonly lists: readonly string[];
    readonly legal_basis: LocalText;
  };
}

export interface GradeBand {
  readonly grade: string;
  readonly min: number;
}

export interface Scoring {
  readonly base: number;
  /** Highest first; the last band's `min` is the floor. */
  readonly grades: readonly GradeBand[];
  readonly factors_reported: number;
}

/**
 * Credit repair (NDRC Credit Repair Management Measures, in force 1 April 2026): a negative
 * record may be repaired once the minimum period for its tier has run from `decided_at`;
 * the types in `on_performance` at any time once the obligation is performed instead.
 */
export interface RepairRules {
  readonly minimum_periods: Readonly<Record<Exclude<Tier, 'positive'>, string>>;
  readonly on_performance: readonly string[];
  /**
   * Fa Shi [2013] 17 as amended by Fa Shi [2017] 7, art. 10: a record of these `on_performance` types is deleted
   * within `working_days` working days on one of the `grounds`, which the agency names when it approves.
   */
  readonly deletion?: DeletionRules;
  /** NDRC Order No. 36 (2025): every other repair application is decided within `working_days` working days. */
  readonly decision?: RepairDecisionRules;
  /** NDRC Order No. 36 (2025): where set, a repair application needs the subject's public credit commitment. */
  readonly commitment?: { readonly legal_basis: LocalText };
}

/** The working-day deadline of a repair decision, on its calendar, and the rule that sets it. */
export interface RepairDecisionRules extends WorkingDayCalendar {
  readonly working_days: number;
  readonly legal_basis: LocalText;
}

/** Weekdays that are not working days, and weekend days that are (`YYYY-MM-DD`, UTC). */
interface WorkingDayCalendar {
  readonly holidays: readonly string[];
  readonly working_weekends: readonly string[];
}

export interface DeletionRules {
  readonly record_types: readonly string[];
  readonly working_days: number;
  /** Weekdays that are not working days, and weekend days that are (`YYYY-MM-DD`, UTC). */
  readonly holidays: readonly string[];
  readonly working_weekends: readonly string[];
  readonly grounds: Readonly<Record<string, LocalText>>;
}

/**
 * FCRA § 611(d), 15 U.S.C. § 1681i(d): when a record is corrected, revoked or repaired, every relying service that
 * got a decision about its subject within `lookback` (an ISO 8601 duration) is told, citing `legal_basis`.
 */
export interface AmendmentRules {
  readonly lookback: string;
  readonly legal_basis: LocalText;
  /**
   * How long an amendment is kept (an ISO 8601 duration from when it was written) once nothing is left to deliver:
   * then the scheduled jobs delete it. One still pending delivery is kept however old.
   */
  readonly retention: string;
}

/**
 * How long inquiries (decisions and reads: the subject's "who checked me") are kept, citing `legal_basis`; older
 * months are dropped by the scheduled jobs, and subjects are told the period.
 */
export interface InquiryRules {
  readonly retention: string;
  readonly legal_basis: LocalText;
}

export interface Policy {
  readonly id: string;
  readonly version: string;
  /** SHA-256 of the canonical policy content; changes whenever anything in it changes. */
  readonly digest: string;
  readonly scoring: Scoring;
  readonly agency_kinds: ReadonlyMap<string, AgencyKind>;
  readonly identifier_schemes: ReadonlyMap<string, IdentifierScheme>;
  readonly record_types: ReadonlyMap<string, RecordType>;
  readonly lists: ReadonlyMap<string, ListDefinition>;
  readonly actions: ReadonlyMap<string, Action>;
  readonly purposes: ReadonlyMap<string, Purpose>;
  readonly measures: readonly Measure[];
  readonly repair: RepairRules;
  readonly amendments: AmendmentRules;
  readonly inquiries: InquiryRules;
  /** Null where the policy has no `relationships` section: no one may file relationships. */
  readonly relationships: RelationshipRules | null;
}

/** The terms that apply to one record: its type's, overridden by the first matching variant. */
export interface RecordTerms {
  readonly tier: Tier;
  readonly points: number;
  readonly duration: string | null;
  readonly disclosure: Readonly<Record<SubjectKind, Disclosure>>;
}

/** Resolves a record's tier, points, duration and disclosure from its type and attributes. */
export function resolveRecordTerms(type: RecordType, attributes: Readonly<Record<string, string>>): RecordTerms {
  const variant = type.variants.find((v) => Object.entries(v.when).every(([k, value]) => attributes[k] === value));
  return {
    tier: variant?.tier ?? type.tier,
    points: variant?.points ?? type.points,
    duration: variant?.duration === undefined ? type.duration : variant.duration,
    disclosure: { ...type.disclosure, ...variant?.disclosure },
  };
}

/** The grade for a score: the first band (highest first) whose minimum the score reaches. */
export function gradeFor(scoring: Scoring, score: number): string {
  for (const band of scoring.grades) if (score >= band.min) return band.grade;
  return scoring.grades[scoring.grades.length - 1]!.grade;
}
