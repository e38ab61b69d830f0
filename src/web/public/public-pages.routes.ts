/**
 * Server-rendered public pages (issue 4): search, lists, transparency, about. Thin: each route
 * picks the language, calls the same service as the public API, and renders a template. Rate
 * limited like the public API (its limits), so the pages are no way around them.
 */

import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CredenceError } from '../../errors.ts';
import { inLanguage } from '../../domain/local-text.ts';
import { invalidIdentifierIn, searchPublicPage } from '../../services/public/public.service.ts';
import { listPublicMembers, MAX_PAGE_SIZE } from '../../services/public/public-lists.service.ts';
import { getTransparencyReportWithAgencies } from '../../services/public/transparency.service.ts';
import { assetRoutes } from '../assets.ts';
import { pageContext, sendPage } from '../page-context.ts';
import { localError, localIdentifierProblem } from '../local-errors.ts';
import { sendErrorPage } from '../error-pages.ts';
import { logAnswer, toCredenceError } from '../../shell/error-handler.ts';
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
    await registerRefusals(scope);
    const schema = { hide: true, querystring: { type: 'object', additionalProperties: true, properties: {} } };

    searchRoute(scope, deps, schema);

    scope.get<{ Params: { list: string }; Querystring: Query }>(
      '/lists/:list',
      { config: page(PUBLIC_RATE_LIMITS.lists), schema },
      async (request, reply) => {
        const ctx = pageContext(request, reply);
        const pageSize = Math.min(PAGE_SIZE, MAX_PAGE_SIZE);
        const read = (after?: string) =>
          listPublicMembers(deps.rt, request.params.list, { after, pageSize }, ctx.locale);
        try {
          return sendPage(reply, listPage(ctx, await orFirstPage(request.query.after, read)));
        } catch (error) {
          if (!(error instanceof CredenceError) || !['CRD_LIST_NOT_FOUND', 'CRD_VALIDATION'].includes(error.code))
            throw error;
          return sendPage(
            reply.status(error.code === 'CRD_VALIDATION' ? 400 : 404),
            listMissingPage(ctx, localError(ctx, error)),
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
        const names = transparencyNames(deps.rt.policy, agencies, ctx.locale);
        return sendPage(reply, await transparencyPage(ctx, report, names));
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

/** The search form and its results; a query searchPublic refuses (control characters too) is shown on the form. */
function searchRoute(scope: FastifyInstance, deps: AppDeps, schema: object): void {
  scope.get<{ Querystring: Query }>(
    '/',
    // searchPublic refuses a query with control characters; the search form shows why.
    { config: { ...page(PUBLIC_RATE_LIMITS.search), ownTextCheck: ['querystring'] }, schema },
    async (request, reply) => {
      const ctx = pageContext(request, reply);
      const q = request.query.q;
      if (q === undefined) return sendPage(reply, searchPage(ctx, '', { kind: 'form' }));
      const invalid = invalidIdentifierIn(deps.rt.policy, q);
      if (invalid !== undefined) {
        const scheme = inLanguage(invalid.scheme.name, ctx.locale);
        const problem = localIdentifierProblem(ctx, invalid.scheme, q) ?? invalid.problem;
        const message = ctx.t('search_invalid_identifier', { scheme, problem });
        return sendPage(reply.status(400), searchPage(ctx, q, { kind: 'invalid', message }));
      }
      try {
        const read = (after?: string) => searchPublicPage(deps.rt, q, ctx.locale, after);
        const found = await orFirstPage(request.query.after, read);
        return sendPage(reply, searchPage(ctx, q, { kind: 'results', ...found }));
      } catch (error) {
        if (!(error instanceof CredenceError) || error.code !== 'CRD_VALIDATION') throw error;
        return sendPage(
          reply.status(400),
          searchPage(ctx, q, { kind: 'invalid', message: ctx.t('search_invalid', { min: 2, max: 100 }) }),
        );
      }
    },
  );
}

/** A cursor that is not one of ours (a stale or edited link) opens the first page: a bad link is no error. */
async function orFirstPage<T>(after: string | undefined, read: (after?: string) => Promise<T>): Promise<T> {
  try {
    return await read(after);
  } catch (error) {
    const badCursor = error instanceof CredenceError && error.details[0]?.path === 'querystring.after';
    if (after === undefined || !badCursor) throw error;
    return read();
  }
}

/** Refusals (a rate limit: 429 with Retry-After; text with control characters) are pages, like the rest. */
async function registerRefusals(scope: FastifyInstance): Promise<void> {
  scope.setErrorHandler(refusedPageHandler);
  await scope.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new CredenceError(
        'CRD_RATE_LIMITED',
        `too many requests from this address: at most ${context.max} a minute; retry in ${context.after}`,
      ),
  });
}

/** The scope's error handler: every refusal, and any failure, as a page with its message and code. */
function refusedPageHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const coded = toCredenceError(error);
  logAnswer(request, coded, error);
  return sendErrorPage(request, reply, coded);
}
