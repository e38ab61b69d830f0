/**
 * The public lists, paged by keyset (issue 12): a page reads from a cursor, never skips rows, so the last page
 * costs what the first does. Newest first by (since, subject id); `next` reads on, `previous` and `last` read the
 * list backwards (the reverse scan). Only memberships that src/domain/disclosure.ts makes public now are shown.
 * The list's size comes from the counts the database keeps (migration 019) by the record types members rest on,
 * not from counting the list; only where the policy discloses some records of one type and not others is it
 * counted (up to MAX_COUNTED). "Page X of Y" follows from that size and the page size.
 */

import { isRecordPublic, publicGrounds, publicShapes, type PublicShape } from '../../domain/disclosure.ts';
import { groundDisclosures } from '../../domain/list-disclosure.ts';
import { inLanguage, type Language } from '../../domain/local-text.ts';
import type { ListDefinition, SubjectKind } from '../../domain/policy.ts';
import type { CreditRecord } from '../../domain/record.ts';
import { CredenceError } from '../../errors.ts';
import { countEndedListEntries, getActiveListEntryCounts } from '../../store/counts.repository.ts';
import {
  countListEntries,
  getAgencyNames,
  getListEntriesChunk,
  getRecordsByIds,
  type ListCursor,
  type PublicEntryRow,
} from '../../store/public.repository.ts';
import type { ServiceContext } from '../context.ts';
import { readKeysetPage } from '../keyset-page.ts';
import { publishedRelatedPersons } from '../relationships/relationship-views.service.ts';
import { identifiersOf, recordView } from './public-views.ts';

export const MAX_PAGE_SIZE = 50;
/** Where a list's size must be counted, it is counted this far; beyond, the page says "more than". */
const MAX_COUNTED = 10_000;
const SCAN_CHUNK = 500;
const KINDS: readonly SubjectKind[] = ['person', 'organization'];

type Found = { entry: PublicEntryRow; records: CreditRecord[] };

/**
 * `GET /v1/public/lists/{list}?after=`: one page of the list's public members. `after` is a cursor from an
 * earlier page (its `next`, `previous` or `last`); without it, the first page.
 */
export async function listPublicMembers(
  ctx: ServiceContext,
  listId: string,
  query: { after?: string | undefined; pageSize: number },
  language: Language = 'en',
) {
  const list = ctx.policy.lists.get(listId);
  if (list === undefined)
    throw new CredenceError(
      'CRD_LIST_NOT_FOUND',
      `no list "${listId}"; the lists are ${[...ctx.policy.lists.keys()].join(', ')}`,
    );
  const now = ctx.clock();
  const shapes = publicShapes(ctx.policy, now);
  const { total, capped } = await countPublicMembers(ctx, list, shapes, now);
  // A membership rests on records of the list's types only: the other shapes never match.
  const types = new Set(list.criteria.map((c) => c.record_type));
  const scan = { list: listId, shapes: shapes.filter((s) => types.has(s.type)), now };
  const page = await readMembers(ctx, scan, { ...query, total });
  const [identifiers, agencies, persons] = await Promise.all([
    identifiersOf(
      ctx,
      page.rows.map((f) => ({ id: f.entry.subject_id, kind: f.entry.kind })),
    ),
    getAgencyNames(
      ctx.db,
      page.rows.flatMap((f) => f.records.map((r) => r.agency_id)),
    ),
    // Fa Shi [2017] 7 art. 6(1): an organisation debtor's legal representative or principal, by name.
    publishedRelatedPersons(
      ctx,
      page.rows.map((f) => ({ id: f.entry.subject_id, kind: f.entry.kind, lists: [listId] })),
      now,
      language,
    ),
  ]);
  return {
    list: listView(list, language),
    page: page.page,
    pages: page.pages ?? 1,
    page_size: query.pageSize,
    /** Members shown publicly (at least MAX_COUNTED when `total_capped`). */
    total,
    total_capped: capped,
    /** Cursors for `after`: the next page, the previous one, the last one (null where there is none). */
    next: page.next,
    previous: page.previous,
    last: page.last,
    evaluated_at: now.toISOString(),
    members: page.rows.map(({ entry, records }) => ({
      name: entry.name,
      kind: entry.kind,
      identifiers: identifiers.get(entry.subject_id) ?? [],
      since: entry.since,
      until: entry.until,
      records: records.map((r) => recordView(ctx.policy, r, agencies, language)),
      related_persons: persons.get(entry.subject_id) ?? [],
    })),
  };
}

function listView(list: ListDefinition, language: Language) {
  return {
    id: list.id,
    name: inLanguage(list.name, language),
    kind: list.kind,
    legal_basis: inLanguage(list.legal_basis, language),
    exit: inLanguage(list.exit, language),
  };
}

/** One page of members, by keyset from the cursor `after`. */
function readMembers(
  ctx: ServiceContext,
  scan: Scan,
  query: { after?: string | undefined; pageSize: number; total: number },
) {
  return readKeysetPage<Found, ListCursor>({
    after: query.after,
    size: query.pageSize,
    total: query.total,
    keyLength: 2,
    keyOf: (f) => [f.entry.since.toISOString(), f.entry.subject_id],
    parseKey: ([since, subjectId]) => {
      const instant = new Date(since!);
      const valid = !Number.isNaN(instant.getTime()) && /^[0-9]{1,18}$/.test(subjectId!);
      return valid ? { since: instant, subject_id: subjectId! } : undefined;
    },
    read: (from, toward, limit) => scanPublicEntries(ctx, scan, from, toward === 'forward' ? 'older' : 'newer', limit),
  });
}

interface Scan {
  readonly list: string;
  readonly shapes: readonly PublicShape[];
  readonly now: Date;
}

/** Scans the list (newest first: `older`; or oldest first: `newer`) until `wanted` public entries are found. */
async function scanPublicEntries(
  ctx: ServiceContext,
  query: Scan,
  from: ListCursor | null,
  toward: 'older' | 'newer',
  wanted: number,
): Promise<Found[]> {
  const { list, shapes, now } = query;
  const found: Found[] = [];
  let after = from;
  for (;;) {
    const limit = Math.min(SCAN_CHUNK, wanted - found.length + 10);
    const chunk = await getListEntriesChunk(ctx.db, { list, shapes, now, after, toward, limit });
    const grounded = chunk.filter((e) => e.grounded);
    const records = new Map(
      (
        await getRecordsByIds(
          ctx.db,
          grounded.flatMap((e) => e.record_ids),
        )
      ).map((r) => [r.id, r]),
    );
    for (const entry of grounded) {
      const publicIds = new Set(
        entry.record_ids.filter((id) => {
          const record = records.get(id);
          return record !== undefined && isRecordPublic(ctx.policy, entry.kind, record, now);
        }),
      );
      const grounds = publicGrounds(entry, publicIds, now);
      if (grounds.length > 0) found.push({ entry, records: grounds.map((id) => records.get(id)!) });
      if (found.length === wanted) return found;
    }
    if (chunk.length < limit) return found;
    const last = chunk[chunk.length - 1]!;
    after = { since: last.since, subject_id: last.subject_id };
  }
}

/**
 * The list's public members, for each kind of subject, from the maintained counts of its active members by the
 * record types they rest on: those resting on a type the policy always discloses for that kind, decided recently
 * enough to be disclosed (that type's public shapes' cutoff, to the day), less those whose term ended but whom
 * the scheduler has not yet removed. Where a type is disclosed for some records and not others (by variant), the
 * members with a public ground are counted instead, up to MAX_COUNTED.
 */
async function countPublicMembers(
  ctx: ServiceContext,
  list: ListDefinition,
  shapes: readonly PublicShape[],
  now: Date,
): Promise<{ total: number; capped: boolean }> {
  let total = 0;
  let capped = false;
  let ended: ReturnType<typeof countEndedListEntries> | undefined;
  for (const kind of KINDS) {
    const grounds = groundDisclosures(ctx.policy, list, kind);
    const ofKind = shapes.filter((s) => s.kind === kind);
    if ([...grounds.values()].includes('mixed')) {
      const counted = await countListEntries(ctx.db, { list: list.id, shapes: ofKind, now, cap: MAX_COUNTED });
      total += Math.min(counted, MAX_COUNTED);
      capped ||= counted > MAX_COUNTED;
      continue;
    }
    // The earliest day a record of each always-public type may have been decided and still be disclosed.
    const fromDay = new Map<string, string>();
    for (const [type, disclosure] of grounds) {
      const cutoffs = ofKind.filter((s) => s.type === type).map((s) => s.decided_after.getTime());
      if (disclosure === 'all' && cutoffs.length > 0) fromDay.set(type, isoDay(new Date(Math.min(...cutoffs))));
    }
    if (fromDay.size === 0) continue;
    const shown = (row: { types: string; day: string }) =>
      row.types.split(',').some((type) => fromDay.has(type) && row.day >= fromDay.get(type)!);
    ended ??= countEndedListEntries(ctx.db, now);
    const [counted, endedRows] = await Promise.all([getActiveListEntryCounts(ctx.db, { list: list.id, kind }), ended]);
    const gone = endedRows.filter((e) => e.list_id === list.id && e.status === 'active' && e.kind === kind);
    total += Math.max(
      0,
      counted.filter(shown).reduce((n, r) => n + r.n, 0) - gone.filter(shown).reduce((n, e) => n + e.count, 0),
    );
  }
  return { total, capped };
}

function isoDay(day: Date): string {
  return day.toISOString().slice(0, 10);
}
