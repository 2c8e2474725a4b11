/**
 * A fingerprint of the whole database: the row count and a checksum of the rows of every table, so a test
 * can show that a batch of requests changed nothing at all (not only the tables it thought of).
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { ServiceContext } from '../../server/services/context.ts';

export type Snapshot = Record<string, { rows: number; checksum: string }>;

async function tableNames(ctx: ServiceContext): Promise<string[]> {
  const query =
    ctx.dialect === 'postgres'
      ? sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`
      : sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`;
  return (await query.execute(ctx.db)).rows.map((r) => r.name).sort();
}

/** Same text for the same value on both engines (pg returns bigint as text, Buffers for bytea). */
const canonical = (row: Record<string, unknown>) =>
  JSON.stringify(
    Object.keys(row)
      .sort()
      .map((k) => {
        const v = row[k];
        return [k, Buffer.isBuffer(v) ? v.toString('hex') : v instanceof Date ? v.toISOString() : v];
      }),
    (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
  );

export async function snapshot(
  ctx: ServiceContext,
  exclude: Record<string, string[]> = {},
): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const table of await tableNames(ctx)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(ctx.db);
    const lines = rows
      .map((row) => {
        const kept = { ...row };
        for (const column of exclude[table] ?? []) delete kept[column];
        return canonical(kept);
      })
      .sort();
    const hash = createHash('sha256');
    for (const line of lines) hash.update(line).update('\n');
    out[table] = { rows: rows.length, checksum: hash.digest('hex').slice(0, 16) };
  }
  return out;
}

/** The tables whose rows differ between two snapshots. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((t) => JSON.stringify(before[t]) !== JSON.stringify(after[t])).sort();
}
