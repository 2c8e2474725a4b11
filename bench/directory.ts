/**
 * The customer directory at scale (docs/DIRECTORY.md): generate BENCH_COMPANIES synthetic companies
 * (default 2,000,000), import them into a fresh SQLite file and, with BENCH_PG_URL (a PostgreSQL server where
 * the bench may create the database `cosell_bench_directory`, or the one BENCH_DIRECTORY_PG_DATABASE names),
 * into PostgreSQL, the way `import-companies` does (reader thread, the import connection's settings, initial
 * load); then time the suggestions endpoint over
 * a realistic query mix and over the least selective queries. Reports import rows/s (and the load and index
 * phases), the import's peak RSS, suggestion latency p50/p99/max per engine, and the machine's load average
 * when each part began (the machine may be shared). Run: `npm run bench -- directory`.
 */
import { createWriteStream, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { build } from '../server/app.ts';
import { startImportCheckpoints } from '../server/cli/directory-commands.ts';
import { systemClock } from '../server/clock.ts';
import { tuneForBulkImport } from '../server/db/company-bulk.ts';
import { migrateToLatest, openDatabase } from '../server/db/database.ts';
import { findUserByEmail } from '../server/db/repositories/users.ts';
import { issueApiToken } from '../server/services/auth.ts';
import { createVendorAdmin } from '../server/services/bootstrap.ts';
import { readCompanyCsvFileInWorker } from '../server/services/company-csv-reader.ts';
import type { ServiceContext } from '../server/services/context.ts';
import { writeCompaniesCsv } from '../server/services/generate-companies.ts';
import { importCompanyChunks } from '../server/services/import-companies.ts';

const COMPANIES = Number(process.env.BENCH_COMPANIES ?? 2_000_000);
const MIX_QUERIES = Number(process.env.BENCH_DIRECTORY_QUERIES ?? 5000);

export interface DirectoryRow {
  engine: string;
  /** Of the run of the median time (SQLite imports SQLITE_IMPORTS times). */
  importRowsPerSecond: number;
  importSeconds: number;
  /** The time of every run, in order. */
  importRuns: number[];
  /** Of importSeconds: the rows written, then the deferred indexes built (SQLite). */
  loadSeconds: number;
  indexSeconds: number;
  importPeakRssMb: number;
  /** The machine's 1-minute load average when the import and when the suggestions began. */
  loadAverageAtImport: number;
  loadAverageAtSuggestions: number;
  databaseMb: number | null;
  mix: Latency;
  leastSelective: Latency;
}

interface Latency {
  queries: number;
  p50: number;
  p99: number;
  max: number;
  slowest: string;
}

/** A deterministic generator, so every run asks the same questions. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CJK = /[\p{Script=Han}]/u;
const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const CYRILLIC = 'абвгдежзиклмнопрстуфхцчшщэюя';

/** One typo: a letter left out, doubled, replaced or swapped. */
function typo(word: string, random: () => number): string {
  const chars = Array.from(word);
  const at = 1 + Math.floor(random() * (chars.length - 1));
  const alphabet = /[а-яё]/i.test(word) ? CYRILLIC : LATIN;
  const letter = alphabet[Math.floor(random() * alphabet.length)] as string;
  switch (Math.floor(random() * 4)) {
    case 0:
      chars.splice(at, 1);
      break;
    case 1:
      chars.splice(at, 0, letter);
      break;
    case 2:
      chars[at] = letter;
      break;
    default:
      if (at + 1 < chars.length) [chars[at], chars[at + 1]] = [chars[at + 1] as string, chars[at] as string];
      else chars[at] = letter;
  }
  return chars.join('');
}

interface Sample {
  name: string;
  country: string;
  city: string;
}

/** The query mix: what people type in the wizard's customer step, from real names of the directory. */
function queryMix(samples: readonly Sample[], count: number): string[] {
  const random = rng(42);
  const queries: string[] = [];
  for (let i = 0; i < count; i++) {
    const s = samples[i % samples.length] as Sample;
    const params = new URLSearchParams();
    const roll = random();
    const words = s.name.split(' ').filter((w) => w.length >= 2);
    let q: string;
    if (CJK.test(s.name)) {
      // 1–3 characters from anywhere in the name.
      const chars = Array.from(s.name);
      const start = Math.floor(random() * Math.max(1, chars.length - 1));
      q = chars.slice(start, start + 1 + Math.floor(random() * 3)).join('');
    } else if (roll < 0.5) {
      q = Array.from(s.name)
        .slice(0, 2 + Math.floor(random() * 7))
        .join('');
    } else if (roll < 0.7 && words.length > 1) {
      const word = words[1 + Math.floor(random() * (words.length - 1))] as string;
      q = Array.from(word)
        .slice(0, 2 + Math.floor(random() * 7))
        .join('');
    } else {
      const word = (words[0] ?? s.name).slice(0, 5 + Math.floor(random() * 4));
      q = word.length >= 5 ? typo(word, random) : word;
    }
    params.set('q', q);
    const place = random();
    if (place < 0.75) params.set('country', s.country);
    else if (place < 0.9) {
      params.set('country', s.country);
      params.set('city', s.city);
    }
    queries.push(params.toString());
  }
  return queries;
}

/** Two common letters (and single common ideographs), with and without a country: the least selective. */
function leastSelective(): string[] {
  const prefixes = ['ma', 'st', 'co', 'sa', 'ca', 'ba', 'be', 'no', 'ab', 'da', 'in', 'se', 'el', 'ko'];
  const cyrillic = ['ст', 'мо', 'по', 'ко', 'се'];
  const cjk = ['台', '中', '華', '科', '电', '电子', '有限', '公司'];
  const out: string[] = [];
  for (const q of prefixes) {
    out.push(`q=${q}`, `q=${q}&country=US`, `q=${q}&country=SE`, `q=${q}&country=DE`);
  }
  for (const q of cyrillic) out.push(`q=${encodeURIComponent(q)}`, `q=${encodeURIComponent(q)}&country=RU`);
  for (const q of cjk) {
    out.push(`q=${encodeURIComponent(q)}`, `q=${encodeURIComponent(q)}&country=TW`);
    out.push(`q=${encodeURIComponent(q)}&country=CN`);
  }
  return out;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

async function time(
  app: Awaited<ReturnType<typeof build>>,
  auth: string,
  queries: readonly string[],
): Promise<Latency> {
  const times: { ms: number; q: string }[] = [];
  for (const q of queries) {
    const started = process.hrtime.bigint();
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/companies?${q}`,
      headers: { authorization: auth },
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (res.statusCode !== 200) throw new Error(`${q}: ${res.statusCode} ${res.body}`);
    times.push({ ms, q });
  }
  const sorted = times.map((t) => t.ms).sort((a, b) => a - b);
  const slowest = times.reduce((a, b) => (b.ms > a.ms ? b : a));
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    queries: times.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? 0),
    slowest: decodeURIComponent(slowest.q),
  };
}

/** One import of the file into an empty database, as the command does it. */
interface ImportRun {
  read: number;
  seconds: number;
  loadSeconds: number;
  indexSeconds: number;
  peakRss: number;
  loadAverage: number;
}

/**
 * SQLite imports of the same file, each into a fresh file: the same work took 40–55 s from one run to the next
 * on the 2-core machine (its CPU time varied as much), so one run says little. PostgreSQL's import, three
 * minutes, runs once.
 */
const SQLITE_IMPORTS = Number(process.env.BENCH_DIRECTORY_IMPORTS ?? 3);

async function importOnce(engine: 'sqlite' | 'postgres', url: string, csvFile: string): Promise<ImportRun> {
  // The import on a connection of its own, set up as the command's (a process of its own in real use).
  const importing = openDatabase(url);
  await migrateToLatest(importing);
  tuneForBulkImport(importing.db, importing.dialect);
  const checkpoints = startImportCheckpoints(importing.db, importing.dialect);
  const importCtx = { db: importing.db, dialect: importing.dialect } as ServiceContext;
  const loadAverageAtImport = loadavg()[0] as number;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const started = Date.now();
  let indexesFrom = 0;
  const result = await importCompanyChunks(importCtx, readCompanyCsvFileInWorker(csvFile), {
    initialLoad: true,
    batchSize: 5000,
    onProgress: (p) => {
      if (p.read % 200_000 < 5000) process.stdout.write(`${engine}: ${p.read} rows\n`);
    },
    onBuildingIndexes: () => {
      indexesFrom = Date.now();
    },
  });
  const finished = Date.now();
  const seconds = (finished - started) / 1000;
  clearInterval(sampler);
  await checkpoints?.stop();
  await importing.close();
  process.stdout.write(
    `${engine}: imported ${JSON.stringify({ ...result, bad: undefined })} in ${seconds} s\n`,
  );
  return {
    read: result.read,
    seconds,
    loadSeconds: ((indexesFrom || finished) - started) / 1000,
    indexSeconds: indexesFrom ? (finished - indexesFrom) / 1000 : 0,
    peakRss,
    loadAverage: loadAverageAtImport,
  };
}

async function runEngine(engine: 'sqlite' | 'postgres', url: string, csvFile: string): Promise<DirectoryRow> {
  const runs: ImportRun[] = [];
  const times = engine === 'sqlite' ? Math.max(1, SQLITE_IMPORTS) : 1;
  for (let i = 0; i < times; i++) {
    if (engine === 'sqlite') {
      const file = url.replace(/^sqlite:/, '');
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    }
    runs.push(await importOnce(engine, url, csvFile));
  }
  // The run of the median time stands for the import; the suggestions read what the last one wrote.
  const median = [...runs].sort((a, b) => a.seconds - b.seconds)[
    Math.floor((runs.length - 1) / 2)
  ] as ImportRun;

  const handle = openDatabase(url);
  const ctx: ServiceContext = {
    db: handle.db,
    dialect: handle.dialect,
    clock: systemClock(),
    config: { vendorName: 'Northwind Cloud', sessionTtlHours: 12 },
  } as ServiceContext;
  // As after autovacuum: fresh statistics, and a visibility map for index-only scans.
  if (handle.dialect === 'postgres') {
    await sql`vacuum (analyze) companies`.execute(handle.db);
    await sql`vacuum (analyze) company_search_keys`.execute(handle.db);
  }

  await createVendorAdmin(ctx, {
    email: 'bench@northwind.example',
    name: 'Bench',
    password: 'bench-password-long',
    country: 'US',
    city: 'Seattle',
  });
  const user = await findUserByEmail(ctx.db, 'bench@northwind.example');
  if (!user) throw new Error('bench user missing');
  const { token } = await issueApiToken(ctx, user.id, user.organization_id, 'bench');
  const auth = `Bearer ${token}`;

  // Samples of real names across the directory (random D-U-N-S as the starting points).
  const random = rng(7);
  const samples: Sample[] = [];
  while (samples.length < 1000) {
    const from = String(Math.floor(random() * 1e9)).padStart(9, '0');
    const row = await ctx.db
      .selectFrom('companies')
      .select(['name', 'country', 'city'])
      .where('duns', '>=', from)
      .orderBy('duns')
      .limit(1)
      .executeTakeFirst();
    if (row) samples.push(row);
  }
  const app = await build(ctx, {});
  const mixQueries = queryMix(samples, MIX_QUERIES);
  const loadAverageAtSuggestions = loadavg()[0] as number;
  await time(app, auth, mixQueries.slice(0, 500)); // warm the caches
  const mix = await time(app, auth, mixQueries);
  const least = await time(app, auth, leastSelective());
  process.stdout.write(
    `${engine}: mix ${JSON.stringify(mix)}\n${engine}: least selective ${JSON.stringify(least)}\n`,
  );

  let databaseMb: number | null = null;
  if (handle.dialect === 'postgres') {
    const size = await sql<{
      size: string;
    }>`select pg_database_size(current_database())::text as size`.execute(handle.db);
    databaseMb = Math.round(Number(size.rows[0]?.size ?? 0) / 2 ** 20);
  }
  await app.close();
  await handle.close();
  if (handle.dialect === 'sqlite') {
    const file = url.replace(/^sqlite:/, '');
    databaseMb = Math.round(statSync(file).size / 2 ** 20);
  }
  const tenths = (n: number) => Math.round(n * 10) / 10;
  return {
    engine,
    importRowsPerSecond: Math.round(median.read / median.seconds),
    importSeconds: tenths(median.seconds),
    importRuns: runs.map((r) => tenths(r.seconds)),
    loadSeconds: tenths(median.loadSeconds),
    indexSeconds: tenths(median.indexSeconds),
    importPeakRssMb: Math.round(Math.max(...runs.map((r) => r.peakRss)) / 2 ** 20),
    loadAverageAtImport: Math.round(median.loadAverage * 100) / 100,
    loadAverageAtSuggestions: Math.round(loadAverageAtSuggestions * 100) / 100,
    databaseMb,
    mix,
    leastSelective: least,
  };
}

export async function directoryBench(dataDir: string): Promise<{ companies: number; rows: DirectoryRow[] }> {
  mkdirSync(dataDir, { recursive: true });
  const csvFile = join(dataDir, 'companies.csv');
  const generated = Date.now();
  await writeCompaniesCsv(createWriteStream(csvFile), { count: COMPANIES });
  process.stdout.write(`generated ${COMPANIES} companies in ${(Date.now() - generated) / 1000} s\n`);

  const rows: DirectoryRow[] = [];
  const sqliteFile = join(dataDir, 'directory.db');
  rows.push(await runEngine('sqlite', `sqlite:${sqliteFile}`, csvFile));

  const pgUrl = process.env.BENCH_PG_URL;
  if (pgUrl) {
    const name = process.env.BENCH_DIRECTORY_PG_DATABASE ?? 'cosell_bench_directory';
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const target = new URL(pgUrl);
    target.pathname = `/${name}`;
    try {
      rows.push(await runEngine('postgres', target.toString(), csvFile));
    } finally {
      // Its 2.7 GB are of no use once measured (the SQLite file goes with the data directory).
      const cleanup = new pg.Client({ connectionString: pgUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    }
  }
  rmSync(csvFile, { force: true });
  return { companies: COMPANIES, rows };
}

export function directoryMarkdown(result: { companies: number; rows: DirectoryRow[] }): string {
  const lines = [
    `Directory of ${result.companies.toLocaleString('en')} generated companies (\`generate-companies\`), imported as`,
    '`import-companies` does (reader thread, initial load: indexes built at the end), then the suggestions',
    'endpoint (`GET /api/v1/companies`, through the app in-process, one request at a time after a warm-up; on',
    'PostgreSQL after `VACUUM (ANALYZE)`, as autovacuum leaves it) over a mix of',
    `${result.rows[0]?.mix.queries ?? 0} queries from real names: prefixes of 2–8 characters of the name (50 %) or`,
    'of a later word (20 %), one-typo words of 5–8 letters (30 %), 1–3 characters of CJK names; 75 % with a',
    'country, 15 % with country and city, 10 % with neither. "Least selective": two common letters and single',
    'common ideographs, with and without a country. Targets: p50 ≤ 3 ms, p99 ≤ 20 ms, max ≤ 100 ms; import ≥',
    '50,000 rows/s into SQLite. "Load" is the machine\'s 1-minute load average when the import and the',
    'suggestions began (2 cores: above 1, other work competed). An engine that imported more than once (SQLite,',
    'each time into a fresh file) shows its run of the median time, and the peak RSS of all.',
    '',
    '| engine | import rows/s | import s (load + indexes) | import peak RSS MB | database MB | mix p50 ms | mix p99 ms | mix max ms | least selective p50 / p99 / max ms | load |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...result.rows.map(
      (r) =>
        `| ${r.engine} | ${r.importRowsPerSecond.toLocaleString('en')} | ${r.importSeconds} (${r.loadSeconds} + ${r.indexSeconds}) | ${r.importPeakRssMb} | ${r.databaseMb ?? '–'} | ${r.mix.p50} | ${r.mix.p99} | ${r.mix.max} | ${r.leastSelective.p50} / ${r.leastSelective.p99} / ${r.leastSelective.max} | ${r.loadAverageAtImport} / ${r.loadAverageAtSuggestions} |`,
    ),
    '',
    ...result.rows
      .filter((r) => r.importRuns.length > 1)
      .map((r) => `Every import on ${r.engine}: ${r.importRuns.map((t) => `${t} s`).join(', ')}.`),
    ...result.rows.map(
      (r) =>
        `Slowest on ${r.engine}: mix \`${r.mix.slowest}\`, least selective \`${r.leastSelective.slowest}\`.`,
    ),
  ];
  return lines.join('\n');
}

export function writeDirectoryResults(
  date: string,
  machine: string,
  result: { companies: number; rows: DirectoryRow[] },
) {
  mkdirSync(join('bench', 'results'), { recursive: true });
  writeFileSync(
    join('bench', 'results', `directory-${date.slice(0, 10)}.json`),
    `${JSON.stringify({ date, machine, ...result }, null, 2)}\n`,
  );
}
