/**
 * Organizations, their locations and their tenants. Every write to `tenants` goes through this file (and every
 * write to users, roles and tokens through users.ts), so a cache of callers has one place to hook.
 */
import type { Insertable, Updateable } from 'kysely';
import type { Dialect, Executor } from '../database.ts';
import { likeEscaped } from '../like.ts';
import { preparedQuery } from '../prepared.ts';
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

const organizationById = preparedQuery((db, p: { id: string }) =>
  db.selectFrom('organizations').selectAll().where('id', '=', p.id),
);
export async function getOrganization(db: Executor, id: string) {
  return organizationById.first(db, { id });
}

const vendorOrganization = preparedQuery((db) =>
  db.selectFrom('organizations').selectAll().where('kind', '=', 'vendor'),
);
export async function getVendor(db: Executor) {
  return vendorOrganization.first(db, {});
}

export async function organizationsByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('organizations').selectAll().where('id', 'in', ids).execute();
}

/** Locations of an organization, oldest first (the first is its default location). */
const locationsOfOrganization = preparedQuery((db, p: { organizationId: string }) =>
  db
    .selectFrom('locations')
    .selectAll()
    .where('organization_id', '=', p.organizationId)
    .orderBy('created_at')
    .orderBy('id'),
);
export async function locationsOf(db: Executor, organizationId: string) {
  return locationsOfOrganization.all(db, { organizationId });
}

const locationById = preparedQuery((db, p: { id: string }) =>
  db.selectFrom('locations').selectAll().where('id', '=', p.id),
);
export async function getLocation(db: Executor, id: string) {
  return locationById.first(db, { id });
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

// ---------------------------------------------------------------- administration of an organization

/**
 * Serializes the organization's administrative changes (users, roles, locations, tenants) until the
 * transaction ends: on PostgreSQL a row lock on the organization; on SQLite transactions already run one at a
 * time (db/group-commit.ts).
 */
export async function lockOrganization(
  db: Executor,
  dialect: Dialect,
  organizationId: string,
): Promise<void> {
  if (dialect !== 'postgres') return;
  await db.selectFrom('organizations').select('id').where('id', '=', organizationId).forUpdate().execute();
}

export async function getOrganizationLocation(db: Executor, organizationId: string, id: string) {
  return db
    .selectFrom('locations')
    .selectAll()
    .where('id', '=', id)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
}

export async function updateLocation(
  db: Executor,
  id: string,
  changes: Pick<Updateable<LocationsTable>, 'name' | 'country' | 'city'>,
): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('locations').set(changes).where('id', '=', id).execute();
}

export async function deleteLocation(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('locations').where('id', '=', id).execute();
}

/** What uses a location besides role scopes (users.ts): deals, solutions, routing rules. */
export async function locationUses(db: Executor, organizationId: string, locationId: string) {
  const exists = async (query: { executeTakeFirst(): Promise<unknown> }) =>
    (await query.executeTakeFirst()) !== undefined;
  return {
    // participants_view_location_* lead with (organization_id, location_id).
    deals: await exists(
      db
        .selectFrom('participants')
        .select('id')
        .where('organization_id', '=', organizationId)
        .where('location_id', '=', locationId)
        .limit(1),
    ),
    solutions: await exists(
      db
        .selectFrom('solutions')
        .select('id')
        .where('organization_id', '=', organizationId)
        .where('location_id', '=', locationId)
        .limit(1),
    ),
    routingRules: await exists(
      db
        .selectFrom('routing_rules')
        .select('id')
        .where('organization_id', '=', organizationId)
        .where('location_id', '=', locationId)
        .limit(1),
    ),
  };
}

/** Tenants of the organization with their creation time, oldest first. */
export async function tenantRowsOf(db: Executor, organizationId: string) {
  return db
    .selectFrom('tenants')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findTenantByDomain(db: Executor, domain: string) {
  return db
    .selectFrom('tenants')
    .select(['id', 'organization_id'])
    .where('domain', '=', domain)
    .executeTakeFirst();
}

export async function deleteTenant(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('tenants').where('id', '=', id).execute();
}
