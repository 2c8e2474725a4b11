/**
 * Replayable events (SPEC §15): `GET /events?after=<cursor>` lists, in order, the events of the deals the
 * caller sees — the same rule as each deal's activity timeline (shared entries and the organization's own)
 * over the records `visibleDeals(actor)` lets through — so a webhook consumer that missed deliveries
 * catches up. Events are the audit trail and are never deleted, so the feed keeps every event (at least
 * the 30 days promised).
 */
import type { Actor } from '../access/actor.ts';
import { visibleDeals } from '../access/visibility.ts';
import type { ServiceContext } from './context.ts';
import { encodeCursor, invalidCursor, readCursor } from './cursor.ts';
import { WEBHOOK_EVENT_TYPES } from './notices.ts';

export interface FeedEvent {
  id: string;
  cursor: string;
  type: string;
  time: string;
  dealId: string;
  engagementId: string;
  organization: { id: string; name: string };
  changes: Record<string, { from: unknown; to: unknown }>;
}

const encode = (seq: number) => encodeCursor({ s: seq });
function decode(raw: string): number {
  const parsed = readCursor(raw, 'after');
  if (Number.isSafeInteger(parsed.s) && (parsed.s as number) >= 0) return parsed.s as number;
  throw invalidCursor('after');
}

export async function listEvents(
  ctx: ServiceContext,
  actor: Actor,
  query: { after?: string | undefined; limit: number },
): Promise<{ items: FeedEvent[]; nextCursor: string; hasMore: boolean }> {
  const after = query.after ? decode(query.after) : 0;
  const visible = ctx.db.selectFrom('participants as p').select('p.id').where(visibleDeals(actor));
  const rows = await ctx.db
    .selectFrom('events as ev')
    .innerJoin('participants as mine', (join) =>
      join
        .onRef('mine.engagement_id', '=', 'ev.engagement_id')
        .on('mine.organization_id', '=', actor.organizationId),
    )
    .leftJoin('organizations as subject', 'subject.id', 'ev.organization_id')
    .select([
      'ev.seq',
      'ev.id',
      'ev.type',
      'ev.created_at',
      'ev.data',
      'ev.engagement_id',
      'ev.organization_id',
      'subject.name as subject_name',
      'mine.id as deal_id',
    ])
    .where('mine.id', 'in', visible)
    .where('ev.seq', '>', after)
    .where('ev.type', 'in', [...WEBHOOK_EVENT_TYPES])
    .where((eb) =>
      eb.or([eb('ev.visibility', '=', 'engagement'), eb('ev.organization_id', '=', actor.organizationId)]),
    )
    .orderBy('ev.seq')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => {
      const data = JSON.parse(row.data) as { changes?: FeedEvent['changes'] };
      return {
        id: row.id,
        cursor: encode(row.seq),
        type: row.type,
        time: row.created_at,
        dealId: row.deal_id,
        engagementId: row.engagement_id ?? '',
        organization: { id: row.organization_id ?? '', name: row.subject_name ?? '' },
        changes: data.changes ?? {},
      };
    }),
    nextCursor: encode(last ? last.seq : after),
    hasMore: rows.length > query.limit,
  };
}
