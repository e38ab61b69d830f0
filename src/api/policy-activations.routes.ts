/**
 * Policy activations over the API (issue 12): operators and auditors follow the activation under way and the
 * latest ones; an operator activates a policy document (the merged document GET /v1/policy answers, as JSON),
 * which a running server rescores in the background, resumably (policy.service.ts). Asking again for the policy
 * being activated answers that activation; another while one is open is CRD_ACTIVATION_IN_PROGRESS (409).
 */

import type { FastifyInstance } from 'fastify';
import { CredenceError } from '../errors.ts';
import { validatePolicyDocument } from '../policy/index.ts';
import {
  readActivations,
  schedulePolicyActivation,
  type PolicyActivationRow,
} from '../services/ledger/policy.service.ts';
import type { AppDeps } from '../shell/deps.ts';
import { principalOf } from './auth.ts';
import { anyObject, errorRef, errorResponses } from './schemas.ts';

const when = { type: ['string', 'null'], format: 'date-time' } as const;

const activationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'digest', 'version', 'status', 'reason', 'subjects_done', 'subjects_total'],
  properties: {
    id: { type: 'string' },
    digest: { type: 'string' },
    previous_digest: { type: ['string', 'null'] },
    version: { type: 'string' },
    reason: { type: 'string' },
    requested_by: { type: 'string' },
    requested_at: { type: 'string', format: 'date-time' },
    starts_at: { type: 'string', format: 'date-time' },
    status: { type: 'string', enum: ['scheduled', 'running', 'completed'] },
    cursor: { type: ['string', 'null'], description: 'The last subject id rescored' },
    subjects_done: { type: 'integer' },
    subjects_total: { type: 'integer', description: 'Subjects the registry held when the rescoring began' },
    started_at: when,
    progressed_at: when,
    completed_at: when,
  },
} as const;

/** The stored row as the API answers it (counts as numbers, no internal order). */
function view(a: PolicyActivationRow) {
  const { seq: _seq, ...rest } = a;
  return { ...rest, subjects_done: Number(a.subjects_done), subjects_total: Number(a.subjects_total) };
}

export function policyActivationsRoutes(app: FastifyInstance, deps: AppDeps): void {
  listRoute(app, deps);
  activateRoute(app, deps);
}

function listRoute(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/v1/policy/activations',
    {
      config: { roles: ['operator', 'auditor'] },
      schema: {
        summary: 'The policy activation under way, if any, and the latest ten, newest first',
        tags: ['policy'],
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['open', 'recent'],
            properties: {
              open: { anyOf: [activationSchema, { type: 'null' }] },
              recent: { type: 'array', items: activationSchema },
            },
          },
          ...errorResponses,
        },
      },
    },
    async () => {
      const { open, recent } = await readActivations(deps.rt);
      return { open: open === null ? null : view(open), recent: recent.map(view) };
    },
  );
}

function activateRoute(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: { document: Record<string, unknown>; reason: string; starts_at?: string } }>(
    '/v1/policy/activations',
    {
      config: { roles: ['operator'] },
      schema: {
        summary:
          'Activate a policy document: a resumable background rescoring of every subject (202), or the same ' +
          'activation when asked again (200), or nothing when it is the active policy (200, `activation` null)',
        tags: ['policy'],
        body: {
          type: 'object',
          required: ['document', 'reason'],
          additionalProperties: false,
          properties: {
            document: { ...anyObject, description: 'The merged policy document, as GET /v1/policy answers it' },
            reason: { type: 'string', minLength: 1, maxLength: 500 },
            starts_at: { type: 'string', format: 'date-time', description: 'Start rescoring at (default: now)' },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['activation'],
            properties: { activation: { anyOf: [activationSchema, { type: 'null' }] } },
          },
          202: {
            type: 'object',
            additionalProperties: false,
            required: ['activation'],
            properties: { activation: activationSchema },
          },
          ...errorResponses,
          409: errorRef,
        },
      },
    },
    async (request, reply) => {
      const { document, reason, starts_at } = request.body;
      const validation = validatePolicyDocument(document);
      if (validation.policy === undefined)
        throw new CredenceError('CRD_POLICY_INVALID', 'the policy document is not valid', validation.problems);
      const startsAt = starts_at === undefined ? undefined : new Date(starts_at);
      if (startsAt !== undefined && Number.isNaN(startsAt.getTime()))
        throw new CredenceError('CRD_INVALID_DATE', 'starts_at is not an instant', [
          { code: 'CRD_INVALID_DATE', path: 'starts_at', message: 'an ISO 8601 instant such as 2027-03-01T00:00:00Z' },
        ]);
      if (reason.trim() === '')
        throw new CredenceError('CRD_VALIDATION', 'say why the policy changes', [
          { code: 'CRD_VALIDATION', path: 'reason', message: 'must not be blank' },
        ]);
      const outcome = await schedulePolicyActivation(deps.rt, validation.policy, document, {
        reason: reason.trim(),
        requestedBy: principalOf(request).id,
        ...(startsAt === undefined ? {} : { startsAt }),
      });
      if (outcome.state === 'active') return { activation: null };
      return reply.code(outcome.created ? 202 : 200).send({ activation: view(outcome.activation) });
    },
  );
}
