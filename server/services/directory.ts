/**
 * Look-ups for the deal form: customer directory suggestions, attachable solutions, partners to invite.
 */
import {
  compareHits,
  EXACT,
  type Exactness,
  exactnessOf,
  NAME_START,
  PARTIAL,
  prefixUpperBound,
  rankHits,
  type SearchHit,
  SIZE_BANDS_LARGEST_FIRST,
  type SizeBand,
  searchKey,
  searchQuery,
  typoPrefixes,
  WHOLE_WORDS,
  WORD_START,
} from '../../core/company-search.ts';
import { escapeLike, normalizeForSearch } from '../../core/text.ts';
import type { Actor } from '../access/actor.ts';
import { companiesByIds, type SolutionGroup, searchSolutions } from '../db/repositories/catalog.ts';
import {
  countriesOfCity,
  firstKeysInRanges,
  type KeyHit,
  nonEmptyTextRanges,
  type Place,
} from '../db/repositories/company-search.ts';
import { getOrganization, getVendor, searchPartners } from '../db/repositories/organizations.ts';
import type { ServiceContext } from './context.ts';

/**
 * Ranges per statement of bestInGroups: SQLite compounds at most 500 SELECTs in one statement, and a typo
 * query with many live variants asks for more.
 */
const RANGES_PER_STATEMENT = 200;

/** One ordered probe: the keys of one tier and size band that start with `prefix`. */
interface Group {
  tier: 0 | 1 | 2;
  keyTier: typeof NAME_START | typeof WORD_START;
  band: SizeBand;
  prefix: string;
}

const bandOf = (key: string) => Number(key[1]) as SizeBand;

/**
 * The best `limit` hits whose key starts with one of the groups' prefixes. Each group is read in key order,
 * which within one tier and band is the ranking order (exact, then whole words, then partial — a space sorts
 * before every letter — then text), so a group's rows can rank no better than its first `limit` ones. A group
 * whose read was cut is read again, further, while its last row still ranks inside the best `limit`.
 */
async function bestInGroups(
  ctx: ServiceContext,
  groups: readonly Group[],
  places: readonly Place[],
  limit: number,
  hitOf: (group: Group, row: KeyHit) => SearchHit,
): Promise<SearchHit[]> {
  const fetched: SearchHit[][] = groups.map(() => []);
  let pending = groups.map((_, index) => ({ index, limit }));
  for (;;) {
    const byBranch = new Map<number, SearchHit[]>();
    for (let from = 0; from < pending.length; from += RANGES_PER_STATEMENT) {
      const part = pending.slice(from, from + RANGES_PER_STATEMENT);
      const rows = await firstKeysInRanges(
        ctx.db,
        ctx.dialect,
        part.map(({ index, limit: n }) => {
          const prefix = searchKey(
            (groups[index] as Group).keyTier,
            (groups[index] as Group).band,
            (groups[index] as Group).prefix,
          );
          return { range: { from: prefix, to: prefixUpperBound(prefix) }, limit: n };
        }),
        places,
      );
      for (const row of rows) {
        const { index } = part[row.branch] as { index: number };
        const list = byBranch.get(index) ?? [];
        list.push(hitOf(groups[index] as Group, row));
        byBranch.set(index, list);
      }
    }
    const cut: { index: number; limit: number }[] = [];
    for (const { index, limit: n } of pending) {
      const list = byBranch.get(index) ?? [];
      fetched[index] = list;
      if (list.length === n) cut.push({ index, limit: n * 4 });
    }
    const best = rankHits(fetched.flat(), limit);
    const last = best.length === limit ? best[limit - 1] : undefined;
    // A cut group can still matter only if its last row read ranks before the current last of the best.
    pending = cut.filter(({ index }) => {
      const tail = (fetched[index] as SearchHit[]).at(-1) as SearchHit;
      return !last || compareHits(tail, last) < 0;
    });
    if (pending.length === 0) return best;
  }
}

/**
 * Customer directory suggestions (SPEC §3, docs/DIRECTORY.md): the `limit` best matches of the name, ranked
 * by core/company-search.ts: prefix of the name, then prefix of a later word, then one typo away; within each,
 * exact before whole words before partial, then the larger company first.
 */
export async function suggestCompanies(
  ctx: ServiceContext,
  query: { q: string; country?: string | undefined; city?: string | undefined; limit: number },
) {
  const q = searchQuery(query.q);
  // Fewer than 2 characters (1 in CJK) says too little to suggest anything.
  if (!q) return { items: [] };
  const citySearch = query.city ? normalizeForSearch(query.city) : undefined;
  // A city is read with its country: given, or each country that has a city of that name.
  const places: Place[] = citySearch
    ? (query.country ? [query.country] : await countriesOfCity(ctx.db, citySearch)).map((country) => ({
        country,
        citySearch,
      }))
    : [{ country: query.country }];
  if (places.length === 0) return { items: [] };
  const limit = query.limit;
  const groups: Group[] = [];
  for (const [tier, keyTier] of [
    [0, NAME_START],
    [1, WORD_START],
  ] as const) {
    for (const band of SIZE_BANDS_LARGEST_FIRST) groups.push({ tier, keyTier, band, prefix: q });
  }
  let hits = await bestInGroups(ctx, groups, places, limit, (group, row) => ({
    companyId: row.company_id,
    tier: group.tier,
    exactness: exactnessOf(row.text, q),
    band: bandOf(row.key),
    text: row.text,
  }));
  if (hits.length < limit) hits = rankHits([...hits, ...(await typoHits(ctx, q, places, limit))], limit);

  const companies = new Map(
    (
      await companiesByIds(
        ctx.db,
        hits.map((h) => h.companyId),
      )
    ).map((c) => [c.id, c]),
  );
  return {
    items: hits.flatMap((hit) => {
      const c = companies.get(hit.companyId);
      if (!c) return [];
      return [
        {
          id: c.id,
          name: c.name,
          duns: c.duns,
          address: {
            addressLine1: c.address_line1,
            city: c.city,
            region: c.region,
            postalCode: c.postal_code,
            country: c.country,
          },
          website: c.website,
          size: c.size,
          industry: c.industry,
        },
      ];
    }),
  };
}

/**
 * Typo-tolerant matches: keys that start with a string one edit from the query (a few hundred variants). Most
 * variants start no key at all (`kxst`); a few start very many (`medi…` for `meid`). So first one probe of the
 * text index per variant of four characters or more tells which start anything (three-character variants,
 * from four-letter queries, always do); then those are read like the exact tiers: per variant, tier and size
 * band, the first keys in key order in the place's index, which within one variant is the ranking order.
 * The work is bounded by the number of live variants, not by how many keys they start, with a place filter
 * as without one.
 */
async function typoHits(
  ctx: ServiceContext,
  q: string,
  places: readonly Place[],
  limit: number,
): Promise<SearchHit[]> {
  const variants = typoPrefixes(q);
  if (variants.length === 0) return [];
  const known = new Set(variants);
  const exactness = (text: string): Exactness => {
    if (known.has(text)) return EXACT;
    for (let i = text.indexOf(' '); i > 0; i = text.indexOf(' ', i + 1))
      if (known.has(text.slice(0, i))) return WHOLE_WORDS;
    return PARTIAL;
  };
  const short = variants.filter((v) => v.length <= 3);
  const long = variants.filter((v) => v.length > 3);
  const live = await nonEmptyTextRanges(
    ctx.db,
    ctx.dialect,
    long.map((v) => ({ from: v, to: prefixUpperBound(v) })),
  );
  const groups: Group[] = [];
  for (const prefix of [...short, ...live.map((i) => long[i] as string)]) {
    for (const keyTier of [NAME_START, WORD_START] as const) {
      for (const band of SIZE_BANDS_LARGEST_FIRST) groups.push({ tier: 2, keyTier, band, prefix });
    }
  }
  return bestInGroups(ctx, groups, places, limit, (_group, row) => ({
    companyId: row.company_id,
    tier: 2,
    exactness: exactness(row.text),
    band: bandOf(row.key),
    text: row.text,
  }));
}

export async function listSolutions(
  ctx: ServiceContext,
  actor: Actor,
  query: { kind: SolutionGroup; q?: string | undefined; limit: number },
) {
  const vendor = await getVendor(ctx.db);
  const organization = await getOrganization(ctx.db, actor.organizationId);
  // Assessment types are offered only to assessment-approved partners (SPEC §4, §8).
  if (query.kind === 'assessments' && organization?.assessment_approved !== 1) return { items: [] };
  const rows = await searchSolutions(ctx.db, {
    group: query.kind,
    organizationId: actor.organizationId,
    vendorId: vendor?.id ?? '',
    escapedPattern: query.q ? `%${escapeLike(normalizeForSearch(query.q))}%` : null,
    limit: query.limit,
  });
  return {
    items: rows.map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      offerType: s.offer_type,
      coSellReady: s.co_sell_ready === 1,
      incentiveEligible: s.incentive_eligible === 1,
      publisher: { id: s.organization_id, name: s.publisher_name },
    })),
  };
}

export async function listPartners(
  ctx: ServiceContext,
  actor: Actor,
  query: { q?: string | undefined; limit: number },
) {
  const rows = await searchPartners(ctx.db, {
    excludeId: actor.organizationId,
    escapedPattern: query.q ? `%${escapeLike(query.q.toLowerCase())}%` : null,
    limit: query.limit,
  });
  return { items: rows.map((p) => ({ id: p.id, name: p.name, partnerId: p.partner_id })) };
}
