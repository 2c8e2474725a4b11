/**
 * Group commit for the embedded database. SQLite runs with `synchronous = FULL`: every COMMIT waits for the disk
 * (about 2.5 ms on the reference machine), so one transaction per request would cap writes at a few hundred per
 * second however fast the code is. Here the transactions that arrive while one is running wait, and then run
 * together inside one database transaction, each in its own SAVEPOINT, with one COMMIT (one fsync) for all.
 *
 * What each caller sees is unchanged:
 * - its work runs alone, after every earlier work (one connection, one at a time), and sees their writes;
 * - if its work throws, only its own writes are undone (ROLLBACK TO its savepoint) and it gets the error;
 * - it is answered only after the COMMIT that made its writes durable; if that COMMIT fails, every work of the
 *   batch gets the error and none of their writes exist.
 * A lone request waits one turn of the event loop (for the requests read beside it); after that, a batch is
 * whatever queued during the previous commit.
 */
import { sql } from 'kysely';
import type { Db, Trx } from './database.ts';
import { syncSqliteDealSearch } from './repositories/deal-search.ts';

/** Works per COMMIT at most, so one batch cannot hold the connection for long. */
const MAX_BATCH = 64;

interface Pending {
  work: (trx: Trx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

class GroupCommitter {
  private readonly queue: Pending[] = [];
  private draining = false;
  /** Transactions committed (or failed) and works run in them, for tests and diagnostics. */
  readonly stats = { batches: 0, works: 0 };

  constructor(private readonly db: Db) {}

  run<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // One turn of the event loop first: the requests already read from their sockets run their reads
        // (promise chains) and queue their works too, so they share this COMMIT instead of each waiting for
        // a COMMIT of its own. Without it, a batch was almost always one work (measured: 923 COMMITs for 708
        // creates at 32 connections).
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        this.stats.batches += 1;
        this.stats.works += batch.length;
        const outcomes: Outcome[] = [];
        try {
          await this.db.transaction().execute(async (trx) => {
            for (const [index, pending] of batch.entries()) {
              if (batch.length === 1) {
                // Alone: the transaction itself undoes a failed work.
                outcomes.push({ ok: true, value: await pending.work(trx) });
                continue;
              }
              const savepoint = sql.raw(`work_${index}`);
              await sql`savepoint ${savepoint}`.execute(trx);
              try {
                const value = await pending.work(trx);
                await sql`release ${savepoint}`.execute(trx);
                outcomes.push({ ok: true, value });
              } catch (error) {
                await sql`rollback to ${savepoint}`.execute(trx);
                await sql`release ${savepoint}`.execute(trx);
                outcomes.push({ ok: false, error });
              }
            }
            // Outside every savepoint: the search index gets one segment for the whole batch (migration 0010).
            await syncSqliteDealSearch(trx);
          });
        } catch (error) {
          // A lone work that threw (rolled back) or a COMMIT that failed: nothing of the batch was stored.
          for (const [index, pending] of batch.entries()) {
            const outcome = outcomes[index];
            pending.reject(batch.length === 1 || !outcome || outcome.ok ? error : outcome.error);
          }
          continue;
        }
        for (const [index, pending] of batch.entries()) {
          const outcome = outcomes[index] as Outcome;
          if (outcome.ok) pending.resolve(outcome.value);
          else pending.reject(outcome.error);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

const committers = new WeakMap<Db, GroupCommitter>();

function committerOf(db: Db): GroupCommitter {
  let committer = committers.get(db);
  if (!committer) {
    committer = new GroupCommitter(db);
    committers.set(db, committer);
  }
  return committer;
}

/** Runs `work` in a transaction on SQLite, committed together with the works queued beside it. */
export function groupCommit<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  return committerOf(db).run(work);
}

/** How many transactions group commit made on `db`, and how many works ran in them. */
export function groupCommitStats(db: Db): { batches: number; works: number } {
  return { ...committerOf(db).stats };
}
