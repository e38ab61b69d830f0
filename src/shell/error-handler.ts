/** Maps every error to a coded JSON answer, once. Bad input never becomes a bare 500. */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CredenceError, type ErrorCode, type ProblemDetail } from '../errors.ts';
import { readerLanguage } from './reader-language.ts';
import { errorBody, type ProblemBody } from './error-text.ts';
import type { ProblemKey } from './messages/error-keys.ts';
import { isDatabaseUnavailable } from '../services/runtime/database-availability.ts';

interface Body {
  readonly error: { code: ErrorCode; message: string; details: readonly ProblemBody[] };
}

type FastifyValidationError = NonNullable<FastifyError['validation']>[number];

/** Ajv's keywords, each with the template it is said in (src/shell/messages) and the parameter that is its limit. */
const AJV_KEYS: Readonly<Record<string, { key: ProblemKey; limit?: string }>> = {
  required: { key: 'ajv_required' },
  minLength: { key: 'ajv_min_length', limit: 'limit' },
  maxLength: { key: 'ajv_max_length', limit: 'limit' },
  pattern: { key: 'ajv_pattern' },
  enum: { key: 'ajv_enum' },
  const: { key: 'ajv_enum' },
  type: { key: 'ajv_type' },
  format: { key: 'ajv_format' },
  additionalProperties: { key: 'ajv_additional' },
  minItems: { key: 'ajv_min_items', limit: 'limit' },
  maxItems: { key: 'ajv_max_items', limit: 'limit' },
  minimum: { key: 'ajv_minimum', limit: 'limit' },
  maximum: { key: 'ajv_maximum', limit: 'limit' },
};

/** The parameters of one Ajv problem: the field, Ajv's English sentence, and the keyword's limit or values. */
function ajvParams(v: FastifyValidationError, field: string): Record<string, string | number> {
  const params = v.params as Record<string, unknown>;
  const out: Record<string, string | number> = { field, detail: v.message ?? 'is invalid' };
  if (typeof params.limit === 'number') out.limit = params.limit;
  if (Array.isArray(params.allowedValues)) out.values = params.allowedValues.join(', ');
  if (params.allowedValue !== undefined) out.values = String(params.allowedValue);
  if (typeof params.additionalProperty === 'string') out.property = params.additionalProperty;
  return out;
}

function fromValidation(error: FastifyError): CredenceError {
  const details: ProblemDetail[] = (error.validation ?? []).map((v) => {
    const pointer = v.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.');
    const path = `${error.validationContext ?? 'body'}${pointer}`;
    const missing = (v.params as { missingProperty?: string }).missingProperty;
    const field = missing ? `${path}.${missing}` : path;
    return {
      code: 'CRD_VALIDATION',
      path: field,
      message: `${field} ${v.message ?? 'is invalid'}`,
      key: AJV_KEYS[v.keyword]?.key ?? 'ajv_other',
      params: ajvParams(v, field),
    };
  });
  return new CredenceError('CRD_VALIDATION', details.map((d) => d.message).join('; ') || error.message, details);
}

/**
 * Fastify's (and its plugins') 4xx statuses that have a code of their own; any other 4xx is a CRD_VALIDATION 400.
 * Rate limits keep their 429 (and the Retry-After header the limiter set).
 */
const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  404: 'CRD_NOT_FOUND',
  408: 'CRD_REQUEST_TIMEOUT',
  413: 'CRD_PAYLOAD_TOO_LARGE',
  414: 'CRD_URL_TOO_LONG',
  415: 'CRD_UNSUPPORTED_MEDIA_TYPE',
  429: 'CRD_RATE_LIMITED',
  431: 'CRD_HEADERS_TOO_LARGE',
};

/** What Fastify's own error codes mean, said so that a person can act on it. */
function fromFastifyCode(fe: FastifyError): CredenceError | undefined {
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.statusCode === 415)
    return new CredenceError('CRD_UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413)
    return new CredenceError('CRD_PAYLOAD_TOO_LARGE', 'the request body is larger than this server accepts');
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return new CredenceError('CRD_MALFORMED_JSON', 'the request body is empty; send a JSON object');
  if (fe instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return new CredenceError('CRD_MALFORMED_JSON', `the request body is not valid JSON: ${fe.message}`);
  if (fe.code === 'FST_ERR_BAD_URL')
    return new CredenceError('CRD_MALFORMED_URL', 'the URL is not valid: a %-escape is not UTF-8 (RFC 3986 § 2.1)');
  if (fe.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return new CredenceError('CRD_URL_TOO_LONG', 'a part of the URL path is longer than this server accepts');
  return undefined;
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
  const known = fromFastifyCode(fe);
  if (known !== undefined) return known;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return new CredenceError(CODE_OF_STATUS[fe.statusCode] ?? 'CRD_VALIDATION', fe.message);
  if (isDatabaseUnavailable(error))
    return new CredenceError('CRD_DATABASE_UNAVAILABLE', 'the database is not reachable; try again shortly');
  return new CredenceError('CRD_INTERNAL', 'an internal error occurred; it has been logged');
}

/**
 * Logs the error behind an answer: a server error with its cause, except the database being away, which the
 * process logs once when it goes and once when it is back (DatabaseAvailability), not once per request.
 */
export function logAnswer(request: FastifyRequest, coded: CredenceError, error: unknown): void {
  if (coded.code === 'CRD_DATABASE_UNAVAILABLE') request.log.debug({ code: coded.code }, coded.message);
  else if (coded.status >= 500) request.log.error({ err: error }, coded.message);
  else request.log.info({ code: coded.code }, coded.message);
}

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const coded = toCredenceError(error);
  logAnswer(request, coded, error);
  // The API answers in the reader's language (Accept-Language, English by default); `code` never changes.
  const body: Body = { error: errorBody(coded, { language: readerLanguage(request.headers['accept-language']) }) };
  return reply.status(coded.status).send(body);
}
