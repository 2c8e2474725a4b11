import type { Insertable } from 'kysely';
import type { Executor } from '../database.ts';
import { likeEscaped } from '../like.ts';
import { preparedQuery } from '../prepared.ts';
import type { CompaniesTable, SolutionsTable } from '../schema.ts';
import { writeSearchKeys } from './company-search.ts';

/** New directory entries and their search keys (call it in a transaction). */
export async function insertCompanies(db: Executor, rows: Insertable<CompaniesTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('companies').values(rows).execute();
  await writeSearchKeys(db, rows.map(searchable), false);
}

const searchable = (row: Insertable<CompaniesTable>) => ({
  id: row.id,
  name_search: row.name_search,
  size: row.size ?? null,
  country: row.country,
  city_search: row.city_search,
});

/** Which of these D-U-N-S numbers the directory already holds. */
export async function existingDuns(db: Executor, duns: readonly string[]): Promise<Set<string>> {
  if (duns.length === 0) return new Set();
  const rows = await db.selectFrom('companies').select('duns').where('duns', 'in', duns).execute();
  return new Set(rows.map((r) => r.duns as string));
}

const companyById = preparedQuery((db, p: { id: string }) =>
  db.selectFrom('companies').selectAll().where('id', '=', p.id),
);
export async function getCompany(db: Executor, id: string) {
  return companyById.first(db, { id });
}

/** Directory entries by id (in no particular order). */
export async function companiesByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('companies').selectAll().where('id', 'in', ids).execute();
}

export async function insertSolutions(db: Executor, rows: Insertable<SolutionsTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('solutions').values(rows).execute();
}

const solutionsWithPublishers = preparedQuery((db, p: { ids: readonly string[] }) =>
  db
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
    .where('s.id', 'in', p.ids),
);
export async function solutionsByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return solutionsWithPublishers.all(db, { ids });
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
