import type { Insertable } from 'kysely';
import type { Executor } from '../database.ts';
import { likeEscaped } from '../like.ts';
import type { LocationsTable, OrganizationsTable, TenantsTable } from '../schema.ts';

export async function insertOrganization(db: Executor, row: Insertable<OrganizationsTable>): Promise<void> {
  await db.insertInto('organizations').values(row).execute();
}
export async function insertLocation(db: Executor, row: Insertable<LocationsTable>): Promise<void> {
  await db.insertInto('locations').values(row).execute();
}
export async function insertTenant(db: Executor, row: Insertable<TenantsTable>): Promise<void> {
  await db.insertInto('tenants').values(row).execute();
}

export async function getOrganization(db: Executor, id: string) {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getVendor(db: Executor) {
  return db.selectFrom('organizations').selectAll().where('kind', '=', 'vendor').executeTakeFirst();
}

export async function organizationsByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('organizations').selectAll().where('id', 'in', ids).execute();
}

/** Locations of an organization, oldest first (the first is its default location). */
export async function locationsOf(db: Executor, organizationId: string) {
  return db
    .selectFrom('locations')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function getLocation(db: Executor, id: string) {
  return db.selectFrom('locations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function tenantsOf(db: Executor, organizationId: string) {
  return db
    .selectFrom('tenants')
    .select(['id', 'domain', 'name'])
    .where('organization_id', '=', organizationId)
    .orderBy('created_at')
    .execute();
}

export async function searchPartners(
  db: Executor,
  options: { excludeId: string; escapedPattern: string | null; limit: number },
) {
  let query = db
    .selectFrom('organizations')
    .select(['id', 'name', 'partner_id'])
    .where('kind', '=', 'partner')
    .where('co_sell_ready', '=', 1)
    .where('id', '!=', options.excludeId);
  if (options.escapedPattern) {
    const pattern = options.escapedPattern;
    query = query.where((eb) => likeEscaped(eb.fn('lower', ['name']), pattern));
  }
  return query.orderBy('name').orderBy('id').limit(options.limit).execute();
}
