/**
 * Server-rendered public pages (issue 4): search, lists, transparency, about. Thin: each route
 * picks the language, calls the same service as the public API, and renders a template. Rate
 * limited like the public API (its limits), so the pages are no way around them.
 */

import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CredenceError } from '../../errors.ts';
import { listPublicMembers, MAX_PAGE_SIZE, searchPublic } from '../../services/public.service.ts';
import { getTransparencyReport } from '../../services/transparency.service.ts';
import { getAgencyNames } from '../../store/public.repository.ts';
import { assetRoutes } from '../../web/assets.ts';
import type { SafeHtml } from '../../web/html.ts';
import { asLocale, langCookie, pickLocale, translator } from '../../web/i18n/index.ts';
import type { PageContext } from '../../web/layout.ts';
import { aboutPage } from '../../web/pages/about.ts';
import { listMissingPage, listPage } from '../../web/pages/list.ts';
import { searchPage } from '../../web/pages/search.ts';
import { transparencyPage } from '../../web/pages/transparency.ts';
import type { AppDeps } from '../app.ts';
import { PUBLIC_RATE_LIMITS } from './public.routes.ts';

type Query = Record<string, string | undefined>;
const PAGE_SIZE = 20;
const ONE_YEAR = 365 * 24 * 3600;
const page = (max: number) => ({ public: true, rateLimit: { max, timeWindow: '1 minute' } });

export function pagesRoutes(app: FastifyInstance, deps: AppDeps): void {
  assetRoutes(app);
  app.register(async (scope) => {
    await scope.register(rateLimit, { global: false });
    const schema = { hide: true, querystring: { type: 'object', additionalProperties: true, properties: {} } };

    scope.get<{ Querystring: Query }>('/', { config: page(PUBLIC_RATE_LIMITS.search), schema }, async (request, reply) => {
      const ctx = contextOf(request, reply);
      const q = request.query.q;
      if (q === undefined) return send(reply, searchPage(ctx, '', { kind: 'form' }));
      try {
        return send(reply, searchPage(ctx, q, { kind: 'results', results: (await searchPublic(deps.rt, q)).results }));
      } catch (error) {
        if (!(error instanceof CredenceError) || error.code !== 'CRD_VALIDATION') throw error;
        return send(reply.status(400), searchPage(ctx, q, { kind: 'invalid', message: ctx.t('search_invalid', { min: 2, max: 100 }) }));
      }
    });

    scope.get<{ Params: { list: string }; Querystring: Query }>('/lists/:list', { config: page(PUBLIC_RATE_LIMITS.lists), schema }, async (request, reply) => {
      const ctx = contextOf(request, reply);
      const number = Number(request.query.page ?? '1');
      const pageNo = Number.isInteger(number) && number >= 1 ? number : 1;
      try {
        return send(reply, listPage(ctx, await listPublicMembers(deps.rt, request.params.list, pageNo, Math.min(PAGE_SIZE, MAX_PAGE_SIZE))));
      } catch (error) {
        if (!(error instanceof CredenceError) || !['CRD_LIST_NOT_FOUND', 'CRD_VALIDATION'].includes(error.code)) throw error;
        return send(reply.status(error.code === 'CRD_VALIDATION' ? 400 : 404), listMissingPage(ctx, error.message));
      }
    });

    scope.get<{ Querystring: Query }>('/transparency', { config: page(PUBLIC_RATE_LIMITS.transparency), schema }, async (request, reply) => {
      const ctx = contextOf(request, reply);
      const report = await getTransparencyReport(deps.rt, {});
      const agencies = await getAgencyNames(deps.rt.db, report.records_filed.by_type_and_agency.map((r) => r.agency_id));
      const policy = deps.rt.policy;
      return send(reply, await transparencyPage(ctx, report, {
        type: (id) => policy.record_types.get(id)?.name ?? id,
        agency: (id) => agencies.get(id) ?? id,
        action: (id) => policy.actions.get(id)?.name ?? id,
      }));
    });

    scope.get<{ Querystring: Query }>('/about', { config: page(PUBLIC_RATE_LIMITS.lists), schema }, async (request, reply) => {
      return send(reply, aboutPage(contextOf(request, reply), deps.rt.policy));
    });
  });
}

/** The page's language; `?lang=` is the visible switch and is remembered in a cookie. */
function contextOf(request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply): PageContext {
  const chosen = asLocale(request.query.lang);
  if (chosen !== undefined) reply.header('set-cookie', `lang=${chosen}; Path=/; Max-Age=${ONE_YEAR}; SameSite=Lax; HttpOnly`);
  const locale = pickLocale({ query: request.query.lang, cookie: langCookie(request.headers.cookie), acceptLanguage: request.headers['accept-language'] });
  const query = Object.fromEntries(Object.entries(request.query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'lang'));
  return { locale, t: translator(locale), path: request.url.split('?')[0]!, query };
}

function send(reply: FastifyReply, page: SafeHtml): FastifyReply {
  // Pages vary by language (cookie, Accept-Language); none is cached by shared caches.
  return reply.type('text/html; charset=utf-8').header('vary', 'Accept-Language, Cookie').header('cache-control', 'private, no-cache').send(page.value);
}
