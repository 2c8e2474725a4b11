/**
 * PATCH: changes the fields the lifecycle allows in the record's current status (SPEC §6);
 * location never changes; a solution-assessment deal keeps its assessment.
 */
import { type EditableField, editableFields } from '../../core/lifecycle.ts';
import type { PatchDealBody } from '../../core/schemas.ts';
import type { Actor } from '../access/actor.ts';
import { isoDay } from '../clock.ts';
import {
  participantsOfEngagements,
  replaceOrganizationMembers,
  replaceSolutions,
  updateEngagementIfVersion,
} from '../db/repositories/deals.ts';
import { getVendor } from '../db/repositories/organizations.ts';
import { DomainError, invalid } from '../errors.ts';
import type { ServiceContext } from './context.ts';
import {
  checkCloseDate,
  checkNoDuplicateMembers,
  checkSolutions,
  searchTextOf,
  teamRows,
  toMinor,
} from './deal-rules.ts';
import { mutateDeal } from './mutate-deal.ts';

const FIELD_OF_KEY: Record<keyof PatchDealBody, EditableField> = {
  name: 'name',
  value: 'value',
  closeDate: 'closeDate',
  crmId: 'crmId',
  campaignId: 'campaignId',
  team: 'team',
  solutionIds: 'solutions',
  customerContact: 'customerContact',
};

export function updateDeal(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  version: number,
  body: PatchDealBody,
) {
  return mutateDeal(ctx, actor, id, version, 'edit', async (scope) => {
    const { record, engagement, facts } = scope.deal;
    const allowed = editableFields(facts.type, facts.status, facts.direction);
    for (const key of Object.keys(body) as (keyof PatchDealBody)[]) {
      if (body[key] === undefined) continue;
      if (!allowed.includes(FIELD_OF_KEY[key])) {
        throw new DomainError(
          'invalid-state',
          `${key} cannot be changed while the deal is ${facts.status}.`,
          key,
        );
      }
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const update: Parameters<typeof scope.update>[0] = {};
    if (body.name !== undefined && body.name !== record.name) {
      changes.name = { from: record.name, to: body.name };
      update.name = body.name;
      update.search_text = searchTextOf(body.name, engagement.customer_name);
    }
    if (body.value !== undefined) {
      const minor = toMinor(body.value, 'value');
      if (minor !== record.value_minor || body.value.currency !== record.currency) {
        changes.value = { from: { minor: record.value_minor, currency: record.currency }, to: body.value };
        update.value_minor = minor;
        update.currency = body.value.currency;
      }
    }
    if (body.closeDate !== undefined && body.closeDate !== record.close_date) {
      checkCloseDate(body.closeDate, isoDay(ctx.clock.now()), 'closeDate');
      changes.closeDate = { from: record.close_date, to: body.closeDate };
      update.close_date = body.closeDate;
    }
    if (body.crmId !== undefined && body.crmId !== record.crm_id) {
      changes.crmId = { from: record.crm_id, to: body.crmId };
      update.crm_id = body.crmId;
    }
    if (body.campaignId !== undefined && body.campaignId !== record.campaign_id) {
      changes.campaignId = { from: record.campaign_id, to: body.campaignId };
      update.campaign_id = body.campaignId;
    }
    if (body.team !== undefined) {
      checkNoDuplicateMembers(body.team, 'team');
      // The team of a record is the owner's people plus, on an invited record, the inviter's people.
      // Editing replaces only the caller's own organization's members.
      await replaceOrganizationMembers(
        scope.trx,
        record.id,
        actor.organizationId,
        teamRows(body.team, actor.organizationId),
      );
      changes.team = { from: null, to: body.team.map((m) => m.email) };
    }
    if (body.solutionIds !== undefined) {
      const vendor = await getVendor(scope.trx);
      const checked = await checkSolutions(scope.trx, body.solutionIds, 'solutionIds', {
        actorOrgId: actor.organizationId,
        vendorId: vendor?.id ?? '',
        assessmentApproved: false,
      });
      if (checked.hasAssessment)
        throw invalid('solutionIds', 'An assessment makes a new deal; it cannot be added.');
      await replaceSolutions(scope.trx, record.id, body.solutionIds);
      changes.solutions = { from: null, to: body.solutionIds };
    }
    if (body.customerContact !== undefined) {
      if (body.customerContact === null) {
        const participants = await participantsOfEngagements(scope.trx, [engagement.id]);
        if (participants.some((p) => p.organization_kind === 'vendor')) {
          throw invalid('customerContact', 'The vendor takes part: the customer contact stays.');
        }
      }
      const ok = await updateEngagementIfVersion(scope.trx, engagement.id, engagement.version, {
        contact_name: body.customerContact?.name ?? null,
        contact_phone: body.customerContact?.phone ?? null,
        contact_email: body.customerContact?.email ?? null,
        updated_at: scope.now,
      });
      if (!ok) throw new DomainError('precondition-failed');
      changes.customerContact = { from: null, to: body.customerContact ? 'changed' : 'removed' };
    }
    if (Object.keys(changes).length === 0) return;
    await scope.update(update);
    scope.event('deal.updated', { changes });
  });
}
