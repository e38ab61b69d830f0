/** A subject's report: their whole file, including who checked them. */

import type { FastifyInstance } from 'fastify';
import { listNotices } from '../services/due-process/notices.service.ts';
import { getReport } from '../services/due-process/reports.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { errorResponses } from './schemas.ts';

export function subjectsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Params: { scheme: string; id: string } }>(
    '/v1/subjects/:scheme/:id/report',
    {
      config: { roles: ['operator', 'auditor', 'subject'] },
      schema: {
        summary: "A subject's report (reading it is logged as an inquiry)",
        tags: ['subjects'],
        params: {
          type: 'object',
          properties: { scheme: { type: 'string', maxLength: 40 }, id: { type: 'string', maxLength: 64 } },
        },
        response: { ...errorResponses },
      },
    },
    async (request) =>
      getReport(deps.rt, principalOf(request), { scheme: request.params.scheme, id: request.params.id }),
  );

  app.get<{ Params: { scheme: string; id: string } }>(
    '/v1/subjects/:scheme/:id/notices',
    {
      config: { roles: ['operator', 'auditor', 'subject'] },
      schema: {
        summary: "A subject's notices: every change that affected them (reading them is logged)",
        tags: ['subjects'],
        params: {
          type: 'object',
          properties: { scheme: { type: 'string', maxLength: 40 }, id: { type: 'string', maxLength: 64 } },
        },
        response: { ...errorResponses },
      },
    },
    async (request) =>
      listNotices(deps.rt, principalOf(request), { scheme: request.params.scheme, id: request.params.id }),
  );
}
