/**
 * Server-rendered public pages (issue 4): search, lists, transparency, about. Thin: each route
 * picks the language, calls the same service as the public API, and renders a template. Rate
 * limited like the public API (its limits), so the pages are no way around them.
 */

import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { CredenceError } from '../../errors.ts';
import { listPublicMembers, MAX_PAGE_SIZE, searchPublic } from '../../services/public/public.service.ts';
import { getTransparencyReportWithAgencies } from '../../services/public/transparency.service.ts';
import { assetRoutes } from '../assets.ts';
import { pageContext, sendPage } from '../page-context.ts';
import { aboutPage } from './about.page.ts';
import { listMissingPage, listPage } from './list.page.ts';
import { searchPage } from './search.page.ts';
import { transparencyNames, transparencyPage } from './transparency.page.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { PUBLIC_RATE_LIMITS } from '../../shell/rate-limits.ts';

type Query = Record<string, string | undefined>;
const PAGE_SIZE = 20;
const page = (max: number) => ({ public: true, rateLimit: { max, timeWindow: '1 minute' } });

export function pagesRoutes(app: FastifyInstance, deps: AppDeps): void {
  assetRoutes(app);
  app.register(async (scope) => {
    await scope.register(rateLimit, { global: false });
    const schema = { hide: true, querystring: { type: 'object', additionalProperties: true, properties: {} } };

    scope.get<{ Querystring: Query }>(
      '/',
      { config: page(PUBLIC_RATE_LIMITS.search), schema },
      async (request, reply) => {
        const ctx = pageContext(request, reply);
        const q = request.query.q;
        if (q === undefined) return sendPage(reply, searchPage(ctx, '', { kind: 'form' }));
        try {
          return sendPage(
            reply,
            searchPage(ctx, q, { kind: 'results', results: (await searchPublic(deps.rt, q)).results }),
          );
        } catch (error) {
          if (!(error instanceof CredenceError) || error.code !== 'CRD_VALIDATION') throw error;
          return sendPage(
            reply.status(400),
            searchPage(ctx, q, { kind: 'invalid', message: ctx.t('search_invalid', { min: 2, max: 100 }) }),
          );
        }
      },
    );

    scope.get<{ Params: { list: string }; Querystring: Query }>(
      '/lists/:list',
      { config: page(PUBLIC_RATE_LIMITS.lists), schema },
      async (request, reply) => {
        const ctx = pageContext(request, reply);
        const number = Number(request.query.page ?? '1');
        const pageNo = Number.isInteger(number) && number >= 1 ? number : 1;
        try {
          return sendPage(
            reply,
            listPage(
              ctx,
              await listPublicMembers(deps.rt, request.params.list, pageNo, Math.min(PAGE_SIZE, MAX_PAGE_SIZE)),
            ),
          );
        } catch (error) {
          if (!(error instanceof CredenceError) || !['CRD_LIST_NOT_FOUND', 'CRD_VALIDATION'].includes(error.code))
            throw error;
          return sendPage(
            reply.status(error.code === 'CRD_VALIDATION' ? 400 : 404),
            listMissingPage(ctx, error.message),
          );
        }
      },
    );

    scope.get<{ Querystring: Query }>(
      '/transparency',
      { config: page(PUBLIC_RATE_LIMITS.transparency), schema },
      async (request, reply) => {
        const ctx = pageContext(request, reply);
        const { report, agencies } = await getTransparencyReportWithAgencies(deps.rt, {});
        return sendPage(reply, await transparencyPage(ctx, report, transparencyNames(deps.rt.policy, agencies)));
      },
    );

    scope.get<{ Querystring: Query }>(
      '/about',
      { config: page(PUBLIC_RATE_LIMITS.lists), schema },
      async (request, reply) => {
        return sendPage(reply, aboutPage(pageContext(request, reply), deps.rt.policy));
      },
    );
  });
}
