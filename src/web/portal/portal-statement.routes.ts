/**
 * POST /portal/disputes/:id/statement (FCRA § 611(b)-(c)): after an upheld dispute, the signed-in subject's own
 * statement, shown with the record in every report, as POST /v1/disputes/{id}/statement. Thin, as the portal's other
 * forms: the session's subject (CSRF checked by `requireSubject`), the same service as the API, then PRG; a refusal
 * comes back on the file with the text as typed (issue 11).
 */

import type { FastifyInstance } from 'fastify';
import { storableText } from '../../domain/text.ts';
import { addDisputeStatement } from '../../services/due-process/disputes.service.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { refuseTextIn } from '../../shell/request-checks.ts';
import { noStore } from '../page-context.ts';
import type { RefusalsOnPage } from './portal-commitments.routes.ts';
import { requireSubject, subjectPrincipal } from './require-subject.ts';

const schema = {
  hide: true,
  params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } },
  body: {
    type: 'object',
    required: ['statement'],
    additionalProperties: false,
    properties: {
      csrf: { type: 'string', maxLength: 100 },
      statement: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' },
    },
  },
} as const;

export function statementRoute(scope: FastifyInstance, deps: AppDeps, refusalsOnPage: RefusalsOnPage): void {
  scope.post<{ Params: { id: string }; Body: { csrf?: string; statement: string } }>(
    '/portal/disputes/:id/statement',
    // The form checks its own text, so a refusal is shown on the file with the form, not on an error page.
    { config: { public: true, ownTextCheck: ['body'] }, schema },
    async (request, reply) => {
      const subject = await requireSubject(request);
      const { id } = request.params;
      const draft = { statement: { dispute_id: id, text: storableText(request.body.statement) } };
      const save = async () => {
        refuseTextIn(request.body);
        const principal = subjectPrincipal(subject, deps.rt.clock());
        const dispute = await addDisputeStatement(deps.rt, principal, id, request.body.statement);
        return noStore(reply).redirect(`/portal?statement=saved#record-${dispute.record_id}`, 303);
      };
      return refusalsOnPage(deps, request, reply, save, draft);
    },
  );
}
