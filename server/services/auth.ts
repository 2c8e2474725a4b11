/**
 * Sign-in and who is calling: password sessions (cookie + CSRF token) and API tokens.
 * Secrets are random 32 bytes; only their SHA-256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../../core/lifecycle.ts';
import { type Actor, emailKey } from '../access/actor.ts';
import { insertEvents } from '../db/repositories/events.ts';
import { getOrganization, locationsOf, tenantsOf } from '../db/repositories/organizations.ts';
import {
  apiTokensOf,
  findUserByEmail,
  getOrganizationUser,
  insertApiToken,
  insertSession,
  loadActorRows,
  loadSessionActorRows,
  loadTokenActorRows,
  replacePasswordHash,
  revokeApiToken,
  revokeSession,
  revokeSessionsOf,
  touchApiToken,
} from '../db/repositories/users.ts';
import { DomainError, invalid } from '../errors.ts';
import { newId } from '../ids.ts';
import { inTransaction, nowIso, type ServiceContext } from './context.ts';
import { hashPassword, UNUSABLE_HASH, verifyPassword } from './passwords.ts';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const secret = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

export async function login(ctx: ServiceContext, email: string, password: string) {
  const user = await findUserByEmail(ctx.db, emailKey(email));
  // Verify even when the user is missing, so timing does not tell which e-mails exist.
  const ok = await verifyPassword(password, user?.password_hash ?? UNUSABLE_HASH);
  if (!user || !ok || user.disabled_at || !user.password_hash) throw new DomainError('invalid-credentials');
  const token = secret('css');
  const csrfToken = randomBytes(24).toString('base64url');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.sessionTtlHours * 3_600_000);
  await insertSession(ctx.db, {
    id: newId(),
    token_hash: sha256(token),
    user_id: user.id,
    csrf_token: csrfToken,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    revoked_at: null,
  });
  return { token, csrfToken, expiresAt };
}

export async function logout(ctx: ServiceContext, actor: Actor): Promise<void> {
  if (actor.via.kind === 'session') await revokeSession(ctx.db, actor.via.sessionId, nowIso(ctx));
}

/**
 * The caller changes their own password (docs/ORGANIZATION.md "Your own password"): the current one must be
 * right (400 at `currentPassword` otherwise, the same answer for a user without a password), the new one
 * differs from it. The hash is replaced only if it is still the one checked (two changes at once: the second
 * finds the current password wrong). Every other session of the user ends; the session the change was made
 * in stays signed in (it just proved the current password), and API tokens keep working (they are revoked on
 * their own, in Settings). An audit event `user.password-changed` of the organization is written with it.
 */
export async function changeOwnPassword(
  ctx: ServiceContext,
  actor: Actor,
  currentPassword: string,
  newPassword: string,
): Promise<void> {
  const user = await getOrganizationUser(ctx.db, actor.organizationId, actor.userId);
  const stored = user?.password_hash ?? null;
  const ok = await verifyPassword(currentPassword, stored ?? UNUSABLE_HASH);
  const wrong = () => invalid('currentPassword', 'The current password is wrong.');
  if (!user || !stored || !ok) throw wrong();
  if (newPassword.normalize('NFC') === currentPassword.normalize('NFC')) {
    throw invalid('newPassword', 'The new password must differ from the current one.');
  }
  const next = await hashPassword(newPassword);
  await inTransaction(ctx, async (trx) => {
    if (!(await replacePasswordHash(trx, user.id, stored, next))) throw wrong();
    const now = nowIso(ctx);
    await revokeSessionsOf(trx, user.id, now, actor.via.kind === 'session' ? actor.via.sessionId : undefined);
    await insertEvents(trx, [
      {
        id: newId(),
        type: 'user.password-changed',
        engagementId: null,
        participantId: null,
        organizationId: actor.organizationId,
        visibility: 'organization',
        actor: { userId: actor.userId, name: actor.name, organizationId: actor.organizationId },
        data: { userId: actor.userId, keptSession: actor.via.kind === 'session' },
        createdAt: now,
      },
    ]);
  });
}

export async function actorFor(
  ctx: ServiceContext,
  userId: string,
  via: Actor['via'],
): Promise<Actor | null> {
  const rows = await loadActorRows(ctx.db, userId);
  return rows ? actorOf(rows, via) : null;
}

type ActorRows = NonNullable<Awaited<ReturnType<typeof loadActorRows>>>;

function actorOf(rows: ActorRows, via: Actor['via']): Actor {
  const grants = new Map<string, string[] | null>();
  for (const row of rows.roles) {
    const existing = grants.get(row.role);
    if (row.location_id === null || existing === null) grants.set(row.role, null);
    else grants.set(row.role, [...(existing ?? []), row.location_id]);
  }
  return {
    userId: rows.user.id,
    name: rows.user.name,
    email: rows.user.email,
    emailKey: emailKey(rows.user.email),
    locale: rows.user.locale,
    organizationId: rows.user.organization_id,
    organizationKind: rows.user.organization_kind,
    organizationName: rows.user.organization_name,
    roles: [...grants].map(([role, locationIds]) => ({ role: role as Role, locationIds })),
    via,
  };
}

export async function actorFromSession(ctx: ServiceContext, token: string): Promise<Actor | null> {
  const rows = await loadSessionActorRows(ctx.db, sha256(token));
  if (!rows || rows.session.session_expires_at <= nowIso(ctx)) return null;
  return actorOf(rows, {
    kind: 'session',
    sessionId: rows.session.session_id,
    csrfToken: rows.session.session_csrf_token,
  });
}

export async function actorFromApiToken(ctx: ServiceContext, token: string): Promise<Actor | null> {
  const rows = await loadTokenActorRows(ctx.db, sha256(token));
  // A token belongs to its user's organization; one whose user was moved elsewhere authenticates nobody.
  if (!rows || rows.user.organization_id !== rows.token.token_organization_id) return null;
  const { token_id: tokenId, token_last_used_at: lastUsedAt } = rows.token;
  // Last use is a hint for the token list, not worth a write per request.
  if (!lastUsedAt || Date.parse(nowIso(ctx)) - Date.parse(lastUsedAt) > 60_000) {
    await touchApiToken(ctx.db, tokenId, nowIso(ctx));
  }
  return actorOf(rows, { kind: 'token', tokenId });
}

export async function createApiToken(ctx: ServiceContext, actor: Actor, name: string) {
  return issueApiToken(ctx, actor.userId, actor.organizationId, name);
}

/** Issues a token for a user (also used by the CLI). The secret is returned once and never stored. */
export async function issueApiToken(
  ctx: ServiceContext,
  userId: string,
  organizationId: string,
  name: string,
) {
  const token = secret('cst');
  const id = newId();
  const createdAt = nowIso(ctx);
  await insertApiToken(ctx.db, {
    id,
    organization_id: organizationId,
    user_id: userId,
    name,
    token_hash: sha256(token),
    created_at: createdAt,
    last_used_at: null,
    revoked_at: null,
  });
  return { id, name, token, createdAt };
}

export async function listApiTokens(ctx: ServiceContext, actor: Actor) {
  const rows = await apiTokensOf(ctx.db, actor.userId);
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
    })),
  };
}

export async function revokeToken(ctx: ServiceContext, actor: Actor, id: string): Promise<void> {
  if (!(await revokeApiToken(ctx.db, actor.userId, id, nowIso(ctx)))) throw new DomainError('not-found');
}

export async function me(ctx: ServiceContext, actor: Actor) {
  const organization = await getOrganization(ctx.db, actor.organizationId);
  if (!organization) throw new DomainError('not-found');
  const locations = await locationsOf(ctx.db, actor.organizationId);
  const tenants = await tenantsOf(ctx.db, actor.organizationId);
  const rows = await loadActorRows(ctx.db, actor.userId);
  const tenant = tenants.find((t) => t.id === rows?.user.tenant_id) ?? null;
  return {
    user: { id: actor.userId, name: actor.name, email: actor.email, locale: actor.locale },
    organization: {
      id: organization.id,
      kind: organization.kind,
      name: organization.name,
      partnerId: organization.partner_id,
      coSellReady: organization.co_sell_ready === 1,
      assessmentApproved: organization.assessment_approved === 1,
      locations: locations.map((l) => ({ id: l.id, name: l.name, country: l.country, city: l.city })),
      tenants,
    },
    tenant,
    roles: actor.roles.map((g) => ({
      role: g.role,
      scope: g.locationIds === null ? ('company' as const) : { locationIds: g.locationIds },
    })),
  };
}
