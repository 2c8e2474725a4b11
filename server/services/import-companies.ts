/**
 * Customer directory import (docs/DIRECTORY.md): the chunks of a CSV read by company-csv-reader.ts (every record
 * checked, bad ones reported with their line and reason, never stopping the import) are upserted by D-U-N-S in
 * batches, one transaction each, so a running server waits at most one batch for the write lock. Memory stays
 * flat: the file is never held, only the current batch and the reader's few chunks ahead.
 * The `cosell import-companies` command (reader in a worker thread) and `POST /api/v1/admin/companies/import`
 * (reader in the request's thread) both run this.
 */
import type { Actor } from '../access/actor.ts';
import { hasRole } from '../access/visibility.ts';
import {
  type CompanyBatchWriter,
  type CompanyTuple,
  companyBatchWriter,
  deferIndexes,
  restoreDeferredIndexes,
  TUPLE_DUNS,
} from '../db/company-bulk.ts';
import { existingDuns } from '../db/repositories/catalog.ts';
import { DomainError } from '../errors.ts';
import { type BadRow, type CsvChunk, readCompanyCsv } from './company-csv-reader.ts';
import type { ServiceContext } from './context.ts';

export type { BadRow };

/** Rows per transaction: the longest a running server waits for the write lock is one batch. */
export const DEFAULT_BATCH_SIZE = 5000;

export interface ImportProgress {
  /** Data records read so far (good and bad). */
  read: number;
  /** Bytes taken from the source so far. */
  bytes: number;
  inserted: number;
  updated: number;
  bad: number;
}

export interface ImportOptions {
  /** Validate and count, write nothing. Remembers the file's D-U-N-S numbers: meant for API-sized files. */
  dryRun?: boolean;
  batchSize?: number;
  /** Called for every bad row, as it is found. */
  onBadRow?: (bad: BadRow) => void;
  /** Called after every batch. */
  onProgress?: (progress: ImportProgress) => void;
  /** How many bad rows the result lists (all are counted and passed to onBadRow). */
  keepBadRows?: number;
  /**
   * An initial load (the command line): indexes an interrupted earlier load left to build are built first; then,
   * if the directory is empty, its secondary indexes are built once at the end instead of row by row
   * (both engines; db/company-bulk.ts), and on SQLite its unique D-U-N-S index too (the rows are inserted, and
   * a D-U-N-S repeated in the file merged at the end). Company suggestions are slow until the load ends, and the
   * admin API's import is refused (`directory-loading`) while the D-U-N-S index is deferred.
   */
  initialLoad?: boolean;
  /**
   * With initialLoad: defer the secondary indexes even when the directory holds rows (a big refresh in a quiet
   * hour: suggestions and the website duplicate check are slow until the import ends).
   */
  deferIndexes?: boolean;
  /** Told when the deferred indexes are being built (that takes a while without progress). */
  onBuildingIndexes?: (names: string[]) => void;
  /** Stops reading: the rows read so far are written and the result returned. */
  signal?: AbortSignal;
}

export interface ImportResult {
  read: number;
  inserted: number;
  updated: number;
  /** The first `keepBadRows` bad rows. */
  bad: BadRow[];
  badCount: number;
  dryRun: boolean;
  seconds: number;
  /** Indexes built once at the end of an initial load. */
  deferredIndexes: string[];
  /** Whether the signal stopped the import before the end of the file. */
  stopped: boolean;
}

/** Only a vendor-admin maintains the customer directory. */
export function assertMayImportCompanies(actor: Actor): void {
  if (!hasRole(actor, 'vendor-admin')) {
    throw new DomainError('forbidden', 'Only a vendor-admin may import the customer directory.');
  }
}

/**
 * The import as an actor (the admin API, in the server process): authorize, then import. The body is fed to
 * the parser in 64 KiB pieces and written in batches of 1000, so other requests are served in between
 * rather than waiting for the whole file (a multi-byte character split between pieces is fine).
 */
export async function importCompaniesAs(
  ctx: ServiceContext,
  actor: Actor,
  csv: string | Buffer,
  options: ImportOptions = {},
): Promise<ImportResult> {
  assertMayImportCompanies(actor);
  const bytes = typeof csv === 'string' ? Buffer.from(csv, 'utf8') : csv;
  function* pieces() {
    for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
  }
  return importCompanies(ctx, pieces(), { batchSize: 1000, ...options });
}

/** Imports a CSV from `source` (UTF-8 bytes or text, e.g. a file stream), read in this thread. */
export async function importCompanies(
  ctx: ServiceContext,
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  return importCompanyChunks(ctx, readCompanyCsv(source), options);
}

/**
 * Writes the chunks of a CSV read by company-csv-reader.ts (in this thread or a worker): bad rows are reported,
 * good rows upserted by D-U-N-S in batches of `batchSize`, one transaction each. A D-U-N-S that repeats within
 * a batch starts a new one, so a later row of the file updates the entity of an earlier one. Throws what the
 * reader throws (DomainError `invalid-input`, path `header`, for a wrong header).
 */
export async function importCompanyChunks(
  ctx: ServiceContext,
  chunks: AsyncIterable<CsvChunk>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const keepBadRows = options.keepBadRows ?? 1000;
  const progress: ImportProgress = { read: 0, bytes: 0, inserted: 0, updated: 0, bad: 0 };
  const bad: BadRow[] = [];

  let batch: CompanyTuple[] = [];
  let batchKeys: string[][] = [];
  let batchDuns = new Set<string>();
  // Dry run only: the D-U-N-S numbers seen so far, so a repeat counts as an update as it would when written.
  const seenDuns = new Set<string>();
  const flush = async () => {
    if (batch.length === 0) return;
    if (dryRun) {
      const known = await existingDuns(
        ctx.db,
        [...batchDuns].filter((d) => !seenDuns.has(d)),
      );
      for (const row of batch) {
        const duns = row[TUPLE_DUNS];
        if (duns && (seenDuns.has(duns) || known.has(duns))) progress.updated++;
        else progress.inserted++;
        if (duns) seenDuns.add(duns);
      }
    } else {
      const counts = await (writer as CompanyBatchWriter).write(batch, batchKeys);
      progress.inserted += counts.inserted;
      progress.updated += counts.updated;
    }
    batch = [];
    batchKeys = [];
    batchDuns = new Set();
    options.onProgress?.({ ...progress });
  };

  const deferred: string[] = [];
  if (options.initialLoad && !dryRun) {
    await restoreDeferredIndexes(ctx.db, ctx.dialect);
    deferred.push(...(await deferIndexes(ctx.db, ctx.dialect, !options.deferIndexes)));
  }
  // With the indexes deferred (nobody searches the directory meanwhile), batches share transactions.
  const writer = dryRun ? null : companyBatchWriter(ctx.db, ctx.dialect, deferred.length > 0);
  let stopped = false;
  let failed = true;
  try {
    for await (const chunk of chunks) {
      progress.read += chunk.read;
      progress.bytes = chunk.bytes;
      for (const row of chunk.bad) {
        progress.bad++;
        if (bad.length < keepBadRows) bad.push(row);
        options.onBadRow?.(row);
      }
      for (let i = 0; i < chunk.rows.length; i++) {
        const row = chunk.rows[i] as CompanyTuple;
        const duns = row[TUPLE_DUNS];
        if (duns) {
          if (batchDuns.has(duns)) await flush();
          batchDuns.add(duns);
        }
        batch.push(row);
        batchKeys.push(chunk.keys[i] as string[]);
        if (batch.length >= batchSize) await flush();
      }
      if (options.signal?.aborted) {
        stopped = true;
        break;
      }
    }
    await flush();
    await writer?.finish(true);
    failed = false;
  } finally {
    // The batches written before a failure stay written, as when each is its own transaction (a batch that
    // failed half-way was undone with its transaction).
    if (failed) await writer?.finish(true).catch(() => undefined);
    // Built even when the import failed: the directory must stay searchable.
    if (deferred.length > 0) {
      if (!failed) options.onBuildingIndexes?.(deferred);
      // A D-U-N-S repeated in the file was inserted each time while its index was deferred; merged now, each
      // repeat is the update of the first entity that it would have been.
      const { merged } = await restoreDeferredIndexes(ctx.db, ctx.dialect);
      progress.inserted -= merged;
      progress.updated += merged;
    }
  }
  return {
    read: progress.read,
    inserted: progress.inserted,
    updated: progress.updated,
    bad,
    badCount: progress.bad,
    dryRun,
    seconds: (performance.now() - started) / 1000,
    deferredIndexes: deferred,
    stopped,
  };
}
