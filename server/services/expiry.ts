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

/** How a sweep takes turns with everything else the server does. */
export interface ExpiryPace {
  /** Records per transaction. */
  batch: number;
  /** Awaited after each full batch, before the next one. */
  pause?: (batchMs: number) => Promise<void>;
  /** Asked after each full batch: true ends the sweep there (the rest is left for the next one). */
  stopping?: () => boolean;
}

/**
 * The background sweeper's pace. On SQLite a transaction holds the only connection, and an UPDATE of 5,000
 * records held it (and so every request) for 3 s on a warm copy of tier M's 6.9 GB file and about 10 s on a
 * cold one. A backlog (after the server was down) is therefore expired in transactions of 100 records, with a
 * pause as long as the last one took: requests take at least half the time until it is cleared. (The on-read
 * expiry keeps the full batch: the request that triggers it waits for it anyway.)
 */
export const SWEEPER_PACE: ExpiryPace = {
  batch: 100,
  pause: (batchMs) => new Promise((resolve) => setTimeout(resolve, Math.min(1000, Math.max(1, batchMs)))),
};

/**
 * Expires due records (all, one organization's, one record, or every record of the engagements of some
 * records — what a deal page shows in its participant cards). Returns how many expired.
 */
export async function expireDue(
  ctx: ServiceContext,
  filter: ExpiryFilter = {},
  pace: ExpiryPace = { batch: BATCH },
): Promise<number> {
  if (filter.sameEngagementAs?.length === 0) return 0;
  const now = nowIso(ctx);
  // The cheap check keeps reads from opening a write transaction when nothing is due (the common case).
  if (!(await hasDueRecords(ctx.db, now, filter))) return 0;
  let total = 0;
  for (;;) {
    const began = performance.now();
    const expired = await inTransaction(ctx, async (trx) => {
      const rows = await expireDueRecords(trx, now, { ...filter, limit: pace.batch });
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
    if (expired < pace.batch || pace.stopping?.()) return total;
    await pace.pause?.(performance.now() - began);
    if (pace.stopping?.()) return total;
  }
}
