/**
 * COPY ... FROM STDIN inside the caller's transaction, for repositories writing many rows at once (a bulk import's
 * batch, a rescoring's projections). COPY text costs PostgreSQL a fraction of what `unnest` of array parameters or
 * `json_populate_recordset` do: no parameter arrays to build and parse, no plan, one pass over the rows.
 *
 * Kysely hands out no connection, so the connection a transaction runs on is found by its backend's process id:
 * every pool made by `connect` (store/database.ts) registers its connections here. COPY is used only inside a
 * transaction (whose connection is held until it ends) and only with at least `BULK_COPY_MIN_ROWS` rows; otherwise,
 * or when the connection is not registered, `copyInto` answers false and the caller writes as before.
 */

import { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Executor } from './executor.ts';

/** Below this many rows the ordinary statement is as fast and the extra round trip not worth it. */
const BULK_COPY_MIN_ROWS = 200;
/** Bytes per chunk written to the COPY stream. */
const CHUNK_BYTES = 256 * 1024;

/** A COPY text field: a string as it is (escaped here), or null. */
export type CopyField = string | null;

/** Registered connections by backend process id: more than one only with several servers (pids are per server). */
const clients = new Map<number, Set<pg.Client>>();
const transactionClients = new WeakMap<object, pg.Client | null>();
let enabled = true;
/** Transactions writing in pipelined mode (see pipelineCopies), with their COPYs not yet acknowledged. */
const pipelined = new WeakMap<object, Promise<void>[]>();

/** Registers every connection of `pool`, for as long as it lives, so that a transaction on it can COPY. */
export function trackCopyConnections(pool: pg.Pool): void {
  pool.on('connect', (client) => registerConnection(client));
}

function registerConnection(client: pg.Client): void {
  const pid = (client as pg.Client & { processID?: number }).processID;
  if (pid === undefined) return;
  const same = clients.get(pid) ?? new Set<pg.Client>();
  clients.set(pid, same.add(client));
  client.once('end', () => {
    same.delete(client);
    if (same.size === 0 && clients.get(pid) === same) clients.delete(pid);
  });
}

/** Turns COPY off (or on again) for this process: the bench's before-and-after comparison. */
export function setBulkCopy(on: boolean): void {
  enabled = on;
}

let pipelining = true;

/** Turns pipelined COPYs off (or on again) for this process: the bench's before-and-after comparison. */
export function setPipelinedCopies(on: boolean): void {
  pipelining = on;
}

/** Where and how rows are copied: the table, its columns, and each row's fields in the columns' order. */
export interface CopyTarget<T> {
  readonly table: string;
  readonly columns: readonly string[];
  readonly fields: (row: T) => readonly CopyField[];
  /** Run once COPY is known to apply, before it starts (to create a staging table). */
  readonly before?: () => Promise<void>;
}

/**
 * Copies `rows` into the target on the transaction's connection and answers true; answers false, having run and
 * written nothing, when COPY does not apply (too few rows, not a transaction, an unregistered connection).
 */
export async function copyInto<T>(db: Executor, target: CopyTarget<T>, rows: readonly T[]): Promise<boolean> {
  if (!enabled || rows.length < BULK_COPY_MIN_ROWS || !db.isTransaction) return false;
  const client = await clientOf(db);
  if (client === null) return false;
  await target.before?.();
  const columns = target.columns.map((c) => client.escapeIdentifier(c)).join(', ');
  const copy = copyFrom(`copy ${client.escapeIdentifier(target.table)} (${columns}) from stdin`);
  const done = pipeline(Readable.from(copyText(rows, target.fields)), client.query(copy));
  const pending = pipelined.get(db);
  if (pending === undefined) await done;
  else {
    done.catch(() => {}); // awaited, with its error, by pipelineCopies
    pending.push(done);
  }
  return true;
}

/**
 * Runs `work` (writes in the transaction `db`) with its COPYs pipelined: `copyInto` starts each COPY and returns at
 * once, so PostgreSQL ingests one table's rows while this process computes the next table's (a bulk import's
 * ledger events while its records are copied, its notices while its projections are). The transaction's
 * connection sends its statements one after another, in the order they were made (`inTurn`); a statement whose
 * result is awaited waits for the COPYs before it. Every COPY is acknowledged before this returns, so the
 * transaction never commits before its rows are in: when one failed, its error is thrown (the transaction is
 * aborted and rolls back). Long computations in `work` should `breathe` now and then, so the rows already made
 * keep flowing meanwhile.
 */
export async function pipelineCopies<T>(db: Executor, work: () => Promise<T>): Promise<T> {
  const client = pipelining && enabled && db.isTransaction ? await clientOf(db) : null;
  if (client === null) return work();
  const pending: Promise<void>[] = [];
  pipelined.set(db, pending);
  const restore = inTurn(client);
  try {
    const result = await work();
    await Promise.all(pending);
    return result;
  } catch (error) {
    // A failed COPY aborts the transaction: the statements after it then fail for that reason, named here.
    const failed = (await Promise.allSettled(pending)).find((r) => r.status === 'rejected');
    throw failed === undefined ? error : failed.reason;
  } finally {
    pipelined.delete(db);
    await restore();
  }
}

type Query = (...args: unknown[]) => unknown;

/**
 * Makes the client send each query once the one before it is done, queuing them here rather than in pg (whose own
 * queue is deprecated): a text query's promise, and a COPY stream at once (it keeps what is written to it until it
 * is sent). Answers how to put the client back, once its queue is empty.
 */
function inTurn(client: pg.Client): () => Promise<void> {
  const query = client.query as unknown as Query;
  let tail: Promise<unknown> = Promise.resolve();
  const queued: Query = (...args) => {
    const submittable = args[0];
    if (submittable instanceof Writable) {
      tail = tail.then(() => {
        try {
          query.apply(client, args);
        } catch (error) {
          submittable.destroy(error as Error); // its COPY's pipeline fails with the reason
        }
        return finished(submittable).catch(() => {});
      });
      return submittable;
    }
    const result = tail.then(() => query.apply(client, args));
    tail = result.catch(() => {});
    return result;
  };
  const own = Object.hasOwn(client, 'query');
  const target = client as unknown as { query?: Query };
  target.query = queued;
  return async () => {
    await tail;
    if (own) target.query = query;
    else delete target.query;
  };
}

/** True while `db` writes in pipelined mode: no statement it runs need wait for the COPYs before it. */
export function isPipelined(db: Executor): boolean {
  return pipelined.has(db);
}

/** Lets the event loop write pending COPY rows to the connection (and read its answers) in a long computation. */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function clientOf(db: Executor): Promise<pg.Client | null> {
  let client = transactionClients.get(db);
  if (client === undefined) {
    const { rows } = await sql<{ pid: number; database: string; encoding: string }>`
      select pg_backend_pid() as pid, current_database() as database,
        current_setting('server_encoding') as encoding`.execute(db);
    const { pid, database, encoding } = rows[0]!;
    const candidates = [...(clients.get(pid) ?? [])].filter((c) => c.database === database);
    // Two servers, same pid and database name: ambiguous. Under a server encoding other than UTF-8, statements
    // (as every other write): COPY text is sent as UTF-8 bytes.
    client = candidates.length === 1 && encoding === 'UTF8' ? candidates[0]! : null;
    transactionClients.set(db, client);
  }
  return client;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const SPECIAL = /[\\\t\n\r]/;

function field(value: CopyField): string {
  if (value === null) return '\\N';
  return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

/**
 * The rows as COPY text in buffers of about CHUNK_BYTES: each line is built by concatenation and encoded on its own,
 * as a short string. (A chunk built as one string was a rope of thousands of pieces, which the stream then
 * flattened and encoded at several times the cost.)
 */
function* copyText<T>(rows: readonly T[], fields: (row: T) => readonly CopyField[]): Generator<Buffer> {
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  for (let i = 0; i < rows.length; i += 1) {
    const values = fields(rows[i]!);
    let line = field(values[0] ?? null);
    for (let j = 1; j < values.length; j += 1) line += `\t${field(values[j]!)}`;
    line += '\n';
    // A UTF-8 byte per UTF-16 unit at most 3: where the line may not fit, the chunk so far goes first.
    if (used + 3 * line.length > chunk.length) {
      if (used > 0) yield chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, 3 * line.length));
      used = 0;
    }
    used += chunk.write(line, used, 'utf8');
  }
  if (used > 0) yield chunk.subarray(0, used);
}

/** Timestamps already written as text, by milliseconds: a batch's rows share few (its clock, decision dates). */
const times = new Map<number, string>();
const TIMES_KEPT = 4096;

/** A timestamp as COPY text. */
export function copyTime(at: Date | null): CopyField {
  if (at === null) return null;
  const ms = at.getTime();
  let text = times.get(ms);
  if (text === undefined) {
    if (times.size >= TIMES_KEPT) times.clear();
    text = at.toISOString();
    times.set(ms, text);
  }
  return text;
}

/** An array literal (`{"a","b"}`) for a text[] or bigint[] column. */
export function copyArray(items: readonly string[]): string {
  return `{${items.map((item) => `"${item.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** Binary data (bytea) as COPY text: the hex form. */
export const copyBytes = (bytes: Uint8Array): string => `\\x${asBuffer(bytes).toString('hex')}`;

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
