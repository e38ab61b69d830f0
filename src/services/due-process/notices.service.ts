/** A subject's notices, for the subject themselves, operators and auditors. Reading them is logged. */

import { randomUUID } from 'node:crypto';
import type { Principal } from '../../domain/principal.ts';
import { CredenceError } from '../../errors.ts';
import { getNoticesOfSubject, type StoredNotice } from '../../store/notices.repository.ts';
import { getSubjectByIdentifier } from '../../store/subjects.repository.ts';
import { checkSubjectRef, type SubjectRef } from '../decisions/decisions.service.ts';
import { authorizeReport } from './reports.service.ts';
import type { Runtime } from '../runtime/runtime.ts';

export async function listNotices(
  rt: Runtime,
  principal: Principal,
  requested: SubjectRef,
): Promise<{ notices: StoredNotice[] }> {
  const ref = checkSubjectRef(rt, requested, 'subject');
  if ('code' in ref) throw new CredenceError(ref.code, ref.message, [ref]);
  authorizeReport(principal, ref);
  await rt.log.append([
    {
      subject_scheme: ref.scheme,
      subject_value: ref.id,
      at: rt.clock(),
      id: randomUUID(),
      kind: 'report',
      principal_id: principal.id,
      action: null,
      purpose: 'notices',
      outcome: null,
      policy_version: rt.policy.version,
    },
  ]);
  const subject = await getSubjectByIdentifier(rt.db, ref.scheme, ref.id);
  return { notices: subject === undefined ? [] : await getNoticesOfSubject(rt.db, subject.id) };
}
