/**
 * Routing of deals the vendor sends (SPEC §6): a partner's rules choose the location a vendor-sent deal
 * lands on, keyed on customer country × solution, most specific first: solution + country; solution + any
 * country; any solution + country; else the default (the location owning the solution, else the first
 * location). Only an entire-company referrals admin edits the rules; a rule with the same key as an existing
 * one is refused (409 routing-rule-conflict); rules are not retroactive.
 */
import type { Actor } from '../access/actor.ts';
import { isCompanyReferralsAdmin } from '../access/visibility.ts';
import type { Executor } from '../db/database.ts';
import { DomainError, invalid, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { nowIso, type ServiceContext } from './context.ts';

const ANY = '*';

export interface RoutingRuleOut {
  id: string;
  country: string | null;
  solutionId: string | null;
  locationId: string;
  createdAt: string;
  updatedAt: string;
}

export interface RoutingRuleInput {
  country?: string | null | undefined;
  solutionId?: string | null | undefined;
  locationId: string;
}

function assertAdmin(actor: Actor) {
  if (actor.organizationKind !== 'partner' || !isCompanyReferralsAdmin(actor))
    throw new DomainError('forbidden');
}

const present = (row: {
  id: string;
  country: string;
  solution_id: string;
  location_id: string;
  created_at: string;
  updated_at: string;
}): RoutingRuleOut => ({
  id: row.id,
  country: row.country === ANY ? null : row.country,
  solutionId: row.solution_id === ANY ? null : row.solution_id,
  locationId: row.location_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

async function checkInput(db: Executor, actor: Actor, input: RoutingRuleInput) {
  const country = input.country ?? ANY;
  const solution = input.solutionId ?? ANY;
  if (country === ANY && solution === ANY) {
    throw invalid('country', 'A rule names a country, a solution or both; the default needs no rule.');
  }
  const location = await db
    .selectFrom('locations')
    .select('id')
    .where('id', '=', input.locationId)
    .where('organization_id', '=', actor.organizationId)
    .executeTakeFirst();
  if (!location) throw invalid('locationId', 'No such location of your organization.');
  if (solution !== ANY) {
    const owned = await db
      .selectFrom('solutions')
      .select('id')
      .where('id', '=', solution)
      .where('organization_id', '=', actor.organizationId)
      .executeTakeFirst();
    if (!owned) throw invalid('solutionId', 'No such solution of your organization.');
  }
  return { country, solution };
}

async function conflict(
  db: Executor,
  organizationId: string,
  country: string,
  solution: string,
  except?: string,
) {
  let q = db
    .selectFrom('routing_rules')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('country', '=', country)
    .where('solution_id', '=', solution);
  if (except) q = q.where('id', '!=', except);
  if (await q.executeTakeFirst()) throw new DomainError('routing-rule-conflict');
}

export async function listRoutingRules(
  ctx: ServiceContext,
  actor: Actor,
): Promise<{ items: RoutingRuleOut[] }> {
  assertAdmin(actor);
  const rows = await ctx.db
    .selectFrom('routing_rules')
    .selectAll()
    .where('organization_id', '=', actor.organizationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return { items: rows.map(present) };
}

export async function createRoutingRule(
  ctx: ServiceContext,
  actor: Actor,
  input: RoutingRuleInput,
): Promise<RoutingRuleOut> {
  assertAdmin(actor);
  const { country, solution } = await checkInput(ctx.db, actor, input);
  await conflict(ctx.db, actor.organizationId, country, solution);
  const now = nowIso(ctx);
  const row = {
    id: newId(),
    organization_id: actor.organizationId,
    country,
    solution_id: solution,
    location_id: input.locationId,
    created_at: now,
    updated_at: now,
  };
  try {
    await ctx.db.insertInto('routing_rules').values(row).execute();
  } catch (error) {
    // Two admins adding the same rule at once: the unique key refuses the second.
    await conflict(ctx.db, actor.organizationId, country, solution);
    throw error;
  }
  return present(row);
}

export async function updateRoutingRule(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  input: Partial<RoutingRuleInput>,
): Promise<RoutingRuleOut> {
  assertAdmin(actor);
  const existing = await ctx.db
    .selectFrom('routing_rules')
    .selectAll()
    .where('id', '=', id)
    .where('organization_id', '=', actor.organizationId)
    .executeTakeFirst();
  if (!existing) throw notFound();
  const merged: RoutingRuleInput = {
    country: input.country !== undefined ? input.country : existing.country === ANY ? null : existing.country,
    solutionId:
      input.solutionId !== undefined
        ? input.solutionId
        : existing.solution_id === ANY
          ? null
          : existing.solution_id,
    locationId: input.locationId ?? existing.location_id,
  };
  const { country, solution } = await checkInput(ctx.db, actor, merged);
  await conflict(ctx.db, actor.organizationId, country, solution, id);
  const row = { country, solution_id: solution, location_id: merged.locationId, updated_at: nowIso(ctx) };
  await ctx.db.updateTable('routing_rules').set(row).where('id', '=', id).execute();
  return present({ ...existing, ...row });
}

export async function deleteRoutingRule(ctx: ServiceContext, actor: Actor, id: string): Promise<void> {
  assertAdmin(actor);
  const result = await ctx.db
    .deleteFrom('routing_rules')
    .where('id', '=', id)
    .where('organization_id', '=', actor.organizationId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1) throw notFound();
}

/**
 * The location a vendor-sent deal lands on at a partner by its rules, or null when no rule matches (the
 * caller then applies the default). Solutions are tried in the order the deal names them.
 */
export async function routedLocation(
  db: Executor,
  partnerId: string,
  customerCountry: string,
  solutionIds: readonly string[],
): Promise<string | null> {
  const rules = await db
    .selectFrom('routing_rules')
    .select(['country', 'solution_id', 'location_id'])
    .where('organization_id', '=', partnerId)
    .where((eb) => eb.or([eb('country', '=', customerCountry), eb('country', '=', ANY)]))
    .execute();
  const find = (solution: string, country: string) =>
    rules.find((r) => r.solution_id === solution && r.country === country)?.location_id;
  for (const solution of solutionIds) {
    const exact = find(solution, customerCountry);
    if (exact) return exact;
  }
  for (const solution of solutionIds) {
    const anyCountry = find(solution, ANY);
    if (anyCountry) return anyCountry;
  }
  return find(ANY, customerCountry) ?? null;
}
