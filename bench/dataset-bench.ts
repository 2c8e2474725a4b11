/**
 * `npm run bench -- dataset`: how long generating each tier of the benchmark dataset takes on each engine
 * (targets: tier S < 30 s, tier M < 10 min). BENCH_DATASET_TIERS picks tiers (default "S,M"); BENCH_PG_URL adds
 * PostgreSQL (the bench creates and drops the database `cosell_bench_dataset`).
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../server/db/database.ts';
import { generateDataset, TIERS, type TierName } from './dataset.ts';

export interface DatasetRow {
  tier: TierName;
  engine: 'sqlite' | 'postgres';
  seconds: number;
  phases: Record<string, number>;
  rows: number;
  databaseMb: number;
}

async function generateInto(url: string, tier: TierName) {
  const handle = openDatabase(url);
  try {
    await migrateToLatest(handle);
    return await generateDataset(handle, TIERS[tier]);
  } finally {
    await handle.close();
  }
}

export async function datasetBench(dataDir: string): Promise<DatasetRow[]> {
  const tiers = (process.env.BENCH_DATASET_TIERS ?? 'S,M').split(',').map((t) => t.trim()) as TierName[];
  const result: DatasetRow[] = [];
  const total = (rows: Record<string, number>) => Object.values(rows).reduce((a, b) => a + b, 0);
  for (const tier of tiers) {
    if (!TIERS[tier]) throw new Error(`unknown tier ${tier}; S or M`);
    const file = join(dataDir, `dataset-${tier}.db`);
    const dataset = await generateInto(`sqlite:${file}`, tier);
    result.push({
      tier,
      engine: 'sqlite',
      seconds: dataset.seconds,
      phases: dataset.phases,
      rows: total(dataset.rows),
      databaseMb: Math.round(statSync(file).size / 2 ** 20),
    });
    process.stdout.write(`dataset ${tier} sqlite: ${dataset.seconds} s ${JSON.stringify(dataset.phases)}\n`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });

    const adminUrl = process.env.BENCH_PG_URL;
    if (!adminUrl) continue;
    const name = 'cosell_bench_dataset';
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`create database ${name}`);
      const target = new URL(adminUrl);
      target.pathname = `/${name}`;
      const pgDataset = await generateInto(target.toString(), tier);
      const size = await admin.query<{ size: string }>('select pg_database_size($1) as size', [name]);
      result.push({
        tier,
        engine: 'postgres',
        seconds: pgDataset.seconds,
        phases: pgDataset.phases,
        rows: total(pgDataset.rows),
        databaseMb: Math.round(Number(size.rows[0]?.size ?? 0) / 2 ** 20),
      });
      process.stdout.write(
        `dataset ${tier} postgres: ${pgDataset.seconds} s ${JSON.stringify(pgDataset.phases)}\n`,
      );
      await admin.query(`drop database if exists ${name} with (force)`);
    } finally {
      await admin.end();
    }
  }
  return result;
}

export function datasetMarkdown(rows: readonly DatasetRow[]): string {
  const lines = rows.map(
    (r) =>
      `| ${r.tier} | ${r.engine} | ${r.seconds} | ${Object.entries(r.phases)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} | ${r.rows.toLocaleString('en')} | ${r.databaseMb.toLocaleString('en')} |`,
  );
  return `\`generateDataset\` (bench/dataset.ts) into a fresh, migrated database: organizations and people, the customer
directory with its search keys, the deals (engagements, participant records, teams, solutions, notes, favorites,
events), then the secondary indexes built once and fresh statistics. Targets: tier S < 30 s, tier M < 10 min.

| tier | engine | seconds | phases (s) | rows | database MB |
|---|---|---|---|---|---|
${lines.join('\n')}`;
}
