/**
 * Webhook subscriptions of an organization (SPEC §12): an entire-company referrals admin (vendor: a
 * vendor-admin) subscribes URLs to event types. The secret is shown once, at creation and on rotation.
 * The delivery log lists a subscription's deliveries with their attempts; any of them can be redelivered.
 */
import { randomBytes } from 'node:crypto';
import type { Actor } from '../access/actor.ts';
import { DomainError, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { nowIso, type ServiceContext } from './context.ts';
import { encodeCursor, invalidCursor, readCursor } from './cursor.ts';
import { DEFAULT_DISPATCHER_SETTINGS } from './dispatcher.ts';
import { deliveryOut, mayAdministerNotices, retryDelivery } from './notifications.ts';
import { checkWebhookTarget } from './webhook-http.ts';

export interface WebhookOut {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

function assertAdmin(actor: Actor) {
  if (!mayAdministerNotices(actor)) throw new DomainError('forbidden');
}

function present(row: {
  id: string;
  url: string;
  events: string;
  enabled: 0 | 1;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}): WebhookOut {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function own(ctx: ServiceContext, actor: Actor, id: string) {
  assertAdmin(actor);
  const row = await ctx.db
    .selectFrom('webhooks')
    .selectAll()
    .where('id', '=', id)
    .where('organization_id', '=', actor.organizationId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function createWebhook(
  ctx: ServiceContext,
  actor: Actor,
  input: { url: string; events: string[] },
): Promise<WebhookOut & { secret: string }> {
  assertAdmin(actor);
  await checkWebhookTarget(input.url, ctx.config.webhookAllowedHosts);
  const now = nowIso(ctx);
  const row = {
    id: newId(),
    organization_id: actor.organizationId,
    url: input.url,
    events: JSON.stringify([...new Set(input.events)]),
    secret: newSecret(),
    enabled: 1 as const,
    disabled_reason: null,
    created_by_user_id: actor.userId,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.insertInto('webhooks').values(row).execute();
  return { ...present(row), secret: row.secret };
}

export async function listWebhooks(ctx: ServiceContext, actor: Actor): Promise<{ items: WebhookOut[] }> {
  assertAdmin(actor);
  const rows = await ctx.db
    .selectFrom('webhooks')
    .selectAll()
    .where('organization_id', '=', actor.organizationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return { items: rows.map(present) };
}

export async function getWebhook(ctx: ServiceContext, actor: Actor, id: string): Promise<WebhookOut> {
  return present(await own(ctx, actor, id));
}

export async function updateWebhook(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  input: { url?: string | undefined; events?: string[] | undefined; enabled?: boolean | undefined },
): Promise<WebhookOut> {
  await own(ctx, actor, id);
  if (input.url !== undefined) await checkWebhookTarget(input.url, ctx.config.webhookAllowedHosts);
  await ctx.db
    .updateTable('webhooks')
    .set({
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.events !== undefined ? { events: JSON.stringify([...new Set(input.events)]) } : {}),
      ...(input.enabled !== undefined
        ? { enabled: input.enabled ? 1 : 0, disabled_reason: input.enabled ? null : 'disabled by an admin' }
        : {}),
      updated_at: nowIso(ctx),
    })
    .where('id', '=', id)
    .execute();
  return getWebhook(ctx, actor, id);
}

export async function deleteWebhook(ctx: ServiceContext, actor: Actor, id: string): Promise<void> {
  await own(ctx, actor, id);
  await ctx.db.deleteFrom('webhooks').where('id', '=', id).execute();
}

export async function rotateWebhookSecret(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
): Promise<WebhookOut & { secret: string }> {
  await own(ctx, actor, id);
  const secret = newSecret();
  await ctx.db
    .updateTable('webhooks')
    .set({ secret, updated_at: nowIso(ctx) })
    .where('id', '=', id)
    .execute();
  return { ...(await getWebhook(ctx, actor, id)), secret };
}

/** The delivery log, newest first, each with its attempts. */
export async function webhookDeliveries(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  query: { limit: number; cursor?: string | undefined },
) {
  await own(ctx, actor, id);
  let cursor: { c: string; i: string } | null = null;
  if (query.cursor) {
    const parsed = readCursor(query.cursor);
    if (typeof parsed.c !== 'string' || typeof parsed.i !== 'string') throw invalidCursor();
    cursor = { c: parsed.c, i: parsed.i };
  }
  let q = ctx.db
    .selectFrom('deliveries')
    .selectAll()
    .where('target_id', '=', id)
    .where('organization_id', '=', actor.organizationId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1);
  if (cursor) {
    const { c, i } = cursor;
    q = q.where((eb) =>
      eb.or([eb('created_at', '<', c), eb.and([eb('created_at', '=', c), eb('id', '<', i)])]),
    );
  }
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const attempts =
    page.length === 0
      ? []
      : await ctx.db
          .selectFrom('delivery_attempts')
          .selectAll()
          .where(
            'delivery_id',
            'in',
            page.map((r) => r.id),
          )
          .orderBy('attempted_at')
          .execute();
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      ...deliveryOut(row),
      state: row.state,
      deliveredAt: row.delivered_at,
      nextAttemptAt: row.state === 'pending' ? row.next_attempt_at : null,
      attemptLog: attempts
        .filter((a) => a.delivery_id === row.id)
        .map((a) => ({
          at: a.attempted_at,
          ok: a.ok === 1,
          statusCode: a.status_code,
          error: a.error,
          durationMs: a.duration_ms,
        })),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ c: last.created_at, i: last.id }) : null,
  };
}

export async function redeliver(ctx: ServiceContext, actor: Actor, id: string, deliveryId: string) {
  await own(ctx, actor, id);
  await retryDelivery(ctx, actor, deliveryId, {
    onlyDead: false,
    subscriptionId: id,
    giveUpAfterMs: ctx.config.deliveryGiveUpMs ?? DEFAULT_DISPATCHER_SETTINGS.giveUpAfterMs,
  });
}
