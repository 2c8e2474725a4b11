/**
 * Queries of a fixed shape, built and compiled once per dialect instead of at every run.
 *
 * Kysely builds an immutable tree for every query and compiles it to SQL each time it runs: about a fifth of the
 * server's CPU time on a deal read (a CPU profile of `GET /deals/{id}` under load, tier S, SQLite), more than the
 * statements themselves took to run. For the hot queries whose SQL never changes (a look-up by id, a list by a
 * parent's id) that work is done once: the query is built with a placeholder for each parameter, compiled, and
 * later runs only put the caller's values in the placeholders' places. The SQL is the same string each time, so
 * the statement caches of db/database.ts find it without hashing a new string either.
 *
 * Only for queries whose shape does not depend on the values: `build` must pass every parameter to Kysely as a
 * value (a comparison, a limit, a list for `in`), never branch on it or spread it. A parameter the SQL does not
 * carry is refused at the first run. A list's length is part of the SQL (`in (?, ?, ?)`): each length up to
 * MAX_LIST is compiled once; longer lists are compiled at every run, as any query.
 */
import type { Compilable, CompiledQuery } from 'kysely';
import type { Executor } from './database.ts';

type Value = string | number | null;
type Param = Value | readonly Value[];

/** Lists up to this long get a compiled query per length (a page holds at most 100 records). */
const MAX_LIST = 100;

/** Stands in for a parameter (or one element of a list parameter) while the query is built. */
class Placeholder {
  constructor(
    readonly name: string,
    readonly index: number | null,
  ) {}
}

interface Compiled {
  query: CompiledQuery<unknown>;
  /** For each SQL parameter: what of the caller's parameters it takes, or null for a constant of the query. */
  sources: (Placeholder | null)[];
}

export interface PreparedQuery<P extends Record<string, Param>, O> {
  all(db: Executor, params: P): Promise<O[]>;
  first(db: Executor, params: P): Promise<O | undefined>;
}

export function preparedQuery<P extends Record<string, Param>, O>(
  build: (db: Executor, params: P) => Compilable<O>,
): PreparedQuery<P, O> {
  // Keyed by the dialect's adapter class (the SQL text differs between SQLite and PostgreSQL; a transaction
  // compiles like the database it belongs to), then by the lengths of the list parameters.
  const byDialect = new Map<unknown, Map<string, Compiled>>();

  const compile = (db: Executor, params: P): Compiled => {
    const made = new Set<string>();
    const placeholders = new Proxy({} as P, {
      get: (_, key) => {
        const name = String(key);
        made.add(name);
        const value = params[name];
        return Array.isArray(value)
          ? value.map((_, i) => new Placeholder(name, i))
          : new Placeholder(name, null);
      },
    });
    const query = build(db, placeholders).compile() as CompiledQuery<unknown>;
    const sources = query.parameters.map((value) => (value instanceof Placeholder ? value : null));
    for (const name of made) {
      const value = params[name];
      const carried = new Set(
        sources.filter((source) => source?.name === name).map((source) => source?.index),
      );
      const allCarried = Array.isArray(value)
        ? value.length > 0 && value.every((_, i) => carried.has(i))
        : carried.has(null);
      if (!allCarried) {
        throw new Error(`preparedQuery: parameter ${name} is not a value of the SQL`);
      }
    }
    return { query, sources };
  };

  const run = async (db: Executor, params: P): Promise<O[]> => {
    const executor = db.getExecutor();
    // A plugin transforms each query as it is compiled (the tests count queries with one): with a plugin, build
    // and compile this run as any other query, so that the plugin sees it.
    if (executor.plugins.length > 0) return (await db.executeQuery(build(db, params))).rows;
    const dialect = executor.adapter.constructor;
    let variants = byDialect.get(dialect);
    if (!variants) {
      variants = new Map();
      byDialect.set(dialect, variants);
    }
    let shape = '';
    let cacheable = true;
    for (const name in params) {
      const value = params[name];
      if (!Array.isArray(value)) continue;
      shape += `${name}:${value.length},`;
      if (value.length > MAX_LIST) cacheable = false;
    }
    let compiled = variants.get(shape);
    if (!compiled) {
      compiled = compile(db, params);
      if (cacheable) variants.set(shape, compiled);
    }
    const { query, sources } = compiled;
    const parameters = sources.map((source, i) => {
      if (source === null) return query.parameters[i];
      const value = params[source.name];
      return source.index === null ? value : (value as readonly Value[])[source.index];
    });
    const result = await db.executeQuery<O>({ ...query, parameters } as CompiledQuery<O>);
    return result.rows;
  };

  return {
    all: run,
    first: async (db, params) => (await run(db, params))[0],
  };
}
