import type { Insertable } from 'kysely';
import type { Executor } from '../database.ts';
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

/** A user with the organization facts an Actor needs; null when missing or disabled. */
export async function loadActorRows(db: Executor, userId: string) {
  const user = await db
    .selectFrom('users as u')
    .innerJoin('organizations as o', 'o.id', 'u.organization_id')
    .select([
      'u.id',
      'u.name',
      'u.email',
      'u.locale',
      'u.tenant_id',
      'u.disabled_at',
      'u.organization_id',
      'o.kind as organization_kind',
      'o.name as organization_name',
    ])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!user || user.disabled_at) return null;
  const roles = await db
    .selectFrom('user_roles')
    .select(['role', 'location_id'])
    .where('user_id', '=', userId)
    .execute();
  return { user, roles };
}

export async function insertSession(db: Executor, row: Insertable<SessionsTable>): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}
export async function findSessionByHash(db: Executor, tokenHash: string) {
  return db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}
export async function revokeSession(db: Executor, id: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: at }).where('id', '=', id).execute();
}

export async function insertApiToken(db: Executor, row: Insertable<ApiTokensTable>): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}
export async function findApiTokenByHash(db: Executor, tokenHash: string) {
  return db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
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
