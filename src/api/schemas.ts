/** JSON Schemas shared by routes and the OpenAPI document. */

import type { RouteOptions } from 'fastify';

/** The values an error message names, by name (issue 11: errors are a code and parameters). */
const messageParams = { type: 'object', additionalProperties: { type: ['string', 'number'] } } as const;

export const errorSchema = {
  $id: 'Error',
  description:
    'The coded error envelope of every error answer: `error.code` is stable, `error.message` is for people, in the ' +
    'language of the `Accept-Language` header (`zh` or `zh-*`: Chinese; otherwise English); `params` are the values ' +
    'the message names (a field, a value, a limit), for a client that words it itself',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', pattern: '^CRD_[A-Z_]+$' },
        message: { type: 'string' },
        params: messageParams,
        details: {
          type: 'array',
          items: {
            type: 'object',
            required: ['code', 'path', 'message'],
            properties: {
              code: { type: 'string' },
              path: { type: 'string' },
              message: { type: 'string' },
              params: messageParams,
            },
          },
        },
      },
    },
  },
} as const;

export const subjectRefSchema = {
  type: 'object',
  required: ['scheme', 'id'],
  properties: {
    scheme: { type: 'string', minLength: 1, maxLength: 40 },
    id: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

export const measureViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    effect: { type: 'string' },
    list: { type: ['string', 'null'] },
    list_name: { type: 'string', description: "The list's name in the Accept-Language's language" },
    grade: { type: ['string', 'null'] },
    legal_basis: { type: 'string' },
    // Fa Shi [2015] 17 art. 3 para. 2: a measure binding the subject through a related organisation names it.
    related: {
      type: 'object',
      properties: {
        relationship_id: { type: 'string' },
        role: { type: 'string' },
        organization: {
          type: 'object',
          properties: { scheme: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' } },
        },
      },
    },
  },
} as const;

export const decisionSchema = {
  type: 'object',
  properties: {
    decision_id: { type: 'string' },
    subject: { type: 'object', properties: { scheme: { type: 'string' }, id: { type: 'string' } } },
    action: { type: 'string' },
    action_name: { type: 'string', description: "The action's name in the Accept-Language's language" },
    purpose: { type: 'string' },
    outcome: { type: 'string', enum: ['allow', 'deny', 'restrict', 'review', 'expedite', 'waive'] },
    measures: { type: 'array', items: measureViewSchema },
    reasons: { type: 'array', items: { type: 'string' } },
    policy_version: { type: 'string' },
    evaluated_at: { type: 'string' },
    review_id: { type: 'string' },
  },
} as const;

/** The error envelope as a response: the shared `Error` component of the OpenAPI document. */
export const errorRef = { $ref: 'Error#' } as const;

/** Standard error responses every authenticated route may give (the onRoute hook adds the rest: documentAnswers). */
export const errorResponses = { 400: errorRef, 401: errorRef, 403: errorRef } as const;

/**
 * An object whose listed properties are documented, passing every other property through: Fastify serialises a
 * response with its schema, which would drop a property the schema does not list.
 */
export function open<P extends Record<string, unknown>>(properties: P, required: readonly (keyof P & string)[] = []) {
  return { type: 'object', additionalProperties: true, required, properties } as const;
}

export const anyObject = { type: 'object', additionalProperties: true } as const;
const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;
const instant = { type: 'string', format: 'date-time' } as const;
const nullableInstant = { type: ['string', 'null'], format: 'date-time' } as const;

/** A record as the API shows it (records, corrections, revocations, dispute resolutions). */
export const recordSchema = open(
  {
    id: text,
    subject_id: text,
    agency_id: text,
    source_ref: text,
    type: text,
    decided_at: instant,
    effective_at: instant,
    expires_at: nullableInstant,
    filed_at: instant,
    legal_basis: text,
    document_ref: text,
    summary: nullableText,
    attributes: anyObject,
    status: text,
    version: { type: 'integer' },
  },
  ['id', 'subject_id', 'agency_id', 'source_ref', 'type', 'status'],
);

/** `{ record }`: a correction's or revocation's answer, the record as it now stands. */
export const recordAnswerSchema = open({ record: recordSchema }, ['record']);

/** A dispute as the API shows it. */
export const disputeSchema = open(
  {
    dispute_id: text,
    subject_id: text,
    record_id: text,
    agency_id: text,
    statement: text,
    status: { type: 'string', enum: ['open', 'overdue', 'resolved'] },
    opened_at: instant,
    due_at: instant,
    overdue_at: nullableInstant,
    resolved_at: nullableInstant,
    outcome: nullableText,
    resolution_reason: nullableText,
    overdue: { type: 'boolean' },
  },
  ['dispute_id', 'record_id', 'status', 'due_at'],
);

/** A repair application as the API shows it. */
export const repairSchema = open(
  {
    repair_id: text,
    record_id: text,
    status: text,
    // When the agency must decide (Fa Shi [2017] 7 art. 10; NDRC Order No. 36 (2025)), and whether that has passed.
    due_at: nullableInstant,
    overdue: { type: 'boolean' },
    // When the scheduled jobs marked it overdue (a `repair.overdue` event and a notice), or null.
    overdue_at: nullableInstant,
    // The credit commitment the application rests on (NDRC Order No. 36 (2025)), and its words.
    commitment_id: nullableText,
    commitment_text: nullableText,
  },
  ['repair_id', 'status'],
);

/** A principal as the API shows it (never its key, except once in the creation answer). */
export const principalSchema = open(
  {
    id: text,
    name: text,
    role: text,
    agency_id: nullableText,
    agency_kind: nullableText,
    actions: { type: 'array', items: text },
    purposes: { type: 'array', items: text },
    created_at: instant,
    revoked_at: nullableInstant,
    subject: { anyOf: [anyObject, { type: 'null' }] },
  },
  ['id', 'name', 'role'],
);

/** A review task as the API shows it. */
export const reviewSchema = open(
  {
    review_id: text,
    status: { type: 'string', enum: ['open', 'closed'] },
    subject: anyObject,
    action: text,
    purpose: text,
    policy_version: text,
    reasons: { type: 'array', items: text },
    opened_at: instant,
  },
  ['review_id', 'status'],
);

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The error answers every documented route can give, added to its `response` unless the route says otherwise
 * (routes name their own 409 and 422): 400 for a bad URL, query or body; 414 for a URL over the limit; 503 while the
 * database is away or the server is closing; 401 and 403 with a key; 404 for a path parameter naming nothing; 413 and
 * 415 for a body too large or not JSON; 429 where a route is rate-limited. Registered as an onRoute hook.
 */
export function documentAnswers(route: RouteOptions): void {
  const schema = route.schema;
  if (schema === undefined || (schema as { hide?: boolean }).hide === true) return;
  const config = route.config ?? {};
  const statuses = [400, 414, 503];
  if (config.public !== true) statuses.push(401, 403);
  if (/[:*]/.test(route.url)) statuses.push(404);
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (methods.some((m) => BODY_METHODS.has(m))) statuses.push(413, 415);
  if ((config as { rateLimit?: unknown }).rateLimit !== undefined) statuses.push(429);
  schema.response = {
    ...Object.fromEntries(statuses.map((status) => [status, errorRef])),
    ...(schema.response as Record<string, unknown> | undefined),
  };
}
