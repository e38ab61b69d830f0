/**
 * The clerk's answers to subjects' due process, from the console's queues: resolve a dispute
 * (upheld, corrected with the correction form's fields, or revoked) and decide a repair
 * application. Each calls the same service as the API with the clerk's agency principal; a
 * refused resolution is shown again on the console with its problems inline.
 */

import type { FastifyInstance } from 'fastify';
import { resolveDispute } from '../../services/due-process/dispute-resolution.service.ts';
import { decideRepair } from '../../services/due-process/repairs.service.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { noStore } from '../page-context.ts';
import {
  clerkOf,
  csrf,
  formProblems,
  ownText,
  page,
  reason,
  stringsOf,
  uuidParams,
  type Form,
} from './agency-clerk.ts';
import { refuseTextIn } from '../../shell/request-checks.ts';
import { consoleContext, renderConsole, requiredReason } from './agency-console.ts';
import { changesOf } from './agency-correction.page.ts';

const outcomes = ['upheld', 'corrected', 'revoked'] as const;

export function agencyDecisionsRoutes(scope: FastifyInstance, deps: AppDeps): void {
  disputeResolutionRoute(scope, deps);
  repairDecisionRoute(scope, deps);
}

// The changes of a "corrected" outcome are the correction form's fields, posted flat.
function disputeResolutionRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Params: { id: string }; Body: Form }>(
    '/agency/disputes/:id/resolution',
    {
      ...ownText,
      schema: {
        hide: true,
        params: uuidParams,
        body: {
          type: 'object',
          required: ['outcome'],
          properties: { csrf, outcome: { enum: outcomes }, reason: { type: 'string', maxLength: 2000 } },
          additionalProperties: { type: 'string', maxLength: 2000 },
        },
      },
    },
    async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      const values = stringsOf(request.body);
      const outcome = values.outcome as (typeof outcomes)[number];
      const attributes = Object.keys(values)
        .filter((k) => k.startsWith('attributes.'))
        .map((k) => k.slice('attributes.'.length));
      try {
        refuseTextIn(values);
        await resolveDispute(deps.rt, clerk.principal, request.params.id, {
          outcome,
          reason: requiredReason(values),
          ...(outcome === 'corrected' ? { changes: changesOf(values, attributes) } : {}),
        });
      } catch (error) {
        const problems = formProblems(error, /^changes\./);
        if (problems === undefined) throw error;
        return renderConsole(deps, reply, consoleContext(request, reply), clerk, {
          status: 422,
          refusedDispute: { disputeId: request.params.id, state: { values, problems } },
        });
      }
      return noStore(reply).redirect(`/agency?resolved=${outcome}`, 303);
    },
  );
}

function repairDecisionRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Params: { id: string }; Body: { csrf?: string; approve: 'true' | 'false'; reason: string } }>(
    '/agency/repairs/:id/decision',
    {
      ...page,
      schema: {
        hide: true,
        params: uuidParams,
        body: {
          type: 'object',
          required: ['approve', 'reason'],
          additionalProperties: false,
          properties: { csrf, approve: { enum: ['true', 'false'] }, reason },
        },
      },
    },
    async (request, reply) => {
      const clerk = await clerkOf(request, deps);
      const approve = request.body.approve === 'true';
      await decideRepair(deps.rt, clerk.principal, request.params.id, { approve, reason: request.body.reason });
      return noStore(reply).redirect(`/agency?decided=${approve ? 'approved' : 'refused'}`, 303);
    },
  );
}
