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
