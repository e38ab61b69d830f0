/** The agency console page as every console route renders it, and the reason check its forms share. */

import type { FastifyReply, FastifyRequest } from 'fastify';
import { CredenceError } from '../../errors.ts';
import { readAgencyConsole } from '../../services/due-process/agency-console.service.ts';
import { WEB_IMPORT_BATCH_SIZE } from '../../services/records/agency-imports.service.ts';
import type { PageContext } from '../layout.ts';
import { pageContext, sendPage } from '../page-context.ts';
import type { DisputeQueue } from './agency-disputes.page.ts';
import { fileFormLabel, type FileFormState, type FormValues } from './agency-file-form.page.ts';
import { localProblems } from '../local-errors.ts';
import type { RecordSearch } from './agency-records.page.ts';
import { agencyConsolePage, type AgencyConsole } from './agency.page.ts';
import type { AppDeps } from '../../shell/deps.ts';
import type { Clerk } from './agency-clerk.ts';

/** The console's language context: a POST answers for the GET page (the switch must not re-POST). */
export function consoleContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  return pageContext(request, reply, { path: '/agency', keepQuery: false });
}

/** The reason every decision is given to the subject with; blank is refused next to its field. */
export function requiredReason(values: FormValues): string {
  const text = values.reason ?? '';
  if (text.trim() === '')
    throw new CredenceError('CRD_VALIDATION', 'give the reason (it is shown to the subject)', [
      {
        code: 'CRD_VALIDATION',
        path: 'reason',
        message: 'the reason is required: it is shown to the subject',
        key: 'reason_required',
      },
    ]);
  return text;
}

export interface ConsoleView {
  readonly status?: number;
  readonly form?: FileFormState;
  readonly flash?: AgencyConsole['flash'] | undefined;
  readonly search?: RecordSearch;
  readonly refusedDispute?: DisputeQueue['refused'];
}

/** The filing form's last post, its problems in the page's language, each naming its field by the form's label. */
function localForm(ctx: PageContext, deps: AppDeps, form: FileFormState | undefined): FileFormState {
  if (form === undefined) return { values: {}, problems: [] };
  const { policy } = deps.rt;
  const label = fileFormLabel(ctx, policy, form.values.type);
  return { values: form.values, problems: localProblems(ctx, form.problems, { policy, label }) };
}

/** A refused dispute resolution, its problems in the page's language. */
function localRefusal(ctx: PageContext, refused: NonNullable<ConsoleView['refusedDispute']>) {
  return {
    disputeId: refused.disputeId,
    state: { ...refused.state, problems: localProblems(ctx, refused.state.problems) },
  };
}

/** The whole console: queues are read fresh (the reads are logged as inquiries by the service). */
export async function renderConsole(
  deps: AppDeps,
  reply: FastifyReply,
  ctx: PageContext,
  clerk: Clerk,
  view: ConsoleView,
): Promise<FastifyReply> {
  const { disputes, records, repairs, uploads } = await readAgencyConsole(deps.rt, clerk.principal);
  return sendPage(
    reply,
    agencyConsolePage(ctx, deps.rt.policy, {
      username: clerk.staff.username,
      agencyName: clerk.agencyName,
      agencyKind: clerk.agencyKind,
      csrf: clerk.staff.csrf_token,
      disputes: {
        items: disputes,
        records,
        ...(view.refusedDispute ? { refused: localRefusal(ctx, view.refusedDispute) } : {}),
      },
      repairs,
      uploads,
      uploadLimits: { maxBytes: reply.server.initialConfig.bodyLimit ?? 0, batchSize: WEB_IMPORT_BATCH_SIZE },
      form: localForm(ctx, deps, view.form),
      search: view.search ?? { query: '', found: undefined },
      ...(view.flash ? { flash: view.flash } : {}),
    }),
    { status: view.status ?? 200, signedIn: true },
  );
}
