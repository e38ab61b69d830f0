/**
 * Times reads for the city bench. A read is a URL (through `inject`, each request from its own client address so
 * the public rate limits do not answer instead; `last: true` reads the page the first page's `last` cursor opens)
 * or a prepared function (a service called in-process). Cities are measured side by side: for each read, slices
 * of requests alternate between the cities, so the load of a shared machine falls on all of them alike; p50 and
 * p99 of the wall time per city.
 */

import type { FastifyInstance } from 'fastify';

export type Read =
  | { readonly name: string; readonly url: string; readonly key?: string; readonly last?: boolean }
  | { readonly name: string; readonly prepare: () => Promise<() => Promise<unknown>> };

export interface City {
  readonly app: FastifyInstance;
  readonly reads: readonly Read[];
}

export interface Figure {
  readonly name: string;
  /** p50 and p99 in ms, one of each per city, in the cities' order. */
  readonly p50_ms: number[];
  readonly p99_ms: number[];
}

const WARM_UP = 5;
const SLICE = 10;
let client = 0;

/** Every read of the first city (the others list the same reads, in the same order), `requests` times in each. */
export async function measureCities(
  cities: readonly City[],
  requests: number,
  log: (message: string) => void,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const [i, read] of cities[0]!.reads.entries()) {
    const runs = await Promise.all(cities.map((city) => prepare(city.app, city.reads[i]!)));
    const times = runs.map((): number[] => []);
    for (const run of runs) for (let n = 0; n < WARM_UP; n += 1) await run();
    for (let done = 0; done < requests; done += SLICE) {
      for (const [c, run] of runs.entries()) {
        for (let n = 0; n < Math.min(SLICE, requests - done); n += 1) {
          const started = performance.now();
          await run();
          times[c]!.push(performance.now() - started);
        }
      }
    }
    for (const t of times) t.sort((a, b) => a - b);
    const figure = {
      name: read.name,
      p50_ms: times.map((t) => quantile(t, 0.5)),
      p99_ms: times.map((t) => quantile(t, 0.99)),
    };
    log(`${figure.name}: p50 ${figure.p50_ms.map(ms).join(' / ')} ms, p99 ${figure.p99_ms.map(ms).join(' / ')} ms`);
    figures.push(figure);
  }
  return figures;
}

function ms(value: number): string {
  return value.toFixed(1);
}

async function prepare(app: FastifyInstance, read: Read): Promise<() => Promise<unknown>> {
  return 'prepare' in read ? read.prepare() : requester(app, read);
}

/** A function making the read's request and checking it answered 200. */
async function requester(
  app: FastifyInstance,
  read: { name: string; url: string; key?: string; last?: boolean },
): Promise<() => Promise<unknown>> {
  const get = async (url: string) => {
    client += 1;
    const response = await app.inject({
      url,
      remoteAddress: `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}`,
      headers: read.key === undefined ? {} : { authorization: `Bearer ${read.key}` },
    });
    if (response.statusCode !== 200) throw new Error(`${read.name}: ${url} answered ${response.statusCode}`);
    return response;
  };
  if (read.last !== true) return () => get(read.url);
  const first = await get(read.url);
  const cursor = first.headers['content-type']?.toString().startsWith('application/json')
    ? (first.json() as { last?: string | null }).last
    : first.body.match(/href="[^"]*[?&](?:amp;)?after=([\w-]+)"[^>]*data-page="last"/)?.[1];
  const separator = read.url.includes('?') ? '&' : '?';
  const url = cursor === null || cursor === undefined ? read.url : `${read.url}${separator}after=${cursor}`;
  return () => get(url);
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
