/**
 * The one place that decides who sees and does what with deals (SPEC §2, DESIGN rule 3).
 *
 * `visibleDeals(actor)` is the SQL filter every deal query applies; `rolesOnDeal` is the same rule
 * evaluated on a loaded deal, for `can()`. They must agree: the property-based visibility test checks
 * both against an oracle written from the spec.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import {
  type Abilities,
  type Action,
  abilities,
  DEAL_ROLES,
  type DealRole,
  type DealType,
  type Direction,
  refusal,
  type SalesStage,
  type Status,
  TEAM_BOUND_ROLES,
  VENDOR_ROLES,
} from '../../core/lifecycle.ts';
import type { Database, ParticipantsTable } from '../db/schema.ts';
import type { Actor, RoleGrant } from './actor.ts';

export type DealTables = Database & { p: ParticipantsTable };

const isDealRole = (role: string): role is DealRole => (DEAL_ROLES as readonly string[]).includes(role);
const isTeamBound = (role: DealRole) => (TEAM_BOUND_ROLES as readonly string[]).includes(role);
const isVendorRole = (role: string) => (VENDOR_ROLES as readonly string[]).includes(role);

/** Grants that can reach deals at all: deal roles that fit the organization's kind, with a non-empty scope. */
function dealGrants(actor: Actor): (RoleGrant & { role: DealRole })[] {
  return actor.roles.filter(
    (grant): grant is RoleGrant & { role: DealRole } =>
      isDealRole(grant.role) &&
      isVendorRole(grant.role) === (actor.organizationKind === 'vendor') &&
      (grant.locationIds === null || grant.locationIds.length > 0),
  );
}

/**
 * SQL filter over `participants as p`: the participant records (deals) the actor may see. `shape` 'one' when the
 * query also fixes `p.id` (the same records, a form that is cheaper for one).
 * Only the actor's own organization's records, and of those the ones a deal role in scope reaches.
 * A private deal has no vendor record, so it can never reach the vendor.
 */
export function visibleDeals(actor: Actor, shape: 'many' | 'one' = 'many') {
  const grants = dealGrants(actor);
  return (eb: ExpressionBuilder<DealTables, 'p'>): Expression<SqlBool> => {
    if (grants.length === 0) return sql<SqlBool>`1 = 0`;
    // "On the team", the same rule in two forms. For many records (lists): membership in the actor's own list
    // of records, so the database can start from the (email, organization) index and read only the records the
    // actor works on, instead of walking the organization's records and probing each (seconds for a vendor
    // seller). For one record (`shape` 'one', a lookup by id): a probe of that record's team, instead of
    // building the list of every record the actor works on (thousands for a busy seller) to test one id.
    const onTeam =
      shape === 'one'
        ? eb.exists(
            eb
              .selectFrom('team_members as tm')
              .select('tm.participant_id')
              .whereRef('tm.participant_id', '=', 'p.id')
              .where('tm.email_key', '=', actor.emailKey)
              .where('tm.organization_id', '=', actor.organizationId),
          )
        : eb(
            'p.id',
            'in',
            eb
              .selectFrom('team_members as tm')
              .select('tm.participant_id')
              .where('tm.email_key', '=', actor.emailKey)
              .where('tm.organization_id', '=', actor.organizationId),
          );
    const alternatives: Expression<SqlBool>[] = [];
    for (const grant of grants) {
      const conditions: Expression<SqlBool>[] = [];
      if (grant.locationIds !== null) conditions.push(eb('p.location_id', 'in', grant.locationIds));
      if (isTeamBound(grant.role)) conditions.push(onTeam);
      if (conditions.length === 0) {
        // An unrestricted grant: every record of the organization.
        return eb('p.organization_id', '=', actor.organizationId);
      }
      alternatives.push(eb.and(conditions));
    }
    return eb.and([eb('p.organization_id', '=', actor.organizationId), eb.or(alternatives)]);
  };
}

/** What `can()` needs to know of a loaded deal. */
export interface DealFacts {
  organizationId: string;
  locationId: string;
  type: DealType;
  status: Status;
  direction: Direction;
  salesStage: SalesStage;
  vendorRecord: boolean;
  /** Lower-cased e-mails of the team members of the deal's own organization. */
  ownTeamEmailKeys: readonly string[];
}

/** The deal roles through which the actor reaches this deal (empty: the deal is invisible to them). */
export function rolesOnDeal(actor: Actor, deal: DealFacts): DealRole[] {
  if (deal.organizationId !== actor.organizationId) return [];
  const onTeam = deal.ownTeamEmailKeys.includes(actor.emailKey);
  const roles = new Set<DealRole>();
  for (const grant of dealGrants(actor)) {
    if (grant.locationIds !== null && !grant.locationIds.includes(deal.locationId)) continue;
    if (isTeamBound(grant.role) && !onTeam) continue;
    roles.add(grant.role);
  }
  return [...roles];
}

export function canSee(actor: Actor, deal: DealFacts): boolean {
  return rolesOnDeal(actor, deal).length > 0;
}

const contextOf = (actor: Actor, deal: DealFacts) => ({
  status: deal.status,
  direction: deal.direction,
  type: deal.type,
  salesStage: deal.salesStage,
  vendorRecord: deal.vendorRecord,
  roles: rolesOnDeal(actor, deal),
});

/** Why the actor may not take the action now, or null when they may. */
export function whyNot(actor: Actor, action: Action, deal: DealFacts) {
  return refusal(action, contextOf(actor, deal));
}

export function can(actor: Actor, action: Action, deal: DealFacts): boolean {
  return whyNot(actor, action, deal) === null;
}

export function abilitiesOf(actor: Actor, deal: DealFacts): Abilities {
  return abilities(contextOf(actor, deal));
}

/** Locations the actor may create deals for: those in the scope of a partner referrals role. */
export function creatableLocations(actor: Actor, allLocationIds: readonly string[]): string[] {
  const result = new Set<string>();
  for (const grant of dealGrants(actor)) {
    if (grant.role !== 'referrals-admin' && grant.role !== 'referrals-user') continue;
    for (const id of grant.locationIds ?? allLocationIds) if (allLocationIds.includes(id)) result.add(id);
  }
  return [...result];
}

/** Organization-wide referral settings (routing, stage mapping, webhooks, org tokens): entire-company referrals admins. */
export function isCompanyReferralsAdmin(actor: Actor): boolean {
  return actor.roles.some((g) => g.role === 'referrals-admin' && g.locationIds === null);
}

export function hasRole(actor: Actor, role: string): boolean {
  return actor.roles.some((g) => g.role === role);
}
