/** A subject's report: their whole file, including who checked them. */

import type { FastifyInstance } from 'fastify';
import { listNotices } from '../services/due-process/notices.service.ts';
import { getReport } from '../services/due-process/reports.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { errorResponses } from './schemas.ts';

const base64 = { type: 'string', contentEncoding: 'base64' } as const;

/**
 * The report's log section (issue 9, item 5), for the OpenAPI document. The rest of the report passes through
 * unchanged (additionalProperties), so the serializer drops nothing.
 */
const reportSchema = {
  description:
    "The subject's file. `log` proves every ledger event about the subject that the published checkpoint covers: " +
    '`credence verify-report FILE --log-key VKEY` checks it offline, trusting nothing from the registry but bytes.',
  type: 'object',
  additionalProperties: true,
  properties: {
    log: {
      type: ['object', 'null'],
      description: 'Null until the log publishes its first checkpoint (then `log_status.message` says so).',
      required: ['checkpoint', 'entries'],
      properties: {
        checkpoint: {
          type: 'string',
          description:
            'The published checkpoint, exactly as `GET /log/checkpoint` serves it (c2sp.org/tlog-checkpoint).',
        },
        entries: {
          type: 'array',
          description: 'Every ledger event about the subject with a log index below the tree size, in log order.',
          items: {
            type: 'object',
            required: ['index', 'data', 'inclusion_proof'],
            properties: {
              index: { type: 'integer', minimum: 0, description: 'The leaf index (the ledger sequence number - 1)' },
              data: {
                ...base64,
                description: 'The exact leaf bytes of the event: its leaf hash is SHA-256(0x00 || data)',
              },
              inclusion_proof: {
                type: 'array',
                items: { ...base64, description: 'A 32-byte hash' },
                description: "The RFC 6962 inclusion proof of the leaf for the checkpoint's tree size, leaf side first",
              },
            },
          },
        },
      },
    },
    log_status: {
      type: 'object',
      required: ['tree_size', 'proved_events', 'pending_events', 'message'],
      properties: {
        tree_size: { type: ['integer', 'null'], description: "The published checkpoint's tree size" },
        proved_events: { type: 'integer', description: 'Events about the subject in `log.entries`' },
        pending_events: {
          type: 'integer',
          description: 'Events about the subject not yet covered by the published checkpoint (so not in `log`)',
        },
        message: { type: 'string', description: 'What the log section proves, or why there is none, in plain words' },
      },
    },
  },
} as const;

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
        response: { 200: reportSchema, ...errorResponses },
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
