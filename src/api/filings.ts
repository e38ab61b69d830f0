/**
 * What records and relationships share as batch filings (issue 10: relationships are "answered like records"): the
 * answer's shape, each item accepted (created, or already filed) or rejected with its coded problems, and the
 * rejections in the reader's language.
 */

import type { FastifyRequest } from 'fastify';
import type { ProblemDetail } from '../errors.ts';
import type { Policy } from '../domain/policy.ts';
import { problemBody } from '../shell/error-text.ts';
import { noticeLanguage } from './notice-language.ts';
import { open } from './schemas.ts';

const problemSchema = open({ code: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' } });

/** The answer to a batch filing whose accepted items carry their id as `idField` (`record_id`, `relationship_id`). */
export function filingSchema(idField: string) {
  return open(
    {
      accepted: {
        type: 'array',
        items: open({
          index: { type: 'integer' },
          source_ref: { type: 'string' },
          [idField]: { type: 'string' },
          status: { type: 'string', enum: ['created', 'duplicate'] },
        }),
      },
      rejected: {
        type: 'array',
        items: open({
          index: { type: 'integer' },
          source_ref: { type: ['string', 'null'] },
          errors: { type: 'array', items: problemSchema },
        }),
      },
    },
    ['accepted', 'rejected'],
  );
}

/**
 * Each rejected item's problems in the reader's language (Accept-Language, English by default), with the values they
 * name. In Chinese a record type is named by its policy name; English keeps the ids API clients have always read.
 */
export function rejectedInReaderLanguage<R extends { readonly errors: readonly ProblemDetail[] }>(
  request: FastifyRequest,
  policy: Policy,
  rejected: readonly R[],
) {
  const language = noticeLanguage(request.headers['accept-language']);
  const reader = language === 'zh' ? { language, policy } : { language };
  return rejected.map((r) => ({ ...r, errors: r.errors.map((e) => problemBody(e, reader)) }));
}
