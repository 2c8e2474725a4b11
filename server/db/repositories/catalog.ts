import type { Insertable } from 'kysely';
import type { Executor } from '../database.ts';
import { likeEscaped } from '../like.ts';
import type { CompaniesTable, SolutionsTable } from '../schema.ts';

export async function insertCompanies(db: Executor, rows: Insertable<CompaniesTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('companies').values(rows).execute();
}
export async function getCompany(db: Executor, id: string) {
  return db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Prefix search on the normalized name, optionally within a country and city. */
export async function searchCompanies(
  db: Executor,
  options: { escapedPrefix: string; country?: string; citySearch?: string; limit: number },
) {
  let query = db
    .selectFrom('companies')
    .selectAll()
    .where((eb) => likeEscaped(eb.ref('name_search'), `${options.escapedPrefix}%`));
  if (options.country) query = query.where('country', '=', options.country);
  if (options.citySearch) query = query.where('city_search', '=', options.citySearch);
  return query.orderBy('name_search').orderBy('id').limit(options.limit).execute();
}

export async function insertSolutions(db: Executor, rows: Insertable<SolutionsTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('solutions').values(rows).execute();
}

export async function solutionsByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('solutions as s')
    .innerJoin('organizations as o', 'o.id', 's.organization_id')
    .select([
      's.id',
      's.name',
      's.kind',
      's.offer_type',
      's.co_sell_ready',
      's.incentive_eligible',
      's.organization_id',
      's.location_id',
      'o.kind as publisher_kind',
      'o.name as publisher_name',
    ])
    .where('s.id', 'in', ids)
    .execute();
}

export type SolutionGroup = 'mine' | 'vendor' | 'partners' | 'assessments';

export async function searchSolutions(
  db: Executor,
  options: {
    group: SolutionGroup;
    organizationId: string;
    vendorId: string;
    escapedPattern: string | null;
    limit: number;
  },
) {
  let query = db
    .selectFrom('solutions as s')
    .innerJoin('organizations as o', 'o.id', 's.organization_id')
    .select([
      's.id',
      's.name',
      's.kind',
      's.offer_type',
      's.co_sell_ready',
      's.incentive_eligible',
      's.organization_id',
      'o.name as publisher_name',
    ]);
  switch (options.group) {
    case 'mine':
      query = query.where('s.organization_id', '=', options.organizationId).where('s.kind', '=', 'product');
      break;
    case 'vendor':
      query = query.where('s.organization_id', '=', options.vendorId).where('s.kind', '=', 'product');
      break;
    case 'partners':
      query = query
        .where('o.kind', '=', 'partner')
        .where('s.organization_id', '!=', options.organizationId)
        .where('s.kind', '=', 'product')
        .where('s.co_sell_ready', '=', 1);
      break;
    case 'assessments':
      query = query.where('s.organization_id', '=', options.vendorId).where('s.kind', '=', 'assessment');
      break;
  }
  if (options.escapedPattern) {
    const pattern = options.escapedPattern;
    query = query.where((eb) => likeEscaped(eb.ref('s.name_search'), pattern));
  }
  return query.orderBy('s.name_search').orderBy('s.id').limit(options.limit).execute();
}
