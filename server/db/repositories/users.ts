/**
 * Users, their role grants, sessions and API tokens. Every write to `users`, `user_roles` and `api_tokens` goes
 * through a function of this file (and every write to `tenants` through organizations.ts), so a cache of
 * callers (server/services/auth.ts) has one place to be told that a user, their roles or a token changed.
 */
import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../database.ts';
import { likeEscaped } from '../like.ts';
import { preparedQuery } from '../prepared.ts';
import type { ApiTokensTable, SessionsTable, UserRolesTable, UsersTable } from '../schema.ts';

export async function insertUser(db: Executor, row: Insertable<UsersTable>): Promise<void> {
  await db.insertInto('users').values(row).execute();
}
export async function insertRoles(db: Executor, rows: Insertable<UserRolesTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('user_roles').values(rows).execute();
}

export async function findUserByEmail(db: Executor, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

/** The user and organization columns an Actor is made of. */
const ACTOR_COLUMNS = [
  'u.id',
  'u.name',
  'u.email',
  'u.locale',
  'u.tenant_id',
  'u.disabled_at',
  'u.organization_id',
  'o.kind as organization_kind',
  'o.name as organization_name',
] as const;

/** A user with the organization facts an Actor needs; null when missing or disabled. */
export async function loadActorRows(db: Executor, userId: string) {
  const user = await db
    .selectFrom('users as u')
    .innerJoin('organizations as o', 'o.id', 'u.organization_id')
    .select(ACTOR_COLUMNS)
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!user || user.disabled_at) return null;
  return { user, roles: await rolesOfUsers(db, [userId]) };
}

/**
 * What an API token authenticates, in two queries whatever happens (this runs on every request): the token
 * with its user and organization, then the user's roles. Null when the token is unknown, revoked, or its user
 * is disabled.
 */
const tokenActorRows = preparedQuery((db, p: { tokenHash: string }) =>
  db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .innerJoin('organizations as o', 'o.id', 'u.organization_id')
    .leftJoin('user_roles as r', 'r.user_id', 'u.id')
    .select([
      ...ACTOR_COLUMNS,
      ...ROLE_COLUMNS,
      't.id as token_id',
      't.organization_id as token_organization_id',
      't.revoked_at as token_revoked_at',
      't.last_used_at as token_last_used_at',
    ])
    .where('t.token_hash', '=', p.tokenHash),
);
export async function loadTokenActorRows(db: Executor, tokenHash: string) {
  const rows = await tokenActorRows.all(db, { tokenHash });
  const row = rows[0];
  if (!row || row.token_revoked_at || row.disabled_at) return null;
  return { user: row, token: row, roles: rolesOfRows(rows) };
}

/** The same for a session cookie; the caller checks its expiry. */
const sessionActorRows = preparedQuery((db, p: { tokenHash: string }) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('organizations as o', 'o.id', 'u.organization_id')
    .leftJoin('user_roles as r', 'r.user_id', 'u.id')
    .select([
      ...ACTOR_COLUMNS,
      ...ROLE_COLUMNS,
      's.id as session_id',
      's.csrf_token as session_csrf_token',
      's.expires_at as session_expires_at',
      's.revoked_at as session_revoked_at',
    ])
    .where('s.token_hash', '=', p.tokenHash),
);
export async function loadSessionActorRows(db: Executor, tokenHash: string) {
  const rows = await sessionActorRows.all(db, { tokenHash });
  const row = rows[0];
  if (!row || row.session_revoked_at || row.disabled_at) return null;
  return { user: row, session: row, roles: rolesOfRows(rows) };
}

// The caller's roles come with the credential's row (one row per role; none when the user has no role), so
// authenticating a request is one query.
const ROLE_COLUMNS = ['r.role as role_name', 'r.location_id as role_location_id'] as const;

function rolesOfRows(
  rows: readonly { id: string; role_name: string | null; role_location_id: string | null }[],
) {
  return rows.flatMap((r) =>
    r.role_name === null ? [] : [{ user_id: r.id, role: r.role_name, location_id: r.role_location_id }],
  );
}

export async function insertSession(db: Executor, row: Insertable<SessionsTable>): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}
export async function revokeSession(db: Executor, id: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: at }).where('id', '=', id).execute();
}

export async function insertApiToken(db: Executor, row: Insertable<ApiTokensTable>): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}
export async function apiTokensOf(db: Executor, userId: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}
export async function revokeApiToken(db: Executor, userId: string, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
export async function touchApiToken(db: Executor, id: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

// ---------------------------------------------------------------- administration of an organization's users

/** One user of the organization (any state), or undefined. */
export async function getOrganizationUser(db: Executor, organizationId: string, userId: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', userId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
}

/**
 * A page of the organization's users ordered by name then id, after `after` (the last row of the previous
 * page); `pattern` (already LIKE-escaped, lower case, with its wildcards) matches the name or the e-mail.
 */
export async function organizationUsers(
  db: Executor,
  organizationId: string,
  options: { limit: number; after?: { name: string; id: string } | undefined; pattern?: string | undefined },
) {
  let query = db.selectFrom('users').selectAll().where('organization_id', '=', organizationId);
  if (options.pattern) {
    const pattern = options.pattern;
    query = query.where((eb) =>
      eb.or([likeEscaped(eb.fn('lower', ['name']), pattern), likeEscaped(eb.ref('email'), pattern)]),
    );
  }
  if (options.after) {
    const { name, id } = options.after;
    query = query.where((eb) =>
      eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]),
    );
  }
  return query.orderBy('name').orderBy('id').limit(options.limit).execute();
}

export async function rolesOfUsers(db: Executor, userIds: readonly string[]) {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('user_roles')
    .select(['user_id', 'role', 'location_id'])
    .where('user_id', 'in', userIds)
    .execute();
}

export async function updateUser(
  db: Executor,
  userId: string,
  changes: Pick<Updateable<UsersTable>, 'name' | 'locale' | 'tenant_id' | 'disabled_at' | 'password_hash'>,
): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('users').set(changes).where('id', '=', userId).execute();
}

/** Replaces a user's role grants. */
export async function replaceRoles(
  db: Executor,
  userId: string,
  rows: Insertable<UserRolesTable>[],
): Promise<void> {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  await insertRoles(db, rows);
}

/**
 * Ends every session of a user (disabled, or given a new password), except `keepSessionId` when given (the
 * session the user changed their own password in).
 */
export async function revokeSessionsOf(
  db: Executor,
  userId: string,
  at: string,
  keepSessionId?: string,
): Promise<void> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keepSessionId !== undefined) query = query.where('id', '<>', keepSessionId);
  await query.execute();
}

/**
 * Deletes a user: their role grants, sessions, API tokens, favorites, notifications and notification settings
 * go with them (the foreign keys cascade); the notes they wrote keep their author's name and lose the link to
 * the user. Events keep the id and name of who acted (they have no foreign key).
 */
export async function deleteUser(db: Executor, userId: string): Promise<void> {
  await db.updateTable('notes').set({ author_user_id: null }).where('author_user_id', '=', userId).execute();
  await db.deleteFrom('users').where('id', '=', userId).execute();
}

/**
 * Sets an active user's password hash if it is still `expected` (compare-and-set): false when it changed
 * meanwhile, or the user was disabled.
 */
export async function replacePasswordHash(
  db: Executor,
  userId: string,
  expected: string,
  next: string,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ password_hash: next })
    .where('id', '=', userId)
    .where('password_hash', '=', expected)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Users of the organization who hold `role` and are not disabled, other than `exceptUserId`. */
export async function countActiveHolders(
  db: Executor,
  organizationId: string,
  role: string,
  exceptUserId: string,
): Promise<number> {
  const row = await db
    .selectFrom('users as u')
    .where('u.organization_id', '=', organizationId)
    .where('u.disabled_at', 'is', null)
    .where('u.id', '!=', exceptUserId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_roles as r')
          .select('r.id')
          .whereRef('r.user_id', '=', 'u.id')
          .where('r.role', '=', role),
      ),
    )
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Users per tenant of the organization who are not disabled. */
export async function activeUsersPerTenant(
  db: Executor,
  organizationId: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('users')
    .select((eb) => ['tenant_id', eb.fn.countAll().as('n')])
    .where('organization_id', '=', organizationId)
    .where('disabled_at', 'is', null)
    .where('tenant_id', 'is not', null)
    .groupBy('tenant_id')
    .execute();
  return new Map(rows.map((r) => [r.tenant_id as string, Number(r.n)]));
}

/** Detaches the (disabled) users still pointing at a tenant that is being unlinked. */
export async function detachUsersFromTenant(db: Executor, tenantId: string): Promise<void> {
  await db.updateTable('users').set({ tenant_id: null }).where('tenant_id', '=', tenantId).execute();
}

/** The locations that some role scope of the organization's users names (through the users index). */
export async function locationsInRoleScopes(db: Executor, organizationId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('user_roles as r', 'r.user_id', 'u.id')
    .select('r.location_id')
    .distinct()
    .where('u.organization_id', '=', organizationId)
    .where('r.location_id', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.location_id as string));
}
