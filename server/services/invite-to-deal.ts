/**
 * Inviting later (SPEC §6 combinations table, in core INVITATION_RULES): the vendor and/or partners join
 * an existing deal; the deal type follows the table (private → co-sell when the vendor is invited,
 * → partner-to-partner when partners are). Each invitee gets its own received record.
 */
import { type Invitee, RESPONSE_WINDOW_DAYS, startStage, typeAfterInvitation } from '../../core/lifecycle.ts';
import type { InviteBody } from '../../core/schemas.ts';
import type { Actor } from '../access/actor.ts';
import { whyNot } from '../access/visibility.ts';
import { addDays, isoDay } from '../clock.ts';
import {
  insertParticipant,
  participantsOfEngagements,
  replaceSolutions,
  replaceTeam,
  updateEngagementIfVersion,
} from '../db/repositories/deals.ts';
import { getVendor, locationsOf } from '../db/repositories/organizations.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ServiceContext } from './context.ts';
import { checkInvitations, requireContactAndConsent } from './create-deal.ts';
import { searchTextOf, teamRows } from './deal-rules.ts';
import { mutateDeal } from './mutate-deal.ts';

export function inviteToDeal(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  version: number,
  body: InviteBody,
) {
  // The lifecycle check runs per invitee below; mutateDeal checks the first one.
  const action = body.vendor ? 'inviteVendor' : 'invitePartners';
  return mutateDeal(ctx, actor, id, version, action, async (scope) => {
    const { record, engagement, facts } = scope.deal;
    if (body.vendor && body.partners) {
      const refused = whyNot(actor, 'invitePartners', facts);
      if (refused) throw new DomainError(refused);
    }
    const inviting: Invitee[] = [
      ...(body.vendor ? ['vendor' as const] : []),
      ...(body.partners ? ['partners' as const] : []),
    ];
    const newType = typeAfterInvitation(facts.type, inviting, body.vendor?.help);
    if (!newType) throw new DomainError('invitation-not-allowed');

    const now = ctx.clock.now();
    const expiresAt = addDays(now, RESPONSE_WINDOW_DAYS).toISOString();
    const participants = await participantsOfEngagements(scope.trx, [engagement.id]);
    const participating = new Set(participants.map((p) => p.organization_id));
    const vendor = await getVendor(scope.trx);
    if (!vendor) throw new DomainError('invitation-not-allowed');

    const engagementChanges: Parameters<typeof updateEngagementIfVersion>[3] = {
      type: newType,
      updated_at: scope.now,
    };
    if (body.vendor) {
      if (participating.has(vendor.id)) throw new DomainError('already-participant', undefined, 'vendor');
      const contact = body.customerContact ?? (engagement.contact_name ? { present: true } : undefined);
      const consent = body.consent ?? { shareContactWithVendor: engagement.consent_share_contact === 1 };
      requireContactAndConsent({ customerContact: contact, consent });
      if (body.customerContact) {
        engagementChanges.contact_name = body.customerContact.name;
        engagementChanges.contact_phone = body.customerContact.phone;
        engagementChanges.contact_email = body.customerContact.email;
      }
      if (body.consent?.shareContactWithVendor && engagement.consent_share_contact !== 1) {
        engagementChanges.consent_share_contact = 1;
        engagementChanges.consent_given_at = scope.now;
      }
    }
    const invitees = body.partners
      ? await checkInvitations(scope.trx, actor, body.partners, vendor.id, isoDay(now), participating).catch(
          (error: unknown) => {
            // checkInvitations names paths from the create body; here they live under `partners`.
            if (error instanceof DomainError && error.path?.startsWith('invitations')) {
              throw new DomainError(
                error.code,
                error.message,
                error.path.replace(/^invitations/, 'partners'),
              );
            }
            throw error;
          },
        )
      : [];

    if (!(await updateEngagementIfVersion(scope.trx, engagement.id, engagement.version, engagementChanges))) {
      throw new DomainError('precondition-failed');
    }
    const base = {
      engagement_id: engagement.id,
      direction: 'inbound' as const,
      sales_stage: startStage('inbound'),
      name: record.name,
      search_text: searchTextOf(record.name, engagement.customer_name),
      crm_id: null,
      campaign_id: null,
      invited_by_org_id: actor.organizationId,
      received_at: scope.now,
      reason: null,
      reason_notes: null,
      version: 1,
      created_at: scope.now,
      updated_at: scope.now,
      closed_at: null,
    };
    if (body.vendor) {
      const vendorLocation = (await locationsOf(scope.trx, vendor.id))[0];
      if (!vendorLocation) throw new Error('the vendor organization has no location');
      const helpRequested = body.vendor.help !== 'none';
      const vendorRecord = {
        ...base,
        id: newId(),
        organization_id: vendor.id,
        location_id: vendorLocation.id,
        status: helpRequested ? 'received' : 'accepted',
        value_minor: record.value_minor,
        currency: record.currency,
        close_date: record.close_date,
        help: body.vendor.help,
        invitation_notes: body.vendor.notes ?? null,
        expires_at: helpRequested ? expiresAt : null,
      };
      await insertParticipant(scope.trx, vendorRecord);
      scope.event(
        'deal.received',
        { help: body.vendor.help, changes: { status: { from: null, to: vendorRecord.status } } },
        { visibility: 'engagement', record: vendorRecord },
      );
    }
    for (const invitee of invitees) {
      const inviteeRecord = {
        ...base,
        id: newId(),
        organization_id: invitee.organizationId,
        location_id: invitee.locationId,
        status: 'received',
        value_minor: invitee.valueMinor,
        currency: invitee.input.value.currency,
        close_date: invitee.input.closeDate,
        help: invitee.input.help,
        invitation_notes: invitee.input.notes ?? null,
        expires_at: expiresAt,
      };
      await insertParticipant(scope.trx, inviteeRecord);
      await replaceTeam(scope.trx, inviteeRecord.id, teamRows(invitee.input.team, actor.organizationId));
      await replaceSolutions(scope.trx, inviteeRecord.id, invitee.input.solutionIds);
      scope.event(
        'deal.received',
        { help: invitee.input.help, changes: { status: { from: null, to: 'received' } } },
        { visibility: 'engagement', record: inviteeRecord },
      );
    }
    // The inviter's record changes too (its participants and maybe its type): bump its version.
    await scope.update({});
    if (newType !== facts.type) {
      scope.event(
        'deal.updated',
        { changes: { type: { from: facts.type, to: newType } } },
        { visibility: 'engagement' },
      );
    }
  });
}
