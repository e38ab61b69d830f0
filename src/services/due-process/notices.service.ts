/** A subject's notices, for the subject themselves, operators and auditors. Reading them is logged. */

import type { Language } from '../../domain/local-text.ts';
import type { Principal } from '../../domain/principal.ts';
import { CredenceError } from '../../errors.ts';
import type { StoredNotice } from '../../store/notices.repository.ts';
import { getSubjectByIdentifier } from '../../store/subjects.repository.ts';
import type { ServiceContext } from '../context.ts';
import { checkSubjectRef, type SubjectRef } from '../decisions/decisions.service.ts';
import { logInquiries } from './inquiries.service.ts';
import { type NoticeText, renderNotices } from './notice-text.ts';
import { authorizeReport } from './reports.service.ts';
import { readNoticesOfSubject } from './stored-notices.ts';

/**
 * GET /v1/subjects/{scheme}/{id}/notices: authorised like the report, logged before the read. Each notice comes
 * with its words (`what`, `how_to_dispute`) in the reader's language, dates in `timeZone`.
 */
export async function listNotices(
  ctx: ServiceContext,
  principal: Principal,
  requested: SubjectRef,
  reader: { language: Language; timeZone: string },
): Promise<{ notices: (StoredNotice & NoticeText)[] }> {
  const ref = checkSubjectRef(ctx, requested, 'subject');
  if ('code' in ref) throw new CredenceError(ref.code, ref.message, [ref]);
  authorizeReport(principal, ref);
  await logInquiries(ctx, principal, { identifiers: [ref] }, 'notices', { kind: 'report' });
  const subject = await getSubjectByIdentifier(ctx.db, ref.scheme, ref.id);
  const notices = subject === undefined ? [] : await readNoticesOfSubject(ctx.db, ctx.policy, subject.id);
  return { notices: await renderNotices(ctx.db, ctx.policy, notices, reader.language, reader.timeZone) };
}
