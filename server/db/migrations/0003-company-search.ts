/**
 * 0003_company_search: the keys the customer directory's suggestions are found by (core/company-search.ts).
 * One row per (company, key); a key is `<tier><size band><normalized text>`, so the best matches of a tier and
 * band for a prefix are one index range read in order. Indexes: by key (no place given), by country + key, by
 * city + key (the few cities of one name in several countries are told apart by reading a few more entries),
 * and by the bare text (typo-tolerant probes, which rank in memory). The key columns
 * compare in code-point order on both engines (PostgreSQL: COLLATE "C"), which is what makes a prefix one
 * range. The companies table's old name-prefix indexes go: nothing searches by them any longer.
 */
import { type Kysely, sql } from 'kysely';
import { companySearchKeys } from '../../../core/company-search.ts';
import type { Dialect } from '../dialect.ts';

export async function companySearch(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const binaryText = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  let table = db.schema
    .createTable('company_search_keys')
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
    .addColumn('key', binaryText, (c) => c.notNull())
    .addColumn('text', binaryText, (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('city_search', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('company_search_keys_pk', ['company_id', 'key']);
  // SQLite: the rows live in the primary-key B-tree, so each secondary index carries the company id and a
  // probe never visits the table.
  if (dialect === 'sqlite') table = table.modifyEnd(sql`without rowid`);
  await table.execute();
  await db.schema.createIndex('company_search_keys_key').on('company_search_keys').column('key').execute();
  await db.schema
    .createIndex('company_search_keys_country_key')
    .on('company_search_keys')
    .columns(['country', 'key'])
    .execute();
  await db.schema
    .createIndex('company_search_keys_city_key')
    .on('company_search_keys')
    .columns(['city_search', 'key'])
    .execute();
  await db.schema.createIndex('company_search_keys_text').on('company_search_keys').column('text').execute();

  await db.schema.dropIndex('companies_country_name').execute();
  await db.schema.dropIndex('companies_name').execute();

  // Backfill, in pages by id.
  let after = '';
  for (;;) {
    const page = await sql<{
      id: string;
      name_search: string;
      size: string | null;
      country: string;
      city_search: string;
    }>`select id, name_search, size, country, city_search from companies where id > ${after} order by id limit 2000`.execute(
      db,
    );
    if (page.rows.length === 0) break;
    const rows = page.rows.flatMap((c) =>
      companySearchKeys(c.name_search, c.size).map((k) => ({
        company_id: c.id,
        key: k.key,
        text: k.text,
        country: c.country,
        city_search: c.city_search,
      })),
    );
    for (let i = 0; i < rows.length; i += 500) {
      await db
        .insertInto('company_search_keys' as never)
        .values(rows.slice(i, i + 500) as never)
        .execute();
    }
    after = (page.rows.at(-1) as { id: string }).id;
  }
}
