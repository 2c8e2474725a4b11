/**
 * The directory's search keys (core/company-search.ts): written with every directory entry, probed by the
 * suggestions. Both engines run the same statements; keys compare in code-point order on both (the migration
 * gives PostgreSQL's columns COLLATE "C"), so a key range is exactly the keys that start with a prefix.
 */
import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import {
  companySearchKeys,
  type KeyRange,
  keyText,
  NAME_START,
  prefixUpperBound,
  SIZE_BANDS_LARGEST_FIRST,
  searchKey,
  WORD_START,
} from '../../../core/company-search.ts';
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

/** Where the matches must be: a country, a city in a country, or anywhere (neither). */
export interface Place {
  country?: string | undefined;
  /** Only with a country (see countriesOfCity). */
  citySearch?: string | undefined;
}

type KeysQuery = SelectQueryBuilder<Database, 'company_search_keys', object>;

/** The place as index equalities: (city, country, key), (country, key) or (key) then reads one ordered range. */
function inPlace(query: KeysQuery, place: Place): KeysQuery {
  let q = query;
  if (place.citySearch) q = q.where('city_search', '=', place.citySearch);
  if (place.country) q = q.where('country', '=', place.country);
  return q;
}

/**
 * The countries that have a city of this (normalized) name, for a city given without a country: one index probe
 * per country found (a loose scan of (city, country, key) by a recursive query), however many keys the city
 * holds. A city name is seldom in more than two countries.
 */
export async function countriesOfCity(db: Executor, citySearch: string): Promise<string[]> {
  const rows = await sql<{ country: string | null }>`
    with recursive c(country) as (
      select min(country) from company_search_keys where city_search = ${citySearch}
      union all
      select (select min(k.country) from company_search_keys k
              where k.city_search = ${citySearch} and k.country > c.country)
      from c where c.country is not null)
    select country from c where country is not null`.execute(db);
  return rows.rows.map((r) => r.country as string);
}

export interface KeyHit {
  branch: number;
  company_id: string;
  key: string;
  text: string;
}

/**
 * For each range, the first `limit` keys in it (in key order) in one of the places, in one statement: each
 * branch is an index range read that stops after `limit` rows, so the work is bounded by the limits, not by
 * how many keys match. Several places (a city in several countries) are read as one branch per place; each
 * range then keeps its first `limit` keys over all of them.
 * SQLite: a UNION ALL of the branches (prepared once per number of branches: the statement cache keeps it).
 * PostgreSQL: the branches as a list (`unnest`) with a LATERAL read per branch: planning a UNION ALL of the
 * 60 branches of a typo query took 6 ms, three times its execution; the list is planned once, in 0.1 ms.
 */
export async function firstKeysInRanges(
  db: Executor,
  dialect: 'sqlite' | 'postgres',
  branches: readonly { range: KeyRange; limit: number }[],
  places: readonly Place[],
): Promise<KeyHit[]> {
  if (branches.length === 0 || places.length === 0) return [];
  const count = branches.length * places.length;
  const branchOf = (index: number) =>
    branches[Math.floor(index / places.length)] as { range: KeyRange; limit: number };
  const placeOf = (index: number) => places[index % places.length] as Place;
  let found: { branch: number; company_id: string; key: string }[];
  if (dialect === 'postgres') {
    // One shape for all places of a call: all with a city (and country), all with a country, or none.
    const { country, citySearch } = places[0] as Place;
    const all = Array.from({ length: count }, (_, i) => i);
    found = (
      await sql<{ branch: number; company_id: string; key: string }>`
        select (r.i - 1)::int as branch, k.company_id, k.key
        from unnest(${all.map((i) => branchOf(i).range.from)}::text[],
                    ${all.map((i) => branchOf(i).range.to)}::text[],
                    ${all.map((i) => branchOf(i).limit)}::int[],
                    ${all.map((i) => placeOf(i).country ?? '')}::text[],
                    ${all.map((i) => placeOf(i).citySearch ?? '')}::text[])
          with ordinality as r(lo, hi, n, country, city, i)
        cross join lateral (
          select k.company_id, k.key from company_search_keys k
          where k.key >= r.lo collate "C" and k.key < r.hi collate "C"
            ${citySearch ? sql`and k.city_search = r.city` : sql``}
            ${country ? sql`and k.country = r.country` : sql``}
          order by k.key
          limit r.n) k`.execute(db)
    ).rows;
  } else {
    const branchQuery = (index: number) => {
      const { range, limit } = branchOf(index);
      const inner = inPlace(
        db
          .selectFrom('company_search_keys')
          .where('key', '>=', range.from)
          .where('key', '<', range.to) as KeysQuery,
        placeOf(index),
      )
        .select(['company_id', 'key'])
        .orderBy('key')
        .limit(limit);
      return db
        .selectFrom(inner.as(`b${index}`))
        .select([sql<number>`${sql.lit(index)}`.as('branch'), 'company_id', 'key']);
    };
    let query = branchQuery(0);
    for (let i = 1; i < count; i++) query = query.unionAll(branchQuery(i));
    found = await query.execute();
  }
  const rows = found.map((r) => ({
    company_id: r.company_id,
    key: r.key,
    branch: Math.floor(Number(r.branch) / places.length),
    // The text is the key without its tier and band: taken from the key rather than read from the row.
    text: keyText(r.key),
  }));
  if (places.length === 1) return rows;
  // Per range, the first `limit` keys over the places.
  const byBranch = new Map<number, KeyHit[]>();
  for (const row of rows) {
    const list = byBranch.get(row.branch) ?? [];
    list.push(row);
    byBranch.set(row.branch, list);
  }
  return [...byBranch].flatMap(([branch, list]) =>
    list
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, (branches[branch] as { limit: number }).limit),
  );
}

/**
 * The text index holds only the texts below this code point, the first of any CJK script (migration 0012): typo
 * matching never applies to CJK text, whose word starts were more than half of all keys. A probe repeats the
 * index's condition word for word, or neither planner would use it.
 */
const TEXT_INDEXED_BELOW = '\u1100';
const TEXT_INDEX_CONDITION = sql.raw(`k.text < '${TEXT_INDEXED_BELOW}'`);

/**
 * Which of the ranges hold the bare text of at least one key (the typo-tolerant probes: a few hundred narrow
 * ranges, of which a handful hold anything), as positions in `ranges`. One probe of the text index per range,
 * reading at most one entry, whatever the range holds: the ranges are joined as a list (SQLite `json_each`,
 * PostgreSQL `unnest` with a LATERAL probe) — an OR of hundreds of ranges is planned as a scan by SQLite, a
 * plain join as a scan by PostgreSQL. No place filter: the text index does not hold the place, and checking it
 * would read the key's row for every entry of a broad range (`medi…` holds 95,000 keys at 2 million companies).
 * A range of texts that start at or above TEXT_INDEXED_BELOW (a query in a script such as Ethiopic; never one in
 * Latin or Cyrillic) is not in the text index: it is probed in the key index instead, once per tier and size
 * band.
 */
export async function nonEmptyTextRanges(
  db: Executor,
  dialect: 'sqlite' | 'postgres',
  ranges: readonly KeyRange[],
): Promise<number[]> {
  if (ranges.length === 0) return [];
  const indexed: number[] = [];
  const keyRanges: KeyRange[] = [];
  const keyRangeOf: number[] = [];
  ranges.forEach((range, i) => {
    if (range.from < TEXT_INDEXED_BELOW) {
      indexed.push(i);
      return;
    }
    for (const tier of [NAME_START, WORD_START] as const) {
      for (const band of SIZE_BANDS_LARGEST_FIRST) {
        const from = searchKey(tier, band, range.from);
        keyRanges.push({ from, to: prefixUpperBound(from) });
        keyRangeOf.push(i);
      }
    }
  });
  const live = new Set<number>();
  const inText = await probeRanges(
    db,
    dialect,
    'text',
    indexed.map((at) => ranges[at] as KeyRange),
  );
  for (const i of inText) live.add(indexed[i] as number);
  for (const i of await probeRanges(db, dialect, 'key', keyRanges)) live.add(keyRangeOf[i] as number);
  return [...live].sort((a, b) => a - b);
}

/** Which of the ranges of `column` (the text index's texts, or keys) hold anything, as positions. */
async function probeRanges(
  db: Executor,
  dialect: 'sqlite' | 'postgres',
  column: 'text' | 'key',
  ranges: readonly KeyRange[],
): Promise<number[]> {
  if (ranges.length === 0) return [];
  const rows = await rangeProbe(dialect, column, ranges).execute(db);
  return rows.rows.map((r) => Number(r.i));
}

/** The statement of probeRanges (exported for the test of its query plan). */
export function rangeProbe(
  dialect: 'sqlite' | 'postgres',
  column: 'text' | 'key',
  ranges: readonly KeyRange[],
): RawBuilder<{ i: number }> {
  const col = sql.ref(`k.${column}`);
  const condition = column === 'text' ? sql`and ${TEXT_INDEX_CONDITION}` : sql``;
  return dialect === 'sqlite'
    ? sql<{ i: number }>`
        select r.key as i
        from json_each(${JSON.stringify(ranges.map((r) => [r.from, r.to]))}) r
        where exists (
          select 1 from company_search_keys k
          where ${col} >= json_extract(r.value, '$[0]') and ${col} < json_extract(r.value, '$[1]')
            ${condition})`
    : sql<{ i: number }>`
        select (r.i - 1)::int as i
        from unnest(${ranges.map((r) => r.from)}::text[], ${ranges.map((r) => r.to)}::text[])
          with ordinality as r(lo, hi, i)
        cross join lateral (
          select 1 from company_search_keys k
          where ${col} >= r.lo collate "C" and ${col} < r.hi collate "C" ${condition}
          limit 1) k`;
}
