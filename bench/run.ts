/**
 * `npm run bench`: HTTP load on the real server with autocannon, against the demo ecosystem scaled up,
 * with a minimal Fastify hello-world measured in the same run as the yardstick.
 * Writes bench/results/<date>.json and docs/PERFORMANCE.md (machine and date included).
 *
 * Sections: `npm run bench` runs all; `npm run bench -- http directory` picks (directory: bench/directory.ts,
 * dispatcher: bench/dispatcher.ts).
 * Options (environment): BENCH_DEALS (default 3000), BENCH_SECONDS per scenario (default 5),
 * BENCH_CONNECTIONS (default 32), BENCH_DATABASE_URL (a postgres:// URL to also run on PostgreSQL; the
 * database must be empty — it is migrated and seeded).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { build } from '../server/app.ts';
import { systemClock } from '../server/clock.ts';
import { migrateToLatest, openDatabase } from '../server/db/database.ts';
import { findUserByEmail } from '../server/db/repositories/users.ts';
import { issueApiToken } from '../server/services/auth.ts';
import type { ServiceContext } from '../server/services/context.ts';
import { seedDemo } from '../server/services/seed-demo.ts';
import { directoryBench, directoryMarkdown, writeDirectoryResults } from './directory.ts';
import { dispatcherBench, dispatcherMarkdown } from './dispatcher.ts';
import { machineDescription, writeSection } from './report.ts';

const DEALS = Number(process.env.BENCH_DEALS ?? 3000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

interface Scenario {
  name: string;
  requests: autocannon.Request[];
}

interface Row {
  engine: string;
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  ratioToHello: number | null;
}

async function load(url: string, requests: autocannon.Request[], headers: Record<string, string>) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers,
    requests,
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function helloWorld(): Promise<number> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const result = await load(`http://127.0.0.1:${port}`, [{ method: 'GET', path: '/' }], {});
  await app.close();
  return result.requestsPerSecond;
}

async function runEngine(engine: 'sqlite' | 'postgres', url: string, hello: number): Promise<Row[]> {
  const handle = openDatabase(url);
  await migrateToLatest(handle);
  const ctx: ServiceContext = {
    db: handle.db,
    dialect: handle.dialect,
    clock: systemClock(),
    config: { vendorName: 'Northwind Cloud', sessionTtlHours: 12 },
  };
  const started = Date.now();
  const summary = await seedDemo(ctx, { deals: DEALS });
  process.stdout.write(`${engine}: seeded ${JSON.stringify(summary)} in ${Date.now() - started} ms\n`);

  const user = await findUserByEmail(ctx.db, 'radmin@contoso.example');
  if (!user) throw new Error('the demo persona radmin@contoso.example is missing');
  const { token } = await issueApiToken(ctx, user.id, user.organization_id, 'bench');
  const ids = (
    await ctx.db
      .selectFrom('participants')
      .select('id')
      .where('organization_id', '=', user.organization_id)
      .limit(200)
      .execute()
  ).map((r) => r.id);

  const app = await build(ctx, {});
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const headers = { authorization: `Bearer ${token}` };
  let next = 0;
  const scenarios: Scenario[] = [
    {
      name: 'get deal by id',
      requests: [
        {
          method: 'GET',
          setupRequest: (req) => {
            next = (next + 1) % ids.length;
            return { ...req, path: `/api/v1/deals/${ids[next]}` };
          },
        },
      ],
    },
    { name: 'list inbound (25)', requests: [{ method: 'GET', path: '/api/v1/deals?view=inbound' }] },
    {
      name: 'list outbound by value',
      requests: [{ method: 'GET', path: '/api/v1/deals?view=outbound&sort=value' }],
    },
    { name: 'list closed, search q', requests: [{ method: 'GET', path: '/api/v1/deals?view=closed&q=ab' }] },
    { name: 'lifecycle document', requests: [{ method: 'GET', path: '/api/v1/lifecycle' }] },
  ];
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    const result = await load(base, scenario.requests, headers);
    rows.push({
      engine,
      scenario: scenario.name,
      ...result,
      ratioToHello: hello > 0 ? Math.round((result.requestsPerSecond / hello) * 1000) / 1000 : null,
    });
    process.stdout.write(`${engine} ${scenario.name}: ${JSON.stringify(result)}\n`);
  }
  await app.close();
  await handle.close();
  return rows;
}

/** The sections `npm run bench -- <name…>` may pick; without names, all run. */
const SECTIONS = ['http', 'directory', 'dispatcher'] as const;

async function main() {
  const picked = process.argv.slice(2);
  for (const name of picked) {
    if (!(SECTIONS as readonly string[]).includes(name))
      throw new Error(`unknown section ${name}; one of ${SECTIONS.join(', ')}`);
  }
  const runs = (name: (typeof SECTIONS)[number]) => picked.length === 0 || picked.includes(name);
  const dataDir = join('bench', '.data');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  if (runs('http')) await httpBench(dataDir);
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
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write('wrote docs/PERFORMANCE.md and bench/results/\n');
}

async function httpBench(dataDir: string) {
  const hello = await helloWorld();
  process.stdout.write(`hello-world: ${hello} req/s\n`);
  const rows = await runEngine('sqlite', `sqlite:${join(dataDir, 'bench.db')}`, hello);
  if (process.env.BENCH_DATABASE_URL)
    rows.push(...(await runEngine('postgres', process.env.BENCH_DATABASE_URL, hello)));

  const date = new Date().toISOString();
  const machine = machineDescription();
  mkdirSync(join('bench', 'results'), { recursive: true });
  writeFileSync(
    join('bench', 'results', `${date.slice(0, 10)}.json`),
    `${JSON.stringify({ date, machine, deals: DEALS, seconds: SECONDS, connections: CONNECTIONS, hello, rows }, null, 2)}\n`,
  );
  const table = rows
    .map(
      (r) =>
        `| ${r.engine} | ${r.scenario} | ${r.requestsPerSecond} | ${r.p50} | ${r.p99} | ${r.ratioToHello ?? '–'} | ${r.errors + r.non2xx} |`,
    )
    .join('\n');
  writeSection(
    'http',
    'HTTP API',
    `autocannon, ${CONNECTIONS} connections, ${SECONDS} s per scenario, against the real server on the demo
ecosystem with ${DEALS} generated deals, signed in as the referrals admin of the largest demo partner. The
yardstick is a minimal Fastify hello-world measured in the same run on the same machine: **${hello} req/s**.

| engine | scenario | req/s | p50 ms | p99 ms | ratio to hello-world | errors |
|---|---|---|---|---|---|---|
${table}

This is the foundation's baseline, not the scale target: the tier-M dataset (a million participant
records), the mixed read/write workload and the durability and sweep rates are measured by the
benchmark suite that builds on this one.`,
    date,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
