/**
 * Who administers the organization itself — its users and their roles, locations and tenants (SPEC §2): the
 * partner-admin in a partner organization, the vendor-admin in the vendor organization. Which roles an
 * organization's users can hold, and which of them take a set of locations as their scope.
 */
import { PARTNER_ROLES, type Role, SCOPED_ROLES, VENDOR_ROLES } from '../../core/lifecycle.ts';
import type { Actor } from './actor.ts';

type Kind = Actor['organizationKind'];

export const ADMIN_ROLE = { partner: 'partner-admin', vendor: 'vendor-admin' } as const satisfies Record<
  Kind,
  Role
>;

export function isOrganizationAdmin(actor: Pick<Actor, 'organizationKind' | 'roles'>): boolean {
  return actor.roles.some((grant) => grant.role === ADMIN_ROLE[actor.organizationKind]);
}

/** The roles a user of an organization of this kind can hold. */
export function rolesOfKind(kind: Kind): readonly Role[] {
  return kind === 'vendor' ? VENDOR_ROLES : PARTNER_ROLES;
}

/** Whether the role may be limited to a set of locations (otherwise it is company-wide only). */
export const takesLocationScope = (role: Role) => (SCOPED_ROLES as readonly Role[]).includes(role);
