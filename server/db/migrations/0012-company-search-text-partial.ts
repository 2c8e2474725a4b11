/**
 * 0012_company_search_text_partial: the search keys' text index holds only texts that start below U+1100, the
 * first code point of any CJK script (Hangul Jamo; Han, Hiragana and Katakana come later).
 *
 * The index serves one thing, the typo-tolerant probes (repositories/company-search.ts nonEmptyTextRanges), and
 * typo matching never applies to CJK text (core/company-search.ts typoPrefixes): the word starts of Chinese and
 * Japanese names, one per character, were more than half of its entries (4.1 of 7.5 million at two million
 * companies) that no query read. A probe whose range lies wholly below U+1100 reads this index with the same
 * condition (both planners use a partial index only for a query that repeats its condition); the rare variant
 * at or above it (a query in a script such as Ethiopic) is probed through the key index instead, so every query
 * finds what it found before.
 *
 * An initial import interrupted before this migration (its indexes dropped, their definitions saved to be built
 * at its end: db/company-bulk.ts deferIndexes) gets the new definition instead of the old one.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

const INDEX = 'company_search_keys_text';
const DEFINITION = `create index ${INDEX} on company_search_keys (text) where text < '\u1100'`;
const PENDING_TABLE = 'cosell_deferred_indexes';

export async function companySearchTextPartial(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pendingTable =
    dialect === 'sqlite'
      ? await sql`select 1 from sqlite_master where type = 'table' and name = ${PENDING_TABLE}`.execute(db)
      : await sql`select 1 where to_regclass(${PENDING_TABLE}) is not null`.execute(db);
  if (pendingTable.rows.length > 0) {
    const updated = await sql`update ${sql.table(PENDING_TABLE)} set sql = ${DEFINITION}
                              where name = ${INDEX}`.execute(db);
    // Built at the end of the interrupted import's next run.
    if (Number(updated.numAffectedRows ?? 0) > 0) return;
  }
  await db.schema.dropIndex(INDEX).ifExists().execute();
  await sql.raw(DEFINITION).execute(db);
  if (dialect === 'sqlite') {
    // As in 0007: where ANALYZE ran, a new index without statistics looks more selective than it is.
    const analyzed = await sql`select 1 from sqlite_master where name = 'sqlite_stat1'`.execute(db);
    if (analyzed.rows.length > 0) await sql`analyze ${sql.id(INDEX)}`.execute(db);
  }
}
