/** Maps every error to a coded JSON answer, once. Bad input never becomes a bare 500. */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CredenceError, type ErrorCode, type ProblemDetail } from '../errors.ts';

interface Body {
  readonly error: { code: ErrorCode; message: string; details: readonly ProblemDetail[] };
}

function fromValidation(error: FastifyError): CredenceError {
  const details: ProblemDetail[] = (error.validation ?? []).map((v) => {
    const pointer = v.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.');
    const path = `${error.validationContext ?? 'body'}${pointer}`;
    const missing = (v.params as { missingProperty?: string }).missingProperty;
    return {
      code: 'CRD_VALIDATION',
      path: missing ? `${path}.${missing}` : path,
      message: `${missing ? `${path}.${missing}` : path} ${v.message ?? 'is invalid'}`,
    };
  });
  return new CredenceError('CRD_VALIDATION', details.map((d) => d.message).join('; ') || error.message, details);
}

/** Translates Fastify's own errors (parsing, limits, validation) into Credence codes. */
export function toCredenceError(error: unknown): CredenceError {
  if (error instanceof CredenceError) return error;
  const fe = error as FastifyError;
  if (fe.validation !== undefined) {
    if (fe.validation.some((v) => v.keyword === 'maxItems'))
      return new CredenceError('CRD_TOO_MANY_ITEMS', `too many items: ${fe.message}`, fromValidation(fe).details);
    return fromValidation(fe);
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.statusCode === 415)
    return new CredenceError('CRD_UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413)
    return new CredenceError('CRD_PAYLOAD_TOO_LARGE', 'the request body is larger than this server accepts');
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return new CredenceError('CRD_MALFORMED_JSON', 'the request body is empty; send a JSON object');
  if (fe instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return new CredenceError('CRD_MALFORMED_JSON', `the request body is not valid JSON: ${fe.message}`);
  if (fe.statusCode === 404) return new CredenceError('CRD_NOT_FOUND', fe.message);
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return new CredenceError('CRD_VALIDATION', fe.message);
  if (
    (fe as { code?: string }).code === 'ECONNREFUSED' ||
    /terminating connection|Connection terminated/.test(fe.message ?? '')
  ) {
    return new CredenceError('CRD_DATABASE_UNAVAILABLE', 'the database is not reachable; try again shortly');
  }
  return new CredenceError('CRD_INTERNAL', 'an internal error occurred; it has been logged');
}

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const coded = toCredenceError(error);
  if (coded.status >= 500) request.log.error({ err: error }, coded.message);
  else request.log.info({ code: coded.code }, coded.message);
  const body: Body = { error: coded.toJSON() };
  return reply.status(coded.status).send(body);
}
