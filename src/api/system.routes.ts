/** Health, the OpenAPI document, metrics, the active policy and ledger verification. */

import type { FastifyInstance } from 'fastify';
import { verifyLedger } from '../services/ledger/ledger.service.ts';
import { readActivePolicy } from '../services/ledger/policy.service.ts';
import { isDatabaseReachable } from '../services/runtime/database.service.ts';
import type { AppDeps } from '../shell/deps.ts';

export function systemRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/health/live',
    { config: { public: true }, schema: { summary: 'Liveness (no dependencies)', tags: ['system'] } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/health',
    {
      config: { public: true },
      schema: { summary: 'Readiness: database, ledger position, index size', tags: ['system'] },
    },
    async (_request, reply) => {
      if (!(await isDatabaseReachable(deps.rt)))
        return reply.status(503).send({ status: 'unavailable', reason: 'database not reachable' });
      return {
        status: 'ok',
        policy_version: deps.rt.policy.version,
        ledger_seq: deps.follower.seq,
        index_entries: deps.rt.index.size,
        inquiries_pending: deps.rt.log.pending,
      };
    },
  );

  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/metrics',
    { config: { roles: ['operator', 'auditor'] }, schema: { summary: 'Prometheus metrics', tags: ['system'] } },
    async (_request, reply) => {
      return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    },
  );

  app.get(
    '/v1/policy',
    {
      config: { roles: ['operator', 'auditor', 'agency', 'relying', 'subject'] },
      schema: { summary: 'The active policy document', tags: ['policy'] },
    },
    async () => readActivePolicy(deps.rt),
  );

  app.get(
    '/v1/ledger/verify',
    {
      config: { roles: ['operator', 'auditor'] },
      schema: { summary: 'Recompute the hash chain and name the first bad event', tags: ['ledger'] },
    },
    async () => verifyLedger(deps.rt, { logKey: deps.logKey }),
  );
}
