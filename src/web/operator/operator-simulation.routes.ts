/**
 * The console's policy simulation (issue 12): GET /operator/policy/simulate shows the candidate policy the server
 * is configured with (CREDENCE_POLICY_CANDIDATE_DIR), or why there is none to simulate; POST runs the simulation
 * (the same service as `credence policy simulate`) and shows its counts. The candidate is a folder deployed on the
 * server like the active policy, never typed or uploaded through the browser: nothing a web user sends names a
 * file, and a candidate is reviewed and versioned the way the active policy is. Operators only; CSRF on the POST.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCredenceError } from '../../errors.ts';
import { loadPolicy } from '../../policy/index.ts';
import { simulatePolicy, type PolicySimulation } from '../../services/ledger/policy-simulation.service.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { localProblems } from '../local-errors.ts';
import { pageContext, sendPage } from '../page-context.ts';
import { requireStaff } from '../sign-in/require-staff.ts';
import { simulationPage, type CandidateState } from './operator-simulation.page.ts';

const page = { config: { public: true }, schema: { hide: true } } as const;
const PATH = '/operator/policy/simulate';

/** The candidate folder, loaded afresh on every request: an operator edits it and runs again without a restart. */
async function loadCandidate(dir: string | null): Promise<CandidateState> {
  if (dir === null) return { kind: 'none' };
  try {
    return { kind: 'loaded', policy: await loadPolicy(dir) };
  } catch (error) {
    if (!isCredenceError(error) || error.code !== 'CRD_POLICY_INVALID') throw error;
    const problems =
      error.details.length > 0 ? error.details : [{ code: error.code, path: '', message: error.message }];
    return { kind: 'invalid', problems };
  }
}

async function render(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  run: boolean,
): Promise<FastifyReply> {
  const staff = await requireStaff(request, ['operator']);
  const ctx = pageContext(request, reply, { path: PATH });
  const candidate = await loadCandidate(deps.policyCandidateDir);
  let simulation: PolicySimulation | undefined;
  if (run && candidate.kind === 'loaded')
    simulation = await simulatePolicy(deps.rt, candidate.policy, { at: deps.rt.clock(), samples: 0 });
  const shown: CandidateState =
    candidate.kind === 'invalid' ? { kind: 'invalid', problems: localProblems(ctx, candidate.problems) } : candidate;
  const view = { staff, active: deps.rt.policy, candidate: shown, ...(simulation === undefined ? {} : { simulation }) };
  return sendPage(reply, await simulationPage(ctx, view), { signedIn: true });
}

export function simulationRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.get(PATH, page, (request, reply) => render(deps, request, reply, false));
  scope.post(PATH, page, (request, reply) => render(deps, request, reply, true));
}
