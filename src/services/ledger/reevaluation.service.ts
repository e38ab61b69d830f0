/**
 * Time moves evaluations on with no new input: a notice period runs out, a record or a listing
 * reaches its end. Every subject's projection carries `next_change_at`; this re-evaluates the
 * subjects whose moment has come, as `subject.reevaluated` ledger events, so the decision index
 * (and a replay) follows. The server runs it on a timer; the time is the context's clock, so
 * tests move it.
 */

import { lockLedgerHead, notifyLedger } from '../../store/ledger.repository.ts';
import { getSubjectIdsDueBy } from '../../store/state.repository.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import { appendEvents } from './ledger.service.ts';
import { reprojectSubjects } from './projection.service.ts';

const PAGE = 5000;

/** Re-evaluates one page of subjects due at `now`; returns how many (0 when none are due). */
async function reevaluateDueSubjects(ctx: ServiceContext, now: Date): Promise<number> {
  return writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx);
    const ids = await getSubjectIdsDueBy(trx, now, PAGE);
    if (ids.length === 0) return 0;
    await reprojectSubjects(trx, ctx.policy, ids, now, { notify: true });
    await appendEvents(
      trx,
      now,
      ids.map((id) => ({ type: 'subject.reevaluated', subject_id: id, payload: { reason: 'scheduled' } })),
    );
    await notifyLedger(trx);
    return ids.length;
  });
}

/** Re-evaluates every subject due now (one reading of the clock), a page at a time. */
export async function reevaluateAllDue(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock();
  let total = 0;
  for (;;) {
    const count = await reevaluateDueSubjects(ctx, now);
    total += count;
    if (count < PAGE) return total;
  }
}
