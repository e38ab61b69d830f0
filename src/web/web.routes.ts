/** Every page route, by audience: the public register, staff and portal sign-in, the consoles, the portal. */

import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../shell/deps.ts';
import { agencyPagesRoutes } from './agency/agency.routes.ts';
import { operatorPagesRoutes } from './operator/operator.routes.ts';
import { portalRoutes } from './portal/portal.routes.ts';
import { pagesRoutes } from './public/public-pages.routes.ts';
import { staffAuthRoutes } from './sign-in/staff-sign-in.routes.ts';
import { useTimeZone } from './format.ts';
import { useErrorTimeZone } from '../shell/error-text.ts';

export function webRoutes(app: FastifyInstance, deps: AppDeps): void {
  useTimeZone(deps.timeZone);
  useErrorTimeZone(deps.timeZone);
  for (const routes of [pagesRoutes, staffAuthRoutes, operatorPagesRoutes, agencyPagesRoutes, portalRoutes]) {
    routes(app, deps);
  }
}
