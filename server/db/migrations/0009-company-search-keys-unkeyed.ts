/**
 * 0009_company_search_keys_unkeyed (SQLite): the search keys without a primary key on (company, key). Its index
 * was the largest thing an import wrote after the keys themselves (550 MB of 36-character company ids and keys
 * again at two million companies, 7.5 million entries): nothing reads it but the removal of a company's keys,
 * which an index on the company id alone serves with entries of half the size. A company's keys are distinct by
 * construction (core/company-search.ts `searchTexts`), so the uniqueness it checked is kept by the one writer.
 * The company index is the one the import keeps while it defers the others (db/company-bulk.ts): an update
 * removes the entity's old keys through it. PostgreSQL keeps its table: nothing changes there.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

export async function companySearchKeysUnkeyed(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  await db.schema
    .createTable('company_search_keys_unkeyed')
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('city_search', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into company_search_keys_unkeyed (company_id, key, text, country, city_search)
            select company_id, key, text, country, city_search from company_search_keys
            order by company_id, key`.execute(db);
  await db.schema.dropTable('company_search_keys').execute();
  await sql`alter table company_search_keys_unkeyed rename to company_search_keys`.execute(db);
  await db.schema
    .createIndex('company_search_keys_company')
    .on('company_search_keys')
    .column('company_id')
    .execute();
  await db.schema.createIndex('company_search_keys_key').on('company_search_keys').column('key').execute();
  await db.schema
    .createIndex('company_search_keys_country_key')
    .on('company_search_keys')
    .columns(['country', 'key'])
    .execute();
  await db.schema
    .createIndex('company_search_keys_city_country_key')
    .on('company_search_keys')
    .columns(['city_search', 'country', 'key'])
    .execute();
  await db.schema.createIndex('company_search_keys_text').on('company_search_keys').column('text').execute();
  // An initial import interrupted before this migration left the definitions of the dropped table's indexes to
  // build: the indexes above replace them.
  const pending =
    await sql`select 1 from sqlite_master where type = 'table' and name = 'cosell_deferred_indexes'`.execute(
      db,
    );
  if (pending.rows.length > 0) {
    await sql`delete from cosell_deferred_indexes where name like 'company_search_keys%'`.execute(db);
  }
  const analyzed = await sql`select 1 from sqlite_master where name = 'sqlite_stat1'`.execute(db);
  if (analyzed.rows.length > 0) await sql`analyze company_search_keys`.execute(db);
}
