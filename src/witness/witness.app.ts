/**
 * The witness's HTTP shell (c2sp.org/tlog-witness): its own small Fastify app, apart from the registry's,
 * with one route, `POST /add-checkpoint`. It parses, calls the witness service once and presents: 200 with
 * the cosignature lines, 409 `text/x.tlog.size` with the size it knows, and for every refusal the status its
 * coded error carries with the message as plain text. A refused fork or bad proof is logged with the whole
 * request, as the spec suggests, since it may be evidence that the log misbehaved.
 */

import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CredenceError, isCredenceError } from '../errors.ts';
import { addCheckpoint, type WitnessContext } from '../services/witness/witness.service.ts';

/** What the witness app is built from. */
export interface WitnessAppOptions {
  readonly witness: WitnessContext;
  readonly logger?: boolean | { level: string };
}

const TEXT = 'text/plain; charset=utf-8';
const SIZE = 'text/x.tlog.size';
/** 63 proof lines and a note with the spec's 100 signatures fit many times over. */
const BODY_LIMIT_BYTES = 128 * 1024;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The witness's Fastify app, ready for `inject` or `listen`. */
export async function buildWitnessApp(options: WitnessAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT_BYTES });
  // The body is text whatever its declared type: the spec names none, and clients differ.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.setErrorHandler(answerError);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).type(TEXT).send(`no route ${request.method} ${request.url}\n`),
  );
  app.post('/add-checkpoint', async (request, reply) => {
    const result = await addCheckpoint(options.witness, bodyText(request.body));
    if (!result.cosigned) return reply.status(409).type(SIZE).send(`${result.knownSize}\n`);
    request.log.info({ origin: result.checkpoint.origin, size: result.checkpoint.size }, 'cosigned');
    return reply.status(200).type(TEXT).send(result.signatureLines);
  });
  await app.ready();
  return app;
}

/** The request body as UTF-8 text (CRD_WITNESS_REQUEST_MALFORMED if it is none, or not UTF-8). */
function bodyText(body: unknown): string {
  if (!(body instanceof Uint8Array) || body.length === 0) {
    throw new CredenceError('CRD_WITNESS_REQUEST_MALFORMED', 'the request has no body');
  }
  try {
    return strictUtf8.decode(body);
  } catch {
    throw new CredenceError('CRD_WITNESS_REQUEST_MALFORMED', 'the request body is not UTF-8');
  }
}

function answerError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const coded = toCodedError(error);
  if (coded.status >= 500) request.log.error({ err: error }, coded.message);
  else if (coded.code === 'CRD_WITNESS_FORK' || coded.code === 'CRD_WITNESS_BAD_PROOF')
    request.log.warn({ code: coded.code, request: bodyOf(request) }, coded.message);
  else request.log.info({ code: coded.code }, coded.message);
  return reply.status(coded.status).type(TEXT).send(`${coded.code}: ${coded.message}\n`);
}

function toCodedError(error: unknown): CredenceError {
  if (isCredenceError(error)) return error;
  const status = (error as FastifyError).statusCode;
  if (status === 413) return new CredenceError('CRD_PAYLOAD_TOO_LARGE', 'the request body is too large');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new CredenceError('CRD_WITNESS_REQUEST_MALFORMED', (error as Error).message);
  }
  return new CredenceError('CRD_INTERNAL', 'an internal error occurred; it has been logged');
}

function bodyOf(request: FastifyRequest): string | undefined {
  return request.body instanceof Uint8Array ? Buffer.from(request.body).toString('utf8') : undefined;
}
