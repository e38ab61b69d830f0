/** Decisions for relying services: one subject, or a batch of up to 10,000. */

import type { FastifyInstance } from 'fastify';
import { decide, decideBatch, type SubjectRef } from '../services/decisions/decisions.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { anyObject, decisionSchema, errorResponses, open, subjectRefSchema } from './schemas.ts';

export const MAX_SUBJECTS_PER_BATCH = 10_000;

const actionPurpose = {
  action: { type: 'string', minLength: 1, maxLength: 100 },
  purpose: { type: 'string', minLength: 1, maxLength: 100 },
} as const;

export function decisionsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: { subject: SubjectRef; action: string; purpose: string } }>(
    '/v1/decisions',
    {
      config: { roles: ['relying', 'operator'] },
      schema: {
        summary: 'May this subject do this action for this purpose?',
        tags: ['decisions'],
        body: {
          type: 'object',
          required: ['subject', 'action', 'purpose'],
          additionalProperties: false,
          properties: { subject: subjectRefSchema, ...actionPurpose },
        },
        response: { 200: decisionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const decision = await decide(deps.rt, principalOf(request), request.body);
      deps.metrics.decisions.inc({ action: decision.action, outcome: decision.outcome });
      return decision;
    },
  );

  app.post<{ Body: { subjects: SubjectRef[]; action: string; purpose: string } }>(
    '/v1/decisions/batch',
    {
      config: { roles: ['relying', 'operator'] },
      schema: {
        summary: 'Decisions for many subjects, in request order',
        tags: ['decisions'],
        body: {
          type: 'object',
          required: ['subjects', 'action', 'purpose'],
          additionalProperties: false,
          properties: {
            subjects: { type: 'array', minItems: 1, maxItems: MAX_SUBJECTS_PER_BATCH, items: subjectRefSchema },
            ...actionPurpose,
          },
        },
        // Each result is a decision, or the coded error for that subject.
        response: { 200: open({ results: { type: 'array', items: anyObject } }, ['results']), ...errorResponses },
      },
    },
    async (request) => {
      const result = await decideBatch(deps.rt, principalOf(request), request.body);
      for (const r of result.results)
        if ('outcome' in r) deps.metrics.decisions.inc({ action: r.action, outcome: r.outcome });
      return result;
    },
  );
}
