/**
 * Looking inside a SQLite database file from a test, with a connection of its own: the integrity check and
 * per-table row counts and checksums (a SHA-256 over every row of every table, ordered by primary key), to
 * compare a backup or a restored copy with its source.
 */
import { createHash } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';

/** Opens `file` read-only; it must exist. Read-only never checkpoints or removes a WAL it finds. */
export function openReadOnly(file: string): SqliteDatabase.Database {
  return new SqliteDatabase(file, { readonly: true, fileMustExist: true });
}

/** `PRAGMA integrity_check` as one string: 'ok', or the problems found, one per line. */
export function integrityOf(db: SqliteDatabase.Database): string {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check).join('\n');
}

/** Foreign keys that point nowhere (`PRAGMA foreign_key_check`), as "table → parent" strings. */
export function foreignKeyProblems(db: SqliteDatabase.Database): string[] {
  const rows = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  return rows.map((r) => `${r.table} row ${r.rowid} → ${r.parent}`);
}

export interface TableChecksum {
  rows: number;
  sha256: string;
}

/**
 * The tables of the database, by name: the user tables, virtual tables (FTS5) and their shadow tables, and
 * `sqlite_sequence` (the AUTOINCREMENT high-water marks: events.seq must never be handed out twice). Not
 * SQLite's statistics (`sqlite_stat*`), which ANALYZE may rewrite at any time.
 */
export function tablesOf(db: SqliteDatabase.Database): string[] {
  return (
    db
      .prepare(
        `select name from sqlite_master where type = 'table'
           and (name not like 'sqlite_%' or name = 'sqlite_sequence') order by name`,
      )
      .all() as { name: string }[]
  ).map((r) => r.name);
}

const isVirtual = (db: SqliteDatabase.Database, table: string) =>
  /^create\s+virtual\s+table/i.test(
    (db.prepare('select sql from sqlite_master where name = ?').get(table) as { sql: string | null }).sql ??
      '',
  );

/**
 * Row count and a SHA-256 over every row of every table, each table ordered by its primary key (by all its
 * columns when it has none; a virtual table by its rowid, which is hashed too), so two databases with the same content have the same checksums whatever their
 * page layout.
 */
export function tableChecksums(db: SqliteDatabase.Database): Record<string, TableChecksum> {
  const result: Record<string, TableChecksum> = {};
  for (const table of tablesOf(db)) {
    const columns = db.pragma(`table_info("${table}")`) as { name: string; pk: number }[];
    const pk = columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    // A virtual table's rows are known by their rowid (an FTS5 index points at records by it; a contentless
    // one reads back nothing else).
    const virtual = isVirtual(db, table);
    const order = virtual
      ? 'rowid'
      : (pk.length > 0 ? pk : columns.map((c) => c.name)).map((c) => `"${c}"`).join(', ');
    const select = virtual ? `select rowid, * from "${table}"` : `select * from "${table}"`;
    const hash = createHash('sha256');
    let rows = 0;
    for (const row of db.prepare(`${select} order by ${order}`).raw().iterate()) {
      hash.update(
        JSON.stringify(row, (_key, value: unknown) =>
          Buffer.isBuffer(value) ? `x'${value.toString('hex')}'` : value,
        ),
      );
      hash.update('\n');
      rows += 1;
    }
    result[table] = { rows, sha256: hash.digest('hex') };
  }
  return result;
}
