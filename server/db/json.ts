/**
 * Rows nested into one statement as JSON (a deal's participants, teams, solutions… with the deal itself).
 *
 * Each statement is a round trip on PostgreSQL, with its protocol work on both sides; on SQLite it is a function
 * call. So a read that needs several small result sets asks PostgreSQL once, with the sets aggregated as JSON,
 * and SQLite once per set (there the aggregation cost more than the statements it saved). The SQL differs per
 * engine (json_agg against json_group_array); Kysely's helpers of each dialect write it.
 */
import { PostgresAdapter } from 'kysely';
import * as postgresJson from 'kysely/helpers/postgres';
import * as sqliteJson from 'kysely/helpers/sqlite';
import type { Executor } from './database.ts';
import type { Dialect } from './dialect.ts';

/** The engine behind a database or transaction. */
export function dialectOf(db: Executor): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export interface JsonNesting {
  /**
   * The rows of `query` as one JSON array. The order is not kept on every engine: sort after reading. On SQLite
   * every selected column must be named (no `selectAll`).
   */
  arrayFrom: typeof sqliteJson.jsonArrayFrom;
  /** The one row of `query` as a JSON object, or null. */
  objectFrom: typeof sqliteJson.jsonObjectFrom;
}

export function jsonNesting(db: Executor): JsonNesting {
  // SQLite's helper takes only a select query, PostgreSQL's any expression: the narrower type serves both.
  return dialectOf(db) === 'postgres'
    ? { arrayFrom: postgresJson.jsonArrayFrom, objectFrom: postgresJson.jsonObjectFrom }
    : { arrayFrom: sqliteJson.jsonArrayFrom, objectFrom: sqliteJson.jsonObjectFrom };
}

/** A nested value as read: PostgreSQL's driver parses JSON columns, SQLite returns their text. */
export function nestedJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}
