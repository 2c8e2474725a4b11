/**
 * Reading one deal: find it through the visibility predicate (404 otherwise), load what its page shows,
 * and present it as the caller's organization sees it. Another organization's CRM ID, campaign ID and
 * favorites are never part of it.
 */

import type { DealType, Direction, HelpType, SalesStage, Status } from '../../core/lifecycle.ts';
import { formatAmount } from '../../core/money.ts';
import type { DealOut, DealSummaryOut } from '../../core/schemas.ts';
import type { Actor } from '../access/actor.ts';
import { abilitiesOf, type DealFacts, visibleDeals } from '../access/visibility.ts';
import type { Executor } from '../db/database.ts';
import { dialectOf, jsonNesting, nestedJson } from '../db/json.ts';
import {
  type EngagementRow,
  favoriteIds,
  getEngagement,
  type ParticipantRow,
  participantsOfEngagements,
  solutionsOf,
  teamsOf,
} from '../db/repositories/deals.ts';
import { getLocation, organizationsByIds } from '../db/repositories/organizations.ts';
import type { EngagementsTable } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import type { ServiceContext } from './context.ts';
import { expireDue } from './expiry.ts';
import { organizationStageName, type StageNameOut, stageNamesOf } from './stage-names.ts';

type EngagementParticipant = Awaited<ReturnType<typeof participantsOfEngagements>>[number];
type TeamMemberRow = Awaited<ReturnType<typeof teamsOf>>[number];
type SolutionRow = Awaited<ReturnType<typeof solutionsOf>>[number];

export interface LoadedDeal {
  record: ParticipantRow;
  engagement: EngagementRow;
  facts: DealFacts;
  /** Every participant record of the engagement (the caller's own included), oldest first. */
  participants: EngagementParticipant[];
  /** The team members of all those records. */
  teams: TeamMemberRow[];
}

/** The participant record `id` if the actor may see it; 404 (indistinguishable from missing) otherwise. */
export async function findVisibleRecord(db: Executor, actor: Actor, id: string): Promise<ParticipantRow> {
  const record = await db
    .selectFrom('participants as p')
    .selectAll('p')
    .where('p.id', '=', id)
    .where(visibleDeals(actor, 'one'))
    .executeTakeFirst();
  if (!record) throw notFound();
  return record;
}

/**
 * Before a deal is read or changed: checks the caller may see it (404 otherwise, before anything is
 * written on their behalf), then expires every overdue record of its engagement, so neither the caller's
 * record nor the other participants' cards are ever shown in a stale `received` state.
 */
export async function expireOverdueOfVisibleDeal(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
): Promise<void> {
  await findVisibleRecord(ctx.db, actor, id);
  await expireDue(ctx, { sameEngagementAs: [id] });
}

/**
 * Loads a visible record with what the access rules need about it and what its page shows of the other
 * participants: four queries (record, engagement, the engagement's participants, their teams). The caller's
 * own team, which decides the team-bound roles, is read from the same team rows.
 */
export async function loadDeal(db: Executor, actor: Actor, id: string): Promise<LoadedDeal> {
  const record = await findVisibleRecord(db, actor, id);
  const engagement = await getEngagement(db, record.engagement_id);
  if (!engagement) throw notFound();
  const participants = await participantsOfEngagements(db, [engagement.id]);
  const teams = await teamsOf(
    db,
    participants.map((p) => p.id),
  );
  return loadedDeal(actor, record, engagement, participants, teams);
}

function loadedDeal(
  actor: Actor,
  record: ParticipantRow,
  engagement: EngagementRow,
  participants: EngagementParticipant[],
  teams: TeamMemberRow[],
): LoadedDeal {
  const ownTeam = teams.filter(
    (t) => t.participant_id === record.id && t.organization_id === record.organization_id,
  );
  return {
    record,
    engagement,
    facts: factsOf(
      actor,
      record,
      engagement,
      ownTeam.map((m) => m.email_key),
    ),
    participants,
    teams,
  };
}

/** A loaded deal with the rest of what its page shows. */
export interface DealPage extends LoadedDeal {
  solutions: SolutionRow[];
  location: { name: string; country: string; city: string } | undefined;
  /** Whether the caller marked the record a favorite. */
  favorite: boolean;
  /** The record's organization's own names for the sales stages. */
  stageNames: StageNameOut[];
}

/**
 * Everything `presentDeal` shows of a visible record (404 otherwise). The same rows either way: on PostgreSQL in
 * one statement (db/json.ts: a statement is a round trip there; eight of them cost the server 0.9 ms of CPU and
 * PostgreSQL 0.4 ms, one costs 0.6 and 0.3), on SQLite in eight look-ups (the one statement took twice as long).
 */
export async function loadDealPage(db: Executor, actor: Actor, id: string): Promise<DealPage> {
  return dialectOf(db) === 'postgres'
    ? loadDealPageAtOnce(db, actor, id)
    : loadDealPageByParts(db, actor, id);
}

export async function loadDealPageByParts(db: Executor, actor: Actor, id: string): Promise<DealPage> {
  const loaded = await loadDeal(db, actor, id);
  const { record } = loaded;
  const solutions = await solutionsOf(db, record.id);
  const location = await getLocation(db, record.location_id);
  const favorites = await favoriteIds(db, actor.userId, [record.id]);
  const stageNames = await stageNamesOf(db, record.organization_id);
  return {
    ...loaded,
    solutions,
    location: location && { name: location.name, country: location.country, city: location.city },
    favorite: favorites.has(record.id),
    stageNames,
  };
}

/** Every column of an engagement, named (SQLite's JSON objects need the names); the type keeps it complete. */
const ENGAGEMENT_COLUMNS = Object.keys({
  id: true,
  type: true,
  created_by_org_id: true,
  customer_company_id: true,
  customer_name: true,
  customer_duns: true,
  customer_website: true,
  customer_address_line1: true,
  customer_city: true,
  customer_region: true,
  customer_postal_code: true,
  customer_country: true,
  customer_verified: true,
  contact_name: true,
  contact_phone: true,
  contact_email: true,
  consent_share_contact: true,
  consent_given_at: true,
  customer_domain: true,
  customer_key: true,
  version: true,
  created_at: true,
  updated_at: true,
} satisfies Record<keyof EngagementsTable, true>).map(
  (column) => `e.${column}` as `e.${keyof EngagementsTable}`,
);

/** By code unit, as SQLite orders text (ids and ISO times compare the same under any collation). */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function loadDealPageAtOnce(db: Executor, actor: Actor, id: string): Promise<DealPage> {
  const json = jsonNesting(db);
  const row = await db
    .selectFrom('participants as p')
    .selectAll('p')
    .select((eb) => [
      json
        .objectFrom(
          eb
            .selectFrom('engagements as e')
            .select(ENGAGEMENT_COLUMNS)
            .whereRef('e.id', '=', 'p.engagement_id'),
        )
        .as('engagement_json'),
      // The same rows as participantsOfEngagements, teamsOf, solutionsOf, getLocation and stageNamesOf.
      json
        .arrayFrom(
          eb
            .selectFrom('participants as ep')
            .innerJoin('organizations as o', 'o.id', 'ep.organization_id')
            .select([
              'ep.id',
              'ep.engagement_id',
              'ep.organization_id',
              'ep.direction',
              'ep.status',
              'ep.expires_at',
              'ep.help',
              'ep.created_at',
              'o.name as organization_name',
              'o.kind as organization_kind',
            ])
            .whereRef('ep.engagement_id', '=', 'p.engagement_id'),
        )
        .as('participants_json'),
      json
        .arrayFrom(
          eb
            .selectFrom('team_members as t')
            .innerJoin('participants as tp', 'tp.id', 't.participant_id')
            .innerJoin('organizations as o', 'o.id', 't.organization_id')
            .select([
              't.participant_id',
              't.organization_id',
              't.name',
              't.phone',
              't.email',
              't.email_key',
              'o.name as organization_name',
              't.position',
            ])
            .whereRef('tp.engagement_id', '=', 'p.engagement_id'),
        )
        .as('teams_json'),
      json
        .arrayFrom(
          eb
            .selectFrom('deal_solutions as ds')
            .innerJoin('solutions as s', 's.id', 'ds.solution_id')
            .innerJoin('organizations as o', 'o.id', 's.organization_id')
            .select([
              's.id',
              's.name',
              's.kind',
              's.offer_type',
              's.organization_id',
              'o.name as publisher_name',
              'ds.position',
            ])
            .whereRef('ds.participant_id', '=', 'p.id'),
        )
        .as('solutions_json'),
      json
        .objectFrom(
          eb
            .selectFrom('locations as l')
            .select(['l.name', 'l.country', 'l.city'])
            .whereRef('l.id', '=', 'p.location_id'),
        )
        .as('location_json'),
      eb
        .exists(
          eb
            .selectFrom('favorites as f')
            .select('f.participant_id')
            .where('f.user_id', '=', actor.userId)
            .whereRef('f.participant_id', '=', 'p.id'),
        )
        .as('favorite'),
      json
        .arrayFrom(
          eb
            .selectFrom('stage_names as sn')
            .select(['sn.name', 'sn.stage', 'sn.position'])
            .whereRef('sn.organization_id', '=', 'p.organization_id'),
        )
        .as('stage_names_json'),
    ])
    .where('p.id', '=', id)
    .where(visibleDeals(actor, 'one'))
    .executeTakeFirst();
  if (!row) throw notFound();
  const {
    engagement_json,
    participants_json,
    teams_json,
    solutions_json,
    location_json,
    favorite,
    stage_names_json,
    ...record
  } = row;
  const engagement = nestedJson(engagement_json) as EngagementRow | null;
  if (!engagement) throw notFound();
  // The orders of the look-ups: JSON aggregation keeps none.
  const participants = nestedJson(participants_json).sort(
    (a, b) => byText(a.created_at, b.created_at) || byText(a.id, b.id),
  );
  const teams = nestedJson(teams_json)
    .sort((a, b) => byText(a.participant_id, b.participant_id) || a.position - b.position)
    .map(({ position: _position, ...member }) => member);
  const solutions = nestedJson(solutions_json)
    .sort((a, b) => a.position - b.position)
    .map(({ position: _position, ...solution }) => solution);
  const stageNames = nestedJson(stage_names_json)
    .sort((a, b) => a.position - b.position)
    .map(({ name, stage }) => ({ name, stage }));
  return {
    ...loadedDeal(actor, record as ParticipantRow, engagement, participants, teams),
    solutions,
    location: nestedJson(location_json) ?? undefined,
    favorite: Boolean(favorite),
    stageNames,
  };
}

/** Whether a loaded record of the engagement is `received` past its expiry (it must expire before it is shown). */
export function hasOverdue(
  participants: readonly { status: string; expires_at: string | null }[],
  now: string,
) {
  return participants.some((p) => p.status === 'received' && p.expires_at !== null && p.expires_at <= now);
}

export function factsOf(
  actor: Actor,
  record: ParticipantRow,
  engagement: EngagementRow,
  ownTeamEmailKeys: string[],
): DealFacts {
  return {
    organizationId: record.organization_id,
    locationId: record.location_id,
    type: engagement.type as DealType,
    status: record.status as Status,
    direction: record.direction as Direction,
    salesStage: record.sales_stage as SalesStage,
    vendorRecord: actor.organizationKind === 'vendor' && record.organization_id === actor.organizationId,
    ownTeamEmailKeys,
  };
}

/** The full representation of a deal for the caller (GET /deals/{id} and every mutation's response). */
export async function presentDeal(db: Executor, actor: Actor, page: DealPage): Promise<DealOut> {
  const { record, engagement, facts, participants, teams, solutions, location, favorite, stageNames } = page;
  // Organization names come with the engagement's participants (the caller's and the inviter's records are
  // among them); a name not found there is read from the organizations.
  const orgs = new Map<string, { id: string; name: string }>();
  for (const p of participants)
    orgs.set(p.organization_id, { id: p.organization_id, name: p.organization_name });
  const missing = [record.organization_id, record.invited_by_org_id].filter(
    (x): x is string => x !== null && !orgs.has(x),
  );
  if (missing.length > 0) for (const o of await organizationsByIds(db, missing)) orgs.set(o.id, o);
  const teamOf = (participantId: string) =>
    teams
      .filter((t) => t.participant_id === participantId)
      .map((t) => ({
        name: t.name,
        phone: t.phone,
        email: t.email,
        organization: { id: t.organization_id, name: t.organization_name },
      }));
  const inviter = record.invited_by_org_id ? orgs.get(record.invited_by_org_id) : undefined;
  return {
    id: record.id,
    engagementId: engagement.id,
    organization: { id: record.organization_id, name: orgs.get(record.organization_id)?.name ?? '' },
    direction: facts.direction,
    type: facts.type,
    status: facts.status,
    salesStage: record.sales_stage,
    organizationStage: organizationStageName(stageNames, record.sales_stage, record.org_stage ?? null),
    name: record.name,
    location: {
      id: record.location_id,
      name: location?.name ?? '',
      country: location?.country ?? '',
      city: location?.city ?? '',
    },
    value: { amount: formatAmount(record.value_minor, record.currency), currency: record.currency },
    closeDate: record.close_date,
    // Org-internal fields: the record is the caller's own organization's, so these are theirs.
    crmId: record.crm_id,
    campaignId: record.campaign_id,
    customer: {
      companyId: engagement.customer_company_id,
      name: engagement.customer_name,
      duns: engagement.customer_duns,
      website: engagement.customer_website,
      verified: engagement.customer_verified === 1,
      address: {
        addressLine1: engagement.customer_address_line1,
        city: engagement.customer_city,
        region: engagement.customer_region,
        postalCode: engagement.customer_postal_code,
        country: engagement.customer_country,
      },
    },
    customerContact:
      engagement.contact_name && engagement.contact_phone && engagement.contact_email
        ? { name: engagement.contact_name, phone: engagement.contact_phone, email: engagement.contact_email }
        : null,
    consent: { shareContactWithVendor: engagement.consent_share_contact === 1 },
    team: teamOf(record.id),
    solutions: solutions.map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      offerType: s.offer_type,
      publisher: { id: s.organization_id, name: s.publisher_name },
    })),
    help: record.help as HelpType,
    participants: participants.map((p) => ({
      organization: { id: p.organization_id, name: p.organization_name, kind: p.organization_kind },
      status: p.status as Status,
      direction: p.direction,
      help: p.help as HelpType,
      team: teamOf(p.id),
    })),
    invitedBy:
      record.direction === 'inbound' && inviter
        ? {
            organization: { id: inviter.id, name: inviter.name },
            notes: record.invitation_notes,
            help: record.help as HelpType,
          }
        : null,
    receivedAt: record.received_at,
    expiresAt: record.status === 'received' ? record.expires_at : null,
    reason: record.reason,
    reasonNotes: record.reason_notes,
    favorite,
    version: record.version,
    createdAt: record.created_at,
    updatedAt: record.updated_at,
    closedAt: record.closed_at,
    abilities: abilitiesOf(actor, facts),
  };
}

/** The columns a list row (DealSummary) is presented from: participants p + engagements e + locations l. */
export interface SummaryRow {
  id: string;
  engagement_id: string;
  direction: 'outbound' | 'inbound';
  status: string;
  sales_stage: string;
  name: string;
  location_id: string;
  value_minor: number;
  currency: string;
  close_date: string;
  expires_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  type: string;
  customer_name: string;
  customer_city: string;
  customer_country: string;
  location_name: string;
  location_country: string;
  location_city: string;
}

/**
 * One list row as the caller sees it (lists, duplicate candidates). `shownStatus` lets a caller that must not
 * write (the duplicate check) show an overdue received record as expired.
 */
export function presentSummary(
  row: SummaryRow,
  participants: readonly EngagementParticipant[],
  favorite: boolean,
  shownStatus: (status: string, expiresAt: string | null) => string = (status) => status,
): DealSummaryOut {
  return {
    id: row.id,
    engagementId: row.engagement_id,
    direction: row.direction,
    type: row.type as DealSummaryOut['type'],
    status: row.status as DealSummaryOut['status'],
    salesStage: row.sales_stage,
    name: row.name,
    location: {
      id: row.location_id,
      name: row.location_name,
      country: row.location_country,
      city: row.location_city,
    },
    value: { amount: formatAmount(row.value_minor, row.currency), currency: row.currency },
    closeDate: row.close_date,
    expiresAt: row.status === 'received' ? row.expires_at : null,
    favorite,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    customer: { name: row.customer_name, city: row.customer_city, country: row.customer_country },
    participants: participants
      .filter((p) => p.engagement_id === row.engagement_id)
      .map((p) => ({
        organization: { id: p.organization_id, name: p.organization_name },
        status: shownStatus(p.status, p.expires_at) as DealSummaryOut['status'],
        direction: p.direction,
      })),
  };
}
