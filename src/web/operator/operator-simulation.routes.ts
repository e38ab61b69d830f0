/**
 * The console's policy simulation (issue 12): GET /operator/policy/simulate shows the candidate policy the server
 * is configured with (CREDENCE_POLICY_CANDIDATE_DIR), or why there is none to simulate; POST runs the simulation
 * (the same service as `credence policy simulate`) and shows its counts. The candidate is a folder deployed on the
 * server like the active policy, never typed or uploaded through the browser: nothing a web user sends names a
 * file, and a candidate is reviewed and versioned the way the active policy is. Operators only; CSRF on the POST.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CredenceError, isCredenceError, type ProblemDetail } from '../../errors.ts';
import { loadPolicy } from '../../policy/index.ts';
import type { SignedInStaff } from '../../services/accounts/staff-sessions.service.ts';
import { simulatePolicy, type PolicySimulation } from '../../services/ledger/policy-simulation.service.ts';
import { readActivations, schedulePolicyActivation } from '../../services/ledger/policy.service.ts';
import { loadPolicyDir } from '../../services/runtime/open-registry.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { localError, localProblems } from '../local-errors.ts';
import { noStore, pageContext, sendPage } from '../page-context.ts';
import { requireStaff } from '../sign-in/require-staff.ts';
import { simulationPage, type CandidateState, type SimulationView } from './operator-simulation.page.ts';

const page = { config: { public: true }, schema: { hide: true } } as const;
const PATH = '/operator/policy/simulate';
type Form = Record<string, string | string[] | undefined>;

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
  options: { run?: boolean; staff?: SignedInStaff; form?: SimulationView['form'] } = {},
): Promise<FastifyReply> {
  const staff = options.staff ?? (await requireStaff(request, ['operator']));
  const ctx = pageContext(request, reply, { path: PATH });
  const candidate = await loadCandidate(deps.policyCandidateDir);
  let simulation: PolicySimulation | undefined;
  if (options.run === true && candidate.kind === 'loaded')
    simulation = await simulatePolicy(deps.rt, candidate.policy, { at: deps.rt.clock(), samples: 0 });
  const shown: CandidateState =
    candidate.kind === 'invalid' ? { kind: 'invalid', problems: localProblems(ctx, candidate.problems) } : candidate;
  const view: SimulationView = {
    staff,
    active: deps.rt.policy,
    candidate: shown,
    activations: await readActivations(deps.rt),
    ...(simulation === undefined ? {} : { simulation }),
    ...(options.form === undefined ? {} : { form: options.form }),
  };
  return sendPage(reply, await simulationPage(ctx, view), { signedIn: true });
}

/**
 * Activates the candidate (issue 12): the same scheduling as `credence policy activate --background`, the rescoring
 * left to the server's background loop. Post/redirect/get: the page it opens shows the activation's progress.
 */
async function activate(deps: AppDeps, request: FastifyRequest<{ Body: Form }>, reply: FastifyReply) {
  const staff = await requireStaff(request, ['operator']); // CSRF first: nothing is validated for a forged form
  const values = { reason: String(request.body?.reason ?? ''), starts_at: String(request.body?.starts_at ?? '') };
  try {
    const candidate = await loadCandidate(deps.policyCandidateDir);
    if (candidate.kind !== 'loaded' || deps.policyCandidateDir === null)
      throw new CredenceError('CRD_POLICY_INVALID', 'there is no valid candidate policy to activate');
    const startsAt = values.starts_at.trim() === '' ? undefined : new Date(values.starts_at.trim());
    const problems: ProblemDetail[] = [
      ...(values.reason.trim() === ''
        ? [{ code: 'CRD_VALIDATION' as const, path: 'reason', message: 'say why the policy changes' }]
        : []),
      ...(startsAt !== undefined && Number.isNaN(startsAt.getTime())
        ? [
            {
              code: 'CRD_INVALID_DATE' as const,
              path: 'starts_at',
              message: 'an instant such as 2027-03-01T00:00:00+08:00',
            },
          ]
        : []),
    ];
    if (problems.length > 0) throw new CredenceError('CRD_VALIDATION', 'the activation form is not complete', problems);
    const { policy, document } = await loadPolicyDir(deps.policyCandidateDir);
    await schedulePolicyActivation(deps.rt, policy, document, {
      reason: values.reason.trim().slice(0, 500),
      requestedBy: `staff:${staff.username}`,
      ...(startsAt === undefined ? {} : { startsAt }),
    });
    return noStore(reply).redirect(PATH, 303);
  } catch (error) {
    if (!isCredenceError(error) || error.status < 400 || error.status >= 500 || error.status === 403) throw error;
    const ctx = pageContext(request, reply, { path: PATH });
    const problems = localProblems(ctx, error.details);
    reply.status(error.status);
    return render(deps, request, reply, { staff, form: { values, problems, message: localError(ctx, error) } });
  }
}

export function simulationRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.get(PATH, page, (request, reply) => render(deps, request, reply));
  scope.post(PATH, page, (request, reply) => render(deps, request, reply, { run: true }));
  scope.post<{ Body: Form }>('/operator/policy/activate', page, (request, reply) => activate(deps, request, reply));
}
