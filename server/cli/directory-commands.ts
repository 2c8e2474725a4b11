/**
 * `cosell import-companies` and `cosell generate-companies` (docs/DIRECTORY.md): argument parsing, progress
 * on a terminal (a line that updates itself) or plain periodic lines otherwise, and the summary.
 */
import { createWriteStream, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tuneForBulkImport } from '../db/company-bulk.ts';
import { type Db, type Dialect, sqliteHandleOf } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { startCheckpointer } from '../jobs/checkpointer.ts';
import { readCompanyCsvFileInWorker } from '../services/company-csv-reader.ts';
import type { ServiceContext } from '../services/context.ts';
import { DEFAULT_GENERATOR_SEED, writeCompaniesCsv } from '../services/generate-companies.ts';
import {
  DEFAULT_BATCH_SIZE,
  type ImportProgress,
  type ImportResult,
  importCompanyChunks,
} from '../services/import-companies.ts';

type WithContext = <T>(work: (ctx: ServiceContext) => Promise<T>) => Promise<T>;

const fmt = new Intl.NumberFormat('en-US');
const n = (value: number) => fmt.format(Math.round(value));
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const rssMb = () => Math.round(process.memoryUsage.rss() / 1024 / 1024);

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Progress on stderr: on a terminal one line rewritten four times a second, otherwise a plain line every
 * ten seconds (logs and CI stay readable).
 */
function progressPrinter() {
  const tty = process.stderr.isTTY === true;
  const every = tty ? 250 : 10_000;
  let last = 0;
  let shown = false;
  return {
    tty,
    show(line: string, force = false) {
      const now = performance.now();
      if (!force && now - last < every) return;
      last = now;
      if (tty) {
        process.stderr.write(`\r\x1b[K${line}`);
        shown = true;
      } else {
        process.stderr.write(`${line}\n`);
      }
    },
    /** Clears the terminal line before other output. */
    clear() {
      if (tty && shown) {
        process.stderr.write('\r\x1b[K');
        shown = false;
      }
    },
  };
}

/** How often the import's own checkpointer copies the WAL's committed pages into the database file. */
const IMPORT_CHECKPOINT_MS = 250;
/**
 * WAL pages (4 KiB) at which the importing connection checkpoints by itself: 256 MB. The checkpointer has copied
 * all but the last commits by then; the WAL only starts over from its beginning after such a checkpoint (the
 * writer begins its next transaction before the thread has caught up).
 */
const IMPORT_FALLBACK_PAGES = 65_536;

/**
 * An import into an SQLite file checkpoints its WAL from a thread of its own (jobs/checkpointer.ts, as the
 * server does): copying the committed pages into the database file, and syncing it, then happens next to the
 * writing thread instead of inside its commits. On two quiet cores the load of 2,000,000 took 31.4 s instead
 * of 33.6 (medians of six interleaved runs), for about 2 s more CPU. Durability is SQLite's own: a checkpoint
 * only copies committed pages. Returns the handle to stop it, or undefined (PostgreSQL, a database in memory).
 */
export function startImportCheckpoints(db: Db, dialect: Dialect): { stop(): Promise<void> } | undefined {
  const sqlite = dialect === 'sqlite' ? sqliteHandleOf(db) : undefined;
  if (!sqlite || sqlite.memory) return undefined;
  return startCheckpointer(sqlite, {
    intervalMs: IMPORT_CHECKPOINT_MS,
    fallbackPages: IMPORT_FALLBACK_PAGES,
    log: {
      error: (obj, msg) => process.stderr.write(`${msg}: ${JSON.stringify(obj)}\n`),
    },
  });
}

/**
 * The import's last line: rows read and what became of them, the time and rate, and the peak RSS; for an
 * initial load, how the time split between writing the rows and building the deferred indexes.
 */
export function importSummary(
  result: Pick<ImportResult, 'read' | 'inserted' | 'updated' | 'badCount' | 'seconds' | 'stopped'>,
  peakRss: number,
  phases?: { loadSeconds: number; indexSeconds: number },
): string {
  const rate = result.read / Math.max(result.seconds, 1e-3);
  const split = phases
    ? ` (${phases.loadSeconds.toFixed(1)} s loading, ${phases.indexSeconds.toFixed(1)} s building indexes)`
    : '';
  return (
    `${result.stopped ? 'stopped after' : 'read'} ${n(result.read)} rows: ${n(result.inserted)} inserted, ` +
    `${n(result.updated)} updated, ${n(result.badCount)} bad, in ${result.seconds.toFixed(1)} s${split} ` +
    `(${n(rate)} rows/s), peak RSS ${peakRss} MB`
  );
}

export async function importCompaniesCommand(
  args: string[],
  withContext: WithContext,
  usage: string,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'batch-size': { type: 'string' }, 'defer-indexes': { type: 'boolean' } },
  });
  const file = positionals[0];
  const batchSize = Number(values['batch-size'] ?? DEFAULT_BATCH_SIZE);
  if (
    !file ||
    positionals.length > 1 ||
    !Number.isInteger(batchSize) ||
    batchSize < 1 ||
    batchSize > 100_000
  ) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    process.stderr.write(`cannot read ${file}\n`);
    return 1;
  }
  const progress = progressPrinter();
  const started = performance.now();
  const line = (p: ImportProgress) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = p.read / Math.max(seconds, 1e-3);
    const share = size > 0 ? p.bytes / size : 1;
    const eta = p.bytes > 0 ? ((size - p.bytes) / p.bytes) * seconds : Number.POSITIVE_INFINITY;
    return (
      `${n(p.read)} rows  ${(share * 100).toFixed(1)}%  ${n(rate)} rows/s  ETA ${duration(eta)}` +
      `  (inserted ${n(p.inserted)}, updated ${n(p.updated)}, bad ${n(p.bad)})  RSS ${rssMb()} MB`
    );
  };
  // Ctrl-C once: stop after the current batch, build any deferred indexes, print the summary. Twice: exit.
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    progress.clear();
    process.stderr.write('stopping after the current batch (Ctrl-C again to quit at once)\n');
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  // When the deferred indexes of an initial load began to be built (the summary tells the two phases apart).
  let indexesFrom: number | null = null;
  return withContext(async (ctx) => {
    tuneForBulkImport(ctx.db, ctx.dialect);
    const checkpoints = startImportCheckpoints(ctx.db, ctx.dialect);
    try {
      const result = await importCompanyChunks(ctx, readCompanyCsvFileInWorker(file), {
        batchSize,
        keepBadRows: 0,
        initialLoad: true,
        deferIndexes: values['defer-indexes'] === true,
        signal: stop.signal,
        onBadRow: (bad) => {
          progress.clear();
          process.stdout.write(`line ${bad.line}: ${bad.reason}\n`);
        },
        onProgress: (p) => progress.show(line(p)),
        onBuildingIndexes: (names) => {
          progress.clear();
          indexesFrom = performance.now();
          process.stderr.write(`building the directory's indexes (${names.join(', ')})…\n`);
        },
      });
      progress.clear();
      // The import's own time (result.seconds) is the two phases: the rows, then the indexes.
      const indexSeconds = indexesFrom === null ? null : (performance.now() - indexesFrom) / 1000;
      const phases =
        indexSeconds === null ? undefined : { loadSeconds: result.seconds - indexSeconds, indexSeconds };
      process.stdout.write(`${importSummary(result, peakRssMb(), phases)}\n`);
      return result.stopped ? 130 : result.badCount > 0 ? 3 : 0;
    } catch (error) {
      progress.clear();
      if (error instanceof DomainError) {
        process.stderr.write(`${file}: ${error.message}\n`);
        return 1;
      }
      throw error;
    } finally {
      await checkpoints?.stop();
      process.off('SIGINT', onSigint);
    }
  });
}

export async function generateCompaniesCommand(args: string[], usage: string): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { count: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' } },
  });
  const count = Number(values.count);
  const seed = values.seed === undefined ? DEFAULT_GENERATOR_SEED : Number(values.seed);
  if (!values.out || !Number.isInteger(count) || count < 0 || !Number.isInteger(seed)) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const toStdout = values.out === '-';
  const out = toStdout ? process.stdout : createWriteStream(values.out);
  const progress = progressPrinter();
  const started = performance.now();
  const { rows } = await writeCompaniesCsv(out, {
    count,
    seed,
    onProgress: (written) => {
      const seconds = (performance.now() - started) / 1000;
      const rate = written / Math.max(seconds, 1e-3);
      progress.show(
        `${n(written)} of ${n(count)} rows  ${n(rate)} rows/s  ETA ${duration((count - written) / rate)}  RSS ${rssMb()} MB`,
      );
    },
  });
  progress.clear();
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(
    `wrote ${n(rows)} companies${toStdout ? '' : ` to ${values.out}`} (seed ${seed}) in ${seconds.toFixed(1)} s ` +
      `(${n(rows / Math.max(seconds, 1e-3))} rows/s), peak RSS ${peakRssMb()} MB\n`,
  );
  return 0;
}
