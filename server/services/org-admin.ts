/**
 * What the administration of an organization (users and roles, locations, tenants) shares: who may do it, the
 * transaction that does it, and the audit event it writes.
 *
 * Every change runs in one transaction that first locks the organization (so two admins changing each other
 * at once are serialized) and then checks again, inside it, that the caller is still an active admin: an admin
 * demoted or disabled a moment ago can no longer change anything. Each change writes an audit event of
 * visibility 'organization' with no engagement (in no deal's timeline, in no webhook; kept with the others).
 */

import type { Actor } from '../access/actor.ts';
import { ADMIN_ROLE, isOrganizationAdmin } from '../access/admin.ts';
import type { Trx } from '../db/database.ts';
import { insertEvents } from '../db/repositories/events.ts';
import { lockOrganization } from '../db/repositories/organizations.ts';
import { getOrganizationUser, rolesOfUsers } from '../db/repositories/users.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import { inTransaction, nowIso, type ServiceContext } from './context.ts';

export type Changes = Record<string, { from: unknown; to: unknown }>;

/** 403 unless the caller administers their organization. */
export function assertOrganizationAdmin(actor: Actor): void {
  if (!isOrganizationAdmin(actor)) throw new DomainError('forbidden');
}

/**
 * Runs an administrative change of the caller's organization: locked, with the caller's admin role checked
 * again inside the transaction; `record` adds the audit event.
 */
export function administer<T>(
  ctx: ServiceContext,
  actor: Actor,
  work: (trx: Trx, record: (type: string, data: Record<string, unknown>) => void) => Promise<T>,
): Promise<T> {
  assertOrganizationAdmin(actor);
  return inTransaction(ctx, async (trx) => {
    await lockOrganization(trx, ctx.dialect, actor.organizationId);
    const self = await getOrganizationUser(trx, actor.organizationId, actor.userId);
    const roles = self && !self.disabled_at ? await rolesOfUsers(trx, [self.id]) : [];
    if (!roles.some((r) => r.role === ADMIN_ROLE[actor.organizationKind])) throw new DomainError('forbidden');
    const events: { type: string; data: Record<string, unknown> }[] = [];
    const result = await work(trx, (type, data) => events.push({ type, data }));
    const now = nowIso(ctx);
    await insertEvents(
      trx,
      events.map((event) => ({
        id: newId(),
        type: event.type,
        engagementId: null,
        participantId: null,
        organizationId: actor.organizationId,
        visibility: 'organization' as const,
        actor: { userId: actor.userId, name: actor.name, organizationId: actor.organizationId },
        data: event.data,
        createdAt: now,
      })),
    );
    return result;
  });
}

/** The fields whose value changes, as `{field: {from, to}}`. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Changes {
  const changes: Changes = {};
  for (const [key, to] of Object.entries(after)) {
    const from = before[key];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
  }
  return changes;
}
