/**
 * Expiry of received records (SPEC §6): 14 days after receipt a record nobody answered becomes expired.
 * Run by the background sweeper and, for the caller's scope, before every deal read, so a stale
 * `received` is never served. Each participant expires on its own: the other records stay as they are.
 */
import { type ExpiryFilter, expireDueRecords, hasDueRecords } from '../db/repositories/deals.ts';
import { insertEvents } from '../db/repositories/events.ts';
import { newId } from '../ids.ts';
import { inTransaction, nowIso, type ServiceContext } from './context.ts';

// Records per transaction: larger batches write each touched index page once for many records.
const BATCH = 5000;

/**
 * Expires due records (all, one organization's, one record, or every record of the engagements of some
 * records — what a deal page shows in its participant cards). Returns how many expired.
 */
export async function expireDue(ctx: ServiceContext, filter: ExpiryFilter = {}): Promise<number> {
  if (filter.sameEngagementAs?.length === 0) return 0;
  const now = nowIso(ctx);
  // The cheap check keeps reads from opening a write transaction when nothing is due (the common case).
  if (!(await hasDueRecords(ctx.db, now, filter))) return 0;
  let total = 0;
  for (;;) {
    const expired = await inTransaction(ctx, async (trx) => {
      const rows = await expireDueRecords(trx, now, { ...filter, limit: BATCH });
      await insertEvents(
        trx,
        rows.map((row) => ({
          id: newId(),
          type: 'deal.status-changed',
          engagementId: row.engagement_id,
          participantId: row.id,
          organizationId: row.organization_id,
          visibility: 'engagement' as const,
          actor: { userId: null, name: null, organizationId: null },
          data: { changes: { status: { from: 'received', to: 'expired' } }, version: row.version },
          createdAt: now,
        })),
      );
      return rows.length;
    });
    total += expired;
    if (expired < BATCH) return total;
  }
}
