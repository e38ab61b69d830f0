/**
 * Time moves evaluations on with no new input: a notice period runs out, a record or a listing
 * reaches its end. Every subject's projection carries `next_change_at`; this re-evaluates the
 * subjects whose moment has come, as `subject.reevaluated` ledger events, so the decision index
 * (and a replay) follows. The server runs it on a timer; `now` is an input so tests move the clock.
 */

import { sql, type Kysely } from 'kysely';
import type { Policy } from '../../domain/policy.ts';
import { lockLedgerHead } from '../../store/ledger.repository.ts';
import type { DB } from '../../store/schema.ts';
import { LEDGER_CHANNEL } from '../records/intake.service.ts';
import { appendEvents } from './ledger.service.ts';
import { reprojectSubjects } from './projection.service.ts';

const PAGE = 5000;

/** Re-evaluates one page of due subjects; returns how many (0 when none are due). */
export async function reevaluateDueSubjects(db: Kysely<DB>, policy: Policy, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await lockLedgerHead(trx);
    const due = await trx
      .selectFrom('subject_state')
      .select('subject_id')
      .where('next_change_at', '<=', now)
      .orderBy('next_change_at')
      .limit(PAGE)
      .execute();
    if (due.length === 0) return 0;
    const ids = due.map((r) => r.subject_id);
    await reprojectSubjects(trx, policy, ids, now, { notify: true });
    await appendEvents(
      trx,
      now,
      ids.map((id) => ({ type: 'subject.reevaluated', subject_id: id, payload: { reason: 'scheduled' } })),
    );
    await sql`select pg_notify(${LEDGER_CHANNEL}, '')`.execute(trx);
    return ids.length;
  });
}

/** Re-evaluates every due subject, a page at a time. */
export async function reevaluateAllDue(db: Kysely<DB>, policy: Policy, now: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await reevaluateDueSubjects(db, policy, now);
    total += count;
    if (count < PAGE) return total;
  }
}
