/**
 * Synthetic but valid bench data, deterministic from a seed: court filings to import, subject
 * files to evaluate, and identifiers to ask about.
 */

import {
  createRandom,
  generateLei,
  generateResidentId,
  generateUscc,
  type Random,
} from '../src/domain/identifier-generators.ts';
import type { Policy, RecordType, SubjectKind } from '../src/domain/policy.ts';
import type { CreditRecord, RecordStatus, SubjectFile } from '../src/domain/record.ts';
import type { RecordInput } from '../src/domain/record-input.ts';
import type { SubjectRef } from '../src/services/decisions/decisions.service.ts';

const DAY_MS = 86_400_000;
const SURNAMES = [
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Chen',
  'Yang',
  'Zhao',
  'Huang',
  'Zhou',
  'Wu',
  'Xu',
  'Sun',
  'Ma',
  'Zhu',
  'Hu',
  'Guo',
];
const GIVEN = [
  'Wei',
  'Fang',
  'Na',
  'Min',
  'Jing',
  'Lei',
  'Qiang',
  'Jun',
  'Yang',
  'Yan',
  'Tao',
  'Ming',
  'Chao',
  'Xiu Ying',
  'Gang',
  'Hui',
];
const TRADES = [
  'Trading',
  'Construction',
  'Technology',
  'Logistics',
  'Catering',
  'Real Estate',
  'Pharmaceutical',
  'Media',
];
const CRITERIA = [
  'able_but_refuses',
  'obstructs_enforcement',
  'false_litigation_or_hiding_assets',
  'violates_asset_reporting',
  'violates_spending_restriction',
  'refuses_settlement',
];
const PENALTY_TIERS = ['minor', 'general', 'general', 'serious'];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[random.int(items.length)]!;
}

/** An identifier of the given kind: persons by resident ID, organisations mostly by USCC. */
export function generateIdentifier(random: Random, kind: SubjectKind): SubjectRef {
  if (kind === 'person') return { scheme: 'cn-rid', id: generateResidentId(random) };
  return random.next() < 0.8
    ? { scheme: 'cn-uscc', id: generateUscc(random) }
    : { scheme: 'lei', id: generateLei(random) };
}

function subjectName(random: Random, kind: SubjectKind): string {
  if (kind === 'person') return `${pick(random, SURNAMES)} ${pick(random, GIVEN)}`;
  return `Beijing ${pick(random, SURNAMES)}${pick(random, GIVEN).replace(' ', '')} ${pick(random, TRADES)} Co., Ltd.`;
}

/** `count` distinct identifiers (of either kind), none of them in `exclude`. */
export function distinctSubjects(
  random: Random,
  count: number,
  exclude: ReadonlySet<string> = new Set(),
): { kind: SubjectKind; ref: SubjectRef }[] {
  const seen = new Set<string>();
  const result: { kind: SubjectKind; ref: SubjectRef }[] = [];
  while (result.length < count) {
    const kind: SubjectKind = random.next() < 0.8 ? 'person' : 'organization';
    const ref = generateIdentifier(random, kind);
    const key = `${ref.scheme}:${ref.id}`;
    if (seen.has(key) || exclude.has(key)) continue;
    seen.add(key);
    result.push({ kind, ref });
  }
  return result;
}

/**
 * One court filing per subject, as an intermediate people's court would send them: 70%
 * dishonest-judgment-debtor listings (any of the six art. 1 grounds), 30% administrative
 * penalties of every tier. Decided within the last ~2 years, so most subjects end up listed.
 */
export function courtFilings(
  seed: number,
  count: number,
  now: Date,
): { inputs: RecordInput[]; subjects: SubjectRef[] } {
  const random = createRandom(seed);
  const subjects = distinctSubjects(random, count);
  const inputs = subjects.map(({ kind, ref }, i): RecordInput => {
    const decided = new Date(now.getTime() - (1 + random.int(700)) * DAY_MS).toISOString();
    const subject = { kind, scheme: ref.scheme, id: ref.id, name: subjectName(random, kind) };
    const common = {
      source_ref: `BJ1IPC-ENF-${seed}-${i}`,
      subject,
      decided_at: decided,
      document_ref: `(2025) Jing 01 Zhi ${10_000 + i}`,
    };
    if (random.next() < 0.7) {
      return {
        ...common,
        type: 'court.judgment_default',
        legal_basis: 'Fa Shi [2013] 17 as amended by Fa Shi [2017] 7, art. 1',
        summary: 'Debtor listed after failing to perform an effective judgment',
        attributes: { criterion: pick(random, CRITERIA) },
      };
    }
    return {
      ...common,
      type: 'admin.penalty',
      legal_basis: 'Civil Procedure Law of the PRC, art. 114',
      summary: 'Fine for obstructing enforcement',
      attributes: { tier: pick(random, PENALTY_TIERS) },
    };
  });
  return { inputs, subjects: subjects.map((s) => s.ref) };
}

/** Record types and their relative frequency in the evaluation population. */
const TYPE_WEIGHTS: Record<string, number> = {
  'admin.penalty': 35,
  'tax.arrears': 20,
  'court.judgment_default': 20,
  'tax.credit_grade': 12,
  'market.abnormal_operations': 8,
  'license.revocation': 3,
  'commendation.government': 2,
};

const STATUSES: readonly [RecordStatus, number][] = [
  ['active', 0.88],
  ['disputed', 0.04],
  ['revoked', 0.03],
  ['expired', 0.03],
  ['repaired', 0.02],
];

function weightedStatus(random: Random): RecordStatus {
  let x = random.next();
  for (const [status, weight] of STATUSES) {
    x -= weight;
    if (x < 0) return status;
  }
  return 'active';
}

function attributesFor(random: Random, type: RecordType): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, spec] of Object.entries(type.attributes)) {
    if (spec.enum !== undefined) attributes[name] = pick(random, spec.enum);
    else if (spec.required) attributes[name] = String(random.int(100_000));
  }
  return attributes;
}

function typesByKind(policy: Policy, kind: SubjectKind): { type: RecordType; weight: number }[] {
  return [...policy.record_types.values()]
    .filter((t) => t.subject_kinds.includes(kind))
    .map((type) => ({ type, weight: TYPE_WEIGHTS[type.id] ?? 1 }));
}

function pickType(random: Random, types: readonly { type: RecordType; weight: number }[]): RecordType {
  let x = random.next() * types.reduce((sum, t) => sum + t.weight, 0);
  for (const t of types) {
    x -= t.weight;
    if (x < 0) return t.type;
  }
  return types[types.length - 1]!.type;
}

/** How many records a subject has: most 0-3, a thin tail up to 8. */
function recordCount(random: Random): number {
  const x = random.next();
  return x < 0.1 ? 0 : x < 0.55 ? 1 : x < 0.83 ? 2 : x < 0.97 ? 3 : 4 + random.int(5);
}

/** `count` subject files for evaluateSubject, with records over the last four years. */
export function subjectFiles(policy: Policy, seed: number, count: number, now: Date): SubjectFile[] {
  const random = createRandom(seed);
  const types = { person: typesByKind(policy, 'person'), organization: typesByKind(policy, 'organization') };
  let nextId = 1;
  const files: SubjectFile[] = [];
  for (let s = 0; s < count; s += 1) {
    const kind: SubjectKind = random.next() < 0.8 ? 'person' : 'organization';
    const records: CreditRecord[] = [];
    for (let r = recordCount(random); r > 0; r -= 1) {
      const type = pickType(random, types[kind]);
      const effective = new Date(now.getTime() - random.int(4 * 365) * DAY_MS);
      const id = String(nextId++);
      records.push({
        id,
        subject_id: String(s + 1),
        agency_id: 'bench-agency',
        type: type.id,
        source_ref: `S-${id}`,
        decided_at: effective,
        effective_at: effective,
        expires_at: random.next() < 0.1 ? new Date(effective.getTime() + 200 * DAY_MS) : null,
        filed_at: new Date(effective.getTime() + random.int(5) * DAY_MS),
        legal_basis: type.legal_basis.en,
        document_ref: `DOC-${id}`,
        summary: null,
        attributes: attributesFor(random, type),
        status: weightedStatus(random),
      });
    }
    files.push({ kind, records });
  }
  return files;
}

/** Batches of refs alternating listed and unknown identifiers, each batch a different slice. */
export function mixedBatches(
  listed: readonly SubjectRef[],
  unknown: readonly SubjectRef[],
  batches: number,
  size: number,
): SubjectRef[][] {
  const result: SubjectRef[][] = [];
  let l = 0;
  let u = 0;
  for (let b = 0; b < batches; b += 1) {
    const batch: SubjectRef[] = new Array(size);
    for (let i = 0; i < size; i += 1)
      batch[i] = i % 2 === 0 ? listed[l++ % listed.length]! : unknown[u++ % unknown.length]!;
    result.push(batch);
  }
  return result;
}
