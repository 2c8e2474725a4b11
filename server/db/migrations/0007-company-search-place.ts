/**
 * 0007_company_search_place: the directory's suggestions in one city (docs/DIRECTORY.md) read the search keys
 * by (city, country, key) instead of (city, key). The country was a filter on top of the city's range: SQLite
 * read each key's row to check it, and PostgreSQL, estimating the unindexed check far too selective, read
 * every key of the city that started with the query and sorted them (0.4 s for a typo of four letters in New
 * York at two million companies) instead of the first ten in key order. With both in the index, a city and
 * country is one ordered range; a city without a country reads the city's few countries first.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

export async function companySearchPlace(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createIndex('company_search_keys_city_country_key')
    .on('company_search_keys')
    .columns(['city_search', 'country', 'key'])
    .execute();
  // If exists: an interrupted initial import may have dropped it (db/company-bulk.ts deferIndexes).
  await db.schema.dropIndex('company_search_keys_city_key').ifExists().execute();
  if (dialect === 'sqlite') {
    // Where the database has statistics (ANALYZE ran), a new index without them looks more selective than it is.
    const analyzed = await sql`select 1 from sqlite_master where name = 'sqlite_stat1'`.execute(db);
    if (analyzed.rows.length > 0) await sql`analyze company_search_keys_city_country_key`.execute(db);
  }
}
