/**
 * POST /portal/commitments (NDRC Order No. 36 (2025)): the signed-in subject's public credit commitment, for one of
 * their records or their conduct at large. Thin, as the portal's other forms: the session's subject (CSRF checked by
 * `requireSubject`), the same service as the API, then PRG; a refusal comes back on the file with the typed text.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_COMMITMENT_LENGTH } from '../../domain/commitment.ts';
import { storableText } from '../../domain/text.ts';
import { makeCommitment } from '../../services/due-process/commitments.service.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { refuseTextIn } from '../../shell/request-checks.ts';
import { noStore } from '../page-context.ts';
import type { PortalView } from './portal-view.ts';
import { requireSubject, subjectPrincipal } from './require-subject.ts';

/** How the portal runs a form's action, showing a refusal on the file with what was typed (portal.routes.ts). */
export type RefusalsOnPage = (
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  action: () => Promise<FastifyReply>,
  draft?: PortalView['draft'],
) => Promise<FastifyReply>;

const body = {
  type: 'object',
  required: ['text'],
  additionalProperties: false,
  properties: {
    csrf: { type: 'string', maxLength: 100 },
    text: { type: 'string', minLength: 1, maxLength: MAX_COMMITMENT_LENGTH, pattern: '\\S' },
    record_id: { type: 'string', pattern: '^[0-9]{1,18}$' },
  },
} as const;

export function commitmentRoute(scope: FastifyInstance, deps: AppDeps, refusalsOnPage: RefusalsOnPage): void {
  scope.post<{ Body: { csrf?: string; text: string; record_id?: string } }>(
    '/portal/commitments',
    // The form checks its own text, so a refusal is shown on the file with the form, not on an error page.
    { config: { public: true, ownTextCheck: ['body'] }, schema: { hide: true, body } },
    async (request, reply) => {
      const subject = await requireSubject(request);
      const { text, record_id: recordId } = request.body;
      // Shown again as typed, less what the form refuses to store (control characters, lone surrogates).
      const draft = { commitment: { text: storableText(text), record_id: recordId ?? null } };
      const make = async () => {
        refuseTextIn(request.body);
        const principal = subjectPrincipal(subject, deps.rt.clock());
        const ref = { scheme: subject.scheme, id: subject.id };
        await makeCommitment(deps.rt, principal, ref, { text, ...(recordId ? { record_id: recordId } : {}) });
        const anchor = recordId === undefined ? 'commitments-heading' : `record-${recordId}`;
        return noStore(reply).redirect(`/portal?committed=1#${anchor}`, 303);
      };
      return refusalsOnPage(deps, request, reply, make, draft);
    },
  );
}
