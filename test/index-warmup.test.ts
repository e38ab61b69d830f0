import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DecisionIndex, RELATED_BIT } from '../src/services/decisions/decision-index.ts';
import { indexFromCopy, warmIndex } from '../src/services/runtime/index-warmup.ts';
import { copyOut } from '../src/store/copy-out.ts';
import { copyIndexedStates, type CopySplit } from '../src/store/index-warmup.repository.ts';
import { aCourtRecord, aRelationship, aResidentId, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
const debtors = Array.from({ length: 9 }, () => aResidentId());
const organization = anUscc();
const representative = aResidentId();
/** Split however few subjects there are. */
const THREE: CopySplit = { parts: 3, from: 0 };

before(async () => {
  t = await startTestRegistry(new Date('2026-11-01T00:00:00Z'));
  const court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  const market = await t.keyFor({ role: 'agency', name: 'Haidian Market Regulation', agency_kind: 'market' });
  for (const subjectId of debtors) await t.file(court, aCourtRecord({ subjectId, criterion: 'refuses_settlement' }));
  // Fa Shi [2015] 17 art. 3 para. 2: the organisation's listing binds its legal representative (a related row).
  const relationship = await t.app.inject({
    method: 'POST',
    url: '/v1/relationships',
    headers: bearer(market),
    payload: { relationships: [aRelationship({ organizationId: organization, personId: representative })] },
  });
  assert.equal(relationship.json().accepted?.length, 1, relationship.body);
  await t.file(court, aCourtRecord({ kind: 'organization', subjectId: organization, criterion: 'refuses_settlement' }));
});
after(() => t.close());

/** Binary COPY's rows as lines: columns joined by tabs, null as `\N`, the next change in hex. */
function linesOfCopy(copy: Buffer): string[] {
  const lines: string[] = [];
  let at = 19 + copy.readInt32BE(15);
  for (let columns = copy.readInt16BE(at); columns !== -1; columns = copy.readInt16BE(at)) {
    at += 2;
    const fields: string[] = [];
    for (let column = 0; column < columns; column += 1) {
      const length = copy.readInt32BE(at);
      at += 4;
      fields.push(length < 0 ? '\\N' : copy.toString(column === 4 ? 'hex' : 'utf8', at, at + length));
      at += Math.max(0, length);
    }
    lines.push(fields.join('\t'));
  }
  assert.equal(at + 2, copy.length, 'the trailer ends it');
  return lines;
}

async function linesOf(split: CopySplit): Promise<{ streams: number; lines: string[] }> {
  const { streams } = await copyIndexedStates(t.registry.database.pool, t.registry.rt.policy.digest, split);
  const copies = await Promise.all(
    streams.map(async (chunks) => {
      const read: Buffer[] = [];
      for await (const chunk of chunks) read.push(chunk);
      return Buffer.concat(read);
    }),
  );
  const lines = copies.flatMap(linesOfCopy);
  return { streams: streams.length, lines: lines.sort() };
}

const identifiers = () => [
  ...[...debtors, representative].map((id) => ['cn-rid', id] as const),
  ['cn-uscc', organization] as const,
];

describe('index warm-up by ranges', () => {
  test('ranges copied at once hold exactly the lines of one COPY', async () => {
    const one = await linesOf({ parts: 1, from: 0 });
    const three = await linesOf(THREE);
    assert.equal(one.streams, 1);
    assert.equal(three.streams, 3, 'split by subject id');
    assert.equal(one.lines.length, debtors.length + 2);
    assert.deepEqual(three.lines, one.lines);
  });

  test('the identifiers expected per scheme, from a sample (every row of a table this small)', async () => {
    await sql`analyze subject_state`.execute(t.registry.rt.db);
    const { streams, expected } = await copyIndexedStates(t.registry.database.pool, t.registry.rt.policy.digest, {
      parts: 1,
      from: 0,
    });
    for (const stream of streams) for await (const _ of stream);
    const bytes = (ids: readonly string[]) => ids.reduce((sum, id) => sum + Buffer.byteLength(id), 0);
    assert.deepEqual(
      [...expected].sort((a, b) => a.scheme.localeCompare(b.scheme)),
      [
        { scheme: 'cn-rid', identifiers: debtors.length + 1, bytes: bytes([...debtors, representative]) },
        { scheme: 'cn-uscc', identifiers: 1, bytes: bytes([organization]) },
      ],
    );
    const { expected: none } = await copyIndexedStates(t.registry.database.pool, t.registry.rt.policy.digest, {
      parts: 1,
      from: 1_000_000,
    }).then(async (copy) => {
      for (const stream of copy.streams) for await (const _ of stream);
      return copy;
    });
    assert.deepEqual(none, [], 'not sampled under `from` rows');
  });

  test('a split warm-up builds the index the ledger follower built', async () => {
    const followed = t.registry.rt.index;
    const warmed = new DecisionIndex(t.registry.rt.policy);
    assert.equal(await warmIndex(warmed, t.registry.database.pool, THREE), debtors.length + 2);
    assert.equal(warmed.size, followed.size);
    for (const [scheme, id] of identifiers()) {
      assert.equal(warmed.code(scheme, id), followed.code(scheme, id), id);
      assert.deepEqual(warmed.nextChange(scheme, id), followed.nextChange(scheme, id), id);
    }
    assert.ok(warmed.code('cn-rid', representative) >= RELATED_BIT, 'bound through the organisation');
    assert.equal(warmed.decide('cn-rid', debtors[0]!, 'travel.air.premium_class').outcome, 'deny');
  });

  test("a line names the state's policy only where it is not the one warmed for", async () => {
    const db = t.registry.rt.db;
    const [subject] = (
      await sql<{
        id: string;
      }>`select subject_id::text as id from subject_identifiers where value = ${debtors[1]!}`.execute(db)
    ).rows;
    const digest = t.registry.rt.policy.digest;
    await sql`update subject_state set policy_digest = 'another' where subject_id = ${subject!.id}::bigint`.execute(db);
    try {
      const { lines } = await linesOf({ parts: 1, from: 0 });
      const policies = lines.map((line) => [line.split('\t')[1], line.split('\t')[6]]);
      for (const [value, policy] of policies) assert.equal(policy, value === debtors[1] ? 'another' : '\\N', value);
    } finally {
      await sql`update subject_state set policy_digest = ${digest} where subject_id = ${subject!.id}::bigint`.execute(
        db,
      );
    }
  });
});

/** A row of the warm-up's COPY with no next change, related listings or other policy (binary: lengths, then bytes). */
function copyRow(scheme: string, value: string, grade: string, lists: string): Buffer {
  const int = (n: number, bytes: 2 | 4) => {
    const buffer = Buffer.alloc(bytes);
    if (bytes === 2) buffer.writeInt16BE(n);
    else buffer.writeInt32BE(n);
    return buffer;
  };
  const texts = [scheme, value, grade, lists].map((text) => Buffer.from(text));
  return Buffer.concat([
    int(7, 2),
    ...texts.flatMap((text) => [int(text.length, 4), text]),
    ...[-1, -1, -1].map((n) => int(n, 4)),
  ]);
}

async function* chunksOf(buffers: readonly Buffer[]): AsyncGenerator<Buffer> {
  yield* buffers;
}

describe('rows cut between chunks', () => {
  test('rows cut anywhere, some longer than a chunk, fill the index as one chunk of everything does', async () => {
    const { streams } = await copyIndexedStates(t.registry.database.pool, t.registry.rt.policy.digest, {
      parts: 1,
      from: 0,
    });
    const read: Buffer[] = [];
    for await (const chunk of streams[0]!) read.push(chunk);
    const copy = Buffer.concat(read);
    // Values longer than the bytes a cut row is joined from (index-warmup.ts), between the real rows and the trailer.
    const long = [4095, 4096, 5000, 9000].map((length, i) => `${i}${'9'.repeat(length - 1)}`);
    const rows = long.map((value) => copyRow('cn-rid', value, 'B', 'judgment-defaulters'));
    const bytes = Buffer.concat([copy.subarray(0, -2), ...rows, copy.subarray(-2)]);
    const whole = new DecisionIndex(t.registry.rt.policy);
    assert.equal(await indexFromCopy(whole, chunksOf([bytes])), debtors.length + 2 + long.length);
    for (const sizes of [[1], [4095], [4097, 13], [9001, 1, 4096], [20_000, 3]]) {
      const cut: Buffer[] = [];
      for (let at = 0, i = 0; at < bytes.length; at += sizes[i % sizes.length]!, i += 1)
        cut.push(bytes.subarray(at, at + sizes[i % sizes.length]!));
      const index = new DecisionIndex(t.registry.rt.policy);
      assert.equal(await indexFromCopy(index, chunksOf(cut)), whole.size, `chunks of ${sizes}`);
      for (const [scheme, id] of [...identifiers(), ...long.map((value) => ['cn-rid', value] as const)]) {
        assert.equal(index.code(scheme, id), whole.code(scheme, id), `${id.slice(0, 20)} in chunks of ${sizes}`);
        assert.deepEqual(index.nextChange(scheme, id), whole.nextChange(scheme, id), id.slice(0, 20));
      }
    }
    assert.equal(whole.code('cn-rid', long[3]!), whole.encode('B', ['judgment-defaulters']));
  });
});

describe('COPY read from the socket (copy-out.ts)', () => {
  test('every row arrives; an error part way through is thrown, and the connection serves the next query', async () => {
    const client = await t.registry.database.pool.connect();
    try {
      // Wide enough rows for many socket reads, so that messages are cut between them.
      const rows = (last: string) =>
        `copy (select g, repeat('x', g % 300), ${last} from generate_series(1, 20000) g) to stdout`;
      let text = '';
      for await (const chunk of copyOut(client, rows("'é'"), 64 * 1024)) text += chunk.toString('utf8');
      const lines = text.split('\n').slice(0, -1);
      assert.equal(lines.length, 20_000);
      assert.equal(lines[19_999], `20000\t${'x'.repeat(20_000 % 300)}\té`);
      const read: Buffer[] = [];
      const failing = async () => {
        for await (const chunk of copyOut(client, rows('1 / (15000 - g)'), 1024)) read.push(chunk);
      };
      await assert.rejects(failing, /division by zero/);
      assert.ok(read.length > 0, 'rows came before the error');
      assert.equal((await client.query<{ one: number }>('select 1 as one')).rows[0]?.one, 1);
    } finally {
      client.release();
    }
  });
});
