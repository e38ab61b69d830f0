/**
 * Builds the frozen `Policy` from a document that passed validation: id-keyed sections become
 * Maps, optional fields get their defaults, and everything is frozen.
 */

import type {
  AmendmentRules,
  AttributeSpec,
  DeletionRules,
  Disclosure,
  IdentifierScheme,
  InquiryRules,
  ListDefinition,
  Measure,
  Policy,
  RecordType,
  RecordVariant,
  RelationshipRules,
  RepairDecisionRules,
  RepairRules,
  SubjectKind,
} from '../domain/policy.ts';
import { SUBJECT_KINDS } from '../domain/policy.ts';
import type { LocalText } from '../domain/local-text.ts';
import { digestPolicyDocument } from './digest.ts';

/** A policy document as the schema describes it (only trusted after validation). */
type Section = Record<string, Record<string, unknown>>;
interface Doc {
  readonly id: string;
  readonly version: string;
  readonly scoring: Policy['scoring'];
  readonly agency_kinds: Section;
  readonly identifier_schemes: Section;
  readonly purposes: Section;
  readonly record_types: Section;
  readonly lists: Section;
  readonly actions: Section;
  readonly measures: Section;
  readonly amendments?: Omit<AmendmentRules, 'retention'> & { readonly retention?: string };
  readonly inquiries?: InquiryRules;
  readonly relationships?: { roles: Section; agency_kinds: string[]; legal_basis: LocalText } & Pick<
    RelationshipRules,
    'published'
  >;
  readonly repair?: {
    minimum_periods: RepairRules['minimum_periods'];
    on_performance?: string[];
    deletion?: Omit<DeletionRules, 'holidays' | 'working_weekends'> & Partial<DeletionRules>;
    decision?: Omit<RepairDecisionRules, 'holidays' | 'working_weekends'> & Partial<RepairDecisionRules>;
    commitment?: RepairRules['commitment'];
  };
}

/** NDRC credit repair measures: the minimum periods when a policy has no `repair` section. */
const DEFAULT_REPAIR: RepairRules = {
  minimum_periods: { minor: 'P0D', general: 'P3M', serious: 'P1Y' },
  on_performance: [],
};

/**
 * How long an amendment is kept where the policy does not say: two years, the longest reach of FCRA § 611(d) (users
 * who got a report for employment purposes within two years are told), so whether and when a relying service was
 * told can be shown for as long as it could have been owed the amendment; no longer (PIPL art. 19).
 */
const DEFAULT_AMENDMENT_RETENTION = 'P2Y';

/** FCRA § 611(d): a policy without an `amendments` section tells those who relied within six months. */
const DEFAULT_AMENDMENTS: AmendmentRules = {
  lookback: 'P6M',
  retention: DEFAULT_AMENDMENT_RETENTION,
  legal_basis: {
    en: 'FCRA § 611(d), 15 U.S.C. § 1681i(d)',
    zh: '《美国公平信用报告法》第611条(d)款（《美国法典》第15编第1681i条(d)款）',
  },
};

/** A policy without an `inquiries` section keeps them three years (see policies/default/policy.yaml). */
const DEFAULT_INQUIRIES: InquiryRules = {
  retention: 'P3Y',
  legal_basis: {
    en: 'PIPL art. 19: kept for the shortest period necessary; art. 45: the subject may see and copy them',
    zh: '《个人信息保护法》第十九条：保存期限为实现处理目的所必要的最短时间；第四十五条：个人有权查阅、复制',
  },
};

/** The frozen policy for a valid document. The document is copied, not frozen. */
export function buildPolicy(document: unknown): Policy {
  const doc = structuredClone(document) as Doc;
  return deepFreeze({
    id: doc.id,
    version: doc.version,
    digest: digestPolicyDocument(document),
    scoring: doc.scoring,
    agency_kinds: idMap(doc.agency_kinds, named),
    identifier_schemes: idMap(doc.identifier_schemes, (id, e) => ({ id, ...e }) as unknown as IdentifierScheme),
    record_types: idMap(doc.record_types, buildRecordType),
    lists: idMap(doc.lists, (id, e) => ({ id, ...e }) as unknown as ListDefinition),
    actions: idMap(doc.actions, named),
    purposes: idMap(doc.purposes, named),
    measures: Object.entries(doc.measures).map(([id, e]) => ({ id, ...e }) as unknown as Measure),
    repair: doc.repair === undefined ? DEFAULT_REPAIR : buildRepair(doc.repair),
    amendments:
      doc.amendments === undefined ? DEFAULT_AMENDMENTS : { retention: DEFAULT_AMENDMENT_RETENTION, ...doc.amendments },
    inquiries: doc.inquiries ?? DEFAULT_INQUIRIES,
    relationships: doc.relationships === undefined ? null : buildRelationships(doc.relationships),
  });
}

function buildRelationships(section: NonNullable<Doc['relationships']>): RelationshipRules {
  return {
    roles: idMap(section.roles, named) as RelationshipRules['roles'],
    agency_kinds: section.agency_kinds,
    legal_basis: section.legal_basis,
    ...(section.published === undefined ? {} : { published: section.published }),
  };
}

function buildRepair(repair: NonNullable<Doc['repair']>): RepairRules {
  const { deletion, decision, commitment } = repair;
  const calendar = { holidays: [], working_weekends: [] };
  return {
    minimum_periods: repair.minimum_periods,
    on_performance: repair.on_performance ?? [],
    ...(deletion === undefined ? {} : { deletion: { ...calendar, ...deletion } }),
    ...(decision === undefined ? {} : { decision: { ...calendar, ...decision } }),
    ...(commitment === undefined ? {} : { commitment }),
  };
}

function named(id: string, entry: Record<string, unknown>): { id: string; name: LocalText } {
  return { id, name: entry.name as LocalText };
}

function idMap<T>(section: Section, build: (id: string, entry: Record<string, unknown>) => T): Map<string, T> {
  return new Map(Object.entries(section).map(([id, entry]) => [id, build(id, entry)]));
}

function buildRecordType(id: string, entry: Record<string, unknown>): RecordType {
  const type = entry as unknown as Omit<RecordType, 'id' | 'attributes' | 'variants' | 'disclosure'> & {
    attributes?: Record<string, Partial<AttributeSpec>>;
    variants?: RecordVariant[];
    disclosure: Partial<Record<SubjectKind, Disclosure>>;
  };
  const attributes = Object.fromEntries(
    Object.entries(type.attributes ?? {}).map(([name, spec]) => [name, { ...spec, required: spec.required ?? false }]),
  );
  return { id, ...type, attributes, variants: type.variants ?? [], disclosure: fullDisclosure(type.disclosure) };
}

/** Subject kinds a type does not cover are `private`: nothing about them can be disclosed. */
function fullDisclosure(disclosure: Partial<Record<SubjectKind, Disclosure>>): Record<SubjectKind, Disclosure> {
  return Object.fromEntries(SUBJECT_KINDS.map((kind) => [kind, disclosure[kind] ?? 'private'])) as Record<
    SubjectKind,
    Disclosure
  >;
}

function deepFreeze<T>(value: T): T {
  if (value instanceof Map) for (const item of value.values()) deepFreeze(item);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) deepFreeze(item);
  return Object.freeze(value);
}
