/**
 * The soak (issue 13): decisions at a fixed rate for a minute, at a share of the rate just measured, so that the
 * server runs near its limit without a growing queue. What it shows: every answered decision is logged (the
 * principal's inquiries equal the 2xx answers, nothing dropped, nothing twice) and the server's memory is flat
 * (resident set sampled each second; the last 10 s against the 10 s after the first 10).
 */

import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { type Kysely, sql } from 'kysely';
import type { SubjectRef } from '../src/services/decisions/decisions.service.ts';
import type { DB } from '../src/store/schema.ts';
import type { Ask } from './decisions.ts';
import { type ServerChild, sharedOut } from './http.ts';
import type { Figures } from './report.ts';

export interface SoakOptions {
  readonly seconds: number;
  readonly connections: number;
  /** Requests per second over all connections. */
  readonly rate: number;
}

export interface SoakResult {
  readonly perSecond: number;
  readonly p99Ms: number;
  readonly answered: number;
  readonly inquiries: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Resident set size in MiB: mean of seconds 10-20, and of the last 10 s. */
  readonly rssEarlyMiB: number;
  readonly rssLateMiB: number;
}

/** VmRSS of a process in MiB, from /proc (Linux), if readable. */
function rssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

/**
 * Decisions from `principal` (whose key is `key`, used for nothing else meanwhile) at `options.rate` for
 * `options.seconds`, then the count of its inquiries: the server answers only after an inquiry is committed, so
 * by the time autocannon has every answer, every inquiry is in.
 */
export async function soakDecisions(
  server: ServerChild,
  principal: { readonly id: string; readonly key: string },
  asks: readonly Ask[],
  subjects: readonly SubjectRef[],
  db: Kysely<DB>,
  options: SoakOptions,
): Promise<SoakResult> {
  const headers = { authorization: `Bearer ${principal.key}`, 'content-type': 'application/json' };
  const requests = subjects.map((subject, i) => ({
    method: 'POST',
    path: '/v1/decisions',
    headers,
    body: JSON.stringify({ subject, ...asks[i % asks.length]! }),
  }));
  const before = await countInquiries(db, principal.id);
  const samples: number[] = [];
  const sampler = setInterval(() => {
    const rss = rssMiB(server.pid);
    if (rss !== undefined) samples.push(rss);
  }, 1000);
  try {
    const result = await autocannon({
      url: server.url,
      // Each connection its own share of the requests, not a copy of them all (http.ts).
      ...sharedOut(requests, options.connections),
      connections: options.connections,
      overallRate: options.rate,
      duration: options.seconds,
    });
    const inquiries = (await countInquiries(db, principal.id)) - before;
    return {
      perSecond: result['2xx'] / result.duration,
      p99Ms: result.latency.p99,
      answered: result['2xx'],
      inquiries,
      non2xx: result.non2xx,
      errors: result.errors,
      rssEarlyMiB: mean(samples.slice(10, 20)),
      rssLateMiB: mean(samples.slice(-10)),
    };
  } finally {
    clearInterval(sampler);
  }
}

async function countInquiries(db: Kysely<DB>, principalId: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from inquiries where principal_id = ${principalId} and kind = 'decision'`.execute(db);
  return Number(rows[0]!.n);
}

/** The soak's figures: the rate it held, failures, inquiries less answers (0: nothing lost), memory early and late. */
export function soakFigures(target: number, result: SoakResult): Figures {
  return {
    soak_target_per_s: target,
    soak_decisions_per_s: result.perSecond,
    soak_p99_ms: result.p99Ms,
    soak_failed: result.non2xx + result.errors,
    soak_inquiries_minus_answers: result.inquiries - result.answered,
    soak_rss_early_mib: result.rssEarlyMiB,
    soak_rss_late_mib: result.rssLateMiB,
    soak_rss_growth: result.rssLateMiB / result.rssEarlyMiB,
  };
}
