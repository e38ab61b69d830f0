/**
 * Public disclosure and transparency, without a key. Every route here is rate-limited per
 * client address; the limiter is registered in this plugin's own scope, so no other route
 * (above all the decision route, whose throughput is benchmarked) pays for it.
 */

import { noticeLanguage } from './notice-language.ts';
import { ACCEPT_LANGUAGE_HEADERS } from './policy-texts.ts';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { CredenceError } from '../errors.ts';
import { listPublicMembers, MAX_PAGE_SIZE } from '../services/public/public-lists.service.ts';
import { searchPublic } from '../services/public/public.service.ts';
import { getTransparencyReport } from '../services/public/transparency.service.ts';
import type { AppDeps } from '../shell/deps.ts';
import { PUBLIC_RATE_LIMITS } from '../shell/rate-limits.ts';
import { anyObject, open } from './schemas.ts';

const DEFAULT_PAGE_SIZE = 20;

const publicRoute = (max: number) => ({ public: true, rateLimit: { max, timeWindow: '1 minute' } });
const pageNumber = { type: 'string', pattern: '^[0-9]{1,6}$' } as const;
const TRANSPARENCY_SUMMARY =
  'Aggregates for a period (dates inclusive, default the last 365 days): ' +
  'records filed, list sizes, disputes, repairs, decisions';

export function publicRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) =>
        new CredenceError(
          'CRD_RATE_LIMITED',
          `too many requests from this address: at most ${context.max} a minute; retry in ${context.after}`,
        ),
    });

    scope.get<{ Querystring: { q: string } }>(
      '/v1/public/search',
      {
        config: publicRoute(PUBLIC_RATE_LIMITS.search),
        schema: {
          summary:
            'Search the public register by name (a person by the whole name) or by identifier; at most 20 results',
          tags: ['public'],
          security: [],
          headers: ACCEPT_LANGUAGE_HEADERS,
          querystring: {
            type: 'object',
            required: ['q'],
            additionalProperties: false,
            properties: { q: { type: 'string', maxLength: 200 } },
          },
          response: { 200: open({ results: { type: 'array', items: anyObject } }, ['results']) },
        },
      },
      async (request) => searchPublic(deps.rt, request.query.q, noticeLanguage(request.headers['accept-language'])),
    );

    scope.get<{ Params: { list: string }; Querystring: { after?: string; page_size?: string } }>(
      '/v1/public/lists/:list',
      {
        config: publicRoute(PUBLIC_RATE_LIMITS.lists),
        schema: {
          summary:
            `A list's public members, newest first, at most ${MAX_PAGE_SIZE} a page; ` +
            'after: a cursor from an earlier page (next, previous or last)',
          tags: ['public'],
          security: [],
          headers: ACCEPT_LANGUAGE_HEADERS,
          params: { type: 'object', properties: { list: { type: 'string', maxLength: 100 } } },
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { after: { type: 'string', maxLength: 400 }, page_size: pageNumber },
          },
          response: { 200: anyObject },
        },
      },
      async (request) => {
        const pageSize = positive(request.query.page_size ?? String(DEFAULT_PAGE_SIZE), 'page_size', MAX_PAGE_SIZE);
        const language = noticeLanguage(request.headers['accept-language']);
        return listPublicMembers(deps.rt, request.params.list, { after: request.query.after, pageSize }, language);
      },
    );

    transparencyRoute(scope, deps);
  });
}

/** Aggregates for a period, the lists named in the reader's language (Accept-Language). */
function transparencyRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.get<{ Querystring: { from?: string; to?: string } }>(
    '/v1/public/transparency',
    {
      config: publicRoute(PUBLIC_RATE_LIMITS.transparency),
      schema: {
        summary: TRANSPARENCY_SUMMARY,
        tags: ['public'],
        security: [],
        headers: ACCEPT_LANGUAGE_HEADERS,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from: { type: 'string', maxLength: 10 }, to: { type: 'string', maxLength: 10 } },
        },
        response: { 200: open({ from: { type: 'string' }, to: { type: 'string' } }, ['from', 'to']) },
      },
    },
    async (request) => {
      const report = await getTransparencyReport(deps.rt, request.query);
      const language = noticeLanguage(request.headers['accept-language']);
      const names = (id: string, name: string) => deps.rt.policy.lists.get(id)?.name[language] ?? name;
      return { ...report, lists: report.lists.map((l) => ({ ...l, name: names(l.list, l.name) })) };
    },
  );
}

function positive(text: string, name: string, max: number): number {
  const value = Number(text);
  if (value >= 1 && value <= max) return value;
  const message = `${name} must be a whole number from 1 to ${max}`;
  throw new CredenceError('CRD_VALIDATION', message, [
    { code: 'CRD_VALIDATION', path: `querystring.${name}`, message },
  ]);
}
