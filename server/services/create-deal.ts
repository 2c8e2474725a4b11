/**
 * Creating a deal (SPEC §5, API.md "Create body"): the creator's outbound record starts accepted at stage
 * `created`; the vendor (asked for help or shared with) and each invited partner get their own inbound
 * record, received with a 14-day response window (partner-led: the vendor's record is accepted at once,
 * nothing is asked of it). One transaction writes the engagement, the records, their events and the
 * idempotency key.
 */
import { createHash } from 'node:crypto';
import { RESPONSE_WINDOW_DAYS, startStage, typeOfNewDeal } from '../../core/lifecycle.ts';
import type { CreateDealBody, DealOut, InvitationInput } from '../../core/schemas.ts';
import { normalizeForSearch } from '../../core/text.ts';
import type { Actor } from '../access/actor.ts';
import { creatableLocations, rolesOnDeal } from '../access/visibility.ts';
import { addDays, isoDay } from '../clock.ts';
import type { Executor, Trx } from '../db/database.ts';
import {
  insertEngagement,
  insertNote,
  insertParticipant,
  replaceSolutions,
  replaceTeam,
} from '../db/repositories/deals.ts';
import { insertEvents, type NewEvent } from '../db/repositories/events.ts';
import { findIdempotentResponse, saveIdempotentResponse } from '../db/repositories/idempotency.ts';
import { getOrganization, getVendor, locationsOf } from '../db/repositories/organizations.ts';
import type { ParticipantsTable } from '../db/schema.ts';
import { DomainError, invalid } from '../errors.ts';
import { newId } from '../ids.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import {
  checkCloseDate,
  checkNoDuplicateMembers,
  checkSolutions,
  searchTextOf,
  teamRows,
  toMinor,
} from './deal-rules.ts';
import { loadDealPage, presentDeal } from './deal-view.ts';
import { findDuplicates, resolveCustomer } from './duplicates.ts';
import { routedLocation } from './routing.ts';

export interface CreateResult {
  deal: DealOut;
  /** True when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
}

/** Canonical JSON (sorted keys) so the same body always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export async function createDeal(
  ctx: ServiceContext,
  actor: Actor,
  body: CreateDealBody,
  idempotencyKey?: string,
): Promise<CreateResult> {
  const requestHash = createHash('sha256').update(canonical(body)).digest('hex');
  try {
    return await inTransaction(ctx, async (trx) => {
      if (idempotencyKey) {
        const earlier = await findIdempotentResponse(trx, actor.organizationId, idempotencyKey);
        if (earlier) return replay(earlier, requestHash);
      }
      const deal = await createInTransaction(ctx, trx, actor, body);
      if (idempotencyKey) {
        await saveIdempotentResponse(trx, {
          organization_id: actor.organizationId,
          key: idempotencyKey,
          request_hash: requestHash,
          status_code: 201,
          response_body: JSON.stringify(deal),
          resource_id: deal.id,
          created_at: ctx.clock.now().toISOString(),
        });
      }
      return { deal, replayed: false };
    });
  } catch (error) {
    // Two requests with one key at once: the loser hits the key's primary key (or, on PostgreSQL, may already
    // see the winner's deal as a possible duplicate); answer with the winner's result.
    if (idempotencyKey && (!(error instanceof DomainError) || error.code === 'possible-duplicate')) {
      const earlier = await findIdempotentResponse(ctx.db, actor.organizationId, idempotencyKey);
      if (earlier) return replay(earlier, requestHash);
    }
    throw error;
  }
}

function replay(earlier: { request_hash: string; response_body: string }, requestHash: string): CreateResult {
  if (earlier.request_hash !== requestHash) throw new DomainError('idempotency-key-reused');
  return { deal: JSON.parse(earlier.response_body) as DealOut, replayed: true };
}

async function createInTransaction(
  ctx: ServiceContext,
  trx: Trx,
  actor: Actor,
  body: CreateDealBody,
): Promise<DealOut> {
  const now = ctx.clock.now();
  const nowText = now.toISOString();
  const today = isoDay(now);
  const vendor = await getVendor(trx);
  const organization = await getOrganization(trx, actor.organizationId);
  if (!vendor || !organization) throw new DomainError('forbidden');
  const createdByVendor = organization.kind === 'vendor';
  const locations = await locationsOf(trx, organization.id);

  // Who may create, and for which location.
  let locationId: string;
  if (createdByVendor) {
    if (!actor.roles.some((g) => g.role === 'vendor-admin' || g.role === 'vendor-seller')) {
      throw new DomainError('forbidden');
    }
    if (body.invitations.length === 0)
      throw invalid('invitations', 'A vendor deal is sent to at least one partner.');
    if (body.vendorHelp !== 'none') throw invalid('vendorHelp', 'The vendor does not ask itself for help.');
    if (body.shareWithVendor) throw invalid('shareWithVendor', 'The vendor does not share with itself.');
    const own = body.locationId ? locations.find((l) => l.id === body.locationId) : locations[0];
    if (!own) throw invalid('locationId', 'No such location of your organization.');
    locationId = own.id;
  } else {
    const allowed = creatableLocations(
      actor,
      locations.map((l) => l.id),
    );
    if (allowed.length === 0) throw new DomainError('forbidden');
    if (!body.locationId) throw invalid('locationId', 'Choose the location the deal belongs to.');
    if (!allowed.includes(body.locationId)) {
      throw invalid('locationId', 'You can create deals only for locations in your scope.');
    }
    locationId = body.locationId;
  }

  checkCloseDate(body.closeDate, today, 'closeDate');
  const valueMinor = toMinor(body.value, 'value');
  checkNoDuplicateMembers(body.team, 'team');
  const creatorTeamKeys = body.team.map((m) => m.email.trim().toLowerCase());
  const creatorFacts = {
    organizationId: organization.id,
    locationId,
    type: 'private' as const,
    status: 'accepted' as const,
    direction: 'outbound' as const,
    salesStage: 'created' as const,
    vendorRecord: createdByVendor,
    ownTeamEmailKeys: creatorTeamKeys,
  };
  if (rolesOnDeal(actor, creatorFacts).length === 0)
    throw new DomainError('creator-not-on-team', undefined, 'team');

  const solutions = await checkSolutions(trx, body.solutionIds, 'solutionIds', {
    actorOrgId: organization.id,
    vendorId: vendor.id,
    assessmentApproved: organization.assessment_approved === 1,
  });
  if (solutions.hasAssessment) {
    if (body.invitations.length > 0) invalidCombination('invitations');
    if (body.vendorHelp !== 'none') invalidCombination('vendorHelp');
    if (body.shareWithVendor) invalidCombination('shareWithVendor');
  }

  const involvesVendor = !createdByVendor && (body.vendorHelp !== 'none' || body.shareWithVendor);
  if (involvesVendor) requireContactAndConsent(body);
  if (body.consent?.shareContactWithVendor && !body.customerContact) {
    throw invalid('customerContact', 'Consent was given for a contact that is missing.');
  }

  const customer = await resolveCustomer(trx, body.customer);
  const invitees = await checkInvitations(trx, actor, body.invitations, vendor.id, today, new Set(), {
    customerCountry: customer.customer_country,
  });

  // Duplicate check (SPEC §15), last before writing: against the creator's visible open deals.
  if (!body.confirmNotDuplicate) {
    const candidates = await findDuplicates(trx, actor, customer, nowText);
    if (candidates.length > 0)
      throw new DomainError('possible-duplicate', undefined, undefined, { candidates });
  }

  const type = typeOfNewDeal({
    hasAssessment: solutions.hasAssessment,
    vendorHelp: body.vendorHelp,
    shareWithVendor: body.shareWithVendor,
    invitesPartners: body.invitations.length > 0,
    createdByVendor,
  });

  const engagementId = newId();
  await insertEngagement(trx, {
    id: engagementId,
    type,
    created_by_org_id: organization.id,
    ...customer,
    contact_name: body.customerContact?.name ?? null,
    contact_phone: body.customerContact?.phone ?? null,
    contact_email: body.customerContact?.email ?? null,
    consent_share_contact: body.consent?.shareContactWithVendor ? 1 : 0,
    consent_given_at: body.consent?.shareContactWithVendor ? nowText : null,
    version: 1,
    created_at: nowText,
    updated_at: nowText,
  });

  const actorRef = { userId: actor.userId, name: actor.name, organizationId: actor.organizationId };
  const events: NewEvent[] = [];
  const record = (
    row: Omit<ParticipantsTable, 'engagement_id' | 'version' | 'created_at' | 'updated_at' | 'search_text'>,
  ) =>
    ({
      ...row,
      engagement_id: engagementId,
      search_text: searchTextOf(row.name, customer.customer_name),
      version: 1,
      created_at: nowText,
      updated_at: nowText,
    }) satisfies ParticipantsTable;

  const creatorId = newId();
  await insertParticipant(
    trx,
    record({
      id: creatorId,
      organization_id: organization.id,
      location_id: locationId,
      direction: 'outbound',
      status: 'accepted',
      sales_stage: startStage('outbound'),
      name: body.name,
      value_minor: valueMinor,
      currency: body.value.currency,
      close_date: body.closeDate,
      crm_id: body.crmId ?? null,
      campaign_id: body.campaignId ?? null,
      help: body.vendorHelp,
      invited_by_org_id: null,
      invitation_notes: null,
      received_at: null,
      expires_at: null,
      reason: null,
      reason_notes: null,
      closed_at: null,
    }),
  );
  await replaceTeam(trx, creatorId, teamRows(body.team, organization.id));
  await replaceSolutions(trx, creatorId, body.solutionIds);
  events.push(
    eventFor('deal.created', creatorId, organization.id, 'engagement', {
      type,
      changes: { status: { from: null, to: 'accepted' } },
    }),
  );

  const expiresAt = addDays(now, RESPONSE_WINDOW_DAYS).toISOString();
  if (involvesVendor) {
    const vendorLocations = await locationsOf(trx, vendor.id);
    const vendorLocation = vendorLocations[0];
    if (!vendorLocation) throw new Error('the vendor organization has no location');
    const helpRequested = body.vendorHelp !== 'none';
    const vendorRecordId = newId();
    await insertParticipant(
      trx,
      record({
        id: vendorRecordId,
        organization_id: vendor.id,
        location_id: vendorLocation.id,
        direction: 'inbound',
        // Partner-led: shared for visibility only, nothing is asked of the vendor.
        status: helpRequested ? 'received' : 'accepted',
        sales_stage: startStage('inbound'),
        name: body.name,
        value_minor: valueMinor,
        currency: body.value.currency,
        close_date: body.closeDate,
        crm_id: null,
        campaign_id: null,
        help: body.vendorHelp,
        invited_by_org_id: organization.id,
        invitation_notes: body.notes ?? null,
        received_at: nowText,
        expires_at: helpRequested ? expiresAt : null,
        reason: null,
        reason_notes: null,
        closed_at: null,
      }),
    );
    events.push(
      eventFor('deal.received', vendorRecordId, vendor.id, 'engagement', {
        help: body.vendorHelp,
        changes: { status: { from: null, to: helpRequested ? 'received' : 'accepted' } },
      }),
    );
  }

  for (const invitee of invitees) {
    const inviteeRecordId = newId();
    await insertParticipant(
      trx,
      record({
        id: inviteeRecordId,
        organization_id: invitee.organizationId,
        location_id: invitee.locationId,
        direction: 'inbound',
        status: 'received',
        sales_stage: startStage('inbound'),
        name: body.name,
        value_minor: invitee.valueMinor,
        currency: invitee.input.value.currency,
        close_date: invitee.input.closeDate,
        crm_id: null,
        campaign_id: null,
        help: invitee.input.help,
        invited_by_org_id: organization.id,
        invitation_notes: invitee.input.notes ?? null,
        received_at: nowText,
        expires_at: expiresAt,
        reason: null,
        reason_notes: null,
        closed_at: null,
      }),
    );
    // The inviter's people who will work with the invitee: both organizations see the combined team.
    await replaceTeam(trx, inviteeRecordId, teamRows(invitee.input.team, organization.id));
    await replaceSolutions(trx, inviteeRecordId, invitee.input.solutionIds);
    events.push(
      eventFor('deal.received', inviteeRecordId, invitee.organizationId, 'engagement', {
        help: invitee.input.help,
        changes: { status: { from: null, to: 'received' } },
      }),
    );
  }

  if (body.notes) {
    const noteId = newId();
    await insertNote(trx, {
      id: noteId,
      engagement_id: engagementId,
      organization_id: organization.id,
      author_user_id: actor.userId,
      author_name: actor.name,
      body: body.notes,
      body_search: normalizeForSearch(body.notes),
      created_at: nowText,
    });
    events.push(eventFor('deal.note-added', creatorId, organization.id, 'engagement', { noteId }));
  }
  await insertEvents(trx, events);
  return presentDeal(trx, actor, await loadDealPage(trx, actor, creatorId));

  function eventFor(
    typeName: string,
    participantId: string,
    organizationId: string,
    visibility: 'engagement' | 'organization',
    data: unknown,
  ): NewEvent {
    return {
      id: newId(),
      type: typeName,
      engagementId,
      participantId,
      organizationId,
      visibility,
      actor: actorRef,
      data,
      createdAt: nowText,
    };
  }
}

function invalidCombination(path: string): never {
  throw invalid(path, 'A solution-assessment deal is not shared: no vendor help and no invited partners.');
}

export function requireContactAndConsent(body: {
  customerContact?: unknown;
  consent?: { shareContactWithVendor: boolean } | undefined;
}): void {
  if (!body.customerContact) {
    throw invalid('customerContact', 'A customer contact is required when the vendor is invited.');
  }
  if (body.consent?.shareContactWithVendor !== true) {
    throw invalid(
      'consent.shareContactWithVendor',
      'Confirm the customer consented to share the contact with the vendor.',
    );
  }
}

export interface CheckedInvitee {
  input: InvitationInput;
  organizationId: string;
  locationId: string;
  valueMinor: number;
}

/**
 * Checks each invitation (a co-sell-ready partner other than the inviter, once, with its own solutions)
 * and picks the location the invitee's record lands on: for a deal the vendor sends, the partner's routing
 * rules first (customer country × solution, most specific first); else the location that owns the first
 * solution asked of it, else its first location.
 */
export async function checkInvitations(
  db: Executor,
  actor: Actor,
  invitations: readonly InvitationInput[],
  vendorId: string,
  today: string,
  alreadyParticipating: ReadonlySet<string> = new Set(),
  routing?: { customerCountry: string },
): Promise<CheckedInvitee[]> {
  const seen = new Set<string>();
  const result: CheckedInvitee[] = [];
  for (const [index, input] of invitations.entries()) {
    const path = `invitations.${index}`;
    const partner = await getOrganization(db, input.partnerId);
    if (partner?.kind !== 'partner' || partner.co_sell_ready !== 1 || partner.id === vendorId) {
      throw invalid(`${path}.partnerId`, 'No such co-sell-ready partner.');
    }
    if (partner.id === actor.organizationId)
      throw invalid(`${path}.partnerId`, 'You cannot invite yourself.');
    if (seen.has(partner.id)) throw invalid(`${path}.partnerId`, 'This partner is invited twice.');
    if (alreadyParticipating.has(partner.id)) {
      throw new DomainError('already-participant', undefined, `${path}.partnerId`);
    }
    seen.add(partner.id);
    checkCloseDate(input.closeDate, today, `${path}.closeDate`);
    const valueMinor = toMinor(input.value, `${path}.value`);
    checkNoDuplicateMembers(input.team, `${path}.team`);
    const solutions = await checkSolutions(db, input.solutionIds, `${path}.solutionIds`, {
      actorOrgId: actor.organizationId,
      vendorId,
      assessmentApproved: false,
      ownedBy: partner.id,
    });
    const partnerLocations = await locationsOf(db, partner.id);
    const owning = solutions.rows.find((s) => s.location_id !== null)?.location_id;
    const routed =
      routing && actor.organizationKind === 'vendor'
        ? await routedLocation(db, partner.id, routing.customerCountry, input.solutionIds)
        : null;
    const locationId = routed ?? owning ?? partnerLocations[0]?.id;
    if (!locationId) throw invalid(`${path}.partnerId`, 'This partner has no location to receive deals.');
    result.push({ input, organizationId: partner.id, locationId, valueMinor });
  }
  return result;
}
