import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { resolveImportAgency } from '../src/services/accounts/agencies.service.ts';
import { importRecords, type ImportProgress, type ImportReject } from '../src/services/records/import.service.ts';
import { aCourtRecord } from './support/factories.ts';
import { startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
before(async () => {
  t = await startTestRegistry();
});
after(() => t.close());

/** Line n + 1 is unparseable when n % 10 = 9, and invalid (no legal basis) otherwise when n % 7 = 6. */
const rejectedAt = (n: number) => n % 10 === 9 || n % 7 === 6;

/** NDJSON of `count` court filings, some unparseable, some invalid (rejectedAt). */
function aFile(count: number): string {
  return Array.from({ length: count }, (_, n) => {
    if (n % 10 === 9) return '{"not json\n';
    const record = aCourtRecord();
    return `${JSON.stringify(rejectedAt(n) ? { ...record, legal_basis: '' } : record)}\n`;
  }).join('');
}

test('a batch read and checked ahead is reported only once filed, in order, after the batch before it', async () => {
  const filer = await resolveImportAgency(t.registry.rt, { agencyKind: 'court' });
  const reports: ImportProgress[] = [];
  const rejected: ImportReject[][] = [];
  const summary = await importRecords(t.registry.rt, {
    source: Readable.from([aFile(350)]),
    format: 'ndjson',
    filer,
    batchSize: 100,
    rejects: { write: async (rejects) => void rejected.push([...rejects]) },
    onProgress: (progress) => {
      reports.push(progress);
      return new Promise((resolve) => setTimeout(resolve, 20)); // a slow consumer: the next batch is read meanwhile
    },
  });
  assert.deepEqual(
    reports.map((p) => p.lines),
    [100, 200, 300, 350],
  );
  for (const p of reports) assert.equal(p.created + p.duplicate + p.rejected, p.lines);
  const expected = [0, 100, 200, 300].map((from) =>
    Array.from({ length: Math.min(100, 350 - from) }, (_, i) => from + i)
      .filter(rejectedAt)
      .map((n) => n + 1),
  );
  assert.deepEqual(
    rejected.map((batch) => batch.map((r) => r.line)),
    expected,
  );
  assert.deepEqual([summary.lines, summary.created + summary.rejected], [350, 350]);
});

test('a batch that fails to be written fails the import, and no later batch is filed', async () => {
  const filer = await resolveImportAgency(t.registry.rt, { agencyKind: 'court' });
  const text = aFile(300);
  const before = await t.registry.rt.db
    .selectFrom('records')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  let first: ImportProgress | undefined;
  await assert.rejects(
    importRecords(t.registry.rt, {
      source: Readable.from([text]),
      format: 'ndjson',
      filer,
      batchSize: 100,
      onProgress: (progress) => {
        first ??= progress;
        throw new Error('the consumer gave up');
      },
    }),
    /the consumer gave up/,
  );
  const afterwards = await t.registry.rt.db
    .selectFrom('records')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  // No batch after the first is filed, not even one read and checked while the first was written.
  assert.ok(first !== undefined && first.created > 0 && first.lines === 100);
  assert.equal(Number(afterwards.n) - Number(before.n), first.created);
});
