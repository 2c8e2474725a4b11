/**
 * The directory's search keys (core/company-search.ts): written with every directory entry, probed by the
 * suggestions. Both engines run the same statements; keys compare in code-point order on both (the migration
 * gives PostgreSQL's columns COLLATE "C"), so a key range is exactly the keys that start with a prefix.
 */
import { type SelectQueryBuilder, sql } from 'kysely';
import { companySearchKeys, type KeyRange } from '../../../core/company-search.ts';
import type { Executor } from '../database.ts';
import type { CompanySearchKeysTable, Database } from '../schema.ts';

/** What a directory entry's keys are made of. */
export interface SearchableCompany {
  id: string;
  name_search: string;
  size: string | null;
  country: string;
  city_search: string;
}

export function searchKeyRows(company: SearchableCompany): CompanySearchKeysTable[] {
  return companySearchKeys(company.name_search, company.size).map((k) => ({
    company_id: company.id,
    key: k.key,
    text: k.text,
    country: company.country,
    city_search: company.city_search,
  }));
}

/**
 * Writes the keys of these entries; `replace`: the entries existed, so their old keys go first (a new name,
 * size or city changes them). Run it in the transaction that writes the entries.
 */
export async function writeSearchKeys(
  db: Executor,
  companies: readonly SearchableCompany[],
  replace: boolean,
): Promise<void> {
  if (replace) {
    for (let i = 0; i < companies.length; i += 500) {
      const ids = companies.slice(i, i + 500).map((c) => c.id);
      await db.deleteFrom('company_search_keys').where('company_id', 'in', ids).execute();
    }
  }
  const rows = companies.flatMap(searchKeyRows);
  // Five columns a row: 500 rows stay far below either engine's limit of bound parameters.
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('company_search_keys')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

export interface PlaceFilter {
  country?: string | undefined;
  citySearch?: string | undefined;
}

type KeysQuery = SelectQueryBuilder<Database, 'company_search_keys', object>;

/**
 * The place filters. A filter that should not pick the index is written as `column || ''` (same result, but
 * no index can serve it): with a city, the city index leads (a city holds far fewer keys than its country);
 * for the typo probes the text index must lead, whatever the place.
 */
function inPlace(query: KeysQuery, place: PlaceFilter, indexed: 'place' | 'none'): KeysQuery {
  let q = query;
  const unindexed = (column: 'country' | 'city_search') => sql<string>`${sql.ref(column)} || ''`;
  if (place.citySearch) {
    q =
      indexed === 'place'
        ? q.where('city_search', '=', place.citySearch)
        : q.where(unindexed('city_search'), '=', place.citySearch);
  }
  if (place.country) {
    q =
      indexed === 'place' && !place.citySearch
        ? q.where('country', '=', place.country)
        : q.where(unindexed('country'), '=', place.country);
  }
  return q;
}

export interface KeyHit {
  branch: number;
  company_id: string;
  key: string;
  text: string;
}

/**
 * For each range, the first `limit` keys in it (in key order), in one statement: each branch is an index range
 * read that stops after `limit` rows, so the work is bounded by the limits, not by how many keys match.
 */
export async function firstKeysInRanges(
  db: Executor,
  branches: readonly { range: KeyRange; limit: number }[],
  place: PlaceFilter,
): Promise<KeyHit[]> {
  if (branches.length === 0) return [];
  const branchQuery = (index: number) => {
    const { range, limit } = branches[index] as { range: KeyRange; limit: number };
    const inner = inPlace(
      db
        .selectFrom('company_search_keys')
        .where('key', '>=', range.from)
        .where('key', '<', range.to) as KeysQuery,
      place,
      'place',
    )
      .select(['company_id', 'key', 'text'])
      .orderBy('key')
      .limit(limit);
    return db
      .selectFrom(inner.as(`b${index}`))
      .select([sql<number>`${sql.lit(index)}`.as('branch'), 'company_id', 'key', 'text']);
  };
  let query = branchQuery(0);
  for (let i = 1; i < branches.length; i++) query = query.unionAll(branchQuery(i));
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, branch: Number(r.branch) }));
}

/**
 * Keys whose bare text falls in any of the ranges (the typo-tolerant probes), at most `limit`, unordered: the
 * caller ranks them. The ranges are narrow (each starts with at least three given characters), and there are
 * a few hundred of them: they are joined as a list (SQLite `json_each`, PostgreSQL `unnest`) so that each is
 * one probe of the text index — an OR of hundreds of ranges is planned as a scan by SQLite.
 */
export async function keysWithTextInRanges(
  db: Executor,
  dialect: 'sqlite' | 'postgres',
  ranges: readonly KeyRange[],
  place: PlaceFilter,
  limit: number,
): Promise<Omit<KeyHit, 'branch'>[]> {
  if (ranges.length === 0) return [];
  // `|| ''`: the place must not pick an index, the text index leads (see inPlace).
  const placeFilter = sql`${place.citySearch ? sql`and (k.city_search || '') = ${place.citySearch}` : sql``} ${
    place.country ? sql`and (k.country || '') = ${place.country}` : sql``
  }`;
  const rows =
    dialect === 'sqlite'
      ? await sql<Omit<KeyHit, 'branch'>>`
          select k.company_id, k.key, k.text
          from (select json_extract(value, '$[0]') as lo, json_extract(value, '$[1]') as hi
                from json_each(${JSON.stringify(ranges.map((r) => [r.from, r.to]))})) r
          cross join company_search_keys k
          where k.text >= r.lo and k.text < r.hi ${placeFilter}
          limit ${limit}`.execute(db)
      : // LATERAL: one index probe per range (a plain join is planned as a scan of the table).
        await sql<Omit<KeyHit, 'branch'>>`
          select k.company_id, k.key, k.text
          from unnest(${ranges.map((r) => r.from)}::text[], ${ranges.map((r) => r.to)}::text[]) as r(lo, hi)
          cross join lateral (
            select k.company_id, k.key, k.text from company_search_keys k
            where k.text >= r.lo collate "C" and k.text < r.hi collate "C" ${placeFilter}
            limit ${limit}) k
          limit ${limit}`.execute(db);
  return rows.rows;
}
