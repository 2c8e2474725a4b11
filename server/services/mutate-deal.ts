/**
 * The shape every deal mutation shares: in one transaction, find the record through the visibility
 * predicate (404), check the caller's If-Match (412), check the lifecycle allows the action for this
 * caller now (403/409), write with compare-and-set and record the events; then present the result.
 */
import type { Updateable } from 'kysely';
import type { Action } from '../../core/lifecycle.ts';
import type { DealOut } from '../../core/schemas.ts';
import type { Actor } from '../access/actor.ts';
import { whyNot } from '../access/visibility.ts';
import type { Trx } from '../db/database.ts';
import { type ParticipantRow, updateParticipantIfVersion } from '../db/repositories/deals.ts';
import { insertEvents, type NewEvent } from '../db/repositories/events.ts';
import type { ParticipantsTable } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import { inTransaction, nowIso, type ServiceContext } from './context.ts';
import {
  expireOverdueOfVisibleDeal,
  type LoadedDeal,
  loadDeal,
  loadDealPage,
  presentDeal,
} from './deal-view.ts';

export interface MutationScope {
  trx: Trx;
  deal: LoadedDeal;
  now: string;
  /** Compare-and-set update of the record; bumps version and updated_at. */
  update(changes: Updateable<ParticipantsTable>): Promise<void>;
  /** Queues an event to be written in this transaction. */
  event(
    type: string,
    data: unknown,
    options?: { visibility?: 'engagement' | 'organization'; record?: ParticipantRow },
  ): void;
}

export async function mutateDeal(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  expectedVersion: number,
  action: Action,
  work: (scope: MutationScope) => Promise<void>,
): Promise<DealOut> {
  // Overdue records are expired first (their own transaction), so nobody acts on a stale state.
  await expireOverdueOfVisibleDeal(ctx, actor, id);
  return inTransaction(ctx, async (trx) => {
    const deal = await loadDeal(trx, actor, id);
    if (deal.record.version !== expectedVersion) throw new DomainError('precondition-failed');
    const refused = whyNot(actor, action, deal.facts);
    if (refused) throw new DomainError(refused);
    const now = nowIso(ctx);
    const events: NewEvent[] = [];
    let version = deal.record.version;
    const scope: MutationScope = {
      trx,
      deal,
      now,
      async update(changes) {
        const ok = await updateParticipantIfVersion(trx, deal.record.id, version, {
          ...changes,
          updated_at: now,
        });
        if (!ok) throw new DomainError('precondition-failed');
        version += 1;
      },
      event(type, data, options = {}) {
        const record = options.record ?? deal.record;
        events.push({
          id: newId(),
          type,
          engagementId: record.engagement_id,
          participantId: record.id,
          organizationId: record.organization_id,
          visibility: options.visibility ?? 'organization',
          actor: { userId: actor.userId, name: actor.name, organizationId: actor.organizationId },
          data,
          createdAt: now,
        });
      },
    };
    await work(scope);
    await insertEvents(trx, events);
    const after = await loadDealPage(trx, actor, id).catch((error: unknown) => {
      // The change would take the deal out of the caller's sight (e.g. removed themselves from the team).
      if (error instanceof DomainError && error.code === 'not-found') {
        throw new DomainError(
          'invalid-input',
          'Keep yourself on the team: this change would remove your access.',
          'team',
        );
      }
      throw error;
    });
    return presentDeal(trx, actor, after);
  });
}
