/** Decisions for relying services: one subject, or a batch of up to 10,000. */

import type { FastifyInstance } from 'fastify';
import { decide, decideBatch, type DecisionView, type SubjectRef } from '../services/decisions/decisions.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { anyObject, decisionSchema, errorResponses, open, subjectRefSchema } from './schemas.ts';
import { noticeLanguage } from './notice-language.ts';
import { ACCEPT_LANGUAGE_HEADERS, actionName, measureIn } from './policy-texts.ts';
import { reasonsIn } from './decision-reasons.ts';
import { problemBody } from '../shell/error-text.ts';
import type { Language } from '../domain/local-text.ts';
import type { Policy } from '../domain/policy.ts';

/** A decision with the policy's texts in the reader's language: the action's name, measures' legal bases, reasons. */
function decisionIn<D extends DecisionView>(policy: Policy, decision: D, language: Language) {
  return {
    ...decision,
    action_name: actionName(policy, decision.action, language),
    measures: decision.measures.map((m) => measureIn(policy, m, language)),
    reasons: reasonsIn(policy, decision, language),
  };
}

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
        headers: ACCEPT_LANGUAGE_HEADERS,
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
      return decisionIn(deps.rt.policy, decision, noticeLanguage(request.headers['accept-language']));
    },
  );

  app.post<{ Body: { subjects: SubjectRef[]; action: string; purpose: string } }>(
    '/v1/decisions/batch',
    {
      config: { roles: ['relying', 'operator'] },
      schema: {
        summary: 'Decisions for many subjects, in request order',
        tags: ['decisions'],
        headers: ACCEPT_LANGUAGE_HEADERS,
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
      const language = noticeLanguage(request.headers['accept-language']);
      const reader = { language, policy: deps.rt.policy };
      return {
        results: result.results.map((r) =>
          'outcome' in r ? decisionIn(deps.rt.policy, r, language) : { ...r, error: problemBody(r.error, reader) },
        ),
      };
    },
  );
}
