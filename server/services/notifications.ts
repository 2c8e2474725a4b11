/**
 * In-app notifications (SPEC §10): every notice lands in the recipient's list, unread first, newest first,
 * with keyset paging; mark one or all read; the unread count; per-user e-mail preferences. Also the
 * caller's own language (PATCH /me) that e-mails are written in.
 */
import type { Actor } from '../access/actor.ts';
import { updateUser } from '../db/repositories/users.ts';
import { DomainError, notFound } from '../errors.ts';
import { isLocale, NOTICE_KINDS, type NoticeData, type NoticeKind } from '../mail/templates.ts';
import { nowIso, type ServiceContext } from './context.ts';
import { encodeCursor, invalidCursor, readCursor } from './cursor.ts';

interface Cursor {
  u: 0 | 1;
  c: string;
  i: string;
}

const encode = (cursor: Cursor) => encodeCursor({ ...cursor });
function decode(raw: string): Cursor {
  const parsed = readCursor(raw) as Partial<Cursor>;
  if ((parsed.u === 0 || parsed.u === 1) && typeof parsed.c === 'string' && typeof parsed.i === 'string') {
    return parsed as Cursor;
  }
  throw invalidCursor();
}

export interface NotificationOut {
  id: string;
  kind: NoticeKind;
  dealId: string | null;
  data: NoticeData;
  read: boolean;
  createdAt: string;
  readAt: string | null;
}

export async function listNotifications(
  ctx: ServiceContext,
  actor: Actor,
  query: { limit: number; cursor?: string | undefined; unreadOnly?: boolean | undefined },
): Promise<{ items: NotificationOut[]; nextCursor: string | null; unreadCount: number }> {
  const cursor = query.cursor ? decode(query.cursor) : null;
  let q = ctx.db
    .selectFrom('notifications')
    .selectAll()
    .where('user_id', '=', actor.userId)
    .orderBy('unread', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1);
  if (query.unreadOnly) q = q.where('unread', '=', 1);
  if (cursor) {
    q = q.where((eb) =>
      eb.or([
        eb('unread', '<', cursor.u),
        eb.and([eb('unread', '=', cursor.u), eb('created_at', '<', cursor.c)]),
        eb.and([eb('unread', '=', cursor.u), eb('created_at', '=', cursor.c), eb('id', '<', cursor.i)]),
      ]),
    );
  }
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      id: row.id,
      kind: row.kind as NoticeKind,
      dealId: row.participant_id,
      data: JSON.parse(row.data) as NoticeData,
      read: row.unread === 0,
      createdAt: row.created_at,
      readAt: row.read_at,
    })),
    nextCursor:
      rows.length > query.limit && last ? encode({ u: last.unread, c: last.created_at, i: last.id }) : null,
    unreadCount: await unreadCount(ctx, actor),
  };
}

export async function unreadCount(ctx: ServiceContext, actor: Actor): Promise<number> {
  const row = await ctx.db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', actor.userId)
    .where('unread', '=', 1)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Marks one of the caller's notifications read (idempotent); someone else's is 404. */
export async function markRead(ctx: ServiceContext, actor: Actor, id: string): Promise<void> {
  const row = await ctx.db
    .selectFrom('notifications')
    .select(['id'])
    .where('id', '=', id)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (!row) throw notFound();
  await ctx.db
    .updateTable('notifications')
    .set({ unread: 0, read_at: nowIso(ctx) })
    .where('id', '=', id)
    .where('unread', '=', 1)
    .execute();
}

export async function markAllRead(ctx: ServiceContext, actor: Actor): Promise<{ updated: number }> {
  const result = await ctx.db
    .updateTable('notifications')
    .set({ unread: 0, read_at: nowIso(ctx) })
    .where('user_id', '=', actor.userId)
    .where('unread', '=', 1)
    .executeTakeFirst();
  return { updated: Number(result.numUpdatedRows) };
}

export interface Preferences {
  emailEnabled: boolean;
  /** Per notice kind: whether it is sent by e-mail (every notice is in the in-app list regardless). */
  email: Record<NoticeKind, boolean>;
}

export async function getPreferences(ctx: ServiceContext, actor: Actor): Promise<Preferences> {
  const row = await ctx.db
    .selectFrom('notification_preferences')
    .selectAll()
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  const off = new Set(row ? (JSON.parse(row.email_off_kinds) as string[]) : []);
  return {
    emailEnabled: row ? row.email_enabled === 1 : true,
    email: Object.fromEntries(NOTICE_KINDS.map((k) => [k, !off.has(k)])) as Record<NoticeKind, boolean>,
  };
}

export async function setPreferences(
  ctx: ServiceContext,
  actor: Actor,
  input: { emailEnabled?: boolean | undefined; email?: Partial<Record<NoticeKind, boolean>> | undefined },
): Promise<Preferences> {
  const current = await getPreferences(ctx, actor);
  const email = { ...current.email, ...input.email };
  const row = {
    email_enabled: (input.emailEnabled ?? current.emailEnabled) ? (1 as const) : (0 as const),
    email_off_kinds: JSON.stringify(NOTICE_KINDS.filter((k) => !email[k])),
    updated_at: nowIso(ctx),
  };
  await ctx.db
    .insertInto('notification_preferences')
    .values({ user_id: actor.userId, ...row })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
    .execute();
  return getPreferences(ctx, actor);
}

/** The caller's language for e-mails and the UI (en, zh-TW, zh-CN, ru, sv). */
export async function setLocale(ctx: ServiceContext, actor: Actor, locale: string): Promise<void> {
  if (!isLocale(locale)) throw new DomainError('invalid-input', 'Unsupported locale.', 'locale');
  await updateUser(ctx.db, actor.userId, { locale });
}

/** Who administers an organization's delivery settings: entire-company referrals admins, vendor admins. */
export function mayAdministerNotices(actor: Actor): boolean {
  return actor.roles.some(
    (g) =>
      (g.role === 'referrals-admin' && g.locationIds === null && actor.organizationKind === 'partner') ||
      (g.role === 'vendor-admin' && actor.organizationKind === 'vendor'),
  );
}

export interface DeadLetterOut {
  id: string;
  channel: 'email' | 'webhook';
  recipient: string;
  kind: string;
  eventId: string;
  attempts: number;
  lastError: string | null;
  lastStatus: number | null;
  createdAt: string;
  updatedAt: string;
}

/** Dead letters of the caller's organization (deliveries to its users and its webhooks that gave up). */
export async function listDeadLetters(
  ctx: ServiceContext,
  actor: Actor,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: DeadLetterOut[]; nextCursor: string | null }> {
  if (!mayAdministerNotices(actor)) throw new DomainError('forbidden');
  let cursor: { c: string; i: string } | null = null;
  if (query.cursor) {
    const parsed = readCursor(query.cursor);
    if (typeof parsed.c !== 'string' || typeof parsed.i !== 'string') throw invalidCursor();
    cursor = { c: parsed.c, i: parsed.i };
  }
  let q = ctx.db
    .selectFrom('deliveries')
    .selectAll()
    .where('organization_id', '=', actor.organizationId)
    .where('state', '=', 'dead')
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1);
  if (cursor) {
    const { c, i } = cursor;
    q = q.where((eb) =>
      eb.or([eb('updated_at', '<', c), eb.and([eb('updated_at', '=', c), eb('id', '<', i)])]),
    );
  }
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(deliveryOut),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ c: last.updated_at, i: last.id }) : null,
  };
}

export function deliveryOut(row: {
  id: string;
  channel: 'email' | 'webhook';
  recipient: string;
  kind: string;
  event_id: string;
  attempts: number;
  last_error: string | null;
  last_status: number | null;
  created_at: string;
  updated_at: string;
}): DeadLetterOut {
  return {
    id: row.id,
    channel: row.channel,
    recipient: row.recipient,
    kind: row.kind,
    eventId: row.event_id,
    attempts: row.attempts,
    lastError: row.last_error,
    lastStatus: row.last_status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Retries a dead letter (or redelivers any delivery of a webhook log): back to pending, due now, with a new
 * horizon. Only deliveries to the caller's organization; another organization's is 404.
 */
export async function retryDelivery(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  options: { onlyDead: boolean; giveUpAfterMs: number; subscriptionId?: string },
): Promise<void> {
  if (!mayAdministerNotices(actor)) throw new DomainError('forbidden');
  let q = ctx.db
    .selectFrom('deliveries')
    .select(['id', 'state'])
    .where('id', '=', id)
    .where('organization_id', '=', actor.organizationId);
  if (options.subscriptionId) q = q.where('target_id', '=', options.subscriptionId);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound();
  if (options.onlyDead && row.state !== 'dead') throw new DomainError('delivery-not-dead');
  const now = ctx.clock.now();
  await ctx.db
    .updateTable('deliveries')
    .set({
      state: 'pending',
      next_attempt_at: now.toISOString(),
      give_up_at: new Date(now.getTime() + options.giveUpAfterMs).toISOString(),
      claimed_by: null,
      claimed_until: null,
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .where('state', '=', row.state)
    .execute();
}
