/**
 * Operators' notes on records (issue 13). A subject's statement after an upheld dispute is the subject's own words
 * (FCRA § 611(b)): only the subject writes it (disputes.service.ts). What the registry's operator has to say about a
 * record (a correction under way at the agency, a data-quality warning) is its own entry instead: attributed to the
 * operator's key, shown with the record beside any statement, a ledger event and a notice to the subject. A note
 * changes nothing that counts: score, lists and measures are the record's alone.
 */

import { recordNotedNotice } from '../../domain/due-process-notices.ts';
import type { Principal } from '../../domain/principal.ts';
import { textFault } from '../../domain/text.ts';
import { CredenceError } from '../../errors.ts';
import { lockLedgerHead } from '../../store/ledger.repository.ts';
import type { RecordNoteRow } from '../../store/record-notes.repository.ts';
import { getRecordById } from '../../store/records.repository.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import { commitChanges } from './events.service.ts';

/** The longest note, in characters: a few paragraphs, as long as a subject's statement may be. */
export const MAX_NOTE_LENGTH = 4000;

export interface RecordNoteView {
  readonly note_id: string;
  readonly record_id: string;
  readonly text: string;
  readonly at: Date;
  /** Who wrote it: always the registry's operator (the key's id is in the ledger event, for auditors). */
  readonly by: 'operator';
}

export function recordNoteView(row: RecordNoteRow): RecordNoteView {
  return { note_id: row.id, record_id: row.record_id, text: row.text, at: row.at, by: 'operator' };
}

function invalidText(message: string): CredenceError {
  return new CredenceError('CRD_VALIDATION', `text ${message}`, [
    { code: 'CRD_VALIDATION', path: 'text', message: `text ${message}` },
  ]);
}

/** POST /v1/records/{id}/notes: the operator adds a note to a record; the subject is told. */
export async function addRecordNote(
  ctx: ServiceContext,
  principal: Principal,
  recordId: string,
  text: string,
): Promise<RecordNoteView> {
  if (principal.role !== 'operator')
    throw new CredenceError(
      'CRD_FORBIDDEN',
      "a note on a record is the registry operator's: only an operator adds one",
    );
  const trimmed = text.trim();
  if (trimmed.length === 0) throw invalidText('is empty');
  if (trimmed.length > MAX_NOTE_LENGTH) throw invalidText(`is longer than ${MAX_NOTE_LENGTH} characters`);
  const fault = textFault(trimmed);
  if (fault !== null) throw invalidText(fault);
  const now = ctx.clock();
  return writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx);
    const record = await getRecordById(trx, recordId);
    if (record === undefined) throw new CredenceError('CRD_NOT_FOUND', `no record ${recordId}`);
    const note = {
      subject_id: record.subject_id,
      id: ctx.newId(),
      record_id: record.id,
      principal_id: principal.id,
      text: trimmed,
      at: now.toISOString(),
    };
    await commitChanges(trx, ctx.policy, now, [
      {
        subject_id: record.subject_id,
        events: [{ type: 'record.noted', payload: { note } }],
        notices: (evaluation) => [recordNotedNotice(ctx.policy, record, evaluation, trimmed)],
      },
    ]);
    return recordNoteView({ ...note, at: now });
  });
}
