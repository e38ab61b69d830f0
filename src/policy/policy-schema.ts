/**
 * JSON Schema (draft 2020-12 subset, as Ajv 8 reads it) for the shape of a merged policy
 * document. It checks shape only; references between sections, durations, the special-category
 * refusal and the sanction rules are semantic checks (`check-*.ts`). A `description` on a
 * `pattern` or `type` schema is the message shown when the value does not match.
 */

const KEBAB_ID = {
  type: 'string',
  pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  description: 'must be a kebab-case id such as "red-list"',
};
const KIND_ID = {
  type: 'string',
  pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  description: 'must be a lower-case id such as "court"',
};
const DOTTED_ID = {
  type: 'string',
  pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$',
  description: 'must be a namespaced id such as "court.judgment_default"',
};
const MEASURE_ID = {
  type: 'string',
  pattern: '^[a-z][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)*$',
  description: 'must be a lower-case id such as "red-list.permits"',
};
const ATTRIBUTE_NAME = {
  type: 'string',
  pattern: '^[a-z][a-z0-9_]*$',
  description: 'must be a snake_case name such as "criterion"',
};
const GRADE = { type: 'string', pattern: '^[A-Z][A-Z0-9+-]{0,7}$', description: 'must be a grade such as "AA"' };
const TEXT = { type: 'string', pattern: '\\S', maxLength: 500, description: 'must not be empty' };

/**
 * A text a person reads, in every language (DESIGN: "the policy carries both languages for every text a
 * person reads"): `{en: ..., zh: ...}`, neither empty, nothing else.
 */
function localText(maxLength: number, empty = 'must not be empty'): object {
  const text = { type: 'string', pattern: '\\S', maxLength, description: empty };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['en', 'zh'],
    properties: { en: text, zh: text },
    description: 'must be a text in English and Chinese: {en: ..., zh: ...}',
  };
}

const NAME = localText(200);
const LOCAL_TEXT = localText(500);
const LEGAL_BASIS = localText(500, 'must cite a legal basis (DESIGN: every list and measure cites its legal basis)');
/** An exit route names the steps, the agency, its deadline and the appeal: room for a paragraph. */
const EXIT = localText(2000, 'must say how a subject leaves the list (DESIGN: notice of the exit route)');
const DURATION = { type: 'string' };
const SUBJECT_KINDS = {
  type: 'array',
  minItems: 1,
  uniqueItems: true,
  items: { enum: ['person', 'organization'] },
};
const TIER = { enum: ['minor', 'general', 'serious', 'positive'] };
const DISCLOSURE_LEVEL = { enum: ['public', 'shared', 'private'] };
const DISCLOSURE = {
  type: 'object',
  additionalProperties: false,
  properties: { person: DISCLOSURE_LEVEL, organization: DISCLOSURE_LEVEL },
};

/** A map from ids matching `key` to objects matching `value`. */
function idMap(key: object, value: object, minProperties = 0): object {
  return { type: 'object', propertyNames: key, additionalProperties: value, minProperties };
}

/** An object with exactly these properties, the `required` ones mandatory. */
function record(properties: Record<string, object>, required: readonly string[]): object {
  return { type: 'object', additionalProperties: false, required, properties };
}

const NAMED = record({ name: NAME }, ['name']);

/** `labels` gives each `enum` value its text for people; check-record-types.ts matches the two. */
const ATTRIBUTE = record(
  {
    description: LOCAL_TEXT,
    required: { type: 'boolean' },
    enum: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 100 } },
    labels: { type: 'object', additionalProperties: NAME },
  },
  [],
);

const VARIANT = record(
  {
    when: { type: 'object', minProperties: 1, propertyNames: ATTRIBUTE_NAME, additionalProperties: { type: 'string' } },
    tier: TIER,
    points: { type: 'integer' },
    duration: { type: ['string', 'null'] },
    disclosure: DISCLOSURE,
  },
  ['when'],
);

const RECORD_TYPE = record(
  {
    name: NAME,
    agency_kinds: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
    subject_kinds: SUBJECT_KINDS,
    tier: TIER,
    legal_basis: LEGAL_BASIS,
    points: { type: 'integer' },
    duration: { type: ['string', 'null'] },
    max_duration: DURATION,
    disclosure: DISCLOSURE,
    dispute: record(
      { days: { type: 'integer', minimum: 1, maximum: 365 }, while_disputed: { enum: ['keep', 'suspend'] } },
      ['days', 'while_disputed'],
    ),
    attributes: idMap(ATTRIBUTE_NAME, ATTRIBUTE),
    variants: { type: 'array', items: VARIANT },
    extends: DOTTED_ID,
  },
  [
    'name',
    'agency_kinds',
    'subject_kinds',
    'tier',
    'legal_basis',
    'points',
    'duration',
    'max_duration',
    'disclosure',
    'dispute',
  ],
);

const CRITERION = record(
  {
    record_type: { type: 'string' },
    where: {
      type: 'object',
      minProperties: 1,
      propertyNames: ATTRIBUTE_NAME,
      additionalProperties: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
    },
    consecutive_years: { type: 'integer', minimum: 2, maximum: 10 },
  },
  ['record_type'],
);

const LIST = record(
  {
    name: NAME,
    kind: { enum: ['sanction', 'reward'] },
    legal_basis: LEGAL_BASIS,
    max_duration: DURATION,
    notice_days: { type: 'integer', minimum: 0, maximum: 365 },
    subject_kinds: SUBJECT_KINDS,
    criteria: { type: 'array', minItems: 1, items: CRITERION },
    exit: EXIT,
  },
  ['name', 'kind', 'legal_basis', 'max_duration', 'notice_days', 'subject_kinds', 'criteria', 'exit'],
);

const RELATIONSHIP_ROLE = { enum: ['legal_representative', 'principal', 'actual_controller', 'directly_responsible'] };

/**
 * A measure binding related persons (Fa Shi [2015] 17 art. 3 para. 2): the roles it reaches, the law that says
 * so (required: DESIGN, no binding a person through an organisation without the law), and the record type by
 * which a court exempts a person (check-relationships.ts checks the references).
 */
const BINDS_RELATED = record(
  {
    roles: { type: 'array', minItems: 1, uniqueItems: true, items: RELATIONSHIP_ROLE },
    legal_basis: LEGAL_BASIS,
    exempted_by: DOTTED_ID,
  },
  ['roles', 'legal_basis'],
);

/** Who may file relationships (agency kinds), the roles by name, and the law that has them filed. */
const RELATIONSHIPS = record(
  {
    roles: { type: 'object', propertyNames: RELATIONSHIP_ROLE, additionalProperties: NAMED, minProperties: 1 },
    agency_kinds: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
    legal_basis: LEGAL_BASIS,
    // Fa Shi [2017] 7 art. 6(1): the lists that publish an organisation's persons in these roles, by name.
    published: record(
      {
        roles: { type: 'array', minItems: 1, uniqueItems: true, items: RELATIONSHIP_ROLE },
        lists: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
        legal_basis: LEGAL_BASIS,
      },
      ['roles', 'lists', 'legal_basis'],
    ),
  },
  ['roles', 'agency_kinds', 'legal_basis'],
);

const MEASURE = record(
  {
    effect: { enum: ['deny', 'restrict', 'review', 'waive', 'expedite'] },
    actions: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
    legal_basis: LEGAL_BASIS,
    list: { type: 'string' },
    grades: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
    description: LOCAL_TEXT,
    binds_related: BINDS_RELATED,
  },
  ['effect', 'actions', 'legal_basis'],
);

const IDENTIFIER_SCHEME = record(
  {
    name: NAME,
    subject_kinds: SUBJECT_KINDS,
    check: { enum: ['gb11643', 'gb32100', 'iso17442'] },
    pattern: { type: 'string', minLength: 1, maxLength: 200 },
  },
  ['name', 'subject_kinds'],
);

const SCORING = record(
  {
    base: { type: 'integer' },
    grades: { type: 'array', minItems: 1, items: record({ grade: GRADE, min: { type: 'integer' } }, ['grade', 'min']) },
    factors_reported: { type: 'integer', minimum: 1, maximum: 10 },
  },
  ['base', 'grades', 'factors_reported'],
);

const DAY = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'must be a date such as "2026-10-01"' };
const DAYS = { type: 'array', uniqueItems: true, items: DAY };

/** Fa Shi [2017] 7 art. 10: deletion within so many working days, on the grounds listed (each with its text). */
const DELETION = record(
  {
    record_types: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
    working_days: { type: 'integer', minimum: 1, maximum: 60 },
    holidays: DAYS,
    working_weekends: DAYS,
    grounds: idMap(ATTRIBUTE_NAME, LOCAL_TEXT, 1),
  },
  ['record_types', 'working_days', 'grounds'],
);

/** NDRC Order No. 36 (2025): every repair application decided within so many working days. */
const DECISION = record(
  {
    working_days: { type: 'integer', minimum: 1, maximum: 60 },
    holidays: DAYS,
    working_weekends: DAYS,
    legal_basis: LEGAL_BASIS,
  },
  ['working_days', 'legal_basis'],
);

const REPAIR = record(
  {
    minimum_periods: record({ minor: DURATION, general: DURATION, serious: DURATION }, ['minor', 'general', 'serious']),
    on_performance: { type: 'array', uniqueItems: true, items: { type: 'string' } },
    deletion: DELETION,
    decision: DECISION,
    // NDRC Order No. 36 (2025): with this section, repair needs a public credit commitment.
    commitment: record({ legal_basis: LEGAL_BASIS }, ['legal_basis']),
  },
  ['minimum_periods'],
);

/** A duration of years, months, weeks or days (at least one part). */
const calendarDuration = (example: string) => ({
  type: 'string',
  pattern: '^P(?=\\d)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?$',
  description: `must be an ISO 8601 duration of years, months, weeks or days such as "${example}"`,
});

/**
 * FCRA § 611(d), 15 U.S.C. § 1681i(d): relying services that got a decision within `lookback` are told when a record
 * behind it changes. A duration of years, months, weeks or days (at least one part). `retention`, the same kind of
 * duration, is how long an amendment is kept once delivered or given up (default P2Y, build-policy.ts).
 */
const AMENDMENTS = record(
  { lookback: calendarDuration('P6M'), legal_basis: LEGAL_BASIS, retention: calendarDuration('P2Y') },
  ['lookback', 'legal_basis'],
);

/**
 * How long inquiries are kept (PIPL art. 19: no longer than the purpose needs), shown to subjects with its basis. A
 * duration of years or months (at least one month: inquiries are kept, and dropped, a month at a time).
 */
const INQUIRIES = record(
  {
    retention: {
      type: 'string',
      pattern: '^P(?=\\d+[YM])(\\d+Y)?(\\d+M)?$',
      description: 'must be an ISO 8601 duration of years or months such as "P3Y"',
    },
    legal_basis: LEGAL_BASIS,
  },
  ['retention', 'legal_basis'],
);

/** The whole merged policy document. */
export const POLICY_SCHEMA = record(
  {
    id: KEBAB_ID,
    version: { type: 'string', pattern: '^\\S+$', maxLength: 40, description: 'must be a version such as "2026.11.1"' },
    description: TEXT,
    scoring: SCORING,
    agency_kinds: idMap(KIND_ID, NAMED, 1),
    identifier_schemes: idMap(KEBAB_ID, IDENTIFIER_SCHEME, 1),
    purposes: idMap(KEBAB_ID, NAMED, 1),
    record_types: idMap(DOTTED_ID, RECORD_TYPE, 1),
    lists: idMap(KEBAB_ID, LIST),
    actions: idMap(DOTTED_ID, NAMED, 1),
    measures: idMap(MEASURE_ID, MEASURE),
    repair: REPAIR,
    amendments: AMENDMENTS,
    inquiries: INQUIRIES,
    relationships: RELATIONSHIPS,
  },
  [
    'id',
    'version',
    'scoring',
    'agency_kinds',
    'identifier_schemes',
    'purposes',
    'record_types',
    'lists',
    'actions',
    'measures',
  ],
);
