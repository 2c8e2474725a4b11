import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  SqliteDialect,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { Dialect } from './dialect.ts';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type { Dialect };
export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Repositories take either the database or a transaction as their first argument. */
export type Executor = Db | Trx;

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

/** The better-sqlite3 handle behind each SQLite Kysely instance (see sqliteHandleOf). */
const sqliteHandles = new WeakMap<Db, SqliteDatabase.Database>();

/**
 * The better-sqlite3 handle behind `db` when it is SQLite, for the few hot paths that keep their own prepared
 * statements (bulk import, db/company-bulk.ts). Use it only inside `db.connection().execute(…)`, which holds
 * Kysely's connection lock, so nothing else runs on the connection meanwhile.
 */
export function sqliteHandleOf(db: Db): SqliteDatabase.Database | undefined {
  return sqliteHandles.get(db);
}

// PostgreSQL returns bigint and numeric counts as strings; our integers stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

/** Opens `sqlite:<path>` (or `sqlite::memory:`) or `postgres://…`. */
export function openDatabase(url: string): DatabaseHandle {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({
      connectionString: url,
      max: Number(process.env.PG_POOL_SIZE ?? 10),
      // No JIT: every query here reads a few index ranges, but a query over many ranges (the directory's typo
      // probes) is estimated expensive enough to be JIT-compiled, which takes 100+ ms to save microseconds.
      options: '-c jit=off',
    });
    // An idle connection that dies (server restart, admin termination, a closing pool) is dropped by the pool
    // and replaced on the next query; without a listener its 'error' event would crash the process.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SqliteDatabase(path);
    // Durability first: WAL with a full fsync per commit, so nothing acknowledged is lost on a crash.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // SQLite's own page cache (default 2 MB): reads of a large database then come from the operating system's
    // cache through a system call per page; 64 MB keeps the hot index pages in the process (lists took half the
    // time at a million records, `npm run bench -- http`). SQLITE_CACHE_MB sets it.
    sqlite.pragma(`cache_size = ${-1024 * Math.max(2, Number(process.env.SQLITE_CACHE_MB ?? 64) || 64)}`);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    sqliteHandles.set(db, sqlite);
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got ${url.split(':')[0]}:)`);
}

/** At most this many statement texts get a name (each pooled PostgreSQL connection may hold them all). */
const PG_NAMED_STATEMENTS = 1000;
/** Statements with more parameters (long IN lists, one text per length) stay unnamed. */
const PG_NAMED_MAX_PARAMETERS = 64;
const DATA_STATEMENT = /^\s*(select|insert|update|delete|with)\b/i;
/**
 * A statement with LIMIT (a list page, a search probe) has no plan that fits every parameter: walking an index in
 * order suits a large organization, reading a few rows and sorting them a small one. A prepared statement's
 * generic plan, made for the average organization, read and sorted the vendor's whole closed view (seconds per
 * page at tier M), so these are planned for their parameters every time.
 */
const LIMITED = /\blimit\b/i;

/**
 * PostgreSQL parses and plans every unnamed statement anew, and for the short queries of a request that costs
 * more than running them: a deal page took about 3 ms of PostgreSQL's CPU for its ten queries. Here every data
 * statement text gets a name, so each pooled connection parses it once and PostgreSQL may keep its plan
 * (`plan_cache_mode` auto: a generic plan only where it does not cost more than the custom plans so far). That
 * cut PostgreSQL's CPU per deal page to a third and the server's by a third (`npm run bench -- http`).
 * Not named: statements with LIMIT (see LIMITED). Bounded: at most PG_NAMED_STATEMENTS names per process, none
 * for statements with many parameters. A prepared
 * `select *` fails once its table's columns change, so restart servers after a migration (they migrate at
 * start; docs/OPERATIONS.md).
 */
function withPreparedStatements(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  // Texts already found not to be named, so that their two pattern scans run once (bounded like the names).
  const unnamed = new Set<string>();
  const nameOf = (text: string, parameterCount: number): string | undefined => {
    const known = names.get(text);
    if (known) return known;
    if (parameterCount > PG_NAMED_MAX_PARAMETERS || unnamed.has(text)) return undefined;
    if (!DATA_STATEMENT.test(text) || LIMITED.test(text)) {
      if (unnamed.size < PG_NAMED_STATEMENTS) unnamed.add(text);
      return undefined;
    }
    if (names.size >= PG_NAMED_STATEMENTS) return undefined;
    const name = `cosell_${names.size}`;
    names.set(text, name);
    return name;
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      const wrapped = {
        query: (text: unknown, parameters?: readonly unknown[]) => {
          if (typeof text !== 'string') return client.query(text as never);
          const values = [...(parameters ?? [])];
          const name = nameOf(text, values.length);
          return name ? client.query({ name, text, values }) : client.query(text, values);
        },
        release: () => client.release(),
      };
      return wrapped as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

/** How many prepared statements each SQLite connection keeps (the app has a few hundred distinct queries). */
const STATEMENT_CACHE_SIZE = 1000;
/** Statements with a longer text are prepared each time instead of kept. */
const STATEMENT_CACHE_MAX_TEXT = 8000;

/**
 * Kysely prepares every query anew, and on SQLite preparing costs about as much as running an indexed lookup.
 * This keeps the most recently used statements by SQL text (least recently used out first). Safe because
 * Kysely runs each statement to completion before the next (no query here streams with `iterate`), and
 * a prepared statement always runs against the current schema (SQLite re-prepares it after a schema change).
 */
function withStatementCache(sqlite: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      // A long text is a long IN list (a list search's candidates): one per length, each large, rarely the
      // same again. Caching them would fill the cache and the memory with statements run once.
      if (text.length > STATEMENT_CACHE_MAX_TEXT) return sqlite.prepare(text);
      let statement = cache.get(text);
      if (statement) {
        cache.delete(text);
      } else {
        statement = sqlite.prepare(text);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

export async function migrateToLatest(handle: DatabaseHandle): Promise<void> {
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => migrations(handle.dialect) },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
