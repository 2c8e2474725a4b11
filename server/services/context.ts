import type { Clock } from '../clock.ts';
import type { Db, Dialect, Trx } from '../db/database.ts';
import { groupCommit } from '../db/group-commit.ts';

/** What every use case gets: the database, its dialect, the clock and the configuration. */
export interface ServiceContext {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  config: {
    vendorName: string;
    sessionTtlHours: number;
    /** The address users reach the app at: links in e-mails (default http://localhost:3000). */
    publicUrl?: string;
    /** Hosts or IPs webhooks may reach whatever they resolve to, over plain HTTP too (WEBHOOK_ALLOWED_HOSTS). */
    webhookAllowedHosts?: readonly string[];
    /** How long a delivery is retried before it becomes a dead letter (default 3 days). */
    deliveryGiveUpMs?: number;
    /**
     * Up to how many records (and notes) containing a list's search word the list starts from them; above it
     * the word is common and the list walks its view (server/db/repositories/deal-search.ts; default 2000).
     */
    searchCandidateCap?: number;
  };
}

export const nowIso = (ctx: ServiceContext) => ctx.clock.now().toISOString();

/**
 * Runs `work` in a transaction (DESIGN rule 5: the change and its events commit together). On SQLite the works
 * that arrive together share one COMMIT, each in its own savepoint (db/group-commit.ts): as durable, far fewer
 * waits for the disk.
 */
export function inTransaction<T>(ctx: ServiceContext, work: (trx: Trx) => Promise<T>): Promise<T> {
  if (ctx.dialect === 'sqlite') return groupCommit(ctx.db, work);
  return ctx.db.transaction().execute(work);
}
