/**
 * Deal reads: one deal, the list views, the activity timeline and the notes thread.
 * Every query starts from the visibility predicate; expiry is applied before reading.
 */
import { sql } from 'kysely';
import type { DealOut, DealSummaryOut, ListQuery } from '../../core/schemas.ts';
import { escapeLike, normalizeForSearch } from '../../core/text.ts';
import type { Actor } from '../access/actor.ts';
import { visibleDeals } from '../access/visibility.ts';
import { DAY_MS } from '../clock.ts';
import { likeEscaped } from '../db/like.ts';
import { searchCandidates } from '../db/repositories/deal-search.ts';
import { favoriteIds, notesOf, participantsOfEngagements } from '../db/repositories/deals.ts';
import { activityOf } from '../db/repositories/events.ts';
import { nowIso, type ServiceContext } from './context.ts';
import { encodeCursor, invalidCursor, readCursor } from './cursor.ts';
import {
  expireOverdueOfVisibleDeal,
  findVisibleRecord,
  hasOverdue,
  loadDealPage,
  presentDeal,
  presentSummary,
} from './deal-view.ts';
import { expireDue } from './expiry.ts';

export async function getDeal(ctx: ServiceContext, actor: Actor, id: string): Promise<DealOut> {
  // Visible first (404 otherwise). The load reads every participant record of the engagement, so whether one of
  // them is overdue is known without asking the database; only then expire and load again.
  const loaded = await loadDealPage(ctx.db, actor, id);
  if (!hasOverdue(loaded.participants, nowIso(ctx))) return presentDeal(ctx.db, actor, loaded);
  // Loaded again even when another request expired them first: what was read is stale either way.
  await expireDue(ctx, { sameEngagementAs: [id] });
  return presentDeal(ctx.db, actor, await loadDealPage(ctx.db, actor, id));
}

/** See ServiceContext config `searchCandidateCap`. */
const SEARCH_CANDIDATE_CAP = 2000;

const SORT_COLUMNS = {
  updatedAt: 'p.updated_at',
  value: 'p.value_minor',
  closeDate: 'p.close_date',
  expiresAt: 'p.expires_at',
} as const;

// Default order per sort: newest first, biggest first, soonest first.
const DEFAULT_ORDER = { updatedAt: 'desc', value: 'desc', closeDate: 'asc', expiresAt: 'asc' } as const;

interface Cursor {
  s: string; // sort the cursor belongs to
  o: 'asc' | 'desc';
  k: string | number | null; // sort key of the last row
  i: string; // id of the last row
}

function decodeCursor(raw: string, sort: string, order: string): Cursor {
  const parsed = readCursor(raw) as Partial<Cursor>;
  // The key must have the sort column's kind: a forged key of another kind would reach the SQL comparison
  // (on PostgreSQL a text or fractional key against the bigint value column is a 500, not a 400).
  const validKey =
    sort === 'value'
      ? Number.isSafeInteger(parsed.k)
      : typeof parsed.k === 'string' || (sort === 'expiresAt' && parsed.k === null);
  if (parsed.s === sort && parsed.o === order && validKey && typeof parsed.i === 'string') {
    return parsed as Cursor;
  }
  throw invalidCursor();
}

/**
 * Lists one view of the caller's deals with filters, sort and keyset paging.
 * A fixed number of queries whatever the page size: (expiry check), page (two ranges when sorted by expiry),
 * participants, favorites.
 */
export async function listDeals(
  ctx: ServiceContext,
  actor: Actor,
  query: ListQuery,
): Promise<{ items: DealSummaryOut[]; nextCursor: string | null }> {
  await expireDue(ctx, { organizationId: actor.organizationId });
  const order = query.order ?? DEFAULT_ORDER[query.sort];
  const column = SORT_COLUMNS[query.sort];
  const nullable = query.sort === 'expiresAt';
  const cursor = query.cursor ? decodeCursor(query.cursor, query.sort, order) : null;
  const now = ctx.clock.now();

  let q = ctx.db
    .selectFrom('participants as p')
    .innerJoin('engagements as e', 'e.id', 'p.engagement_id')
    .innerJoin('locations as l', 'l.id', 'p.location_id')
    .select([
      'p.id',
      'p.engagement_id',
      'p.direction',
      'p.status',
      'p.sales_stage',
      'p.name',
      'p.location_id',
      'p.value_minor',
      'p.currency',
      'p.close_date',
      'p.expires_at',
      'p.version',
      'p.created_at',
      'p.updated_at',
      'e.type',
      'e.customer_name',
      'e.customer_city',
      'e.customer_country',
      'l.name as location_name',
      'l.country as location_country',
      'l.city as location_city',
    ])
    .where(visibleDeals(actor));

  // The view is a generated column (inbound and outbound: open records of that direction; closed: every
  // terminal status) that leads the list indexes, so a page is one ordered index range (migration 0005).
  if (query.view === 'favorites') {
    // From the caller's few favorites, not by walking the organization's records.
    q = q.where('p.id', 'in', (eb) =>
      eb.selectFrom('favorites as f').select('f.participant_id').where('f.user_id', '=', actor.userId),
    );
  } else {
    // Not in the table's type: the database generates it, no write may set it.
    q = q.where(sql.ref('p.list_view'), '=', query.view);
  }
  if (query.status) {
    // The (organization, status, view, updated, id, expires) index serves a status filter in the default order
    // (and tests the expiry of expiringWithinDays on its entries, migration 0011). In another
    // order the view's own sort index should be walked and the status tested on the way. SQLite's planner,
    // which knows only average organization sizes, took the status index there and sorted every record of that
    // status (most of a large organization's closed view for `won`); testing the status through coalesce (never
    // null) keeps it from doing so. PostgreSQL keeps the plain test: its statistics know the large
    // organizations and the common statuses, and it has no estimate for the coalesce.
    q =
      query.sort === 'updatedAt' || ctx.dialect === 'postgres'
        ? q.where('p.status', '=', query.status)
        : q.where(sql`coalesce(p.status, '')`, '=', query.status);
  }
  if (query.type) q = q.where('e.type', '=', query.type);
  if (query.salesStage) q = q.where('p.sales_stage', '=', query.salesStage);
  if (query.locationId) q = q.where('p.location_id', '=', query.locationId);
  if (query.expiringWithinDays !== undefined) {
    const horizon = new Date(now.getTime() + query.expiringWithinDays * DAY_MS).toISOString();
    q = q.where('p.status', '=', 'received').where('p.expires_at', '<=', horizon);
  }
  if (query.q) {
    const needle = normalizeForSearch(query.q);
    const pattern = `%${escapeLike(needle)}%`;
    // A rare word: only the records containing it are read (an empty page at once when there are none); a
    // common one is tested while the view is walked in order. Either way the exact test below decides.
    const candidates = await searchCandidates(ctx.db, ctx.dialect, needle, {
      cap: ctx.config.searchCandidateCap ?? SEARCH_CANDIDATE_CAP,
      organizationId: actor.organizationId,
    });
    if (candidates?.length === 0) return { items: [], nextCursor: null };
    if (candidates) q = q.where('p.id', 'in', candidates);
    q = q.where((eb) =>
      eb.or([
        likeEscaped(eb.ref('p.search_text'), pattern),
        eb.exists(
          eb
            .selectFrom('notes as n')
            .select('n.id')
            .whereRef('n.engagement_id', '=', 'p.engagement_id')
            .where(() => likeEscaped(sql.ref('n.body_search'), pattern)),
        ),
      ]),
    );
  }
  // Keyset: rows strictly after (key, id) in the chosen order. Null keys (expiresAt of non-received records) sort
  // after every value in both directions, the same on both engines. They are read as a second range rather
  // than with an ORDER BY on "key is null": that expression cannot follow the (organization, key, id) index, so
  // the database would sort every record of the view to return one page.
  const cmp = order === 'asc' ? '>' : '<';
  const afterCursor = (range: typeof q) => {
    if (!cursor || cursor.k === null) return range;
    const key = cursor.k;
    return range.where((eb) =>
      eb.or([eb(column, cmp, key), eb.and([eb(column, '=', key), eb('p.id', cmp, cursor.i)])]),
    );
  };
  let rows: Awaited<ReturnType<typeof q.execute>> = [];
  if (!nullable) {
    rows = await afterCursor(q)
      .orderBy(column, order)
      .orderBy('p.id', order)
      .limit(query.limit + 1)
      .execute();
  } else {
    if (cursor?.k !== null) {
      rows = await afterCursor(q.where(column, 'is not', null))
        .orderBy(column, order)
        .orderBy('p.id', order)
        .limit(query.limit + 1)
        .execute();
    }
    if (rows.length <= query.limit) {
      let nulls = q.where(column, 'is', null);
      if (cursor?.k === null) nulls = nulls.where('p.id', cmp, cursor.i);
      rows = rows.concat(
        await nulls
          // The key is null throughout; ordering by it too spells out the index order (PostgreSQL otherwise
          // walks the primary key and filters).
          .orderBy(column, order)
          .orderBy('p.id', order)
          .limit(query.limit + 1 - rows.length)
          .execute(),
      );
    }
  }
  const page = rows.slice(0, query.limit);
  // The caller's own records expired above; the other participants' statuses shown on the page must be fresh
  // too. They are read anyway for the rows, so only an overdue one among them costs an expiry and a second read.
  const engagementIds = page.map((r) => r.engagement_id);
  let participants = await participantsOfEngagements(ctx.db, engagementIds);
  if (hasOverdue(participants, nowIso(ctx))) {
    await expireDue(ctx, { sameEngagementAs: page.map((r) => r.id) });
    participants = await participantsOfEngagements(ctx.db, engagementIds);
  }
  // The favorites view holds only the caller's favorites.
  const favorites =
    query.view === 'favorites'
      ? new Set(page.map((r) => r.id))
      : await favoriteIds(
          ctx.db,
          actor.userId,
          page.map((r) => r.id),
        );
  const last = page.at(-1);
  const sortKey = (row: (typeof page)[number]) =>
    ({
      updatedAt: row.updated_at,
      value: row.value_minor,
      closeDate: row.close_date,
      expiresAt: row.expires_at,
    })[query.sort];
  return {
    items: page.map((row) => presentSummary(row, participants, favorites.has(row.id))),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ s: query.sort, o: order, k: sortKey(last), i: last.id })
        : null,
  };
}

/** The timeline entries the caller's organization may see: shared entries and its own. */
export async function dealActivity(ctx: ServiceContext, actor: Actor, id: string) {
  await expireOverdueOfVisibleDeal(ctx, actor, id);
  const record = await findVisibleRecord(ctx.db, actor, id);
  const rows = await activityOf(ctx.db, record.engagement_id, actor.organizationId);
  return {
    items: rows.map((row) => {
      const data = JSON.parse(row.data) as { changes?: Record<string, { from: unknown; to: unknown }> };
      return {
        id: row.id,
        type: row.type,
        actor: {
          name: row.actor_name,
          organization: row.actor_org_id ? { id: row.actor_org_id, name: row.actor_org_name ?? '' } : null,
        },
        organization: { id: row.organization_id ?? '', name: row.subject_org_name ?? '' },
        changes: data.changes ?? {},
        createdAt: row.created_at,
      };
    }),
  };
}

export async function dealNotes(ctx: ServiceContext, actor: Actor, id: string) {
  const record = await findVisibleRecord(ctx.db, actor, id);
  const rows = await notesOf(ctx.db, record.engagement_id);
  return {
    items: rows.map((n) => ({
      id: n.id,
      body: n.body,
      author: { name: n.author_name, organization: { id: n.organization_id, name: n.organization_name } },
      createdAt: n.created_at,
    })),
  };
}
