/**
 * An organization's locations (SPEC §2: id, name, country code, city), administered by its partner-admin
 * (vendor: vendor-admin). Names are unique within the organization, case-insensitively. A location that deals,
 * role scopes, solutions or routing rules use cannot be deleted (409 location-in-use): its deals would lose
 * their place and scoped users their reach. Rename it instead. The last location cannot be deleted either
 * (409 last-location): deals are always created for a location.
 */
import type { Actor } from '../access/actor.ts';
import type { Executor } from '../db/database.ts';
import {
  deleteLocation,
  getOrganizationLocation,
  insertLocation,
  locationsOf,
  locationUses,
  updateLocation,
} from '../db/repositories/organizations.ts';
import { locationsInRoleScopes } from '../db/repositories/users.ts';
import { DomainError, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { nowIso, type ServiceContext } from './context.ts';
import { administer, assertOrganizationAdmin, diff } from './org-admin.ts';

export interface LocationOut {
  id: string;
  name: string;
  country: string;
  city: string;
  createdAt: string;
  inUse: boolean;
}

export interface LocationInput {
  name: string;
  country: string;
  city: string;
}

const nameKey = (name: string) => name.trim().toLocaleLowerCase('en');

async function inUse(db: Executor, organizationId: string, locationId: string, scoped: Set<string>) {
  if (scoped.has(locationId)) return true;
  const uses = await locationUses(db, organizationId, locationId);
  return uses.deals || uses.solutions || uses.routingRules;
}

async function assertNameFree(db: Executor, organizationId: string, name: string, except?: string) {
  const taken = (await locationsOf(db, organizationId)).some(
    (l) => l.id !== except && nameKey(l.name) === nameKey(name),
  );
  if (taken) throw new DomainError('location-name-taken', undefined, 'name');
}

export async function listLocations(ctx: ServiceContext, actor: Actor): Promise<{ items: LocationOut[] }> {
  assertOrganizationAdmin(actor);
  const rows = await locationsOf(ctx.db, actor.organizationId);
  const scoped = await locationsInRoleScopes(ctx.db, actor.organizationId);
  const items: LocationOut[] = [];
  for (const row of rows) {
    items.push({
      id: row.id,
      name: row.name,
      country: row.country,
      city: row.city,
      createdAt: row.created_at,
      inUse: await inUse(ctx.db, actor.organizationId, row.id, scoped),
    });
  }
  return { items };
}

export async function createLocation(
  ctx: ServiceContext,
  actor: Actor,
  input: LocationInput,
): Promise<LocationOut> {
  return administer(ctx, actor, async (trx, record) => {
    await assertNameFree(trx, actor.organizationId, input.name);
    const row = {
      id: newId(),
      organization_id: actor.organizationId,
      name: input.name,
      country: input.country,
      city: input.city,
      created_at: nowIso(ctx),
    };
    await insertLocation(trx, row);
    record('location.created', { locationId: row.id, name: row.name, country: row.country, city: row.city });
    return {
      id: row.id,
      name: row.name,
      country: row.country,
      city: row.city,
      createdAt: row.created_at,
      inUse: false,
    };
  });
}

export async function updateOrganizationLocation(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  input: Partial<LocationInput>,
): Promise<LocationOut> {
  return administer(ctx, actor, async (trx, record) => {
    const location = await getOrganizationLocation(trx, actor.organizationId, id);
    if (!location) throw notFound();
    if (input.name !== undefined) await assertNameFree(trx, actor.organizationId, input.name, id);
    const after = {
      name: input.name ?? location.name,
      country: input.country ?? location.country,
      city: input.city ?? location.city,
    };
    const changes = diff({ name: location.name, country: location.country, city: location.city }, after);
    if (Object.keys(changes).length > 0) {
      await updateLocation(
        trx,
        id,
        Object.fromEntries(Object.entries(changes).map(([key, change]) => [key, change.to as string])),
      );
      record('location.updated', { locationId: id, changes });
    }
    const scoped = await locationsInRoleScopes(trx, actor.organizationId);
    return {
      id,
      ...after,
      createdAt: location.created_at,
      inUse: await inUse(trx, actor.organizationId, id, scoped),
    };
  });
}

export async function deleteOrganizationLocation(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
): Promise<void> {
  const refuseInUse = async (db: Executor) => {
    const scoped = await locationsInRoleScopes(db, actor.organizationId);
    if (await inUse(db, actor.organizationId, id, scoped)) throw new DomainError('location-in-use');
  };
  try {
    await administer(ctx, actor, async (trx, record) => {
      const location = await getOrganizationLocation(trx, actor.organizationId, id);
      if (!location) throw notFound();
      if ((await locationsOf(trx, actor.organizationId)).length <= 1) throw new DomainError('last-location');
      await refuseInUse(trx);
      await deleteLocation(trx, id);
      record('location.deleted', {
        locationId: id,
        name: location.name,
        country: location.country,
        city: location.city,
      });
    });
  } catch (error) {
    // A deal created for the location at the same moment: the foreign key refuses the delete.
    if (!(error instanceof DomainError)) await refuseInUse(ctx.db);
    throw error;
  }
}
