/**
 * Requests Node's HTTP parser refuses before Fastify sees them (the server's `clientError` event): a raw byte in the
 * URL, a header section over Node's 16 KiB limit, bytes that are not HTTP, a request that never finished. Each is
 * answered as a proper HTTP response in the coded envelope, with its own status, and the connection is closed.
 */

import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';
import { CredenceError } from '../errors.ts';
import { MAX_URL_LENGTH } from './request-checks.ts';
import { PRE_ROUTING_HEADERS } from './security-headers.ts';

/** What Node's parser passes with a client error (Fastify's type has the packet as JSON; Node gives a Buffer). */
interface ParserError extends Error {
  readonly code?: string;
  readonly reason?: string;
  readonly rawPacket?: Buffer;
}

const REQUEST_LINE_START = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE|CONNECT) /;
const REQUEST_LINE_END = / HTTP\/\d\.\d$/;

/**
 * Whether the request line, not a header, overflowed: the packet Node was parsing holds a line over MAX_URL_LENGTH
 * that starts or ends like a request line. The parser says only "header overflow" for both.
 */
function isUrlOverflow(packet: Buffer | undefined): boolean {
  if (packet === undefined) return false;
  return packet
    .toString('latin1')
    .split('\r\n')
    .some((line) => line.length > MAX_URL_LENGTH && (REQUEST_LINE_START.test(line) || REQUEST_LINE_END.test(line)));
}

/** The coded error for a parser error. */
export function clientErrorOf(error: ParserError): CredenceError {
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return isUrlOverflow(error.rawPacket)
      ? new CredenceError('CRD_URL_TOO_LONG', `the URL is longer than this server accepts (${MAX_URL_LENGTH})`)
      : new CredenceError('CRD_HEADERS_TOO_LARGE', 'the request headers are larger than this server accepts (16 KiB)');
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new CredenceError('CRD_REQUEST_TIMEOUT', 'the request was not received in time; send it again');
  if (error.code === 'HPE_INVALID_URL')
    return new CredenceError(
      'CRD_MALFORMED_URL',
      'the URL holds a byte a URL may not (RFC 3986 § 2): percent-encode it, as UTF-8 (%C3%A9 for é)',
    );
  return new CredenceError(
    'CRD_MALFORMED_REQUEST',
    `the request is not valid HTTP/1.1 (RFC 9112): ${error.reason ?? error.message}`,
  );
}

/** The response to write: status line, headers and the coded envelope, closing the connection. */
function responseOf(coded: CredenceError): string {
  const body = JSON.stringify({ error: coded.toJSON() });
  return (
    `HTTP/1.1 ${coded.status} ${STATUS_CODES[coded.status]}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    Object.entries(PRE_ROUTING_HEADERS)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/** Fastify's `clientErrorHandler` (bound to the app): answers in the coded envelope, then closes the socket. */
export function answerClientError(this: FastifyInstance, connectionError: ConnectionError, socket: Socket): void {
  const error = connectionError as unknown as ParserError;
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const coded = clientErrorOf(error);
  this.log.info({ code: coded.code, parser: error.code }, coded.message);
  // As Node's own handler: never write into a response already under way on this socket (a pipelined request).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && inFlight?.headersSent !== true) socket.write(responseOf(coded));
  socket.destroy(error);
}
