import type { Role } from '../../core/lifecycle.ts';

/** A role grant: `locationIds` null means the entire company (and is the only form vendor roles take). */
export interface RoleGrant {
  role: Role;
  locationIds: string[] | null;
}

/** Who is calling: resolved once per request from the session or API token. */
export interface Actor {
  userId: string;
  name: string;
  email: string;
  /** Lower-cased e-mail, the key of team membership (API.md: "on a deal's team"). */
  emailKey: string;
  locale: string;
  organizationId: string;
  organizationKind: 'vendor' | 'partner';
  organizationName: string;
  roles: RoleGrant[];
  via:
    | { kind: 'session'; sessionId: string; csrfToken: string }
    | { kind: 'token'; tokenId: string }
    /** The operator's own tools (CLI, demo loader) acting as a user. */
    | { kind: 'internal' };
}

export const emailKey = (email: string) => email.trim().toLowerCase();

/**
 * The organization as a whole, for what is delivered to the organization rather than to a person (webhook
 * payloads, replayed events of a subscription): an entire-company referrals admin, or the vendor-admin in
 * the vendor organization. It sees every record of the organization and nothing else.
 */
export function organizationActor(org: { id: string; kind: 'vendor' | 'partner'; name: string }): Actor {
  return {
    userId: `organization:${org.id}`,
    name: org.name,
    email: '',
    emailKey: '',
    locale: 'en',
    organizationId: org.id,
    organizationKind: org.kind,
    organizationName: org.name,
    roles: [{ role: org.kind === 'vendor' ? 'vendor-admin' : 'referrals-admin', locationIds: null }],
    via: { kind: 'internal' },
  };
}
