/**
 * The dispatcher (SPEC §10, §12): reminders → fan-out of committed events → delivery. Deliveries are
 * claimed with compare-and-set (a lease: claimed_by / claimed_until, taken only where the lease is free; on
 * PostgreSQL the candidate rows are also locked with SKIP LOCKED), so several server processes share the
 * work and none sends what another holds. Every attempt is recorded. A failure is retried with exponential
 * backoff and jitter until the delivery's horizon (default 3 days), then it becomes a dead letter, which an
 * administrator of the receiving organization sees and can retry. A process that dies after sending but
 * before recording lets its lease run out and the delivery is sent again: at least once.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { insertEvents } from '../db/repositories/events.ts';
import type { DeliveriesTable } from '../db/schema.ts';
import { newId } from '../ids.ts';
import type { Mailer } from '../mail/transport.ts';
import { inTransaction, nowIso, type ServiceContext } from './context.ts';
import { fanOutPending, newReminderProgress, scheduleReminders } from './notices.ts';
import { checkWebhookTarget, postWebhook, signature } from './webhook-http.ts';

export interface DispatcherSettings {
  /** Deliveries claimed per round. */
  batch: number;
  /** How long a claim holds before another process may take the delivery over. */
  leaseMs: number;
  /** First retry delay; doubles per attempt up to retryMaxMs; each delay is jittered to 50–100 %. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a delivery is retried before it becomes a dead letter. */
  giveUpAfterMs: number;
  webhookTimeoutMs: number;
  /** Deliveries attempted at the same time within a batch. */
  concurrency: number;
}

export const DEFAULT_DISPATCHER_SETTINGS: DispatcherSettings = {
  batch: 50,
  leaseMs: 120_000,
  retryBaseMs: 30_000,
  retryMaxMs: 3_600_000,
  giveUpAfterMs: 3 * 86_400_000,
  webhookTimeoutMs: 10_000,
  concurrency: 8,
};

export interface DispatcherDeps {
  mailer: Mailer | null;
  settings?: Partial<DispatcherSettings>;
  workerId?: string;
  log?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Source of jitter (tests pin it). */
  random?: () => number;
}

export interface RoundResult {
  reminders: number;
  events: number;
  delivered: number;
  failed: number;
  dead: number;
}

export class Dispatcher {
  readonly settings: DispatcherSettings;
  readonly workerId: string;
  private readonly reminderProgress = newReminderProgress();
  constructor(
    private readonly ctx: ServiceContext,
    private readonly deps: DispatcherDeps,
  ) {
    this.settings = { ...DEFAULT_DISPATCHER_SETTINGS, ...deps.settings };
    this.workerId = deps.workerId ?? randomUUID();
  }

  /** One full round: reminders due, every pending event fanned out, every due delivery attempted once. */
  async runOnce(): Promise<RoundResult> {
    const result: RoundResult = { reminders: 0, events: 0, delivered: 0, failed: 0, dead: 0 };
    result.reminders = await scheduleReminders(this.ctx, this.reminderProgress);
    result.events = await this.fanOut();
    for (;;) {
      const round = await this.deliverDue();
      result.delivered += round.delivered;
      result.failed += round.failed;
      result.dead += round.dead;
      if (round.claimed < this.settings.batch) break;
    }
    // A subscription disabled in this round wrote an event for its owner: tell them now.
    if (result.dead > 0) result.events += await this.fanOut();
    return result;
  }

  async fanOut(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await fanOutPending(this.ctx, {
        mailEnabled: this.deps.mailer !== null,
        giveUpAfterMs: this.settings.giveUpAfterMs,
        ...(this.deps.log ? { log: this.deps.log } : {}),
      });
      total += count;
      if (count === 0) return total;
    }
  }

  /** Claims due deliveries (compare-and-set on the lease) and attempts each once. */
  async deliverDue(): Promise<{ claimed: number; delivered: number; failed: number; dead: number }> {
    const { ctx } = this;
    const now = nowIso(ctx);
    const until = new Date(ctx.clock.now().getTime() + this.settings.leaseMs).toISOString();
    let candidates = ctx.db
      .selectFrom('deliveries')
      .select('id')
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(this.settings.batch);
    if (ctx.dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
    const claimed = await ctx.db
      .updateTable('deliveries')
      .set({ claimed_by: this.workerId, claimed_until: until })
      .where('id', 'in', candidates)
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .returningAll()
      .execute();
    let delivered = 0;
    let failed = 0;
    let dead = 0;
    // A few attempts at a time: a slow receiver does not hold up the rest of the batch.
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) {
        const delivery = claimed[next++] as Selectable<DeliveriesTable>;
        const outcome = await this.attempt(delivery);
        if (outcome === 'done') delivered += 1;
        else if (outcome === 'dead') dead += 1;
        else failed += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.settings.concurrency) }, worker));
    return { claimed: claimed.length, delivered, failed, dead };
  }

  private async attempt(delivery: Selectable<DeliveriesTable>): Promise<'done' | 'retry' | 'dead' | 'lost'> {
    const started = Date.now();
    let ok = false;
    let status: number | null = null;
    let error: string | null = null;
    let skip: string | null = null;
    try {
      if (delivery.channel === 'email') {
        if (!this.deps.mailer) throw new Error('no SMTP_URL configured');
        const mail = JSON.parse(delivery.payload) as {
          subject: string;
          text: string;
          html: string;
          locale: string;
        };
        await this.deps.mailer.send({ to: delivery.recipient, deliveryId: delivery.id, ...mail });
        ok = true;
      } else {
        const subscription = await this.ctx.db
          .selectFrom('webhooks')
          .select(['url', 'secret', 'enabled'])
          .where('id', '=', delivery.target_id)
          .executeTakeFirst();
        if (!subscription) skip = 'the subscription was deleted';
        else if (subscription.enabled !== 1) skip = 'the subscription is disabled';
        else {
          const target = await checkWebhookTarget(subscription.url, this.ctx.config.webhookAllowedHosts);
          const t = Math.floor(this.ctx.clock.now().getTime() / 1000);
          const result = await postWebhook(
            target,
            {
              'cosell-event-id': delivery.event_id,
              'cosell-event': delivery.kind,
              'cosell-delivery-id': delivery.id,
              'cosell-signature': signature(subscription.secret, t, delivery.payload),
            },
            delivery.payload,
            this.settings.webhookTimeoutMs,
          );
          ok = result.ok;
          status = result.status;
          error = result.error;
        }
      }
    } catch (err) {
      ok = false;
      error = err instanceof Error ? err.message : String(err);
    }
    if (skip) error = skip;
    return this.record(delivery, { ok, status, error, skip: skip !== null, ms: Date.now() - started });
  }

  private async record(
    delivery: Selectable<DeliveriesTable>,
    result: { ok: boolean; status: number | null; error: string | null; skip: boolean; ms: number },
  ): Promise<'done' | 'retry' | 'dead' | 'lost'> {
    const { ctx } = this;
    const now = ctx.clock.now();
    const nowText = now.toISOString();
    const attempts = delivery.attempts + 1;
    const giveUp = result.skip || nowText >= delivery.give_up_at;
    const state: 'done' | 'pending' | 'dead' = result.ok ? 'done' : giveUp ? 'dead' : 'pending';
    const delay = Math.min(this.settings.retryMaxMs, this.settings.retryBaseMs * 2 ** (attempts - 1));
    const jittered = Math.round(delay * (0.5 + 0.5 * (this.deps.random ?? Math.random)()));
    return inTransaction(ctx, async (trx) => {
      const updated = await trx
        .updateTable('deliveries')
        .set({
          state,
          attempts,
          claimed_by: null,
          claimed_until: null,
          last_error: result.ok ? null : (result.error ?? 'failed').slice(0, 500),
          last_status: result.status,
          updated_at: nowText,
          next_attempt_at:
            state === 'pending' ? new Date(now.getTime() + jittered).toISOString() : delivery.next_attempt_at,
          ...(result.ok ? { delivered_at: nowText } : {}),
        })
        .where('id', '=', delivery.id)
        .where('claimed_by', '=', this.workerId)
        .executeTakeFirst();
      // Our lease ran out and another process took the delivery over: its record stands.
      if (Number(updated.numUpdatedRows) !== 1) return 'lost';
      await trx
        .insertInto('delivery_attempts')
        .values({
          id: newId(),
          delivery_id: delivery.id,
          attempted_at: nowText,
          ok: result.ok ? 1 : 0,
          status_code: result.status,
          error: result.ok ? null : (result.error ?? 'failed').slice(0, 500),
          duration_ms: result.ms,
        })
        .execute();
      if (state === 'dead' && delivery.channel === 'webhook' && !result.skip) {
        await disableFailingSubscription(trx, delivery.target_id, nowText);
      }
      if (!result.ok) {
        this.deps.log?.info(
          { delivery: delivery.id, channel: delivery.channel, attempts, state, error: result.error },
          'delivery failed',
        );
      }
      return state === 'pending' ? 'retry' : state;
    });
  }
}

/** A subscription whose delivery failed for the whole horizon is disabled, and its owner is told. */
async function disableFailingSubscription(
  trx: import('../db/database.ts').Trx,
  subscriptionId: string,
  now: string,
): Promise<void> {
  const subscription = await trx
    .selectFrom('webhooks')
    .select(['id', 'organization_id', 'url', 'created_by_user_id'])
    .where('id', '=', subscriptionId)
    .where('enabled', '=', 1)
    .executeTakeFirst();
  if (!subscription) return;
  await trx
    .updateTable('webhooks')
    .set({ enabled: 0, disabled_reason: 'deliveries kept failing', updated_at: now })
    .where('id', '=', subscriptionId)
    .where('enabled', '=', 1)
    .execute();
  await insertEvents(trx, [
    {
      id: newId(),
      type: 'webhook.disabled',
      engagementId: null,
      participantId: null,
      organizationId: subscription.organization_id,
      visibility: 'organization',
      actor: { userId: null, name: null, organizationId: null },
      data: { webhookId: subscription.id, url: subscription.url, userId: subscription.created_by_user_id },
      createdAt: now,
    },
  ]);
}
