/**
 * Reading the customer directory CSV (docs/DIRECTORY.md): its records (csv-records.ts), exact line numbers,
 * every record validated (core/company-csv.ts) and turned into a companies row with its search keys, in
 * chunks. Runs in the importing thread (the admin API's small files) or in a worker thread next to it
 * (the command line: parsing then overlaps the database writes; see readCompanyCsvFileInWorker).
 * No database access here.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  COMPANY_CSV_COLUMNS,
  type CompanyCsvColumn,
  checkCompanyRecord,
  isCompanyCsvHeader,
} from '../../core/company-csv.ts';
import { companySearchKeyStrings } from '../../core/company-search.ts';
import { normalizeForSearch } from '../../core/text.ts';
import { bulkIdSource } from '../bulk-ids.ts';
import type { CompanyTuple } from '../db/company-bulk.ts';
import { DomainError } from '../errors.ts';
import { type CsvReadError, csvRecords } from './csv-records.ts';

/** A record (all its fields and quotes) longer than this is an unclosed quote, not a company. */
export const MAX_RECORD_BYTES = 64 * 1024;

export interface BadRow {
  /** The line the record starts on (1 is the header). */
  line: number;
  reason: string;
  field?: CompanyCsvColumn;
}

/** The next part of the file: its good rows (ready to write, ids and search keys included) and its bad ones. */
export interface CsvChunk {
  rows: CompanyTuple[];
  /** The search keys of each good row, in the order of `rows` (core/company-search.ts). */
  keys: string[][];
  bad: BadRow[];
  /** Data records in this chunk, good and bad. */
  read: number;
  /** Bytes taken from the source so far. */
  bytes: number;
}

export function headerError(): DomainError {
  return new DomainError(
    'invalid-input',
    `The first line must be exactly the header ${COMPANY_CSV_COLUMNS.join(',')}.`,
    'header',
  );
}

/**
 * Reads a CSV from `source` (UTF-8 bytes or text) in chunks of about `chunkSize` records. Throws DomainError
 * `invalid-input` (path `header`) when the first line is not exactly the header. A record longer than
 * MAX_RECORD_BYTES (an unclosed quote) is reported as a bad row and ends the reading, since the rest of the
 * file cannot be split into records reliably.
 */
export async function* readCompanyCsv(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  chunkSize = 1000,
): AsyncGenerator<CsvChunk> {
  const nextId = bulkIdSource();
  // Cities repeat: normalize each once (a bounded memo).
  const cities = new Map<string, string>();
  const citySearch = (city: string) => {
    let normalized = cities.get(city);
    if (normalized === undefined) {
      normalized = normalizeForSearch(city);
      if (cities.size < 50_000) cities.set(city, normalized);
    }
    return normalized;
  };
  let bytes = 0;
  let chunk: CsvChunk = { rows: [], keys: [], bad: [], read: 0, bytes: 0 };
  const take = () => {
    const full = { ...chunk, bytes };
    chunk = { rows: [], keys: [], bad: [], read: 0, bytes: 0 };
    return full;
  };
  async function* counted() {
    for await (const part of source) {
      bytes += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
      yield part;
    }
  }
  // The first unreadable record (an unclosed quote): what follows it cannot be trusted and is not read.
  let unreadable: CsvReadError | null = null;

  // Line numbers are counted here: a record starts on the line after the previous one ended and spans one line
  // more per line break inside its (quoted) fields. Empty lines arrive as one empty field and are skipped.
  let lastLine = 0;
  let header = true;
  for await (const item of csvRecords(counted(), MAX_RECORD_BYTES)) {
    if (!Array.isArray(item)) {
      unreadable = item;
      break;
    }
    for (const record of item) {
      const line = lastLine + 1;
      lastLine = line;
      for (const field of record) {
        for (let at = field.indexOf('\n'); at !== -1; at = field.indexOf('\n', at + 1)) lastLine++;
      }
      if (record.length === 1 && record[0] === '') continue;
      if (header) {
        header = false;
        if (!isCompanyCsvHeader(record)) throw headerError();
        continue;
      }
      chunk.read++;
      const check = checkCompanyRecord(record);
      if (!check.ok) {
        chunk.bad.push({ line, reason: check.reason, ...(check.field ? { field: check.field } : {}) });
      } else {
        const r = check.record;
        const nameSearch = normalizeForSearch(r.name);
        chunk.keys.push(companySearchKeyStrings(nameSearch, r.size));
        chunk.rows.push([
          nextId(),
          r.name,
          nameSearch,
          r.duns,
          r.addressLine1,
          r.city,
          citySearch(r.city),
          r.region,
          r.postalCode,
          r.country,
          r.website,
          check.domain,
          r.size,
          r.industry,
        ]);
      }
      if (chunk.read >= chunkSize) yield take();
    }
  }
  if (header) throw headerError();
  if (unreadable) {
    // A quote left open (at the end, or swallowing more than MAX_RECORD_BYTES).
    chunk.read++;
    chunk.bad.push({
      line: lastLine + 1,
      reason: 'a quoted field is not closed; the rest of the file was not read',
    });
  }
  yield take();
}

// ---------------------------------------------------------------- in a worker thread

/**
 * A chunk as it crosses from the worker to the writing thread: its good rows packed into one string. Cloning
 * a thousand small arrays of strings for postMessage cost more than reading the rows (4–6 µs a row on each
 * side, measured); one string crosses as one copy and is split back into fields in a fraction of that.
 * Fields are separated by U+0000 and a null field is U+0001: neither can occur in a good row (checked fields
 * refuse control characters, and the other values are derived from checked ones). Each row is its
 * CompanyTuple values, the number of its search keys, then the keys.
 */
export interface PackedChunk {
  rows: string;
  bad: BadRow[];
  read: number;
  bytes: number;
}

const FIELD = '\u0000';
const NULL = '\u0001';
const TUPLE_LENGTH: CompanyTuple['length'] = 14;

export function packChunk(chunk: CsvChunk): PackedChunk {
  // Appended piece by piece (V8 joins the pieces once, when the string is sent): a third of the time of join().
  let packed = '';
  for (let i = 0; i < chunk.rows.length; i++) {
    const row = chunk.rows[i] as CompanyTuple;
    for (let c = 0; c < TUPLE_LENGTH; c++) packed += (row[c] ?? NULL) + FIELD;
    const keys = chunk.keys[i] as string[];
    packed += keys.length + FIELD;
    for (const key of keys) packed += key + FIELD;
  }
  return { rows: packed, bad: chunk.bad, read: chunk.read, bytes: chunk.bytes };
}

export function unpackChunk(packed: PackedChunk): CsvChunk {
  const rows: CompanyTuple[] = [];
  const keys: string[][] = [];
  if (packed.rows !== '') {
    // Every field ends with a separator: the last piece of the split is empty.
    const fields = packed.rows.split(FIELD);
    fields.pop();
    for (let at = 0; at < fields.length; ) {
      const row = fields.slice(at, at + TUPLE_LENGTH) as (string | null)[];
      for (let c = 0; c < TUPLE_LENGTH; c++) if (row[c] === NULL) row[c] = null;
      rows.push(row as CompanyTuple);
      at += TUPLE_LENGTH;
      const count = Number(fields[at]);
      keys.push(fields.slice(at + 1, at + 1 + count));
      at += 1 + count;
    }
  }
  return { rows, keys, bad: packed.bad, read: packed.read, bytes: packed.bytes };
}

/** Messages from the worker (company-csv-reader.worker.ts). */
export type WorkerMessage =
  | { type: 'chunk'; chunk: PackedChunk }
  | { type: 'end' }
  | { type: 'error'; header: boolean; message: string };

/** The URL of tsx's ESM register API, found through its package's export map (works under vitest too). */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const { exports } = require(manifest) as { exports: Record<string, { import?: { default?: string } }> };
  const target = exports['./esm/api']?.import?.default;
  if (!target) throw new Error('tsx/esm/api not found');
  return pathToFileURL(join(dirname(manifest), target)).href;
}

/** Chunks the worker may read ahead of the writer: bounds the memory while keeping both threads busy. */
const AHEAD = 16;
/**
 * The reader's space for new objects (V8's young generation; about 3 × its semi-space): every record makes a
 * few dozen short-lived strings, and with the default 16 MB semi-space the collector ran so often that it
 * took a fifth of the reader's time, much of it copying chunks still in flight. A 32 MB semi-space cut the
 * reader's CPU by about a fifth, for a bounded few dozen MB more memory.
 */
const READER_YOUNG_GENERATION_MB = 96;

/**
 * readCompanyCsv over a file, run in a worker thread: the same chunks, while this thread writes. The worker
 * stays at most AHEAD chunks ahead (it waits for an acknowledgement of each), so memory stays flat.
 */
export async function* readCompanyCsvFileInWorker(path: string, chunkSize = 1000): AsyncGenerator<CsvChunk> {
  const entry = new URL(
    import.meta.url.endsWith('.ts') ? './company-csv-reader.worker.ts' : './company-csv-reader.worker.js',
    import.meta.url,
  ).href;
  // Under tsx (development, `npm run cosell`) a worker does not inherit the TypeScript loader: register it first.
  const boot = import.meta.url.endsWith('.ts')
    ? `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`
    : `import(${JSON.stringify(entry)})`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { path, chunkSize, ahead: AHEAD },
    resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_GENERATION_MB },
  });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message);
    wake?.();
  });
  worker.on('error', (error) => {
    failure = error;
    wake?.();
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !failure) failure = new Error(`the CSV reader stopped (exit code ${code})`);
    wake?.();
  });
  try {
    for (;;) {
      const message = queue.shift();
      if (!message) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      if (message.type === 'end') return;
      if (message.type === 'error') throw message.header ? headerError() : new Error(message.message);
      worker.postMessage('ack');
      yield unpackChunk(message.chunk);
    }
  } finally {
    await worker.terminate();
  }
}
