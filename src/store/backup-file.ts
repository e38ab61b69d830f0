/**
 * The backup file (`credence db backup`): one gzip stream (RFC 1952) holding the line `CREDENCE-BACKUP\n`, then
 * frames, each a kind byte, a payload length (unsigned 32-bit, big-endian) and the payload:
 *
 *   T  a table begins: its name (UTF-8)
 *   D  a piece of that table's data: PostgreSQL COPY text (store/copy-session.ts)
 *   M  the manifest (JSON, UTF-8): always the last frame, followed by the end of the stream
 *
 * This module only writes and reads frames; what they must say is the backup service's. A file is written to
 * FILE.partial, flushed to disk, then renamed to FILE, so a crash never leaves a half-written file under FILE.
 */

import { open, rename, rm, stat } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline as pipe, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { CredenceError } from '../errors.ts';

export type FrameKind = 'T' | 'D' | 'M';

export interface Frame {
  readonly kind: FrameKind;
  readonly payload: Buffer;
}

const MAGIC = Buffer.from('CREDENCE-BACKUP\n', 'utf8');
const HEADER_BYTES = 5;
/** The largest frame written or read: a bound on what a corrupt length can make a reader hold in memory. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const KINDS = new Set<string>(['T', 'D', 'M']);

/** The frame's bytes as written: header, then payload (a payload over the bound is split into several frames). */
export function* encodeFrame(kind: FrameKind, payload: Buffer): Generator<Buffer> {
  for (let start = 0; start === 0 || start < payload.length; start += MAX_FRAME_BYTES) {
    const piece = payload.subarray(start, start + MAX_FRAME_BYTES);
    const header = Buffer.alloc(HEADER_BYTES);
    header.write(kind, 0, 'latin1');
    header.writeUInt32BE(piece.length, 1);
    yield header;
    if (piece.length > 0) yield piece;
  }
}

/**
 * Writes the frames' bytes, compressed, to `file` via `file.partial`; resolves to the file's size in bytes. An
 * error of `bytes` (the database's) is thrown as it is; one of the file system's as CRD_BACKUP_FILE.
 */
export async function writeBackupFile(file: string, bytes: AsyncIterable<Buffer>): Promise<number> {
  const partial = `${file}.partial`;
  const source = withMagic(bytes);
  try {
    // flush: the file is synced to disk before the stream closes, and the pipeline resolves once it has closed.
    const sink = createWriteStream(partial, { mode: 0o600, flush: true });
    // The file's own failure comes first there; a failure of `bytes` reaches the file later, through the pipeline.
    let fileFailure: unknown;
    sink.once('error', (error) => {
      if (source.error === undefined) fileFailure = error;
    });
    await pipeline(Readable.from(source), createGzip(), sink).catch((error: Error) => {
      throw error === fileFailure ? fileError(file, 'cannot write', error) : error;
    });
    const { size } = await stat(partial);
    await rename(partial, file).catch((error: Error) => {
      throw fileError(file, 'cannot write', error);
    });
    await syncFolder(path.dirname(file));
    return size;
  } finally {
    await rm(partial, { force: true });
  }
}

/** The magic line, then `bytes`; remembers the first error `bytes` threw, to tell it from the file's. */
function withMagic(bytes: AsyncIterable<Buffer>): AsyncIterable<Buffer> & { error?: unknown } {
  const source: AsyncIterable<Buffer> & { error?: unknown } = {
    async *[Symbol.asyncIterator]() {
      yield MAGIC;
      try {
        yield* bytes;
      } catch (error) {
        source.error = error;
        throw error;
      }
    },
  };
  return source;
}

/**
 * The file's frames, in order. Throws CRD_BACKUP_INVALID when it is not a Credence backup, is truncated or its
 * compressed stream is corrupt, and CRD_BACKUP_FILE when it cannot be read.
 */
export async function* readBackupFile(file: string): AsyncGenerator<Frame> {
  // stream.pipeline passes a read error on to the gunzip stream, which the loop below then throws.
  const source = pipe(createReadStream(file), createGunzip(), () => undefined);
  const reader = new FrameReader(file);
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) yield* reader.push(chunk);
  } catch (error) {
    throw readError(file, error);
  } finally {
    source.destroy();
  }
  reader.end();
}

/** Cuts the decompressed bytes into frames, checking the magic line first. */
class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private started = false;
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  *push(chunk: Buffer): Generator<Frame> {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (!this.started) {
      if (this.pending.length < MAGIC.length) return;
      if (!this.pending.subarray(0, MAGIC.length).equals(MAGIC)) throw notABackup(this.file);
      this.pending = this.pending.subarray(MAGIC.length);
      this.started = true;
    }
    while (this.pending.length >= HEADER_BYTES) {
      const kind = String.fromCharCode(this.pending[0]!);
      const length = this.pending.readUInt32BE(1);
      if (!KINDS.has(kind) || length > MAX_FRAME_BYTES)
        throw new CredenceError('CRD_BACKUP_INVALID', `${this.file} is corrupt: a frame's header is not valid`);
      if (this.pending.length < HEADER_BYTES + length) return;
      yield { kind: kind as FrameKind, payload: this.pending.subarray(HEADER_BYTES, HEADER_BYTES + length) };
      this.pending = this.pending.subarray(HEADER_BYTES + length);
    }
  }

  end(): void {
    if (!this.started) throw notABackup(this.file);
    if (this.pending.length > 0)
      throw new CredenceError('CRD_BACKUP_INVALID', `${this.file} is truncated: it ends inside a frame`);
  }
}

function readError(file: string, error: unknown): Error {
  if (error instanceof CredenceError) return error;
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'Z_DATA_ERROR' && /header/.test(message)) return notABackup(file);
  if (code === 'Z_BUF_ERROR' || /unexpected end/.test(message))
    return new CredenceError('CRD_BACKUP_INVALID', `${file} is truncated: its compressed stream ends early`);
  if (code?.startsWith('Z_') === true) return new CredenceError('CRD_BACKUP_INVALID', `${file} is corrupt: ${message}`);
  return fileError(file, 'cannot read', error as Error);
}

function notABackup(file: string): CredenceError {
  return new CredenceError('CRD_BACKUP_INVALID', `${file} is not a Credence backup (made by credence db backup)`);
}

function fileError(file: string, what: string, error: Error): CredenceError {
  return new CredenceError('CRD_BACKUP_FILE', `${what} ${file}: ${error.message}`);
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync(); // the rename itself survives a crash
  } finally {
    await handle.close();
  }
}
