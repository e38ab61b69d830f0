/**
 * Public disclosure, without a key: search by name or identifier, and the public lists, paged.
 * Only what the rules in src/domain/disclosure.ts make public now is shown: a subject with
 * nothing public is never returned, so a search cannot reveal that someone is in the registry.
 * A person's resident ID is masked; nothing returns persons in bulk (results are capped, a
 * person is found only by the whole name or an identifier, and a list is paged 50 at a time to a
 * bounded depth). The policy's texts (list and record type names, lists' legal bases) come in the
 * language asked for, English unless said otherwise (the API's answers).
 */

import {
  disclosureWindow,
  isRecordPublic,
  publicGrounds,
  publicShapes,
  type PublicShape,
} from '../../domain/disclosure.ts';
import { findProblem, maskIdentifier, MAX_IDENTIFIER_LENGTH, normalizeIdentifier } from '../../domain/identifiers.ts';
import { inLanguage, type Language } from '../../domain/local-text.ts';
import { resolveRecordTerms, type IdentifierScheme, type Policy, type SubjectKind } from '../../domain/policy.ts';
import type { CreditRecord } from '../../domain/record.ts';
import { CredenceError } from '../../errors.ts';
import {
  countListEntries,
  getAgencyNames,
  getListEntriesChunk,
  getListEntriesOfSubjects,
  getRecordsByIds,
  searchSubjectsByName,
  type ListCursor,
  type PublicEntryRow,
} from '../../store/public.repository.ts';
import { getRecordsOfSubjects } from '../../store/records.repository.ts';
import {
  getIdentifiersOfSubjects,
  getSubjectsByIdentifiers,
  type SubjectRow,
} from '../../store/subjects.repository.ts';
import type { ServiceContext } from '../context.ts';
import { hasControlCharacters } from '../../domain/text.ts';

/** At most this many subjects per search. */
export const SEARCH_LIMIT = 20;
/** Name matches considered before the exact rule drops those with nothing public. */
const SEARCH_CANDIDATES = 3 * SEARCH_LIMIT;
export const MIN_QUERY_LENGTH = 2;
export const MAX_QUERY_LENGTH = 100;
export const MAX_PAGE_SIZE = 50;
/** How deep a public list can be paged: it serves looking someone up, not copying the list. */
export const MAX_LIST_DEPTH = 10_000;
const SCAN_CHUNK = 500;

export interface PublicRecordView {
  readonly type: string;
  readonly type_name: string;
  readonly tier: string;
  readonly agency: { readonly id: string; readonly name: string };
  readonly decided_at: Date;
  readonly effective_at: Date;
  readonly legal_basis: string;
  readonly document_ref: string;
  readonly disclosed_until: Date;
  /** FCRA § 623(a)(3): information the subject disputes is shown as disputed. */
  readonly under_dispute: boolean;
}

export interface PublicMembershipView {
  readonly list: string;
  readonly list_name: string;
  readonly legal_basis: string;
  readonly since: Date;
  readonly until: Date;
}

export interface PublicSubjectView {
  readonly name: string;
  readonly kind: SubjectKind;
  readonly identifiers: readonly { scheme: string; id: string }[];
}

export type PublicSearchResult = PublicSubjectView & { lists: PublicMembershipView[]; records: PublicRecordView[] };

/** `GET /v1/public/search?q=`: subjects with something public, by identifier or name. */
export async function searchPublic(
  ctx: ServiceContext,
  q: string,
  language: Language = 'en',
): Promise<{ results: PublicSearchResult[] }> {
  const { views } = await findPublic(ctx, q, language, SEARCH_CANDIDATES);
  // The query is not echoed: a full resident ID should not travel back in a public answer.
  return { results: views.slice(0, SEARCH_LIMIT) };
}

/** Name matches the paged search (the public pages) considers: SEARCH_PAGES pages of SEARCH_LIMIT. */
const SEARCH_PAGES = 10;

/**
 * The public search, counted and paged (the public pages): one page of SEARCH_LIMIT results, the total found, and
 * whether there are more than the SEARCH_PAGES pages it looks at (then the total is "more than").
 */
export async function searchPublicPage(ctx: ServiceContext, q: string, language: Language, page: number) {
  const { views, capped } = await findPublic(ctx, q, language, 3 * SEARCH_PAGES * SEARCH_LIMIT);
  const total = Math.min(views.length, SEARCH_PAGES * SEARCH_LIMIT);
  const pages = Math.max(1, Math.ceil(total / SEARCH_LIMIT));
  const shown = Math.min(Math.max(1, page), pages);
  return {
    results: views.slice((shown - 1) * SEARCH_LIMIT, shown * SEARCH_LIMIT),
    total,
    total_capped: capped || views.length > total,
    page: shown,
    pages,
  };
}

/**
 * A query that has an identifier's shape (letters and digits only, at least 15, at least 6 of them digits) but
 * that no checked scheme accepts: the scheme it is closest to (its check digit is wrong, else the first checked
 * scheme) and why, so the page can say it is invalid rather than "nothing public".
 */
export function invalidIdentifierIn(
  policy: Policy,
  q: string,
): { scheme: IdentifierScheme; problem: string } | undefined {
  const query = q.trim().toUpperCase();
  if (!/^[0-9A-Z]{15,20}$/.test(query) || (query.match(/\d/g) ?? []).length < 6) return undefined;
  const checked = [...policy.identifier_schemes.values()].filter((s) => s.check !== undefined);
  const problems = checked.map((scheme) => ({
    scheme,
    problem: findProblem(scheme, normalizeIdentifier(scheme, query)),
  }));
  if (problems.some((p) => p.problem === undefined)) return undefined;
  const found = problems.find((p) => /check (digit|character)/.test(p.problem!)) ?? problems[0];
  return found === undefined ? undefined : { scheme: found.scheme, problem: found.problem! };
}

/** Every subject with something public that the query finds, by identifier or name (up to `candidates` names). */
async function findPublic(ctx: ServiceContext, q: string, language: Language, candidates: number) {
  const query = checkQuery(q);
  const now = ctx.clock();
  const keys = identifierKeys(ctx.policy, query);
  const byIdentifier = await getSubjectsByIdentifiers(ctx.db, keys);
  // A query that is a valid identifier is not a name.
  const isIdentifier = keys.some((k) => {
    const scheme = ctx.policy.identifier_schemes.get(k.scheme)!;
    return scheme.check !== undefined && findProblem(scheme, k.value) === undefined;
  });
  const byName = isIdentifier
    ? []
    : await searchSubjectsByName(ctx.db, {
        name: query,
        shapes: publicShapes(ctx.policy, now),
        now,
        limit: candidates,
      });
  const subjects = [...new Map([...byIdentifier, ...byName].map((s) => [s.id, s])).values()];
  return { views: await publicSubjects(ctx, subjects, now, language), capped: byName.length >= candidates };
}

/** `GET /v1/public/lists/{list}`: the list's public members, newest first, one page. */
export async function listPublicMembers(
  ctx: ServiceContext,
  listId: string,
  page: number,
  pageSize: number,
  language: Language = 'en',
) {
  const list = ctx.policy.lists.get(listId);
  if (list === undefined)
    throw new CredenceError(
      'CRD_LIST_NOT_FOUND',
      `no list "${listId}"; the lists are ${[...ctx.policy.lists.keys()].join(', ')}`,
    );
  if (page * pageSize > MAX_LIST_DEPTH) {
    throw new CredenceError(
      'CRD_VALIDATION',
      `a public list can be paged ${MAX_LIST_DEPTH} entries deep; search by name or identifier instead`,
      [
        {
          code: 'CRD_VALIDATION',
          path: 'querystring.page',
          message: `page × page_size must be at most ${MAX_LIST_DEPTH}`,
        },
      ],
    );
  }
  const now = ctx.clock();
  const skip = (page - 1) * pageSize;
  const shapes = publicShapes(ctx.policy, now);
  const [found, counted] = await Promise.all([
    scanPublicEntries(ctx, listId, shapes, now, skip + pageSize + 1),
    countListEntries(ctx.db, { list: listId, shapes, now, cap: MAX_LIST_DEPTH }),
  ]);
  const shown = found.slice(skip, skip + pageSize);
  const [identifiers, agencies] = await Promise.all([
    identifiersOf(
      ctx,
      shown.map((f) => ({ id: f.entry.subject_id, kind: f.entry.kind })),
    ),
    getAgencyNames(
      ctx.db,
      shown.flatMap((f) => f.records.map((r) => r.agency_id)),
    ),
  ]);
  return {
    list: {
      id: list.id,
      name: inLanguage(list.name, language),
      kind: list.kind,
      legal_basis: inLanguage(list.legal_basis, language),
      exit: inLanguage(list.exit, language),
    },
    page,
    page_size: pageSize,
    has_more: found.length > skip + pageSize,
    /** Entries with a public record, at most MAX_LIST_DEPTH (`total_capped` when there are more). */
    total: Math.min(counted, MAX_LIST_DEPTH),
    total_capped: counted > MAX_LIST_DEPTH,
    evaluated_at: now.toISOString(),
    members: shown.map(({ entry, records }) => ({
      name: entry.name,
      kind: entry.kind,
      identifiers: identifiers.get(entry.subject_id) ?? [],
      since: entry.since,
      until: entry.until,
      records: records.map((r) => recordView(ctx.policy, r, agencies, language)),
    })),
  };
}

/** Scans the list newest first until `wanted` public entries are found or the list ends. */
async function scanPublicEntries(
  ctx: ServiceContext,
  listId: string,
  shapes: readonly PublicShape[],
  now: Date,
  wanted: number,
) {
  const found: { entry: PublicEntryRow; records: CreditRecord[] }[] = [];
  let after: ListCursor | null = null;
  for (;;) {
    const limit = Math.min(SCAN_CHUNK, wanted - found.length + 10);
    const chunk = await getListEntriesChunk(ctx.db, { list: listId, shapes, now, after, limit });
    const records = new Map(
      (
        await getRecordsByIds(
          ctx.db,
          chunk.flatMap((e) => e.record_ids),
        )
      ).map((r) => [r.id, r]),
    );
    for (const entry of chunk) {
      const publicIds = new Set(
        entry.record_ids.filter((id) => {
          const record = records.get(id);
          return record !== undefined && isRecordPublic(ctx.policy, entry.kind, record, now);
        }),
      );
      const grounds = publicGrounds(entry, publicIds, now);
      if (grounds.length > 0) found.push({ entry, records: grounds.map((id) => records.get(id)!) });
    }
    if (found.length >= wanted || chunk.length < limit) return found;
    const last = chunk[chunk.length - 1]!;
    after = { since: last.since, subject_id: last.subject_id };
  }
}

/** The public view of each candidate that has a public record, in the candidates' order. */
async function publicSubjects(ctx: ServiceContext, candidates: readonly SubjectRow[], now: Date, language: Language) {
  const ids = candidates.map((s) => s.id);
  const [records, entries, identifiers] = await Promise.all([
    getRecordsOfSubjects(ctx.db, ids),
    getListEntriesOfSubjects(ctx.db, ids),
    identifiersOf(ctx, candidates),
  ]);
  const kindOf = new Map(candidates.map((s) => [s.id, s.kind]));
  const open = records.filter((r) => isRecordPublic(ctx.policy, kindOf.get(r.subject_id)!, r, now));
  const agencies = await getAgencyNames(
    ctx.db,
    open.map((r) => r.agency_id),
  );
  const openIds = new Set(open.map((r) => r.id));
  return candidates.flatMap((subject) => {
    const own = open.filter((r) => r.subject_id === subject.id);
    if (own.length === 0) return [];
    const lists = entries
      .filter((e) => e.subject_id === subject.id && publicGrounds(e, openIds, now).length > 0)
      .map((e) => {
        const list = ctx.policy.lists.get(e.list_id);
        return {
          list: e.list_id,
          list_name: list === undefined ? e.list_id : inLanguage(list.name, language),
          legal_basis: list === undefined ? '' : inLanguage(list.legal_basis, language),
          since: e.since,
          until: e.until,
        };
      });
    return [
      {
        name: subject.name,
        kind: subject.kind,
        identifiers: identifiers.get(subject.id) ?? [],
        lists,
        records: own.map((r) => recordView(ctx.policy, r, agencies, language)),
      },
    ];
  });
}

/** Identifiers as the public sees them: a person's masked, an organisation's in full. */
async function identifiersOf(
  ctx: ServiceContext,
  subjects: readonly { id: string; kind: SubjectKind }[],
): Promise<Map<string, { scheme: string; id: string }[]>> {
  const kindOf = new Map(subjects.map((s) => [s.id, s.kind]));
  const byId = new Map<string, { scheme: string; id: string }[]>();
  for (const i of await getIdentifiersOfSubjects(ctx.db, [...kindOf.keys()])) {
    const shown = { scheme: i.scheme, id: maskIdentifier(i.scheme, i.value, kindOf.get(i.subject_id)!) };
    byId.set(i.subject_id, [...(byId.get(i.subject_id) ?? []), shown]);
  }
  return byId;
}

function recordView(
  policy: Policy,
  record: CreditRecord,
  agencies: ReadonlyMap<string, string>,
  language: Language,
): PublicRecordView {
  const type = policy.record_types.get(record.type)!;
  return {
    type: record.type,
    type_name: inLanguage(type.name, language),
    tier: resolveRecordTerms(type, record.attributes).tier,
    agency: { id: record.agency_id, name: agencies.get(record.agency_id) ?? record.agency_id },
    decided_at: record.decided_at,
    effective_at: record.effective_at,
    legal_basis: record.legal_basis,
    document_ref: record.document_ref,
    disclosed_until: disclosureWindow(type, record).end,
    under_dispute: record.status === 'disputed',
  };
}

/** The query, trimmed with inner whitespace collapsed; 400 unless 2 to 100 printable characters. */
function checkQuery(q: string): string {
  const query = q.trim().replace(/\s+/g, ' ');
  const length = [...query].length;
  if (length < MIN_QUERY_LENGTH || length > MAX_QUERY_LENGTH || hasControlCharacters(query)) {
    const message =
      `q must be ${MIN_QUERY_LENGTH} to ` + `${MAX_QUERY_LENGTH} printable characters: a name, or an identifier`;
    throw new CredenceError('CRD_VALIDATION', message, [{ code: 'CRD_VALIDATION', path: 'querystring.q', message }]);
  }
  return query;
}

/** The query read as an identifier of every scheme, normalised as that scheme stores it. */
function identifierKeys(policy: Policy, query: string): { scheme: string; value: string }[] {
  if (query.length > MAX_IDENTIFIER_LENGTH) return [];
  return [...policy.identifier_schemes.values()].map((scheme) => ({
    scheme: scheme.id,
    value: normalizeIdentifier(scheme, query),
  }));
}
