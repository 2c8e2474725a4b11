/**
 * The sign-in tenants (identity domains) linked to an organization (SPEC §2). Everything visible to the
 * organization is visible from each of them; `GET /me` says which one the caller is in. Linking a domain that
 * any organization already has is refused (409 tenant-already-linked, the same answer whichever organization
 * it is). Unlinking is refused for the caller's own tenant (409 current-tenant), for the last one (409
 * last-tenant) and while active users sign in through it (409 tenant-in-use): they would be left in a tenant
 * that leads nowhere, the seeds' "I got a notification but can't find the referral". Disabled users of an
 * unlinked tenant are left without one.
 */
import type { Actor } from '../access/actor.ts';
import {
  deleteTenant,
  findTenantByDomain,
  insertTenant,
  tenantRowsOf,
} from '../db/repositories/organizations.ts';
import {
  activeUsersPerTenant,
  detachUsersFromTenant,
  getOrganizationUser,
} from '../db/repositories/users.ts';
import { DomainError, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { nowIso, type ServiceContext } from './context.ts';
import { administer, assertOrganizationAdmin } from './org-admin.ts';

export interface TenantOut {
  id: string;
  domain: string;
  name: string;
  createdAt: string;
  current: boolean;
  activeUsers: number;
}

async function callerTenant(ctx: ServiceContext, actor: Actor): Promise<string | null> {
  return (await getOrganizationUser(ctx.db, actor.organizationId, actor.userId))?.tenant_id ?? null;
}

export async function listTenants(ctx: ServiceContext, actor: Actor): Promise<{ items: TenantOut[] }> {
  assertOrganizationAdmin(actor);
  const rows = await tenantRowsOf(ctx.db, actor.organizationId);
  const users = await activeUsersPerTenant(ctx.db, actor.organizationId);
  const current = await callerTenant(ctx, actor);
  return {
    items: rows.map((row) => ({
      id: row.id,
      domain: row.domain,
      name: row.name,
      createdAt: row.created_at,
      current: row.id === current,
      activeUsers: users.get(row.id) ?? 0,
    })),
  };
}

export async function linkTenant(
  ctx: ServiceContext,
  actor: Actor,
  input: { domain: string; name?: string | undefined },
): Promise<TenantOut> {
  assertOrganizationAdmin(actor);
  try {
    return await administer(ctx, actor, async (trx, record) => {
      if (await findTenantByDomain(trx, input.domain)) {
        throw new DomainError('tenant-already-linked', undefined, 'domain');
      }
      const row = {
        id: newId(),
        organization_id: actor.organizationId,
        domain: input.domain,
        name: input.name ?? input.domain,
        created_at: nowIso(ctx),
      };
      await insertTenant(trx, row);
      record('tenant.linked', { tenantId: row.id, domain: row.domain, name: row.name });
      return {
        id: row.id,
        domain: row.domain,
        name: row.name,
        createdAt: row.created_at,
        current: false,
        activeUsers: 0,
      };
    });
  } catch (error) {
    // The same domain linked by two organizations at once: the unique key refuses the second.
    if (!(error instanceof DomainError) && (await findTenantByDomain(ctx.db, input.domain))) {
      throw new DomainError('tenant-already-linked', undefined, 'domain');
    }
    throw error;
  }
}

export async function unlinkTenant(ctx: ServiceContext, actor: Actor, id: string): Promise<void> {
  await administer(ctx, actor, async (trx, record) => {
    const tenants = await tenantRowsOf(trx, actor.organizationId);
    const tenant = tenants.find((t) => t.id === id);
    if (!tenant) throw notFound();
    const own = await getOrganizationUser(trx, actor.organizationId, actor.userId);
    if (own?.tenant_id === id) throw new DomainError('current-tenant');
    if (tenants.length <= 1) throw new DomainError('last-tenant');
    const users = (await activeUsersPerTenant(trx, actor.organizationId)).get(id) ?? 0;
    if (users > 0) {
      throw new DomainError(
        'tenant-in-use',
        `${users} active ${users === 1 ? 'user signs' : 'users sign'} in through this tenant; move them to another tenant or disable them first.`,
      );
    }
    await detachUsersFromTenant(trx, id);
    await deleteTenant(trx, id);
    record('tenant.unlinked', { tenantId: id, domain: tenant.domain, name: tenant.name });
  });
}
