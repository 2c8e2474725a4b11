/**
 * `npm run bench`: the benchmark suite. Writes docs/PERFORMANCE.md (one section per benchmark, machine and date
 * included) and bench/results/*.json.
 *
 * Sections: `npm run bench` runs all; `npm run bench -- http dataset` picks.
 *   http        the API at scale against the real server (bench/http.ts; BENCH_TIER=S|M, default M)
 *   dataset     generating tiers S and M of the benchmark dataset on each engine (bench/dataset.ts)
 *   abuse       one organization far over its rate limit while another works (bench/abuse.ts)
 *   directory   the customer directory's import and suggestions (bench/directory.ts)
 *   dispatcher  notices to a local SMTP sink (bench/dispatcher.ts)
 *   web         the web app in Chromium: initial JavaScript (gzip), the home grid with 100 rows (bench/web.ts)
 * Options (environment): BENCH_PG_URL (a PostgreSQL server where the bench may create its own databases; without
 * it only SQLite runs), BENCH_SECONDS per HTTP scenario (default 10), BENCH_CONNECTIONS (default 32).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { abuseBench, abuseMarkdown } from './abuse.ts';
import { datasetBench, datasetMarkdown } from './dataset-bench.ts';
import { directoryBench, directoryMarkdown, writeDirectoryResults } from './directory.ts';
import { dispatcherBench, dispatcherMarkdown } from './dispatcher.ts';
import { httpBench, httpMarkdown } from './http.ts';
import { machineDescription, writeSection } from './report.ts';
import { webBench, webMarkdown } from './web.ts';

/** The sections `npm run bench -- <name…>` may pick; without names, all run. */
const SECTIONS = ['http', 'dataset', 'abuse', 'directory', 'dispatcher', 'web'] as const;

async function main() {
  const picked = process.argv.slice(2);
  for (const name of picked) {
    if (!(SECTIONS as readonly string[]).includes(name))
      throw new Error(`unknown section ${name}; one of ${SECTIONS.join(', ')}`);
  }
  const runs = (name: (typeof SECTIONS)[number]) => picked.length === 0 || picked.includes(name);
  // BENCH_DATA_DIR: where the sections' databases go (emptied before and after), e.g. to run two sections at once.
  const dataDir = process.env.BENCH_DATA_DIR ?? join('bench', '.data');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  if (runs('http')) {
    const date = new Date().toISOString();
    const result = await httpBench(dataDir);
    writeResults('http', date, result);
    writeSection('http', 'HTTP API at scale', httpMarkdown(result), date);
  }
  if (runs('dataset')) {
    const date = new Date().toISOString();
    const rows = await datasetBench(dataDir);
    writeResults('dataset', date, rows);
    writeSection('dataset', 'Benchmark dataset: generation time per tier', datasetMarkdown(rows), date);
  }
  if (runs('abuse')) {
    const date = new Date().toISOString();
    const result = await abuseBench(dataDir);
    writeResults('abuse', date, result);
    writeSection(
      'abuse',
      'Fairness under abuse: one organization over its rate limit',
      abuseMarkdown(result),
      date,
    );
  }
  if (runs('directory')) {
    const date = new Date().toISOString();
    const result = await directoryBench(dataDir);
    writeDirectoryResults(date, machineDescription(), result);
    writeSection('directory', 'Customer directory: import and suggestions', directoryMarkdown(result), date);
  }
  if (runs('dispatcher')) {
    const rows = await dispatcherBench(dataDir);
    writeSection('dispatcher', 'Dispatcher: notices to a local SMTP sink', dispatcherMarkdown(rows));
  }
  if (runs('web')) {
    const date = new Date().toISOString();
    const result = await webBench(dataDir);
    writeResults('web', date, result);
    writeSection('web', 'Web workspace: initial JavaScript and the home grid', webMarkdown(result), date);
  }
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write('wrote docs/PERFORMANCE.md and bench/results/\n');
}

function writeResults(name: string, date: string, result: unknown) {
  mkdirSync(join('bench', 'results'), { recursive: true });
  writeFileSync(
    join('bench', 'results', `${name}-${date.slice(0, 10)}.json`),
    `${JSON.stringify({ date, machine: machineDescription(), result }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
