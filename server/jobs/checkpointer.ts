/**
 * WAL checkpoints of the embedded database in a thread of their own.
 *
 * In WAL mode every COMMIT appends the changed pages to the -wal file; a checkpoint copies them back into the
 * database file and fsyncs it. SQLite does that by itself in the COMMIT that pushes the WAL past 1000 pages, on
 * the connection that commits: here the server's only connection, on the event loop's thread, so every request
 * waited while a few megabytes were copied and synced. This job turns that off for the server's connection and
 * runs PASSIVE checkpoints from a worker thread with a connection of its own: a PASSIVE checkpoint never blocks
 * readers or writers, and its fsync happens off the event loop.
 *
 * Safety: a checkpoint only copies committed pages (SQLite's own mechanism, unchanged), so durability and crash
 * recovery are the same; the server's connection checkpoints by itself once the WAL passes FALLBACK_PAGES (also if
 * the worker stops), so the -wal file stays bounded.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';
import type { Job } from './expiry-sweeper.ts';

/**
 * The server's connection still checkpoints by itself once the WAL holds this many pages (4 KB each). Under
 * steady writes the worker's checkpoints keep up, but the -wal file only starts over from its beginning when a
 * transaction begins with every page already copied; that checkpoint then has almost nothing left to copy.
 */
const FALLBACK_PAGES = 4000;

// Plain JavaScript (no TypeScript loader in the worker): open the file, checkpoint every intervalMs, report.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
let stopped = false;
const tick = () => {
  if (stopped) return;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'checkpoint', ...result });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message || error) });
  }
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  clearInterval(timer);
  db.close();
  parentPort.postMessage({ type: 'stopped' });
  parentPort.close();
});
`;

export interface CheckpointResult {
  /** 1 when a reader or writer kept the checkpoint from finishing (it goes on at the next tick). */
  busy: number;
  /** Pages in the WAL, and how many of them are in the database file. */
  log: number;
  checkpointed: number;
}

/** Starts checkpointing the database file of `sqlite` (a file, not `:memory:`) from a worker thread. */
export function startCheckpointer(
  sqlite: SqliteDatabase.Database,
  options: {
    intervalMs: number;
    log: { error(obj: object, msg: string): void };
    /** WAL pages at which the server's connection checkpoints by itself (FALLBACK_PAGES). */
    fallbackPages?: number;
    onCheckpoint?: (result: CheckpointResult) => void;
  },
): Job {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      path: sqlite.name,
      intervalMs: options.intervalMs,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
    },
  });
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${options.fallbackPages ?? FALLBACK_PAGES}`);
  let stopped: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  worker.on('message', (message: { type: string; message?: string } & CheckpointResult) => {
    if (message.type === 'checkpoint') options.onCheckpoint?.(message);
    else if (message.type === 'error') options.log.error({ err: message.message }, 'WAL checkpoint failed');
    else if (message.type === 'stopped') stopped();
  });
  worker.on('error', (err) => {
    options.log.error({ err }, 'WAL checkpointer stopped; the server checkpoints by itself');
    stopped();
  });
  worker.on('exit', () => stopped());
  return {
    async stop() {
      worker.postMessage('stop');
      await done;
      await worker.terminate();
    },
  };
}
