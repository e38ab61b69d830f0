/** A subject's report: their whole file, including who checked them. */

import type { FastifyInstance } from 'fastify';
import { listNotices } from '../services/due-process/notices.service.ts';
import { renderNotices } from '../services/due-process/notice-text.ts';
import { noticeLanguage } from './notice-language.ts';
import { ACCEPT_LANGUAGE_HEADERS, measureIn, membershipIn, recordTypeName } from './policy-texts.ts';
import { getInquiriesPage, getReport, INQUIRIES_PAGE } from '../services/due-process/reports.service.ts';
import { getReportPdf } from '../services/due-process/report-pdf.service.ts';
import { principalOf } from './auth.ts';
import type { AppDeps } from '../shell/deps.ts';
import { anyObject, errorResponses } from './schemas.ts';

const base64 = { type: 'string', contentEncoding: 'base64' } as const;

const nullableText = { type: ['string', 'null'] } as const;

/** One inquiry as "who checked me" shows it (the report's `inquiries` and each page's). */
const inquirySchema = {
  type: 'object',
  required: ['id', 'at', 'kind', 'by', 'identifier'],
  properties: {
    id: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    kind: { type: 'string', enum: ['decision', 'report', 'record'] },
    action: nullableText,
    purpose: nullableText,
    outcome: nullableText,
    review_id: { ...nullableText, description: "Set when this is a relying service's human decision after a review" },
    by: {
      type: 'object',
      required: ['principal_id', 'name', 'role'],
      properties: { principal_id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } },
    },
    identifier: {
      type: 'object',
      required: ['scheme', 'id'],
      properties: { scheme: { type: 'string' }, id: { type: 'string' } },
    },
  },
} as const;

const inquiriesPageSchema = {
  description: `Up to ${INQUIRIES_PAGE} inquiries, newest first by (at, id)`,
  type: 'object',
  required: ['inquiries', 'inquiries_total', 'next'],
  additionalProperties: false,
  properties: {
    inquiries: { type: 'array', items: inquirySchema },
    inquiries_total: { type: 'integer', minimum: 0, description: 'Every inquiry about the subject, on all pages' },
    next: { type: ['string', 'null'], description: 'The `after` of the next (older) page, or null on the last' },
  },
} as const;

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
    inquiries: { type: 'array', items: inquirySchema, description: 'The newest page of who checked the subject' },
    inquiries_total: { type: 'integer', minimum: 0, description: 'Every inquiry about the subject, on all pages' },
    inquiries_next: {
      type: ['string', 'null'],
      description: 'The `after` of GET /v1/subjects/{scheme}/{id}/inquiries for the next (older) page; null: none',
    },
    inquiries_retention: {
      type: 'object',
      required: ['period', 'legal_basis'],
      properties: {
        period: { type: 'string', description: 'How long inquiries are kept (ISO 8601), then deleted by month' },
        legal_basis: {
          type: 'object',
          required: ['en', 'zh'],
          properties: { en: { type: 'string' }, zh: { type: 'string' } },
          description: 'Why for that long, in English and Chinese',
        },
      },
      description: "The policy's retention of inquiries",
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

/** GET .../inquiries?after=: the pages of "who checked me" after the report's first. */
function inquiriesRoute(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Params: { scheme: string; id: string }; Querystring: { after?: string } }>(
    '/v1/subjects/:scheme/:id/inquiries',
    {
      config: { roles: ['operator', 'auditor', 'subject'] },
      schema: {
        summary:
          `Who checked the subject, ${INQUIRIES_PAGE} inquiries a page, newest first: ` +
          "the report's `inquiries_next` as `after` gives the page after its own (reading it is logged)",
        tags: ['subjects'],
        params: {
          type: 'object',
          properties: { scheme: { type: 'string', maxLength: 40 }, id: { type: 'string', maxLength: 64 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: {
              type: 'string',
              minLength: 3,
              maxLength: 120,
              description: 'The `inquiries_next` of a report, or the `next` of a page; absent: the newest page',
            },
          },
        },
        response: { 200: inquiriesPageSchema, ...errorResponses },
      },
    },
    async (request) =>
      getInquiriesPage(
        deps.rt,
        principalOf(request),
        { scheme: request.params.scheme, id: request.params.id },
        request.query.after,
      ),
  );
}

/** GET .../report.pdf: the report as a printable PDF, in the language of `Accept-Language` (English by default). */
function reportPdfRoute(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Params: { scheme: string; id: string } }>(
    '/v1/subjects/:scheme/:id/report.pdf',
    {
      config: { roles: ['operator', 'auditor', 'subject'] },
      schema: {
        summary:
          "A subject's report as a printable PDF with its CJK font embedded, in the Accept-Language's language " +
          '(Chinese or English): generation time, policy version and the log checkpoint it was proven against ' +
          '(reading it is logged as an inquiry; 503 CRD_PDF_FONT_MISSING where the server has no CJK font)',
        tags: ['subjects'],
        params: {
          type: 'object',
          properties: { scheme: { type: 'string', maxLength: 40 }, id: { type: 'string', maxLength: 64 } },
        },
        response: {
          200: {
            description: 'The report, as PDF',
            content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { scheme, id } = request.params;
      const pdf = await getReportPdf(
        deps.rt,
        principalOf(request),
        { scheme, id },
        { language: noticeLanguage(request.headers['accept-language']), timeZone: deps.timeZone, logKey: deps.logKey },
      );
      return reply
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header('content-disposition', 'inline; filename="credit-report.pdf"')
        .send(pdf);
    },
  );
}

export function subjectsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Params: { scheme: string; id: string } }>(
    '/v1/subjects/:scheme/:id/report',
    {
      config: { roles: ['operator', 'auditor', 'subject'] },
      schema: {
        summary: "A subject's report (reading it is logged as an inquiry)",
        tags: ['subjects'],
        headers: ACCEPT_LANGUAGE_HEADERS,
        params: {
          type: 'object',
          properties: { scheme: { type: 'string', maxLength: 40 }, id: { type: 'string', maxLength: 64 } },
        },
        response: { 200: reportSchema, ...errorResponses },
      },
    },
    async (request) => {
      const report = await getReport(deps.rt, principalOf(request), {
        scheme: request.params.scheme,
        id: request.params.id,
      });
      const language = noticeLanguage(request.headers['accept-language']);
      const { policy } = deps.rt;
      return {
        ...report,
        // Policy texts in the reader's language, as the notices are (issue 11).
        lists: report.lists.map((m) => membershipIn(policy, m, language)),
        measures: report.measures.map((m) => measureIn(policy, m, language)),
        records: report.records.map((r) => ({ ...r, record_type_name: recordTypeName(policy, r.type, language) })),
        notices: await renderNotices(deps.rt.db, policy, report.notices, language, deps.timeZone),
      };
    },
  );

  inquiriesRoute(app, deps);
  reportPdfRoute(app, deps);

  app.get<{ Params: { scheme: string; id: string } }>(
    '/v1/subjects/:scheme/:id/notices',
    {
      config: { roles: ['operator', 'auditor', 'subject'] },
      schema: {
        summary: "A subject's notices: every change that affected them (reading them is logged)",
        tags: ['subjects'],
        headers: ACCEPT_LANGUAGE_HEADERS,
        params: {
          type: 'object',
          properties: { scheme: { type: 'string', maxLength: 40 }, id: { type: 'string', maxLength: 64 } },
        },
        response: {
          200: { type: 'object', required: ['notices'], properties: { notices: { type: 'array', items: anyObject } } },
          ...errorResponses,
        },
      },
    },
    async (request) =>
      listNotices(
        deps.rt,
        principalOf(request),
        { scheme: request.params.scheme, id: request.params.id },
        { language: noticeLanguage(request.headers['accept-language']), timeZone: deps.timeZone },
      ),
  );
}
