/**
 * Status transitions and stage moves driven by the lifecycle table: accept, decline, win, lose,
 * close as error, set stage. Each is one compare-and-set write plus its event (see mutate-deal.ts).
 */
import { ACTION_RULES, checkStageMove, type SalesStage, startStage } from '../../core/lifecycle.ts';
import type { AcceptBody } from '../../core/schemas.ts';
import { normalizeForSearch } from '../../core/text.ts';
import type { Actor } from '../access/actor.ts';
import { isoDay } from '../clock.ts';
import { insertNote, replaceOrganizationMembers } from '../db/repositories/deals.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ServiceContext } from './context.ts';
import { checkCloseDate, checkNoDuplicateMembers, searchTextOf, teamRows, toMinor } from './deal-rules.ts';
import { type MutationScope, mutateDeal } from './mutate-deal.ts';
import { resolveStage } from './stage-names.ts';

type Expected = number;

/** received → accepted, with the recipient's own name, value, close date, CRM fields and team. */
export function acceptDeal(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  version: Expected,
  body: AcceptBody,
) {
  return mutateDeal(ctx, actor, id, version, 'accept', async (scope) => {
    const { record, engagement } = scope.deal;
    const changes: Record<string, { from: unknown; to: unknown }> = {
      status: { from: record.status, to: 'accepted' },
    };
    const update: Parameters<MutationScope['update']>[0] = {
      status: 'accepted',
      sales_stage: startStage('inbound'),
      expires_at: null,
    };
    if (body.name !== undefined) {
      update.name = body.name;
      update.search_text = searchTextOf(body.name, engagement.customer_name);
    }
    if (body.value !== undefined) {
      update.value_minor = toMinor(body.value, 'value');
      update.currency = body.value.currency;
    }
    if (body.closeDate !== undefined) {
      checkCloseDate(body.closeDate, isoDay(ctx.clock.now()), 'closeDate');
      update.close_date = body.closeDate;
    }
    if (body.crmId !== undefined) update.crm_id = body.crmId;
    if (body.campaignId !== undefined) update.campaign_id = body.campaignId;
    await scope.update(update);
    if (body.team !== undefined) {
      checkNoDuplicateMembers(body.team, 'team');
      // The inviter's people on this record stay: both organizations see the combined team.
      await replaceOrganizationMembers(
        scope.trx,
        record.id,
        record.organization_id,
        teamRows(body.team, record.organization_id),
      );
    }
    if (body.notes) await addNoteInScope(scope, actor, body.notes);
    scope.event('deal.status-changed', { changes }, { visibility: 'engagement' });
  });
}

/** Closing transitions with a reason: decline (received), lose (accepted), close as error (any open). */
export function closeDeal(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  version: Expected,
  action: 'decline' | 'lose' | 'closeAsError',
  body: { reason: string; notes?: string | undefined },
) {
  const rule = ACTION_RULES[action];
  const to = rule.to;
  if (!to) throw new Error(`${action} is not a transition`);
  return mutateDeal(ctx, actor, id, version, action, async (scope) => {
    const { record } = scope.deal;
    await scope.update({
      status: to,
      reason: body.reason,
      reason_notes: body.notes ?? null,
      expires_at: null,
      closed_at: scope.now,
    });
    scope.event(
      'deal.status-changed',
      { changes: { status: { from: record.status, to } }, reason: body.reason },
      { visibility: 'engagement' },
    );
    // Reason notes are the organization's own explanation; the shared thread gets them only as a note
    // when the participant chooses to write one.
  });
}

/** accepted → won (solution-assessment deals: only after every assessment stage, checked by the lifecycle). */
export function winDeal(ctx: ServiceContext, actor: Actor, id: string, version: Expected, notes?: string) {
  return mutateDeal(ctx, actor, id, version, 'win', async (scope) => {
    const { record } = scope.deal;
    await scope.update({
      status: 'won',
      sales_stage: 'won',
      reason_notes: notes ?? null,
      closed_at: scope.now,
    });
    scope.event(
      'deal.status-changed',
      {
        changes: {
          status: { from: record.status, to: 'won' },
          salesStage: { from: record.sales_stage, to: 'won' },
        },
      },
      { visibility: 'engagement' },
    );
  });
}

/** Sets the sales stage (standard: free, backward allowed; assessment: in order). */
export function setStage(ctx: ServiceContext, actor: Actor, id: string, version: Expected, stage: string) {
  return mutateDeal(ctx, actor, id, version, 'setStage', async (scope) => {
    const { record } = scope.deal;
    const from = record.sales_stage as SalesStage;
    // The organization's own stage names (stage mapping) are accepted as well as the standard ones.
    const resolved = await resolveStage(scope.trx, record.organization_id, stage);
    const to = resolved.stage;
    const check = checkStageMove(scope.deal.facts.type, from, to as SalesStage);
    if (!check.ok) {
      throw new DomainError(
        'invalid-input',
        check.code === 'unknown-stage'
          ? 'That stage is not one of this deal’s stages (won is reached with the win action).'
          : 'Assessment stages are completed in order, one at a time.',
        'stage',
      );
    }
    if (from === to && (record.org_stage ?? null) === resolved.orgStage) return;
    await scope.update({ sales_stage: to, org_stage: resolved.orgStage });
    scope.event('deal.updated', { changes: { salesStage: { from, to } } });
  });
}

export async function addNoteInScope(scope: MutationScope, actor: Actor, body: string): Promise<string> {
  const noteId = newId();
  await insertNote(scope.trx, {
    id: noteId,
    engagement_id: scope.deal.record.engagement_id,
    organization_id: actor.organizationId,
    author_user_id: actor.userId,
    author_name: actor.name,
    body,
    body_search: normalizeForSearch(body),
    created_at: scope.now,
  });
  scope.event('deal.note-added', { noteId }, { visibility: 'engagement' });
  return noteId;
}
