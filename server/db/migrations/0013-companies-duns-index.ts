/**
 * 0013_companies_duns_index (SQLite): the D-U-N-S numbers' uniqueness as an index of its own
 * (`companies_duns`) instead of the column's UNIQUE constraint, so that an initial load into an empty directory
 * can drop it and build it once at the end like the other indexes (db/company-bulk.ts deferIndexes). SQLite
 * cannot drop the index of a UNIQUE column, so the table is rebuilt: the same columns in the same order, every
 * row with its row number, in one transaction. Uniqueness is unchanged: the index is unique, and the upserts'
 * `on conflict (duns)` names it as they named the constraint.
 *
 * Deals and search keys reference companies by id; their references name the table, so they hold for the
 * rebuilt one. Foreign keys are off while the old table is dropped (dropping it would otherwise check, or fail
 * on, every reference), and checked before the commit. PostgreSQL keeps its constraint: nothing changes there.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

/** The unique index of the companies' D-U-N-S numbers (SQLite). */
export const DUNS_INDEX = 'companies_duns';

const COLUMNS = [
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
  'size',
  'industry',
  'domain',
].join(', ');

export async function companiesDunsIndex(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  // Done already (the process stopped after the commit, before the migration was recorded).
  const done = await sql`select 1 from sqlite_master where type = 'index' and name = ${DUNS_INDEX}`.execute(
    db,
  );
  if (done.rows.length > 0) return;
  const foreignKeys = (await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]
    ?.foreign_keys;
  // Only outside a transaction does this take effect.
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await sql`create table companies_next (
                  id text primary key, name text not null, name_search text not null, duns text,
                  address_line1 text, city text not null, city_search text not null, region text,
                  postal_code text, country text not null, website text, size text, industry text,
                  domain text)`.execute(db);
      await sql`insert into companies_next (rowid, ${sql.raw(COLUMNS)})
                select rowid, ${sql.raw(COLUMNS)} from companies order by rowid`.execute(db);
      await sql`drop table companies`.execute(db);
      await sql`alter table companies_next rename to companies`.execute(db);
      await sql`create unique index ${sql.id(DUNS_INDEX)} on companies (duns)`.execute(db);
      // Built even when an interrupted initial load deferred it: its next run finds it there (it builds a
      // deferred index only if it does not exist) and takes it off its list.
      await sql`create index companies_domain on companies (domain)`.execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) {
        throw new Error(`references to companies broken by the rebuild: ${JSON.stringify(broken.rows)}`);
      }
      const analyzed = await sql`select 1 from sqlite_master where name = 'sqlite_stat1'`.execute(db);
      if (analyzed.rows.length > 0) await sql`analyze companies`.execute(db);
      await sql`commit`.execute(db);
    } catch (error) {
      await sql`rollback`.execute(db);
      throw error;
    }
  } finally {
    await sql.raw(`pragma foreign_keys = ${foreignKeys ? 'on' : 'off'}`).execute(db);
  }
}
