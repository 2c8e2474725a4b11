/**
 * An organization's users and their roles (SPEC §2), administered by its partner-admin (vendor: vendor-admin).
 *
 * - Roles come from core/lifecycle.ts and must fit the organization's kind; referrals-admin and referrals-user
 *   take the entire company or a set of the organization's own locations as their scope, every other role is
 *   company-wide.
 * - A user is created with a password: the one the admin gives, or a generated one returned once.
 * - Disabling a user ends their sessions; while disabled, neither sign-in nor their API tokens work (the
 *   caller is resolved on every request, server/services/auth.ts). Enabling them again makes their API tokens
 *   work again; sessions do not come back.
 * - The organization keeps at least one active admin (409 last-admin), and nobody disables themselves or
 *   resets their own password here (409 own-account).
 * - A user is deleted only once disabled (409 user-active): their grants, sessions, tokens, favorites and
 *   notifications go, their e-mail address is free again; notes and activity keep their name.
 */
import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../../core/lifecycle.ts';
import type { RoleGrantInput } from '../../core/schemas.ts';
import { escapeLike } from '../../core/text.ts';
import { type Actor, emailKey } from '../access/actor.ts';
import { ADMIN_ROLE, rolesOfKind, takesLocationScope } from '../access/admin.ts';
import type { Executor } from '../db/database.ts';
import { locationsOf, tenantRowsOf } from '../db/repositories/organizations.ts';
import {
  countActiveHolders,
  deleteUser,
  findUserByEmail,
  getOrganizationUser,
  insertRoles,
  insertUser,
  organizationUsers,
  replaceRoles,
  revokeSessionsOf,
  rolesOfUsers,
  updateUser,
} from '../db/repositories/users.ts';
import type { UsersTable } from '../db/schema.ts';
import { DomainError, invalid, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { nowIso, type ServiceContext } from './context.ts';
import { encodeCursor, invalidCursor, readCursor } from './cursor.ts';
import { administer, assertOrganizationAdmin, diff } from './org-admin.ts';
import { hashPassword } from './passwords.ts';

export interface RoleGrantOut {
  role: Role;
  scope: 'company' | { locationIds: string[] };
}

export interface OrganizationUserOut {
  id: string;
  name: string;
  email: string;
  locale: string;
  tenant: { id: string; domain: string; name: string } | null;
  roles: RoleGrantOut[];
  disabled: boolean;
  disabledAt: string | null;
  createdAt: string;
}

type UserRow = Pick<
  UsersTable,
  'id' | 'name' | 'email' | 'locale' | 'tenant_id' | 'disabled_at' | 'created_at' | 'organization_id'
>;
type RoleRow = { user_id: string; role: string; location_id: string | null };

/** Role rows as grants: one per role, in the order of ROLES; location ids sorted. */
function grantsOf(rows: readonly RoleRow[]): RoleGrantOut[] {
  const byRole = new Map<string, string[] | null>();
  for (const row of rows) {
    const existing = byRole.get(row.role);
    if (row.location_id === null || existing === null) byRole.set(row.role, null);
    else byRole.set(row.role, [...(existing ?? []), row.location_id]);
  }
  return ROLES.filter((role) => byRole.has(role)).map((role) => {
    const ids = byRole.get(role);
    return { role, scope: ids ? { locationIds: [...new Set(ids)].sort() } : ('company' as const) };
  });
}

async function present(db: Executor, users: readonly UserRow[]): Promise<OrganizationUserOut[]> {
  const first = users[0];
  if (!first) return [];
  const roles = await rolesOfUsers(
    db,
    users.map((u) => u.id),
  );
  const tenants = new Map(
    (await tenantRowsOf(db, first.organization_id)).map((t) => [
      t.id,
      { id: t.id, domain: t.domain, name: t.name },
    ]),
  );
  return users.map((user) => ({
    id: user.id,
    name: user.name,
    email: user.email,
    locale: user.locale,
    tenant: user.tenant_id ? (tenants.get(user.tenant_id) ?? null) : null,
    roles: grantsOf(roles.filter((r) => r.user_id === user.id)),
    disabled: user.disabled_at !== null,
    disabledAt: user.disabled_at,
    createdAt: user.created_at,
  }));
}

async function presentOne(db: Executor, user: UserRow): Promise<OrganizationUserOut> {
  const [out] = await present(db, [user]);
  if (!out) throw new Error('presenting a user gave nothing');
  return out;
}

/**
 * The grants checked against the organization: roles of its kind, each once, location scopes only for the
 * roles that take them and only of its own locations (400 at the offending field). Returns the role rows.
 */
async function checkGrants(
  db: Executor,
  actor: Actor,
  userId: string,
  grants: readonly RoleGrantInput[],
): Promise<{ id: string; user_id: string; role: Role; location_id: string | null }[]> {
  const allowed = rolesOfKind(actor.organizationKind);
  const own = new Set((await locationsOf(db, actor.organizationId)).map((l) => l.id));
  const seen = new Set<Role>();
  const rows: { id: string; user_id: string; role: Role; location_id: string | null }[] = [];
  for (const [i, grant] of grants.entries()) {
    if (!allowed.includes(grant.role)) {
      throw invalid(
        `roles.${i}.role`,
        `A user of a ${actor.organizationKind} organization can hold only ${allowed.join(', ')}.`,
      );
    }
    if (seen.has(grant.role)) {
      throw invalid(
        `roles.${i}.role`,
        'Each role at most once; give it several locations in its scope instead.',
      );
    }
    seen.add(grant.role);
    if (grant.scope === 'company') {
      rows.push({ id: newId(), user_id: userId, role: grant.role, location_id: null });
      continue;
    }
    if (!takesLocationScope(grant.role)) {
      throw invalid(`roles.${i}.scope`, `${grant.role} is company-wide only: its scope is "company".`);
    }
    const ids = [...new Set(grant.scope.locationIds)];
    for (const [j, id] of grant.scope.locationIds.entries()) {
      if (!own.has(id))
        throw invalid(`roles.${i}.scope.locationIds.${j}`, 'No such location of your organization.');
    }
    for (const id of ids) rows.push({ id: newId(), user_id: userId, role: grant.role, location_id: id });
  }
  return rows;
}

async function checkTenant(db: Executor, actor: Actor, tenantId: string | null): Promise<string | null> {
  if (tenantId === null) return null;
  const tenants = await tenantRowsOf(db, actor.organizationId);
  if (!tenants.some((t) => t.id === tenantId))
    throw invalid('tenantId', 'No such tenant of your organization.');
  return tenantId;
}

/** A password to hand over once: 16 characters of base64url (96 random bits). */
const generatedPassword = () => randomBytes(12).toString('base64url');

// ---------------------------------------------------------------- reads

export async function listUsers(
  ctx: ServiceContext,
  actor: Actor,
  query: { limit: number; cursor?: string | undefined; q?: string | undefined },
): Promise<{ items: OrganizationUserOut[]; nextCursor: string | null }> {
  assertOrganizationAdmin(actor);
  let after: { name: string; id: string } | undefined;
  if (query.cursor) {
    const fields = readCursor(query.cursor);
    if (typeof fields.n !== 'string' || typeof fields.i !== 'string') throw invalidCursor();
    after = { name: fields.n, id: fields.i };
  }
  const rows = await organizationUsers(ctx.db, actor.organizationId, {
    limit: query.limit + 1,
    after,
    pattern: query.q ? `%${escapeLike(query.q.toLowerCase())}%` : undefined,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: await present(ctx.db, page),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ n: last.name, i: last.id }) : null,
  };
}

export async function getUser(ctx: ServiceContext, actor: Actor, id: string): Promise<OrganizationUserOut> {
  assertOrganizationAdmin(actor);
  const user = await getOrganizationUser(ctx.db, actor.organizationId, id);
  if (!user) throw notFound();
  return presentOne(ctx.db, user);
}

// ---------------------------------------------------------------- changes

export interface CreateUserInput {
  name: string;
  email: string;
  locale: string;
  tenantId?: string | null | undefined;
  roles: RoleGrantInput[];
  password?: string | undefined;
}

export async function createUser(
  ctx: ServiceContext,
  actor: Actor,
  input: CreateUserInput,
): Promise<OrganizationUserOut & { initialPassword: string | null }> {
  assertOrganizationAdmin(actor);
  const email = emailKey(input.email);
  const id = newId();
  const check = async (db: Executor) => {
    if (await findUserByEmail(db, email)) throw new DomainError('user-exists', undefined, 'email');
    let tenantId: string | null;
    if (input.tenantId !== undefined) tenantId = await checkTenant(db, actor, input.tenantId);
    else {
      const own = await getOrganizationUser(db, actor.organizationId, actor.userId);
      tenantId = own?.tenant_id ?? (await tenantRowsOf(db, actor.organizationId))[0]?.id ?? null;
    }
    return { tenantId, roles: await checkGrants(db, actor, id, input.roles) };
  };
  // Hashing costs a third of a second: only for input that looks good, and never inside the transaction
  // (which checks it all again).
  await check(ctx.db);
  const password = input.password ?? generatedPassword();
  const passwordHash = await hashPassword(password);
  try {
    const user = await administer(ctx, actor, async (trx, record) => {
      const { tenantId, roles } = await check(trx);
      const row = {
        id,
        organization_id: actor.organizationId,
        tenant_id: tenantId,
        name: input.name,
        email,
        password_hash: passwordHash,
        locale: input.locale,
        created_at: nowIso(ctx),
        disabled_at: null,
      };
      await insertUser(trx, row);
      await insertRoles(trx, roles);
      const out = await presentOne(trx, row);
      record('user.created', {
        userId: id,
        email,
        name: input.name,
        tenantId,
        roles: out.roles,
      });
      return out;
    });
    return { ...user, initialPassword: input.password === undefined ? password : null };
  } catch (error) {
    // Two admins creating the same e-mail at once: the unique key refuses the second.
    if (!(error instanceof DomainError) && (await findUserByEmail(ctx.db, email))) {
      throw new DomainError('user-exists', undefined, 'email');
    }
    throw error;
  }
}

export interface UpdateUserInput {
  name?: string | undefined;
  locale?: string | undefined;
  tenantId?: string | null | undefined;
  roles?: RoleGrantInput[] | undefined;
  disabled?: boolean | undefined;
}

export async function updateOrganizationUser(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  input: UpdateUserInput,
): Promise<OrganizationUserOut> {
  return administer(ctx, actor, async (trx, record) => {
    const user = await getOrganizationUser(trx, actor.organizationId, id);
    if (!user) throw notFound();
    const self = user.id === actor.userId;
    if (input.disabled === true && self && user.disabled_at === null) throw new DomainError('own-account');
    const before = await presentOne(trx, user);
    const tenantId =
      input.tenantId !== undefined ? await checkTenant(trx, actor, input.tenantId) : user.tenant_id;
    const roleRows = input.roles ? await checkGrants(trx, actor, id, input.roles) : null;

    // The organization keeps an active admin: the target stops being one only if someone else still is.
    const adminRole = ADMIN_ROLE[actor.organizationKind];
    const wasAdmin = user.disabled_at === null && before.roles.some((g) => g.role === adminRole);
    const disabledAfter = input.disabled ?? user.disabled_at !== null;
    const adminAfter = roleRows
      ? roleRows.some((r) => r.role === adminRole)
      : before.roles.some((g) => g.role === adminRole);
    if (wasAdmin && (disabledAfter || !adminAfter)) {
      if ((await countActiveHolders(trx, actor.organizationId, adminRole, id)) === 0) {
        throw new DomainError('last-admin', undefined, disabledAfter ? 'disabled' : 'roles');
      }
    }

    const now = nowIso(ctx);
    const fields: Parameters<typeof updateUser>[2] = {};
    if (input.name !== undefined && input.name !== user.name) fields.name = input.name;
    if (input.locale !== undefined && input.locale !== user.locale) fields.locale = input.locale;
    if (tenantId !== user.tenant_id) fields.tenant_id = tenantId;
    if (disabledAfter !== (user.disabled_at !== null)) fields.disabled_at = disabledAfter ? now : null;
    await updateUser(trx, id, fields);
    if (roleRows) await replaceRoles(trx, id, roleRows);
    if (fields.disabled_at) await revokeSessionsOf(trx, id, now);

    const after = await presentOne(trx, { ...user, ...fields });
    const changes = diff(
      {
        name: before.name,
        locale: before.locale,
        tenantId: before.tenant?.id ?? null,
        roles: before.roles,
        disabled: before.disabled,
      },
      {
        name: after.name,
        locale: after.locale,
        tenantId: after.tenant?.id ?? null,
        roles: after.roles,
        disabled: after.disabled,
      },
    );
    if (Object.keys(changes).length > 0) record('user.updated', { userId: id, changes });
    return after;
  });
}

/**
 * Deletes a disabled user of the organization (docs/ORGANIZATION.md "Deleting"): not yourself (409 own-account),
 * not an active one (409 user-active: disabling first ends their access and is undone easily, deleting is not).
 * The audit event keeps who it was.
 */
export async function deleteOrganizationUser(ctx: ServiceContext, actor: Actor, id: string): Promise<void> {
  await administer(ctx, actor, async (trx, record) => {
    const user = await getOrganizationUser(trx, actor.organizationId, id);
    if (!user) throw notFound();
    if (user.id === actor.userId) throw new DomainError('own-account');
    if (user.disabled_at === null) throw new DomainError('user-active');
    await deleteUser(trx, id);
    record('user.deleted', { userId: id, email: user.email, name: user.name });
  });
}

/** A new generated password for another user of the organization, returned once; their sessions end. */
export async function resetPassword(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
): Promise<{ initialPassword: string }> {
  assertOrganizationAdmin(actor);
  if (!(await getOrganizationUser(ctx.db, actor.organizationId, id))) throw notFound();
  if (id === actor.userId) throw new DomainError('own-account');
  const password = generatedPassword();
  const passwordHash = await hashPassword(password);
  await administer(ctx, actor, async (trx, record) => {
    if (!(await getOrganizationUser(trx, actor.organizationId, id))) throw notFound();
    await updateUser(trx, id, { password_hash: passwordHash });
    await revokeSessionsOf(trx, id, nowIso(ctx));
    record('user.password-reset', { userId: id });
  });
  return { initialPassword: password };
}
