/**
 * A notice in words, in the reader's language (issue 11, "Messages as data"): the notice's kind picks an ICU
 * MessageFormat template from the language's catalogue (@messageformat/core), its parameters fill it, with
 * agencies, record types and lists named (policy names in the language, agency display names), dates in the
 * deployment's time zone, counts through plural rules. A notice written before notices were stored as data
 * (migration 013: no `params`) is shown exactly as it was written, in English.
 */

import { type Language, nameIn } from '../../domain/local-text.ts';
import { formatDuration } from '../../domain/local-time.ts';
import { type CompiledMessage, compileMessage } from '../../domain/message-format.ts';
import type { NoticeKind, NoticeParams } from '../../domain/notice.ts';
import type { Policy } from '../../domain/policy.ts';
import type { Executor } from '../../store/executor.ts';
import { getAgencyNames } from '../../store/public.repository.ts';
import type { NoticeMessageKey, NoticeMessages } from './messages/notice-keys.ts';
import { NOTICES_EN } from './messages/notices.en.ts';
import { NOTICES_ZH } from './messages/notices.zh.ts';

const CATALOGUES: Readonly<Record<Language, NoticeMessages>> = { en: NOTICES_EN, zh: NOTICES_ZH };
const LANGUAGES: readonly Language[] = ['en', 'zh'];

/** Who reads a notice: their language, the deployment's time zone, the policy and the agencies' names. */
export interface NoticeReader {
  readonly language: Language;
  readonly timeZone: string;
  readonly policy: Policy;
  /** An agency's display name. */
  agency(id: string): string;
}

/** What rendering needs of a stored notice. */
export interface NoticeContent {
  readonly kind: string;
  readonly agency_id: string | null;
  readonly list_id: string | null;
  readonly params: Readonly<NoticeParams> | Readonly<Record<string, unknown>> | null;
  readonly what: string | null;
  readonly how_to_dispute: string | null;
}

export interface NoticeText {
  readonly what: string;
  readonly how_to_dispute: string | null;
}

function message(language: Language, timeZone: string, key: NoticeMessageKey): CompiledMessage {
  return compileMessage(language, CATALOGUES[language][key], timeZone);
}

const HOW_TO_DISPUTE: Partial<Record<string, NoticeMessageKey>> = {
  'record.filed': 'how_to_dispute',
  'list.pending': 'how_to_dispute',
  'list.started': 'how_to_dispute',
  'record.corrected': 'how_to_dispute_corrected',
};

/** The values the templates name: every id turned into a name in the reader's language. */
function values(notice: NoticeContent, p: NoticeParams, reader: NoticeReader): Record<string, unknown> {
  const { language, policy } = reader;
  const lists = (p.lists ?? []).map((id) => nameIn(language, policy.lists.get(id), id));
  const type = p.record_type ?? '';
  return {
    ...p,
    agency: notice.agency_id === null ? 'Credence' : reader.agency(notice.agency_id),
    type: nameIn(language, policy.record_types.get(type), type),
    // A commitment notice names the record the commitment is for, if any.
    scoped: p.record_type === undefined ? 'no' : 'yes',
    ref: p.document_ref,
    decided: p.decided_at,
    ended: p.ended_at,
    due: p.due_at,
    count: p.record_count ?? 0,
    list: notice.list_id === null ? '' : nameIn(language, policy.lists.get(notice.list_id), notice.list_id),
    list_count: lists.length,
    lists: new Intl.ListFormat(language === 'zh' ? 'zh-CN' : 'en-GB', { type: 'conjunction' }).format(lists),
    open_until: p.open_ended_until,
    policy_activated: p.policy_activated_at,
    max: p.max_duration === undefined ? '' : formatDuration(p.max_duration, language),
    // Fa Shi [2015] 17 art. 3 para. 2: a relationship notice names the role as the policy does, in the language.
    role: p.role === undefined ? '' : nameIn(language, policy.relationships?.roles.get(p.role as never), p.role),
  };
}

/** Issue 10: a listing notice ends with the list's way off it (the policy's `exit`), in the reader's language. */
function exitRoute(notice: NoticeContent, reader: NoticeReader): string {
  if (notice.kind !== 'list.pending' && notice.kind !== 'list.started') return '';
  const list = notice.list_id === null ? undefined : reader.policy.lists.get(notice.list_id);
  if (list === undefined) return '';
  return message(reader.language, reader.timeZone, 'exit_route')({ exit: list.exit[reader.language] });
}

/** The notice's sentences in the reader's language; a notice stored before 013 as it was written. */
export function noticeText(notice: NoticeContent, reader: NoticeReader): NoticeText {
  if (notice.params === null) return { what: notice.what ?? notice.kind, how_to_dispute: notice.how_to_dispute };
  const p = notice.params as NoticeParams;
  const { language, timeZone } = reader;
  const v = values(notice, p, reader);
  const kind = notice.kind as NoticeKind;
  const what =
    message(language, timeZone, kind)(v) +
    (p.open_ended_until === undefined ? '' : message(language, timeZone, 'open_ended')(v)) +
    (p.policy_version === undefined ? '' : message(language, timeZone, 'policy_changed')(v)) +
    exitRoute(notice, reader);
  const how = HOW_TO_DISPUTE[kind];
  return { what, how_to_dispute: how === undefined ? null : message(language, timeZone, how)(v) };
}

/** The display names of the agencies these notices name. */
export async function noticeAgencies(
  db: Executor,
  notices: readonly { agency_id: string | null }[],
): Promise<Map<string, string>> {
  return getAgencyNames(
    db,
    notices.flatMap((n) => (n.agency_id === null ? [] : [n.agency_id])),
  );
}

/** Notices with their sentences in `language`, as the API answers them. */
export async function renderNotices<N extends NoticeContent>(
  db: Executor,
  policy: Policy,
  notices: readonly N[],
  language: Language,
  timeZone: string,
): Promise<(N & NoticeText)[]> {
  const agencies = await noticeAgencies(db, notices);
  const agency = (id: string) => agencies.get(id) ?? id;
  return notices.map((n) => ({ ...n, ...noticeText(n, { language, timeZone, policy, agency }) }));
}

/** The notice's sentences in every language, for the webhook receiver. */
export function noticeTexts(
  notice: NoticeContent,
  reader: Omit<NoticeReader, 'language'>,
): Readonly<Record<Language, NoticeText>> {
  return Object.fromEntries(
    LANGUAGES.map((language) => [language, noticeText(notice, { ...reader, language })]),
  ) as Record<Language, NoticeText>;
}
