/** The keys every notice catalogue has: one per notice kind, the open-ended term, and how to dispute. */

import type { NoticeKind } from '../../../domain/notice.ts';

export type NoticeMessageKey =
  | NoticeKind
  | 'open_ended'
  | 'how_to_dispute'
  | 'how_to_dispute_corrected'
  | 'exit_route'
  | 'policy_changed';

/** ICU MessageFormat templates by key. */
export type NoticeMessages = Readonly<Record<NoticeMessageKey, string>>;
