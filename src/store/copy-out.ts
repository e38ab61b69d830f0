/**
 * COPY ... TO STDOUT read straight from the connection's socket, for the decision index warm-up: the bytes of
 * each socket read come back as one buffer of the COPY's data, the protocol's framing removed in place.
 * pg-copy-streams parses the same messages through a buffer list and a slice per message (PostgreSQL sends each row
 * as a message of its own), which cost the warm-up about as much of this process's time as indexing the rows did.
 *
 * As pg-copy-streams does, the reader takes the socket from the pg driver while the COPY runs (it removes the
 * driver's 'data' listener) and hands it back at the message that ends the COPY (CopyDone, or an ErrorResponse),
 * with every byte from that message on, so that the driver reads the command's completion, or its error, itself.
 */

import type { Duplex } from 'node:stream';
import type pg from 'pg';

/** Message types (PostgreSQL frontend/backend protocol). */
const COPY_DATA = 0x64; // 'd'
/** CopyOutResponse, NoticeResponse, ParameterStatus, NotificationResponse: may come before or among the rows. */
const PASSED_OVER = new Set([0x48, 0x4e, 0x53, 0x41]);
/** A message's type byte and its length (which counts itself). */
const HEADER = 5;

type Connection = pg.Submittable extends { submit: (connection: infer C) => void } ? C : never;

class CopyOut implements pg.Submittable {
  private readonly text: string;
  private readonly readAhead: number;
  private stream: Duplex | null = null;
  private driverListener: ((chunk: Buffer) => void) | null = null;
  /** A message cut by the end of a socket read, kept until the next. */
  private partial: Buffer | null = null;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  /** The COPY's messages have ended and the socket is the driver's again. */
  private handedBack = false;
  /** The driver has read the command's end: the connection takes the next query. */
  private finished = false;
  private error: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(text: string, readAhead: number) {
    this.text = text;
    this.readAhead = readAhead;
  }

  submit(connection: Connection): void {
    const stream = connection.stream;
    const listeners = stream.listeners('data');
    if (listeners.length !== 1) throw new Error(`a COPY reader expects one data listener, not ${listeners.length}`);
    this.driverListener = listeners[0] as (chunk: Buffer) => void;
    stream.removeListener('data', this.driverListener);
    stream.pause();
    stream.on('readable', this.pull);
    this.stream = stream;
    connection.query(this.text);
  }

  /** Called by the driver: an ErrorResponse, or the connection failed. */
  handleError(error: Error): void {
    this.error = error;
    this.notify();
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    this.finished = true;
    this.notify();
  }

  /** The COPY's data, one buffer per socket read, until the COPY ends (throws its error). */
  async *chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.error !== null) throw this.error;
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        this.queued -= chunk.length;
        this.pull();
        yield chunk;
        continue;
      }
      if (this.finished) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Reads the socket ahead of the consumer, up to `readAhead` bytes of the COPY's data. */
  private readonly pull = (): void => {
    const stream = this.stream;
    if (stream === null) return;
    while (!this.handedBack && this.queued < this.readAhead) {
      const read = stream.read() as Buffer | null;
      if (read === null) break;
      this.unframe(read);
    }
    this.notify();
  };

  private enqueue(data: Buffer): void {
    if (data.length === 0) return;
    this.queue.push(data);
    this.queued += data.length;
  }

  /**
   * Queues the CopyData payloads of `read`, moved together in place, after the message the previous read cut (only
   * that message is copied, where it is a row); a message cut at the end is kept for the next read. At the message
   * ending the COPY, the socket goes back to the driver.
   */
  private unframe(read: Buffer): void {
    let buffer = read;
    const partial = this.partial;
    if (partial !== null) {
      this.partial = null;
      const missing = partial.length >= HEADER ? 1 + partial.readUInt32BE(1) - partial.length : -1;
      if (partial[0] === COPY_DATA && missing >= 0 && missing <= read.length) {
        this.enqueue(Buffer.concat([partial, read.subarray(0, missing)]).subarray(HEADER));
        buffer = read.subarray(missing);
      } else buffer = Buffer.concat([partial, read]);
    }
    let at = 0;
    let to = 0;
    while (at + HEADER <= buffer.length) {
      const type = buffer[at]!;
      if (type !== COPY_DATA && !PASSED_OVER.has(type)) {
        this.enqueue(buffer.subarray(0, to));
        this.handBack(buffer.subarray(at));
        return;
      }
      const end = at + 1 + buffer.readUInt32BE(at + 1);
      if (end > buffer.length) break;
      if (type === COPY_DATA) {
        buffer.copyWithin(to, at + HEADER, end);
        to += end - at - HEADER;
      }
      at = end;
    }
    if (at < buffer.length) this.partial = Buffer.from(buffer.subarray(at));
    this.enqueue(buffer.subarray(0, to));
  }

  /** The socket back to the driver, which reads `rest` (the COPY's end and what follows) first. */
  private handBack(rest: Buffer): void {
    const stream = this.stream!;
    const listener = this.driverListener!;
    this.handedBack = true;
    stream.removeListener('readable', this.pull);
    stream.on('data', listener);
    listener(rest);
    // As pg-copy-streams does: the listener may have paused the stream; it flows again once this read is done.
    process.nextTick(() => stream.resume());
  }
}

/**
 * The data of `copy (...) to stdout` run on `client`, one buffer per socket read (whole rows: PostgreSQL sends a
 * row per message, and a message cut by a read waits for the next), reading up to `readAhead` bytes ahead of the
 * consumer; the client takes its next query once this has ended. Read it to the end, or release it with an error.
 */
export function copyOut(client: pg.ClientBase, text: string, readAhead: number): AsyncGenerator<Buffer> {
  return client.query(new CopyOut(text, readAhead)).chunks();
}
