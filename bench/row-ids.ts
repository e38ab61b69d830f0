/**
 * `node bench/row-ids.ts [--rows 8000000]`: random (version 4) against time-ordered (version 7) UUIDs as the ids of a
 * notices-like table (primary key (subject_id, id), a unique index on id, 200-byte rows), inserted 100,000 rows per
 * statement, the ids made by PostgreSQL (gen_random_uuid, uuidv7) so that only the table's cost is timed. Once the
 * id index outgrows the buffer cache, a random id dirties a random page per insert, and after each checkpoint the
 * first change of every page writes the whole page to the WAL. Prints each kind's time, first and last fifth, and
 * its id index's size (domain/row-id.ts).
 */

import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openBenchDatabase } from './setup.ts';

const STEP = 100_000;
const { values } = parseArgs({ options: { rows: { type: 'string', default: '8000000' } } });
const steps = Math.max(5, Math.round(Number(values.rows) / STEP));
const log = (message: string) => process.stderr.write(`row-ids: ${message}\n`);
const database = await openBenchDatabase(log);
try {
  const client = new pg.Client({ connectionString: database.url, application_name: 'credence-bench-row-ids' });
  await client.connect();
  try {
    const buffers = (await client.query<{ shared_buffers: string }>('show shared_buffers')).rows[0]!.shared_buffers;
    log(`${steps * STEP} rows per kind; shared_buffers ${buffers}; load average ${os.loadavg()[0]!.toFixed(2)}`);
    for (const [kind, make] of [
      ['random (v4)', 'gen_random_uuid()'],
      ['time-ordered (v7)', 'uuidv7()'],
    ] as const) {
      await client.query('drop table if exists bench_row_ids');
      await client.query(
        'create table bench_row_ids ' +
          '(subject_id bigint, id uuid, at timestamptz, body text, primary key (subject_id, id))',
      );
      await client.query('create unique index bench_row_ids_id on bench_row_ids (id)');
      const times: number[] = [];
      for (let step = 0; step < steps; step += 1) {
        const started = performance.now();
        await client.query(
          `insert into bench_row_ids select $1::bigint + g, ${make}, now(), repeat('x', 200)
           from generate_series(1, ${STEP}) g`,
          [step * STEP],
        );
        times.push(performance.now() - started);
      }
      const fifth = Math.max(1, Math.round(steps / 5));
      const sum = (list: number[]) => Math.round(list.reduce((a, b) => a + b, 0));
      const { rows } = await client.query<{ bytes: string }>(
        `select pg_relation_size('bench_row_ids_id')::text as bytes`,
      );
      process.stdout.write(
        `${kind}: ${sum(times)} ms (first fifth ${sum(times.slice(0, fifth))} ms, last fifth ` +
          `${sum(times.slice(-fifth))} ms); id index ${Math.round(Number(rows[0]!.bytes) / 2 ** 20)} MiB\n`,
      );
    }
    log(`load average ${os.loadavg()[0]!.toFixed(2)} at the end`);
  } finally {
    await client.end();
  }
} finally {
  await database.drop();
}
