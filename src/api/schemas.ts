/** JSON Schemas shared by routes and the OpenAPI document. */

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            properties: { code: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' } },
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
    grade: { type: ['string', 'null'] },
    legal_basis: { type: 'string' },
  },
} as const;

export const decisionSchema = {
  type: 'object',
  properties: {
    decision_id: { type: 'string' },
    subject: { type: 'object', properties: { scheme: { type: 'string' }, id: { type: 'string' } } },
    action: { type: 'string' },
    purpose: { type: 'string' },
    outcome: { type: 'string', enum: ['allow', 'deny', 'restrict', 'review', 'expedite', 'waive'] },
    measures: { type: 'array', items: measureViewSchema },
    reasons: { type: 'array', items: { type: 'string' } },
    policy_version: { type: 'string' },
    evaluated_at: { type: 'string' },
    review_id: { type: 'string' },
  },
} as const;

/** Standard error responses every authenticated route may give. */
export const errorResponses = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  403: { $ref: 'Error#' },
} as const;
