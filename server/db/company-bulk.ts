/**
 * The bulk import's write path, the one place where the engines differ for it (DESIGN rule 8):
 * - SQLite: one prepared single-row upsert kept per connection, run for every row of the batch in one
 *   `BEGIN IMMEDIATE` transaction on the better-sqlite3 handle (Kysely would build and prepare a new statement
 *   of thousands of parameters per batch, which costs more than the insert itself);
 * - PostgreSQL: one `insert … select from unnest(…) on conflict (duns) do update` per batch, a column per
 *   array parameter, and the search keys likewise, inside one transaction.
 * Both return how many rows were inserted and how many updated an entity with the same D-U-N-S.
 */

import { closeSync, fsyncSync, openSync } from 'node:fs';
import type SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { companySearchKeyStrings, keyText } from '../../core/company-search.ts';
import { DomainError } from '../errors.ts';
import { type Db, type Dialect, sqliteHandleOf, type Trx } from './database.ts';
import { DUNS_INDEX } from './migrations/0013-companies-duns-index.ts';
import type { CompaniesTable } from './schema.ts';

/** The columns a bulk write sets, in the order of a CompanyTuple. */
export const COMPANY_COLUMNS = [
  'id',
  'name',
  'name_search',
  'duns',
  'address_line1',
  'city',
  'city_search',
  'region',
  'postal_code',
  'country',
  'website',
  'domain',
  'size',
  'industry',
] as const satisfies readonly (keyof CompaniesTable)[];
const COLUMNS = COMPANY_COLUMNS;
const UPDATED = COLUMNS.filter((c) => c !== 'id' && c !== 'duns');

/**
 * One row to write, as values in COMPANY_COLUMNS order: arrays cross a worker boundary and bind to a
 * prepared statement without conversion.
 */
export type CompanyTuple = [
  id: string,
  name: string,
  nameSearch: string,
  duns: string | null,
  addressLine1: string | null,
  city: string,
  citySearch: string,
  region: string | null,
  postalCode: string | null,
  country: string,
  website: string | null,
  domain: string | null,
  size: string | null,
  industry: string | null,
];
/** Positions in a CompanyTuple. */
export const TUPLE_ID = 0;
export const TUPLE_DUNS = 3;
const TUPLE_NAME_SEARCH = 2;
const TUPLE_CITY_SEARCH = 6;
const TUPLE_COUNTRY = 9;
const TUPLE_SIZE = 12;

const INSERT_SQL = `insert into companies (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`;
const UPSERT_SQL = `${INSERT_SQL} on conflict (duns) do update set ${UPDATED.map((c) => `${c} = excluded.${c}`).join(', ')}`;

/** The stored keys of each row, in the order of the rows (core/company-search.ts `companySearchKeys`). */
export type RowKeys = readonly (readonly string[])[];

/** The stored keys of one row, computed from its normalized name and size. */
export function keysOfTuple(row: CompanyTuple): string[] {
  return companySearchKeyStrings(row[TUPLE_NAME_SEARCH], row[TUPLE_SIZE]);
}

/** Search-key rows per insert statement: one statement of many rows binds faster than many of one. */
const KEY_ROWS_PER_STATEMENT = 50;
const KEY_COLUMNS = 5;

interface SqliteWriter {
  /**
   * Writes the rows without a transaction of its own (the caller holds one). `insertOnly`: every row is
   * inserted, a repeated D-U-N-S too (an initial load while the D-U-N-S index is deferred; the repeats are
   * merged when it is built: settleRepeatedDuns).
   */
  writeRows(
    rows: readonly CompanyTuple[],
    keys: RowKeys | undefined,
    insertOnly: boolean,
  ): { inserted: number; updated: number };
  /** Upserts the rows in one transaction; refused (`directory-loading`) while the D-U-N-S index is deferred. */
  write(rows: readonly CompanyTuple[], keys: RowKeys | undefined): { inserted: number; updated: number };
  /** Whether the unique D-U-N-S index exists (an initial load into an empty directory defers it). */
  dunsIndexExists(): boolean;
}
const writers = new WeakMap<SqliteDatabase.Database, SqliteWriter>();

function sqliteWriter(sqlite: SqliteDatabase.Database): SqliteWriter {
  let writer = writers.get(sqlite);
  if (!writer) {
    const insert = sqlite.prepare(INSERT_SQL);
    const dunsIndex = sqlite
      .prepare(`select 1 from sqlite_master where type = 'index' and name = '${DUNS_INDEX}'`)
      .pluck();
    const dunsIndexExists = () => dunsIndex.get() !== undefined;
    // Prepared when first used: SQLite refuses to prepare an upsert while the D-U-N-S index is deferred.
    let upsertStatements: { upsert: SqliteDatabase.Statement; returning: SqliteDatabase.Statement } | null =
      null;
    const upserts = () => {
      upsertStatements ??= {
        upsert: sqlite.prepare(UPSERT_SQL),
        returning: sqlite.prepare(`${UPSERT_SQL} returning id`).pluck(),
      };
      return upsertStatements;
    };
    const lastRowid = sqlite.prepare('select last_insert_rowid()').pluck();
    const idOfDuns = sqlite.prepare('select id from companies where duns = ?').pluck();
    const deleteKeys = sqlite.prepare('delete from company_search_keys where company_id = ?');
    const insertKeysSql = (rows: number) =>
      `insert into company_search_keys (company_id, key, text, country, city_search) values ${Array(rows)
        .fill('(?, ?, ?, ?, ?)')
        .join(', ')}`;
    const insertKey = sqlite.prepare(insertKeysSql(1));
    const insertKeys = sqlite.prepare(insertKeysSql(KEY_ROWS_PER_STATEMENT));
    // The entries' search keys (repositories/company-search.ts), in the same transaction as the entries:
    // gathered and written KEY_ROWS_PER_STATEMENT at a time. A company appears once per batch (the importer
    // starts a new batch at a repeated D-U-N-S), so an update's delete never meets its own pending keys.
    const pending: string[] = [];
    const queueKeys = (id: string, row: CompanyTuple, keys: readonly string[]) => {
      for (const key of keys) {
        pending.push(id, key, keyText(key), row[TUPLE_COUNTRY], row[TUPLE_CITY_SEARCH]);
        if (pending.length === KEY_ROWS_PER_STATEMENT * KEY_COLUMNS) {
          insertKeys.run(pending);
          pending.length = 0;
        }
      }
    };
    const flushKeys = () => {
      for (let i = 0; i < pending.length; i += KEY_COLUMNS) insertKey.run(pending.slice(i, i + KEY_COLUMNS));
      pending.length = 0;
    };
    const writeRows = (rows: readonly CompanyTuple[], keys: RowKeys | undefined, insertOnly: boolean) => {
      if (insertOnly) {
        try {
          for (let i = 0; i < rows.length; i++) {
            const row = rows[i] as CompanyTuple;
            insert.run(row);
            queueKeys(row[TUPLE_ID], row, keys ? (keys[i] as readonly string[]) : keysOfTuple(row));
          }
          flushKeys();
        } finally {
          pending.length = 0;
        }
        return { inserted: rows.length, updated: 0 };
      }
      let inserted = 0;
      // Which rows were inserted: an update keeps the existing entity's id, and leaves the connection's last
      // insert rowid as it was, while every insert moves it to a new rowid above all others. Until the batch
      // has inserted a row that rowid may be another table's, so those rows ask for the id (RETURNING costs
      // about a fifth of the upsert; the cheaper check covers the rest).
      let last: number | bigint | null = null;
      try {
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i] as CompanyTuple;
          let fresh = false;
          if (last === null) {
            if (upserts().returning.get(row) === row[TUPLE_ID]) {
              fresh = true;
              last = lastRowid.get() as number | bigint;
            }
          } else {
            const { lastInsertRowid } = upserts().upsert.run(row);
            if (lastInsertRowid !== last) {
              fresh = true;
              last = lastInsertRowid;
            }
          }
          const rowKeys = keys ? (keys[i] as readonly string[]) : keysOfTuple(row);
          if (fresh) {
            inserted++;
            queueKeys(row[TUPLE_ID], row, rowKeys);
          } else {
            // Updated: the entry kept its own id (only a row with a D-U-N-S can update one); its old keys go.
            const id = idOfDuns.get(row[TUPLE_DUNS]) as string;
            deleteKeys.run(id);
            queueKeys(id, row, rowKeys);
          }
        }
        flushKeys();
      } finally {
        pending.length = 0;
      }
      return { inserted, updated: rows.length - inserted };
    };
    const run = sqlite.transaction((rows: readonly CompanyTuple[], keys: RowKeys | undefined) => {
      // Without the index the upsert cannot tell an update from an insert (and SQLite refuses its ON
      // CONFLICT): another process's initial load is running.
      if (!dunsIndexExists()) throw new DomainError('directory-loading');
      return writeRows(rows, keys, false);
    });
    writer = { writeRows, write: (rows, keys) => run.immediate(rows, keys), dunsIndexExists };
    writers.set(sqlite, writer);
  }
  return writer;
}

/**
 * Upserts `rows` by D-U-N-S in one transaction. The rows must not repeat a D-U-N-S (PostgreSQL refuses to
 * update one row twice in a statement; the importer starts a new batch instead). `keys`: each row's search
 * keys when the caller has them already (the CSV reader computes them next to the parsing, in its worker
 * thread); those not given are computed here.
 */
export async function upsertCompaniesBulk(
  db: Db,
  dialect: Dialect,
  rows: readonly CompanyTuple[],
  keys?: RowKeys,
): Promise<{ inserted: number; updated: number }> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const sqlite = dialect === 'sqlite' ? sqliteHandleOf(db) : undefined;
  if (sqlite) {
    // Holding Kysely's connection lock: no other query (or open Kysely transaction) shares the connection.
    return db.connection().execute(async () => sqliteWriter(sqlite).write(rows, keys));
  }
  return db.transaction().execute((trx) => upsertPostgres(trx, rows, keys));
}

/**
 * PostgreSQL: the batch as one array per column, unnested into rows by the server, so that a statement has 14
 * parameters whatever the number of rows (a VALUES list of 1000 rows had 14,000 placeholders for the query
 * builder to write and the server to parse: 65 µs of the importing process's CPU per row, most of the import's
 * time). The search keys likewise, five arrays. Inserted and updated rows are told apart by the returned ids (an
 * updated row returns the existing entity's id, not the new one it was given).
 */
async function upsertPostgres(
  trx: Trx,
  rows: readonly CompanyTuple[],
  keys: RowKeys | undefined,
): Promise<{ inserted: number; updated: number }> {
  const column = (c: number) => rows.map((row) => row[c] ?? null);
  const returned = await sql<{ id: string; duns: string | null }>`
    insert into companies (${sql.raw(COLUMNS.join(', '))})
    select * from unnest(${sql.join(
      COLUMNS.map((_, c) => sql`${column(c)}::text[]`),
      sql`, `,
    )})
    on conflict (duns) do update set ${sql.raw(UPDATED.map((c) => `${c} = excluded.${c}`).join(', '))}
    returning id, duns`.execute(trx);
  const byId = new Map<string, number>();
  const byDuns = new Map<string, number>();
  rows.forEach((row, i) => {
    byId.set(row[TUPLE_ID], i);
    if (row[TUPLE_DUNS]) byDuns.set(row[TUPLE_DUNS], i);
  });
  const keyRows: { company: string[]; key: string[]; text: string[]; country: string[]; city: string[] } = {
    company: [],
    key: [],
    text: [],
    country: [],
    city: [],
  };
  const replaced: string[] = [];
  for (const { id, duns } of returned.rows) {
    const fresh = byId.get(id);
    const index = fresh ?? (byDuns.get(duns as string) as number);
    if (fresh === undefined) replaced.push(id);
    const row = rows[index] as CompanyTuple;
    for (const key of keys ? (keys[index] as readonly string[]) : keysOfTuple(row)) {
      keyRows.company.push(id);
      keyRows.key.push(key);
      keyRows.text.push(keyText(key));
      keyRows.country.push(row[TUPLE_COUNTRY]);
      keyRows.city.push(row[TUPLE_CITY_SEARCH]);
    }
  }
  // Updated entries' old keys go (a new name, size or place changes them).
  if (replaced.length > 0) {
    await sql`delete from company_search_keys where company_id = any(${replaced}::text[])`.execute(trx);
  }
  if (keyRows.company.length > 0) {
    await sql`
      insert into company_search_keys (company_id, key, text, country, city_search)
      select * from unnest(${keyRows.company}::text[], ${keyRows.key}::text[], ${keyRows.text}::text[],
                           ${keyRows.country}::text[], ${keyRows.city}::text[])`.execute(trx);
  }
  return { inserted: returned.rows.length - replaced.length, updated: replaced.length };
}

/** How long an import's grouped transaction stays open at most (see companyBatchWriter). */
export const GROUPED_TRANSACTION_MS = 1000;

export interface CompanyBatchWriter {
  /**
   * Upserts one batch (as upsertCompaniesBulk). A grouped writer inserts it instead while the D-U-N-S index is
   * deferred: a repeated D-U-N-S is merged into its first entity when the index is built, and counted then.
   */
  write(rows: readonly CompanyTuple[], keys?: RowKeys): Promise<{ inserted: number; updated: number }>;
  /** Commits what the last batches wrote (grouped), or undoes it (`commit` false). */
  finish(commit: boolean): Promise<void>;
}

/**
 * The writer of an import. `grouped` (SQLite; an initial load, whose secondary indexes are deferred): the
 * batches share one transaction, committed once it has been open GROUPED_TRANSACTION_MS, so a running server
 * waits at most about that long (plus a batch) for the write lock. Every commit writes every page the
 * transaction changed to the WAL, and the D-U-N-S index, where a load into a directory that held rows keeps it,
 * is changed all over: at 2 million rows a commit of 5000 rows wrote some 4000 pages of it for 5000 rows, a
 * commit per second writes each of its pages about once per second. Those commits are not synced to the disk
 * one by one (`synchronous = NORMAL` for them: waiting for the disk took a sixth of the load's time); `finish` syncs the WAL, and with it every commit, so
 * the import is durable when it reports (a power cut in the middle loses at most its last seconds, as if it
 * had stopped there). Memory stays that of one batch. Otherwise each batch is its own
 * transaction, as durable as the connection is set.
 */
export function companyBatchWriter(db: Db, dialect: Dialect, grouped: boolean): CompanyBatchWriter {
  const sqlite = dialect === 'sqlite' && grouped ? sqliteHandleOf(db) : undefined;
  if (!sqlite) {
    return { write: (rows, keys) => upsertCompaniesBulk(db, dialect, rows, keys), finish: async () => {} };
  }
  const synchronous = sqlite.pragma('synchronous', { simple: true }) as number;
  const writer = sqliteWriter(sqlite);
  let openedAt: number | null = null;
  // Whether the open transaction inserts every row: the D-U-N-S index is deferred (this load's, into an empty
  // directory). Asked at each transaction's start: another import may have built it in between, and then the
  // rows are upserted again.
  let insertOnly = false;
  // Commits since the last sync to the disk.
  let unsynced = false;
  const end = (commit: boolean) => {
    if (openedAt === null) return;
    openedAt = null;
    try {
      if (!sqlite.inTransaction) return;
      try {
        sqlite.exec(commit ? 'commit' : 'rollback');
        if (commit) unsynced = true;
      } catch (error) {
        if (sqlite.inTransaction) sqlite.exec('rollback');
        throw error;
      }
    } finally {
      sqlite.pragma(`synchronous = ${synchronous}`);
    }
  };
  return {
    write: (rows, keys) =>
      db.connection().execute(async () => {
        if (rows.length === 0) return { inserted: 0, updated: 0 };
        if (openedAt === null) {
          // Set outside a transaction only.
          sqlite.pragma('synchronous = NORMAL');
          sqlite.exec('begin immediate');
          openedAt = performance.now();
          insertOnly = !writer.dunsIndexExists();
        }
        try {
          const counts = writer.writeRows(rows, keys, insertOnly);
          if (performance.now() - openedAt >= GROUPED_TRANSACTION_MS) end(true);
          return counts;
        } catch (error) {
          // A batch half written cannot be committed: the whole open transaction goes.
          end(false);
          throw error;
        }
      }),
    finish: (commit) =>
      db.connection().execute(async () => {
        end(commit);
        // What a synced commit does: the WAL, which holds every commit since the last checkpoint (a checkpoint
        // syncs the WAL before and the database after it), is flushed to the disk.
        if (unsynced && !sqlite.memory) {
          const wal = openSync(`${sqlite.name}-wal`, 'r');
          try {
            fsyncSync(wal);
          } finally {
            closeSync(wal);
          }
        }
        unsynced = false;
      }),
  };
}

/**
 * Settings for a process whose connection does nothing but a large import (the CLI), SQLite only: a page
 * cache that holds the directory's indexes (128 MB) and a WAL checkpointed every 64 MB instead of every
 * 4 MB, so the index pages that every batch touches are written back once per checkpoint rather than once per
 * commit (the command line then checkpoints from a thread of its own, and this connection only past 256 MB:
 * cli/directory-commands.ts startImportCheckpoints). The connection's `synchronous` stays as opened (an initial
 * load's grouped commits: see companyBatchWriter).
 * Foreign keys are not checked on this connection: the only reference the import writes is a search key's to
 * its own company, written in the same statement sequence right after it (the check was a lookup of the
 * companies' primary key per key row, a third of the search keys' cost). Nothing else runs on it.
 */
export function tuneForBulkImport(db: Db, dialect: Dialect): void {
  const sqlite = dialect === 'sqlite' ? sqliteHandleOf(db) : undefined;
  if (!sqlite) return;
  sqlite.pragma('cache_size = -131072');
  sqlite.pragma('wal_autocheckpoint = 16384');
  sqlite.pragma('foreign_keys = OFF');
}

/**
 * The page cache while deferred indexes are built. CREATE INDEX sorts in runs as large as the page cache and
 * merges them; runs of 2 MB stay in the processor's caches, and sorting them takes half the time that 128 MB
 * runs take (measured: 4 search-key indexes of 7.5 million entries, 36 s of CPU instead of 60 s). The
 * B-tree being written needs no more: it is filled left to right.
 */
const INDEX_BUILD_CACHE_KIB = 2048;
/**
 * SQLite's helper threads for those sorts (`PRAGMA threads`): one sorts the next run while the connection's
 * thread reads the table, and the runs are merged in parallel. When the index build begins the CSV reader has
 * ended, so the second core is free: the key index of 7.5 million entries took 21 s instead of 38 s on a busy
 * machine, for the same CPU time.
 */
const INDEX_BUILD_THREADS = 1;

/** Where an initial load keeps the definitions of the indexes it dropped (SQLite; see deferIndexes). */
const PENDING_TABLE = 'cosell_deferred_indexes';

/**
 * Kept while the others are deferred: an update removes the entity's old search keys through it (without it,
 * every update of a load would scan all the keys). It is appended to in an initial load (ids grow with time).
 */
const KEPT_DURING_LOAD = ['company_search_keys_company'];

/**
 * A large load: drops the secondary indexes of the companies and company_search_keys tables (those
 * made by CREATE INDEX but the search keys' company index) so that the load does not maintain them row by row;
 * restoreDeferredIndexes builds each once at the end, which is several times cheaper. The unique D-U-N-S index
 * goes too on SQLite when the directory is empty: the load then inserts every row, and the repeats of a
 * D-U-N-S within its file are merged when the index is built (settleRepeatedDuns). Into a directory that holds
 * rows it stays: the upsert needs it to find the entities there. The definitions are saved
 * in `cosell_deferred_indexes` in the same transaction as the drops, so an interrupted load loses nothing: the
 * next import (or restoreDeferredIndexes) builds them. `onlyIfEmpty`: only when the table holds no rows (an
 * initial load, when nobody can miss the indexes). Returns the names of the dropped indexes. PostgreSQL: the same
 * but its D-U-N-S constraint (deferIndexesPostgres).
 */
export async function deferIndexes(db: Db, dialect: Dialect, onlyIfEmpty: boolean): Promise<string[]> {
  const sqlite = dialect === 'sqlite' ? sqliteHandleOf(db) : undefined;
  if (!sqlite) return deferIndexesPostgres(db, onlyIfEmpty);
  return db.connection().execute(async () =>
    sqlite
      .transaction(() => {
        const empty = sqlite.prepare('select 1 from companies limit 1').get() === undefined;
        if (onlyIfEmpty && !empty) return [];
        const indexes = sqlite
          .prepare(
            `select l.name, m.sql
             from (select * from pragma_index_list('companies')
                   union all select * from pragma_index_list('company_search_keys')) l
             join sqlite_master m on m.type = 'index' and m.name = l.name
             where l.origin = 'c' and (l."unique" = 0 or (l.name = '${DUNS_INDEX}' and ?)) and m.sql is not null
               and l.name not in (${KEPT_DURING_LOAD.map((name) => `'${name}'`).join(', ')})`,
          )
          .all(empty ? 1 : 0) as { name: string; sql: string }[];
        if (indexes.length === 0) return [];
        sqlite.exec(`create table if not exists ${PENDING_TABLE} (name text primary key, sql text not null)`);
        const save = sqlite.prepare(`insert or replace into ${PENDING_TABLE} (name, sql) values (?, ?)`);
        for (const index of indexes) {
          save.run(index.name, index.sql);
          sqlite.exec(`drop index "${index.name.replaceAll('"', '""')}"`);
        }
        return indexes.map((i) => i.name);
      })
      .immediate(),
  );
}

/** What restoreDeferredIndexes did. */
export interface RestoredIndexes {
  /** The indexes built. */
  built: string[];
  /**
   * Rows merged into an earlier entity of the same D-U-N-S before the unique D-U-N-S index was built (each the
   * update of an entity, which the load had counted as an insert).
   */
  merged: number;
}

/**
 * Builds the indexes an initial load deferred. Each index in a transaction of its own,
 * which also takes its definition off the list: other writers of the database wait for one index at a time,
 * not for all of them, and an interruption keeps what was built.
 */
export async function restoreDeferredIndexes(db: Db, dialect: Dialect): Promise<RestoredIndexes> {
  const sqlite = dialect === 'sqlite' ? sqliteHandleOf(db) : undefined;
  if (!sqlite) return { built: await restoreDeferredIndexesPostgres(db), merged: 0 };
  return db.connection().execute(async () => {
    const exists = sqlite
      .prepare(`select 1 from sqlite_master where type = 'table' and name = '${PENDING_TABLE}'`)
      .get();
    if (!exists) return { built: [], merged: 0 };
    const pending = sqlite.prepare(`select name, sql from ${PENDING_TABLE} order by name`).all() as {
      name: string;
      sql: string;
    }[];
    const cache = sqlite.pragma('cache_size', { simple: true }) as number;
    const threads = sqlite.pragma('threads', { simple: true }) as number;
    const synchronous = sqlite.pragma('synchronous', { simple: true }) as number;
    sqlite.pragma(`cache_size = -${INDEX_BUILD_CACHE_KIB}`);
    sqlite.pragma(`threads = ${INDEX_BUILD_THREADS}`);
    // Each index's commit is not synced on its own: the list's removal at the end is, with all before it. A
    // power cut in between loses the indexes built since the last sync together with their taking off the list.
    sqlite.pragma('synchronous = NORMAL');
    let merged = 0;
    try {
      const built = sqlite.prepare(`delete from ${PENDING_TABLE} where name = ?`);
      for (const index of pending) {
        sqlite
          .transaction(() => {
            const create = index.sql.replace(
              /^\s*create\s+(unique\s+)?index\s+(?!if\s+not\s+exists)/i,
              (_, unique: string | undefined) => `CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS `,
            );
            try {
              sqlite.exec(create);
            } catch (error) {
              // The D-U-N-S index found a number repeated in the load's file: the entities are merged, then the
              // index is built (looking for repeats costs a sort of the table, so only a failed build does).
              const repeated =
                index.name === DUNS_INDEX &&
                (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
                sqlite.inTransaction;
              if (!repeated) throw error;
              merged += settleRepeatedDuns(sqlite);
              sqlite.exec(create);
            }
            built.run(index.name);
          })
          .immediate();
      }
      sqlite.pragma(`synchronous = ${synchronous}`);
      sqlite.exec(`drop table if exists ${PENDING_TABLE}`);
    } finally {
      sqlite.pragma(`synchronous = ${synchronous}`);
      sqlite.pragma(`cache_size = ${cache}`);
      sqlite.pragma(`threads = ${threads}`);
    }
    return { built: pending.map((i) => i.name), merged };
  });
}

/**
 * Merges the companies that share a D-U-N-S number, as the upserts would have (SQLite, in the transaction that
 * then builds the unique index): each D-U-N-S keeps its first entity's id (the deals that reference the others
 * are moved to it) with its last row's values and search keys, as if the later rows had updated the first.
 * Returns how many rows were merged away.
 */
function settleRepeatedDuns(sqlite: SqliteDatabase.Database): number {
  sqlite.exec(`
    create temp table cosell_duns_repeats as
      select rowid as row, id, duns from companies
      where duns in (select duns from companies where duns is not null group by duns having count(*) > 1);
    create temp table cosell_duns_merged (
      removed_id text primary key, keep_id text not null, removed_row integer not null, last integer not null);
    insert into cosell_duns_merged (removed_id, keep_id, removed_row, last)
      select r.id, k.id, r.row, r.row = g.last_row
      from cosell_duns_repeats r
      join (select duns, min(row) as keep_row, max(row) as last_row from cosell_duns_repeats group by duns) g
        on g.duns = r.duns
      join cosell_duns_repeats k on k.row = g.keep_row
      where r.row <> g.keep_row;`);
  try {
    const updated = UPDATED.join(', ');
    sqlite.exec(`
      update companies set (${updated}) = (
        select ${UPDATED.map((c) => `l.${c}`).join(', ')}
        from cosell_duns_merged m join companies l on l.rowid = m.removed_row
        where m.last and m.keep_id = companies.id)
      where id in (select keep_id from cosell_duns_merged where last);
      delete from company_search_keys
      where company_id in (select keep_id from cosell_duns_merged where last)
         or company_id in (select removed_id from cosell_duns_merged where not last);
      update company_search_keys
      set company_id = (select keep_id from cosell_duns_merged where removed_id = company_search_keys.company_id)
      where company_id in (select removed_id from cosell_duns_merged where last);
      update engagements
      set customer_company_id = (
        select keep_id from cosell_duns_merged where removed_id = engagements.customer_company_id)
      where customer_company_id in (select removed_id from cosell_duns_merged);
      delete from companies where id in (select removed_id from cosell_duns_merged);`);
    return sqlite.prepare('select count(*) from cosell_duns_merged').pluck().get() as number;
  } finally {
    sqlite.exec('drop table temp.cosell_duns_repeats; drop table temp.cosell_duns_merged;');
  }
}

/**
 * PostgreSQL's deferIndexes: the same indexes (neither a primary key nor unique), their definitions saved in
 * the same table. Dropping one waits for the queries that use it; building it (restoreDeferredIndexesPostgres)
 * blocks writes to its table, not reads. Maintaining the four search-key indexes row by row was most of an
 * initial load's time (7.5 million keys inserted all over each of them).
 */
async function deferIndexesPostgres(db: Db, onlyIfEmpty: boolean): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    if (onlyIfEmpty) {
      // Taken before the check, so that no other import fills the directory in between.
      await sql`lock table companies in share row exclusive mode`.execute(trx);
      const any = await sql`select 1 from companies limit 1`.execute(trx);
      if (any.rows.length > 0) return [];
    }
    const indexes = (
      await sql<{ name: string; sql: string }>`
        select c.relname as name, pg_get_indexdef(i.indexrelid) as sql
        from pg_index i
        join pg_class c on c.oid = i.indexrelid
        join pg_class t on t.oid = i.indrelid
        where t.relname in ('companies', 'company_search_keys')
          and t.relnamespace = current_schema()::regnamespace
          and not i.indisunique and not i.indisprimary
        order by c.relname`.execute(trx)
    ).rows;
    if (indexes.length === 0) return [];
    await sql
      .raw(`create table if not exists ${PENDING_TABLE} (name text primary key, sql text not null)`)
      .execute(trx);
    for (const index of indexes) {
      await sql`insert into ${sql.table(PENDING_TABLE)} (name, sql) values (${index.name}, ${index.sql})
                on conflict (name) do update set sql = excluded.sql`.execute(trx);
      await sql`drop index ${sql.id(index.name)}`.execute(trx);
    }
    return indexes.map((i) => i.name);
  });
}

/** Memory for each of PostgreSQL's index sorts (its server's, for the build only; the default is 64 MB). */
const PG_INDEX_BUILD_MEMORY = '256MB';

async function restoreDeferredIndexesPostgres(db: Db): Promise<string[]> {
  const exists = await sql`select to_regclass(${PENDING_TABLE}) is not null as found`.execute(db);
  if (!(exists.rows[0] as { found: boolean } | undefined)?.found) return [];
  const pending = (
    await sql<{
      name: string;
      sql: string;
    }>`select name, sql from ${sql.table(PENDING_TABLE)} order by name`.execute(db)
  ).rows;
  for (const index of pending) {
    await db.transaction().execute(async (trx) => {
      await sql`select set_config('maintenance_work_mem', ${PG_INDEX_BUILD_MEMORY}, true)`.execute(trx);
      await sql
        .raw(index.sql.replace(/^\s*create\s+index\s+(?!if\s+not\s+exists)/i, 'CREATE INDEX IF NOT EXISTS '))
        .execute(trx);
      await sql`delete from ${sql.table(PENDING_TABLE)} where name = ${index.name}`.execute(trx);
    });
  }
  await sql.raw(`drop table if exists ${PENDING_TABLE}`).execute(db);
  return pending.map((i) => i.name);
}
