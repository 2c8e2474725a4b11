/**
 * The synthetic customer directory as CSV (docs/DIRECTORY.md): the demo's generator (demo-data.ts
 * companyRecords) streamed through csv-stringify with backpressure, so two million rows take no more memory
 * than twenty. Deterministic for a seed; the file is exactly what `import-companies` reads.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { COMPANY_CSV_COLUMNS } from '../../core/company-csv.ts';
import { companyRecords, createRng } from './demo-data.ts';

export const DEFAULT_GENERATOR_SEED = 20_260_601;

export interface GenerateOptions {
  count: number;
  seed?: number;
  /** Called every `progressEvery` rows with the rows written so far. */
  onProgress?: (rows: number) => void;
  progressEvery?: number;
}

/** Writes the header and `count` generated companies to `out` (which it ends). */
export async function writeCompaniesCsv(out: Writable, options: GenerateOptions): Promise<{ rows: number }> {
  const count = options.count;
  if (!Number.isInteger(count) || count < 0 || count > 100_000_000) {
    throw new RangeError('count must be an integer from 0 to 100,000,000');
  }
  const rng = createRng(options.seed ?? DEFAULT_GENERATOR_SEED);
  const every = options.progressEvery ?? 50_000;
  let rows = 0;
  function* records() {
    for (const c of companyRecords(rng, count)) {
      rows++;
      if (rows % every === 0) options.onProgress?.(rows);
      yield [
        c.name,
        c.duns,
        c.addressLine1,
        c.city,
        c.region ?? '',
        c.postalCode,
        c.country,
        c.website ?? '',
        c.size,
        c.industry,
      ];
    }
  }
  await pipeline(
    Readable.from(records(), { highWaterMark: 256 }),
    stringify({ header: true, columns: [...COMPANY_CSV_COLUMNS] }),
    out,
  );
  options.onProgress?.(rows);
  return { rows };
}
