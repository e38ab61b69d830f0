/**
 * `npm run bench:city -- --subjects N[,M…]`: every read issue 12 wants flat as the city grows, at the size of a
 * city. Loads the demo's synthetic city of each size (the demo loader as it is, each in its own database), then
 * times each read as p50 / p99 over repeated requests through the app (in-process `inject`, so the figures are the
 * server's and the database's), the cities side by side, request slices alternating between them so that the
 * load of a shared machine falls on both alike: the first and last page of each public list (API and page), the
 * search, the transparency report, notice deliveries, an agency's records, disputes, a subject's inquiries and
 * report. The last column is the largest city's p99 over the smallest's (the target: at most 1.5).
 *
 *   npm run bench:city                                    100,000 and 1,000,000 subjects, 100 requests a read
 *   npm run bench:city -- --subjects 100000,4000000 --requests 200 --json
 *
 * DATABASE_URL picks a server (a database per city is created and dropped); without it an embedded cluster is
 * created in a temporary directory per city and removed. Progress goes to stderr.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPrincipal } from '../src/services/accounts/principals.service.ts';
import { DEFAULT_DEMO_SEED, loadDemo } from '../src/services/demo/demo.service.ts';
import { openLogSigner } from '../src/services/ledger/log-key.service.ts';
import { listOwnRecords } from '../src/services/records/agency-records.service.ts';
import { openRegistry, type Registry } from '../src/services/runtime/open-registry.ts';
import { type City, type Figure, measureCities, type Read } from './city-reads.ts';
import { openBenchDatabase } from './setup.ts';

const { values } = parseArgs({
  options: {
    subjects: { type: 'string', default: '100000,1000000' },
    requests: { type: 'string', default: '100' },
    json: { type: 'boolean', default: false },
  },
});
const sizes = values.subjects.split(',').map(Number);
const requests = Number(values.requests);
const log = (message: string) => process.stderr.write(`${message}\n`);

interface LoadedCity extends City {
  readonly subjects: number;
  readonly records: number;
  readonly load_seconds: number;
  readonly database: string;
  /** The notices the load wrote and their average stored row (issue 12: at most 300 bytes). */
  readonly notices: { readonly count: number; readonly avg_row_bytes: number };
  close(): Promise<void>;
}

const cities: LoadedCity[] = [];
try {
  for (const subjects of sizes) cities.push(await loadCity(subjects));
  const started = os.loadavg();
  const figures = await measureCities(cities, requests, log);
  const summary = {
    cities: cities.map(({ subjects, records, load_seconds, database, notices }) => ({
      subjects,
      records,
      load_seconds,
      database,
      notices,
    })),
    requests_per_read: requests,
    load_average: { start: started.map(round), end: os.loadavg().map(round) },
    cpus: os.cpus().length,
    reads: figures,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else printTable(summary);
} finally {
  for (const city of cities) await city.close();
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** A database with the demo's city of `subjects` loaded, an app on it, and the reads to time there. */
async function loadCity(subjects: number): Promise<LoadedCity> {
  const database = await openBenchDatabase(log);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'credence-bench-city-'));
  let registry: Registry | undefined;
  const close = async () => {
    await registry?.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', CREDENCE_DATA_DIR: dataDir });
    registry = await openRegistry(config, { applicationName: 'credence-bench-city', warmIndex: false });
    const rt = registry.rt;
    log(`loading a city of ${subjects.toLocaleString('en')} subjects (the demo loader)…`);
    const started = performance.now();
    const demo = await loadDemo(rt, { subjects, seed: DEFAULT_DEMO_SEED, baseUrl: 'http://bench' });
    const loadSeconds = Math.round((performance.now() - started) / 1000);
    const logKey = (await openLogSigner(config)).verifierKey;
    const app = await buildApp({ rt, follower: registry.follower, logKey });
    const court = await createPrincipal(rt, {
      role: 'agency',
      name: 'Bench clerk',
      agency_id: 'demo-court',
      agency_kind: 'court',
    });
    const keys = demo.keys;
    const person = demo.subjects.listedPerson;
    await fillCity(app, keys, person);
    log('analyze…');
    await sql`analyze`.execute(rt.db);
    const [size] = (
      await sql<{ size: string }>`select pg_size_pretty(pg_database_size(current_database())) as size`.execute(rt.db)
    ).rows;
    const notices = await noticeRowSize(rt.db);
    const ownRecords = (after?: string) => listOwnRecords(rt, court.principal, { after });
    const reads: Read[] = [
      ...publicListReads(),
      {
        name: 'search (API): a company by name',
        url: `/v1/public/search?q=${enc(demo.subjects.listedOrganization.name)}`,
      },
      {
        name: 'search (page): a common name fragment',
        url: `/?q=${enc(demo.subjects.listedOrganization.name.slice(0, 2))}`,
      },
      { name: 'transparency (API)', url: '/v1/public/transparency' },
      { name: 'transparency (page)', url: '/transparency' },
      {
        name: 'deliveries (API), pending: first page',
        url: '/v1/notices/deliveries?status=pending',
        key: keys.operator,
      },
      {
        name: 'deliveries (API), pending: last page',
        url: '/v1/notices/deliveries?status=pending',
        key: keys.operator,
        last: true,
      },
      { name: 'agency records: first page', prepare: async () => () => ownRecords() },
      {
        name: 'agency records: last page',
        prepare: async () => {
          const last = (await ownRecords()).last ?? undefined;
          return () => ownRecords(last);
        },
      },
      { name: 'disputes (API), open', url: '/v1/disputes?status=open', key: keys.operator },
      {
        name: "a subject's inquiries (API)",
        url: `/v1/subjects/${person.scheme}/${person.id}/inquiries`,
        key: keys.operator,
      },
      {
        name: "a subject's report (API)",
        url: `/v1/subjects/${person.scheme}/${person.id}/report`,
        key: keys.operator,
      },
    ];
    const records = demo.counts.records;
    const loaded = { subjects, records, load_seconds: loadSeconds, database: size?.size ?? '?', notices };
    return { app, reads, ...loaded, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** How many notices there are and their average stored row, in bytes (`pg_column_size` of the row). */
async function noticeRowSize(db: Registry['rt']['db']): Promise<LoadedCity['notices']> {
  const { rows } = await sql<{ count: string; avg: string | null }>`
    select count(*) as count, avg(pg_column_size(n.*)) as avg from notices n`.execute(db);
  return { count: Number(rows[0]?.count ?? 0), avg_row_bytes: Math.round(Number(rows[0]?.avg ?? 0)) };
}

function enc(text: string): string {
  return encodeURIComponent(text);
}

/** First and last pages of every public list, by API; the judgment debtors' list as a page too. */
function publicListReads(): Read[] {
  const lists = ['judgment-defaulters', 'serious-dishonesty', 'red-list'];
  return [
    ...lists.flatMap((list) => [
      { name: `public list ${list} (API): first page`, url: `/v1/public/lists/${list}` },
      { name: `public list ${list} (API): last page`, url: `/v1/public/lists/${list}`, last: true },
    ]),
    { name: 'public list judgment-defaulters (page): first', url: '/lists/judgment-defaulters' },
    { name: 'public list judgment-defaulters (page): last', url: '/lists/judgment-defaulters', last: true },
  ];
}

/**
 * What the demo does not make: decisions about the showcase person (their inquiries) and disputes (the open
 * disputes' list), through the API.
 */
async function fillCity(
  app: Awaited<ReturnType<typeof buildApp>>,
  keys: { relying: string; operator: string },
  person: { scheme: string; id: string },
): Promise<void> {
  const post = (url: string, key: string, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${key}` }, payload: payload as object });
  for (let i = 0; i < 200; i += 1)
    await post('/v1/decisions', keys.relying, {
      subject: { scheme: person.scheme, id: person.id },
      action: 'travel.air.premium_class',
      purpose: 'ticketing',
    });
  const report = await app.inject({
    url: `/v1/subjects/${person.scheme}/${person.id}/report`,
    headers: { authorization: `Bearer ${keys.operator}` },
  });
  const records = (report.json() as { records?: { id: string }[] }).records ?? [];
  for (const record of records.slice(0, 3))
    await post(`/v1/records/${record.id}/disputes`, keys.operator, { statement: 'I paid in full' });
}

function printTable(summary: {
  cities: {
    subjects: number;
    records: number;
    load_seconds: number;
    database: string;
    notices: { count: number; avg_row_bytes: number };
  }[];
  requests_per_read: number;
  load_average: { start: number[]; end: number[] };
  cpus: number;
  reads: Figure[];
}): void {
  const out = process.stdout;
  for (const c of summary.cities)
    out.write(
      `City of ${c.subjects.toLocaleString('en')} subjects: ${c.records.toLocaleString('en')} records, ` +
        `loaded in ${c.load_seconds} s, database ${c.database}; ${c.notices.count.toLocaleString('en')} notices, ` +
        `${c.notices.avg_row_bytes} bytes a row on average\n`,
    );
  out.write(
    `${summary.cpus} CPUs; load average ${summary.load_average.start.join(' ')} at the start, ` +
      `${summary.load_average.end.join(' ')} at the end; ${summary.requests_per_read} requests a read a city\n\n`,
  );
  const width = Math.max(...summary.reads.map((r) => r.name.length));
  const sizes = summary.cities.map((c) => `${c.subjects / 1000}k`);
  const columns = sizes.flatMap((s) => [`p50 ${s}`, `p99 ${s}`]);
  out.write(`${'read (ms)'.padEnd(width)}  ${columns.map((c) => c.padStart(10)).join('')}  p99 ratio\n`);
  for (const r of summary.reads) {
    const cells = r.p50_ms.flatMap((p50, i) => [p50, r.p99_ms[i]!]).map((v) => v.toFixed(1).padStart(10));
    const ratio = r.p99_ms[r.p99_ms.length - 1]! / r.p99_ms[0]!;
    out.write(`${r.name.padEnd(width)}  ${cells.join('')}  ${ratio.toFixed(2).padStart(9)}\n`);
  }
}
