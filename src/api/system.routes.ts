/** Health, the OpenAPI document, metrics, the active policy and ledger verification. */

import type { FastifyInstance } from 'fastify';
import { CredenceError } from '../errors.ts';
import { verifyLedger } from '../services/ledger/ledger.service.ts';
import { logPublicationStatus, type PublicationStatus } from '../services/ledger/log-publication.service.ts';
import { readActivePolicy } from '../services/ledger/policy.service.ts';
import { isDatabaseReachable } from '../services/runtime/database.service.ts';
import type { AppDeps } from '../shell/deps.ts';
import { anyObject, open } from './schemas.ts';

const readinessSchema = open(
  {
    status: { type: 'string', enum: ['ok'] },
    policy_version: { type: 'string' },
    ledger_seq: { type: 'string' },
    index_entries: { type: 'integer' },
    inquiries_pending: { type: 'integer' },
    catching_up: { type: 'boolean' },
    log: anyObject,
  },
  ['status'],
);
const metricsText = 'text/plain; version=0.0.4; charset=utf-8';
const metricsResponse = {
  description: 'The Prometheus text exposition format',
  content: { [metricsText]: { schema: { type: 'string' } } },
} as const;
const policySchema = open(
  {
    digest: { type: 'string' },
    version: { type: 'string' },
    activated_at: { type: 'string', format: 'date-time' },
    document: anyObject,
  },
  ['digest', 'version', 'document'],
);
const verificationSchema = open(
  {
    ok: { type: 'boolean' },
    events: { type: 'integer' },
    head: { type: 'string' },
    firstBad: open({ seq: { type: 'string' }, reason: { type: 'string' } }),
    log: anyObject,
  },
  ['ok', 'events'],
);
const livenessSchema = open({ status: { type: 'string', enum: ['ok'] } }, ['status']);

export function systemRoutes(app: FastifyInstance, deps: AppDeps): void {
  healthRoutes(app, deps);

  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/metrics',
    {
      config: { roles: ['operator', 'auditor'] },
      schema: {
        summary: 'Prometheus metrics',
        tags: ['system'],
        response: { 200: metricsResponse },
      },
    },
    async (_request, reply) => {
      return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    },
  );

  app.get(
    '/v1/policy',
    {
      config: { roles: ['operator', 'auditor', 'agency', 'relying', 'subject'] },
      schema: {
        summary: 'The active policy document',
        tags: ['policy'],
        response: { 200: policySchema },
      },
    },
    async () => readActivePolicy(deps.rt),
  );

  app.get(
    '/v1/ledger/verify',
    {
      config: { roles: ['operator', 'auditor'] },
      schema: {
        summary: 'Recompute the hash chain and name the first bad event',
        tags: ['ledger'],
        response: { 200: verificationSchema },
      },
    },
    async () => verifyLedger(deps.rt, { logKey: deps.logKey }),
  );
}

/** Liveness and readiness, for a supervisor. */
function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/health/live',
    {
      config: { public: true },
      schema: {
        summary: 'Liveness (no dependencies)',
        tags: ['system'],
        response: { 200: livenessSchema },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        summary: 'Readiness: database, ledger position, index size, log publication and witnesses',
        description:
          '503 (CRD_DATABASE_UNAVAILABLE) while the database is away; `/health/live` is the liveness probe. ' +
          '`catching_up` is true while the scheduled jobs catch up on time that passed while the server was down ' +
          '(it serves meanwhile: subjects not yet caught up are read afresh from the database).',
        tags: ['system'],
        response: { 200: readinessSchema },
      },
    },
    async () => {
      // Readiness: 503 in the coded error envelope while the database is away (liveness is /health/live).
      if (!(await isDatabaseReachable(deps.rt)))
        throw new CredenceError('CRD_DATABASE_UNAVAILABLE', 'the database is not reachable; try again shortly');
      return {
        status: 'ok',
        policy_version: deps.rt.policy.version,
        ledger_seq: deps.follower.seq,
        index_entries: deps.rt.index.size,
        inquiries_pending: deps.rt.log.pending,
        catching_up: deps.rt.catchingUp,
        log: presentLog(await logPublicationStatus(deps.rt)),
      };
    },
  );
}

/**
 * The log's publication for /health: tree sizes signed and published, and each witness's state (its last error
 * stays in the server's log: /health is public).
 */
function presentLog(status: PublicationStatus) {
  return {
    signed_size: status.signed_size,
    published_size: status.published_size,
    witness_quorum: status.quorum,
    witnesses: status.witnesses.map((w) => ({
      key: w.verifier_key,
      url: w.url,
      cosigned_size: w.cosigned_size,
      failing_since: w.failing_since?.toISOString() ?? null,
      next_retry_at: w.next_attempt_at?.toISOString() ?? null,
    })),
  };
}
