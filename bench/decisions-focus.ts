/**
 * `node bench/decisions-focus.ts [--connections 50,200,1000] [--seconds 5]`: only the HTTP decision part of the
 * bench, on a throwaway database with a small import, for looking at where PostgreSQL's CPU goes per logged
 * decision without running the whole bench. Prints one JSON object on stdout (progress on stderr).
 */

import { parseArgs } from 'node:util';
import { openCourtBench } from './court-bench.ts';
import { benchDecisionLoad, HTTP_ASKS } from './decision-load.ts';

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '50,200,1000' },
    seconds: { type: 'string', default: '5' },
    records: { type: 'string', default: '4000' },
  },
});
const cleanups: (() => Promise<unknown>)[] = [];
try {
  const { database, relying, subjects, postgresPids } = await openCourtBench(log, cleanups, {
    records: Number(values.records),
  });
  const figures = await benchDecisionLoad(
    {
      databaseUrl: database.url,
      key: relying.key,
      asks: HTTP_ASKS,
      subjects,
      postgresPids,
      connections: values.connections.split(',').map(Number),
      seconds: Number(values.seconds),
      log,
    },
    (cleanup) => cleanups.push(cleanup),
  );
  process.stdout.write(`${JSON.stringify({ ...figures, load_average: (await import('node:os')).loadavg()[0] })}\n`);
} finally {
  for (let c = cleanups.pop(); c !== undefined; c = cleanups.pop()) await c().catch((e: unknown) => log(String(e)));
}
