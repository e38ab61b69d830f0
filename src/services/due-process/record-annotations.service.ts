/**
 * What due process adds to each record in a subject's report: its version, the subject's statements after upheld
 * disputes (FCRA § 611(b)-(c): shown with the record in every report), the registry operator's notes (attributed
 * to the operator, apart from the subject's words: issue 13), the dispute under way and the repair application
 * pending. The report merges these into its record view with `annotationFor`.
 */

import { isOverdue } from '../../domain/dispute.ts';
import { recordNoteView, type RecordNoteView } from './record-notes.service.ts';
import { getDisputesOfSubject } from '../../store/disputes.repository.ts';
import type { Executor } from '../../store/executor.ts';
import { getRecordVersionNumbers } from '../../store/record-changes.repository.ts';
import { getRecordNotesOfSubject } from '../../store/record-notes.repository.ts';
import { getRepairsOfSubject } from '../../store/repairs.repository.ts';

export interface RecordAnnotation {
  readonly version: number;
  readonly statements: readonly { readonly dispute_id: string; readonly statement: string; readonly at: Date }[];
  /** The registry operator's notes on the record, oldest first: never the subject's words. */
  readonly notes: readonly RecordNoteView[];
  readonly dispute: {
    readonly dispute_id: string;
    readonly status: 'open' | 'overdue';
    readonly overdue: boolean;
    readonly due_at: Date;
  } | null;
  /** The last dispute about the record that was upheld: the subject may attach (or replace) their statement to it. */
  readonly upheld_dispute_id: string | null;
  readonly repair: {
    readonly repair_id: string;
    readonly status: 'pending';
    readonly applied_at: Date;
    /** When the agency must decide (Fa Shi [2017] 7 art. 10; NDRC Order No. 36 (2025)), or null: no deadline. */
    readonly due_at: Date | null;
    readonly overdue: boolean;
  } | null;
}

/** When the agency must decide the repair application on a record made at `appliedAt` (null: no deadline). */
export type RepairDue = (recordId: string, appliedAt: Date) => Date | null;

const NONE: RecordAnnotation = Object.freeze({
  version: 1,
  statements: [],
  notes: [],
  dispute: null,
  upheld_dispute_id: null,
  repair: null,
});

/** The annotations of every record of a subject that has any, by record id. */
export async function getRecordAnnotations(
  db: Executor,
  subjectId: string,
  recordIds: readonly string[],
  now: Date,
  repairDue: RepairDue = () => null,
): Promise<Map<string, RecordAnnotation>> {
  const [versions, disputes, repairs, notes] = await Promise.all([
    getRecordVersionNumbers(db, recordIds),
    getDisputesOfSubject(db, subjectId),
    getRepairsOfSubject(db, subjectId),
    getRecordNotesOfSubject(db, subjectId),
  ]);
  const result = new Map<
    string,
    {
      version: number;
      statements: RecordAnnotation['statements'][number][];
      notes: RecordNoteView[];
      dispute: RecordAnnotation['dispute'];
      upheld_dispute_id: string | null;
      repair: RecordAnnotation['repair'];
    }
  >();
  const of = (id: string) => {
    let a = result.get(id);
    if (a === undefined) {
      a = {
        version: versions.get(id) ?? 1,
        statements: [],
        notes: [],
        dispute: null,
        upheld_dispute_id: null,
        repair: null,
      };
      result.set(id, a);
    }
    return a;
  };
  for (const [id, version] of versions) if (version > 1) of(id);
  for (const d of disputes) {
    if (d.subject_statement !== null)
      of(d.record_id).statements.push({
        dispute_id: d.id,
        statement: d.subject_statement,
        at: d.subject_statement_at!,
      });
    // Disputes come oldest first: the last upheld one is the one a statement goes with.
    if (d.outcome === 'upheld') of(d.record_id).upheld_dispute_id = d.id;
    if (d.status !== 'resolved')
      of(d.record_id).dispute = { dispute_id: d.id, status: d.status, overdue: isOverdue(d, now), due_at: d.due_at };
  }
  for (const n of notes) of(n.record_id).notes.push(recordNoteView(n));
  for (const r of repairs) {
    if (r.status !== 'pending') continue;
    const due = repairDue(r.record_id, r.applied_at);
    const overdue = due !== null && due <= now;
    of(r.record_id).repair = { repair_id: r.id, status: 'pending', applied_at: r.applied_at, due_at: due, overdue };
  }
  return result;
}

/** The annotation of one record (the defaults when it has none). */
export function annotationFor(annotations: ReadonlyMap<string, RecordAnnotation>, recordId: string): RecordAnnotation {
  return annotations.get(recordId) ?? NONE;
}
