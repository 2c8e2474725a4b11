import type { Clock } from '../clock.ts';
import type { Db, Dialect } from '../db/database.ts';

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
  };
}

export const nowIso = (ctx: ServiceContext) => ctx.clock.now().toISOString();

/** Runs `work` in a transaction (DESIGN rule 5: the change and its events commit together). */
export function inTransaction<T>(
  ctx: ServiceContext,
  work: (trx: import('../db/database.ts').Trx) => Promise<T>,
) {
  return ctx.db.transaction().execute(work);
}
