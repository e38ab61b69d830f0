/**
 * Public disclosure, without a key: search by name or identifier (the public lists are in
 * public-lists.service.ts). Only what the rules in src/domain/disclosure.ts make public now is shown: a subject
 * with nothing public is never returned, so a search cannot reveal that someone is in the registry. A person's
 * resident ID is masked; nothing returns persons in bulk (results are paged 20 at a time, counted to a bound, and
 * a person is found only by the whole name or an identifier). The policy's texts (list and record type names,
 * lists' legal bases) come in the language asked for, English unless said otherwise (the API's answers).
 */

import { isRecordPublic, publicGrounds, publicShapes } from '../../domain/disclosure.ts';
import { findProblem, MAX_IDENTIFIER_LENGTH, normalizeIdentifier } from '../../domain/identifiers.ts';
import { inLanguage, type Language } from '../../domain/local-text.ts';
import type { IdentifierScheme, Policy, SubjectKind } from '../../domain/policy.ts';
import { CredenceError } from '../../errors.ts';
import {
  countSubjectsByName,
  getAgencyNames,
  getListEntriesOfSubjects,
  searchSubjectsByName,
  type NameCursor,
  type NameMatch,
} from '../../store/public.repository.ts';
import { getCommitmentsOfSubjects } from '../../store/commitments.repository.ts';
import { getRecordsOfSubjects } from '../../store/records.repository.ts';
import { getSubjectsByIdentifiers, type SubjectRow } from '../../store/subjects.repository.ts';
import type { ServiceContext } from '../context.ts';
import { publishedRelatedPersons, type PublishedPerson } from '../relationships/relationship-views.service.ts';
import { readKeysetPage } from '../keyset-page.ts';
import { hasControlCharacters } from '../../domain/text.ts';
import { identifiersOf, type PublicRecordView, recordView } from './public-views.ts';
import { encodeCursor } from '../../domain/keyset-cursor.ts';

/** At most this many subjects per search page. */
export const SEARCH_LIMIT = 20;
/** Name matches read at a time before the exact rule drops those with nothing public. */
const SEARCH_CHUNK = 3 * SEARCH_LIMIT;
/** A search's matches are counted this far; beyond, the page says "more than". */
const MAX_COUNTED = 200;
export const MIN_QUERY_LENGTH = 2;
export const MAX_QUERY_LENGTH = 100;

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

/**
 * A credit commitment as the register shows it: the subject's own words and when they made them (NDRC Order No. 36
 * (2025): the commitment is made publicly). It is shown only with a subject the register shows for something else
 * public: showing it alone would tell anyone that the subject has a (non-public) negative record.
 */
export interface PublicCommitmentView {
  readonly text: string;
  readonly made_at: Date;
}

export type PublicSearchResult = PublicSubjectView & {
  lists: PublicMembershipView[];
  records: PublicRecordView[];
  commitments: PublicCommitmentView[];
  /** Fa Shi [2017] 7 art. 6(1): an organisation debtor's legal representative or principal, by name. */
  related_persons: PublishedPerson[];
};

/** `GET /v1/public/search?q=`: subjects with something public, by identifier or name (the first page). */
export async function searchPublic(
  ctx: ServiceContext,
  q: string,
  language: Language = 'en',
): Promise<{ results: PublicSearchResult[] }> {
  const { results } = await searchPublicPage(ctx, q, language);
  // The query is not echoed: a full resident ID should not travel back in a public answer.
  return { results };
}

/**
 * The public search, paged by keyset: identifier matches (on the first page), then name matches from the cursor
 * `after` (an earlier page's `next`, `previous` or `last`), SEARCH_LIMIT a page, "page X of Y" from the name
 * matches counted up to MAX_COUNTED (then the total is "more than" and there is no last page).
 */
export async function searchPublicPage(ctx: ServiceContext, q: string, language: Language, after?: string) {
  const query = checkQuery(q);
  const now = ctx.clock();
  const keys = identifierKeys(ctx.policy, query);
  // A query that is a valid identifier is not a name.
  const isIdentifier = keys.some((k) => {
    const scheme = ctx.policy.identifier_schemes.get(k.scheme)!;
    return scheme.check !== undefined && findProblem(scheme, k.value) === undefined;
  });
  const byIdentifier =
    after === undefined ? await publicSubjects(ctx, await getSubjectsByIdentifiers(ctx.db, keys), now, language) : [];
  const identified = byIdentifier.map((f) => f.view);
  if (isIdentifier) {
    const total = identified.length;
    return {
      results: identified,
      total,
      total_capped: false,
      page: 1,
      pages: 1,
      next: null,
      previous: null,
      last: null,
    };
  }
  const names = await pageOfNames(ctx, { query, now, language, shapes: publicShapes(ctx.policy, now) }, after);
  const ids = new Set(byIdentifier.map((f) => f.subject.id));
  const { page, counted } = names;
  return {
    results: [...identified, ...page.rows.filter((f) => !ids.has(f.subject.id)).map((f) => f.view)],
    total: Math.min(counted, MAX_COUNTED) + identified.length,
    total_capped: counted > MAX_COUNTED,
    page: page.page,
    pages: page.pages ?? Math.max(page.page + (page.next === null ? 0 : 1), Math.ceil(MAX_COUNTED / SEARCH_LIMIT)),
    next: page.next,
    previous: page.previous,
    last: page.last,
  };
}

/**
 * A page of name matches and how many there are: a first page with nothing after it holds them all and needs no
 * count; otherwise they are counted up to MAX_COUNTED (more than that: no total, no last page).
 */
async function pageOfNames(ctx: ServiceContext, scan: NameScan, after: string | undefined) {
  const read = (total: number | null) =>
    readKeysetPage<FoundName, NameCursor>({
      after,
      size: SEARCH_LIMIT,
      total,
      keyLength: 3,
      keyOf: (f) => [String(f.subject.rank), f.subject.sort_name, f.subject.id],
      parseKey: ([rank, name, id]) =>
        /^[012]$/.test(rank!) && /^[0-9]{1,18}$/.test(id!) ? { rank: Number(rank), name: name!, id: id! } : undefined,
      read: (from, toward, limit) => scanNames(ctx, scan, from, toward === 'forward' ? 'after' : 'before', limit),
    });
  const first = after === undefined ? await read(null) : undefined;
  if (first !== undefined && first.next === null) return { page: { ...first, pages: 1 }, counted: first.rows.length };
  const { query: name, shapes, now } = scan;
  const counted = await countSubjectsByName(ctx.db, { name, shapes, now, cap: MAX_COUNTED });
  const total = counted > MAX_COUNTED ? null : counted;
  if (first === undefined) return { page: await read(total), counted };
  const pages = total === null ? null : Math.max(2, Math.ceil(total / SEARCH_LIMIT));
  const last = pages === null ? null : encodeCursor({ direction: 'last', key: [], page: pages });
  return { page: { ...first, pages, last }, counted };
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

interface NameScan {
  readonly query: string;
  readonly now: Date;
  readonly language: Language;
  readonly shapes: ReturnType<typeof publicShapes>;
}

type FoundName = { subject: NameMatch; view: PublicSearchResult };

/** Reads name matches a chunk at a time, keeping those with something public, until `wanted` are found. */
async function scanNames(
  ctx: ServiceContext,
  scan: NameScan,
  start: NameCursor | null,
  toward: 'after' | 'before',
  wanted: number,
): Promise<FoundName[]> {
  const found: FoundName[] = [];
  let from = start;
  for (;;) {
    const limit = SEARCH_CHUNK;
    const chunk = await searchSubjectsByName(ctx.db, {
      name: scan.query,
      shapes: scan.shapes,
      now: scan.now,
      from,
      toward,
      limit,
    });
    for (const f of await publicSubjects(ctx, chunk, scan.now, scan.language)) {
      found.push(f);
      if (found.length === wanted) return found;
    }
    if (chunk.length < limit) return found;
    const last = chunk[chunk.length - 1]!;
    from = { rank: last.rank, name: last.sort_name, id: last.id };
  }
}

/** The public view of each candidate that has a public record, in the candidates' order. */
async function publicSubjects<S extends SubjectRow>(
  ctx: ServiceContext,
  candidates: readonly S[],
  now: Date,
  language: Language,
): Promise<{ subject: S; view: PublicSearchResult }[]> {
  const ids = candidates.map((s) => s.id);
  const [records, entries, identifiers, commitments] = await Promise.all([
    getRecordsOfSubjects(ctx.db, ids),
    getListEntriesOfSubjects(ctx.db, ids),
    identifiersOf(ctx, candidates),
    getCommitmentsOfSubjects(ctx.db, ids),
  ]);

  const kindOf = new Map(candidates.map((s) => [s.id, s.kind]));
  const open = records.filter((r) => isRecordPublic(ctx.policy, kindOf.get(r.subject_id)!, r, now));
  const agencies = await getAgencyNames(
    ctx.db,
    open.map((r) => r.agency_id),
  );
  const openIds = new Set(open.map((r) => r.id));
  // Fa Shi [2017] 7 art. 6(1): an organisation debtor's legal representative or principal, by name, beside a
  // membership the register shows.
  const shown = entries.filter((e) => publicGrounds(e, openIds, now).length > 0);
  const persons = await publishedRelatedPersons(
    ctx,
    candidates.map((s) => ({
      id: s.id,
      kind: s.kind,
      lists: shown.filter((e) => e.subject_id === s.id).map((e) => e.list_id),
    })),
    now,
    language,
  );
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
    const view = {
      name: subject.name,
      kind: subject.kind,
      identifiers: identifiers.get(subject.id) ?? [],
      lists,
      records: own.map((r) => recordView(ctx.policy, r, agencies, language)),
      commitments: commitments
        .filter((c) => c.subject_id === subject.id)
        .map((c) => ({ text: c.text, made_at: c.made_at })),
      related_persons: persons.get(subject.id) ?? [],
    };
    return [{ subject, view }];
  });
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
