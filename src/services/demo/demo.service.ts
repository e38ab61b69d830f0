/**
 * `credence demo`: load a reproducible synthetic city through the ordinary intake, create a
 * key for every role, and say how to try them. Loading is idempotent (deterministic source
 * refs and dates); the keys are new on every run, since a key cannot be shown twice.
 */

import { evaluateSubject } from '../../domain/evaluate.ts';
import type { Policy } from '../../domain/policy.ts';
import type { CreditRecord } from '../../domain/record.ts';
import { CredenceError, type ProblemDetail } from '../../errors.ts';
import { getRecordById, getRecordsBySourceRefs } from '../../store/records.repository.ts';
import type { Executor } from '../../store/executor.ts';
import { generateDemoCity, type DemoCity } from '../../domain/demo-city.ts';
import {
  DEMO_AGENCY_KINDS,
  DEMO_RECORD_TYPES,
  demoSourceRef,
  type DemoRecord,
  type DemoSubject,
} from '../../domain/demo-records.ts';
import { demoExamples, type DemoExamples } from './demo-examples.service.ts';
import type { AgencyContact } from '../../domain/agency-contact.ts';
import { ensureAgency } from '../accounts/agencies.service.ts';
import { fileRecords, type Filer } from '../records/intake.service.ts';
import { createPrincipal, type NewPrincipal } from '../accounts/principals.service.ts';
import type { ServiceContext } from '../context.ts';

export const DEFAULT_DEMO_SUBJECTS = 10_000;
export const DEFAULT_DEMO_SEED = 2026;
const BATCH_SIZE = 5000;
const DAY_MS = 86_400_000;

/** Names of the demo agencies by kind; a kind not listed is named after the policy's name for it. */
const AGENCY_NAMES: Record<string, string> = {
  court: '北京市朝阳区人民法院 (demo)',
  tax: '国家税务总局北京市税务局 (demo)',
  market: '北京市市场监督管理局 (demo)',
  licensing: '北京市政务服务和数据管理局 (demo)',
  government: '北京市人民政府 (demo)',
};

/**
 * How to reach each demo agency (issue 11: the exit route names the agency and how to reach it): the national public
 * service hotline of its kind (12368 courts, 12366 tax, 12315 market regulation, 12345 government services).
 */
const AGENCY_CONTACTS: Readonly<Record<string, AgencyContact>> = {
  court: { en: 'Litigation service hotline, or the enforcement office', zh: '诉讼服务热线，或执行局', phone: '12368' },
  tax: { en: 'Tax service hotline, or any tax service hall', zh: '纳税服务热线，或任一办税服务厅', phone: '12366' },
  market: { en: 'Market regulation hotline', zh: '市场监管热线', phone: '12315' },
  licensing: { en: 'Government service hotline', zh: '政务服务便民热线', phone: '12345' },
  government: { en: 'Government service hotline', zh: '政务服务便民热线', phone: '12345' },
};

export interface DemoOptions {
  readonly subjects: number;
  readonly seed: number;
  /** Where the server listens, for the curl examples, e.g. http://127.0.0.1:8080. */
  readonly baseUrl: string;
}

export interface DemoKeys {
  readonly operator: string;
  readonly auditor: string;
  readonly relying: string;
  readonly subject: string;
  /** One key per agency kind, filing as agency `demo-KIND`. */
  readonly agency: Readonly<Record<string, string>>;
}

export interface DemoCounts {
  readonly subjects: number;
  readonly subjects_with_records: number;
  readonly records: number;
  readonly created: number;
  readonly duplicate: number;
  readonly records_by_type: Readonly<Record<string, number>>;
  /** Subjects on each list now, by membership status (`pending` during the notice period). */
  readonly lists: Readonly<Record<string, { active: number; pending: number }>>;
}

export interface DemoResult {
  readonly keys: DemoKeys;
  readonly examples: DemoExamples;
  readonly counts: DemoCounts;
  readonly subjects: DemoCity['showcase'];
}

/** Loads the city (files nothing twice) as of `ctx.clock()` and creates fresh demo keys. */
export async function loadDemo(ctx: ServiceContext, options: DemoOptions): Promise<DemoResult> {
  const { db, policy } = ctx;
  const now = ctx.clock();
  checkPolicy(policy);
  const filers = new Map<string, Filer>();
  for (const [kind, spec] of policy.agency_kinds) {
    filers.set(
      kind,
      await ensureAgency(ctx, {
        id: `demo-${kind}`,
        kind,
        name: AGENCY_NAMES[kind] ?? `${spec.name.en} (demo)`,
        ...(AGENCY_CONTACTS[kind] === undefined ? {} : { contact: AGENCY_CONTACTS[kind] }),
      }),
    );
  }
  const filedAt = (await firstLoadTime(db, options.seed)) ?? now;
  const city = generateDemoCity(policy, {
    subjects: options.subjects,
    seed: options.seed,
    anchor: startOfDay(filedAt),
  });
  const filed = await fileCity(ctx, filers, city.records);
  const keys = await createDemoKeys(ctx, city.showcase.listedPerson);
  return {
    keys,
    examples: demoExamples(options.baseUrl, keys, city.showcase, policy, now),
    counts: { ...countCity(policy, city, filedAt, now), ...filed },
    subjects: city.showcase,
  };
}

function checkPolicy(policy: Policy): void {
  const missing = [
    ...DEMO_RECORD_TYPES.filter((t) => !policy.record_types.has(t)),
    ...DEMO_AGENCY_KINDS.filter((k) => !policy.agency_kinds.has(k)),
    ...['travel.air.premium_class', 'procurement.bid'].filter((a) => !policy.actions.has(a)),
    ...['ticketing', 'procurement'].filter((p) => !policy.purposes.has(p)),
  ];
  if (missing.length > 0)
    throw new CredenceError(
      'CRD_POLICY_INVALID',
      "the demo needs the default policy's agency kinds, record types, actions and purposes; " +
        `this policy lacks ${missing.join(', ')}`,
    );
}

/**
 * When this seed's city was first loaded, from its first record (always the court's). Dates
 * count back from that day, not from today, so a rerun files the very same records.
 */
async function firstLoadTime(db: Executor, seed: number): Promise<Date | undefined> {
  const [first] = await getRecordsBySourceRefs(db, 'demo-court', [demoSourceRef(seed, 0)]);
  return first === undefined ? undefined : (await getRecordById(db, first.id))?.filed_at;
}

function startOfDay(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
}

async function fileCity(
  ctx: ServiceContext,
  filers: ReadonlyMap<string, Filer>,
  records: readonly DemoRecord[],
): Promise<{ created: number; duplicate: number }> {
  let created = 0;
  let duplicate = 0;
  const problems: ProblemDetail[] = [];
  for (const [kind, filer] of filers) {
    const inputs = records.filter((r) => r.agency_kind === kind).map((r) => r.input);
    for (let start = 0; start < inputs.length; start += BATCH_SIZE) {
      const result = await fileRecords(ctx, filer, inputs.slice(start, start + BATCH_SIZE));
      for (const a of result.accepted)
        if (a.status === 'created') created += 1;
        else duplicate += 1;
      for (const r of result.rejected)
        problems.push(...r.errors.map((e) => ({ ...e, path: `${r.source_ref}.${e.path}` })));
    }
  }
  if (problems.length > 0) {
    throw new CredenceError(
      problems[0]!.code,
      `${problems.length} demo record(s) were refused, e.g. ${problems[0]!.path}: ${problems[0]!.message}; ` +
        'a database with an older demo for this seed needs another --seed',
      problems.slice(0, 10),
    );
  }
  return { created, duplicate };
}

async function createDemoKeys(ctx: ServiceContext, person: DemoSubject): Promise<DemoKeys> {
  const { policy } = ctx;
  const key = async (input: NewPrincipal) => (await createPrincipal(ctx, input)).key;
  const agency: Record<string, string> = {};
  for (const kind of policy.agency_kinds.keys())
    agency[kind] = await key({
      role: 'agency',
      name: `Demo ${kind} agency`,
      agency_id: `demo-${kind}`,
      agency_kind: kind,
    });
  return {
    operator: await key({ role: 'operator', name: 'Demo operator' }),
    auditor: await key({ role: 'auditor', name: 'Demo auditor' }),
    relying: await key({
      role: 'relying',
      name: 'Demo relying service',
      actions: [...policy.actions.keys()],
      purposes: [...policy.purposes.keys()],
    }),
    subject: await key({
      role: 'subject',
      name: `Demo subject ${person.name}`,
      subject: `${person.scheme}:${person.id}`,
    }),
    agency,
  };
}

/** Counts by type, and list memberships now from the pure evaluation of each subject's file. */
function countCity(
  policy: Policy,
  city: DemoCity,
  filedAt: Date,
  now: Date,
): Omit<DemoCounts, 'created' | 'duplicate'> {
  const files = new Map<string, { subject: DemoSubject; records: CreditRecord[] }>();
  const byType: Record<string, number> = {};
  city.records.forEach((r, i) => {
    const { subject, decided_at, ...input } = r.input;
    byType[input.type] = (byType[input.type] ?? 0) + 1;
    const key = `${subject.scheme}:${subject.id}`;
    const file = files.get(key) ?? { subject, records: [] };
    const decided = new Date(decided_at);
    file.records.push({
      ...input,
      id: String(i),
      subject_id: key,
      agency_id: `demo-${r.agency_kind}`,
      decided_at: decided,
      effective_at: decided,
      expires_at: null,
      filed_at: filedAt,
      status: 'active',
    });
    files.set(key, file);
  });
  const lists: Record<string, { active: number; pending: number }> = {};
  for (const id of policy.lists.keys()) lists[id] = { active: 0, pending: 0 };
  for (const file of files.values()) {
    for (const m of evaluateSubject(policy, { kind: file.subject.kind, records: file.records }, now).lists)
      lists[m.list]![m.status] += 1;
  }
  return {
    subjects: city.subjects.length,
    subjects_with_records: files.size,
    records: city.records.length,
    records_by_type: byType,
    lists,
  };
}
