/**
 * From events to notices (SPEC §10, §12): who hears about an event, in which language, through which
 * channel. The fan-out reads committed outbox rows (events), and in one transaction per batch writes the
 * in-app notifications and the deliveries (one per e-mail recipient and per webhook subscription) and marks
 * the events dispatched. Recipients are always users of the organization whose record a notice is about,
 * and a notice carries only what that organization sees of the deal, so a private deal (one record) never
 * reaches anyone outside its organization.
 */
import type { Selectable } from 'kysely';
import { WEBHOOK_EVENT_TYPES } from '../../core/schemas.ts';
import { type Actor, emailKey, organizationActor } from '../access/actor.ts';
import { canSee } from '../access/visibility.ts';
import type { Trx } from '../db/database.ts';
import { type EngagementRow, getEngagement, type ParticipantRow } from '../db/repositories/deals.ts';
import { insertEvents } from '../db/repositories/events.ts';
import type { EventsTable } from '../db/schema.ts';
import { newId } from '../ids.ts';
import { type NoticeData, type NoticeKind, renderMail } from '../mail/templates.ts';
import { inTransaction, nowIso, type ServiceContext } from './context.ts';
import { factsOf, loadDealPage, presentDeal } from './deal-view.ts';

export { WEBHOOK_EVENT_TYPES } from '../../core/schemas.ts';

export interface FanOutOptions {
  /** Whether e-mail is configured (SMTP_URL); without it notices reach the in-app list and the log only. */
  mailEnabled: boolean;
  /** How long a delivery is retried before it becomes a dead letter. */
  giveUpAfterMs: number;
  log?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Milliseconds after which a fan-out transaction takes no further event (FAN_OUT_BUDGET_MS by default). */
  budgetMs?: number;
}

type EventRow = Selectable<EventsTable>;

interface OrgUser {
  id: string;
  name: string;
  email: string;
  emailKey: string;
  locale: string;
  actor: Actor;
}

interface Notice {
  user: OrgUser;
  organizationId: string;
  kind: NoticeKind;
  participantId: string | null;
  data: NoticeData;
}

const EVENT_BATCH = 100;
/**
 * A fan-out transaction stops taking further events after this long. On SQLite every request waits while a
 * transaction runs (one connection), and a batch of 100 events took seconds after a restart with many reminders
 * due (the first request waited ~3 s, tier S). The events it did not reach stay pending for the next transaction.
 */
const FAN_OUT_BUDGET_MS = 20;

/** Fans out up to `limit` pending events; returns how many were handled. Safe with several processes. */
export async function fanOutPending(
  ctx: ServiceContext,
  options: FanOutOptions,
  limit = EVENT_BATCH,
): Promise<number> {
  try {
    return await inTransaction(ctx, async (trx) => {
      const events = await claimPendingEvents(ctx, trx, limit);
      const began = performance.now();
      const orgUsers = orgUsersOf(trx);
      let handled = 0;
      for (const event of events) {
        await fanOutEvent(ctx, trx, event, options, orgUsers);
        handled += 1;
        if (performance.now() - began >= (options.budgetMs ?? FAN_OUT_BUDGET_MS)) break;
      }
      return handled;
    });
  } catch (error) {
    // One event that cannot be fanned out must not hold back the others: retry one by one, and set aside
    // (dispatch_state 'dead', logged) the one that fails.
    options.log?.error({ err: error }, 'event fan-out batch failed; retrying one by one');
    let handled = 0;
    for (let i = 0; i < limit; i++) {
      let failedSeq: number | null = null;
      try {
        const count = await inTransaction(ctx, async (trx) => {
          const [event] = await claimPendingEvents(ctx, trx, 1);
          if (!event) return 0;
          failedSeq = event.seq;
          await fanOutEvent(ctx, trx, event, options, orgUsersOf(trx));
          return 1;
        });
        if (count === 0) break;
        handled += 1;
      } catch (err) {
        if (failedSeq === null) throw err;
        options.log?.error({ err, seq: failedSeq }, 'event could not be fanned out; set aside');
        await ctx.db
          .updateTable('events')
          .set({ dispatch_state: 'dead', attempts: 1 })
          .where('seq', '=', failedSeq)
          .where('dispatch_state', '=', 'pending')
          .execute();
        handled += 1;
      }
    }
    return handled;
  }
}

/** Pending events in order; on PostgreSQL locked rows are skipped, so several processes share the work. */
async function claimPendingEvents(ctx: ServiceContext, trx: Trx, limit: number): Promise<EventRow[]> {
  let query = trx
    .selectFrom('events')
    .selectAll()
    .where('dispatch_state', '=', 'pending')
    .orderBy('seq')
    .limit(limit);
  if (ctx.dialect === 'postgres') query = query.forUpdate().skipLocked();
  return query.execute();
}

async function fanOutEvent(
  ctx: ServiceContext,
  trx: Trx,
  event: EventRow,
  options: FanOutOptions,
  orgUsers: OrgUsers,
): Promise<void> {
  const now = nowIso(ctx);
  const giveUpAt = new Date(ctx.clock.now().getTime() + options.giveUpAfterMs).toISOString();
  const data = parseData(event.data);
  const context = await loadContext(trx, event);
  const notices = await noticesFor(ctx, trx, event, data, context, orgUsers);
  const seen = new Set<string>();
  for (const notice of notices) {
    // One notice per user and event, never to the person who made the change.
    if (seen.has(notice.user.id) || notice.user.id === event.actor_user_id) continue;
    seen.add(notice.user.id);
    await trx
      .insertInto('notifications')
      .values({
        id: newId(),
        user_id: notice.user.id,
        event_id: event.id,
        kind: notice.kind,
        participant_id: notice.participantId,
        data: JSON.stringify(notice.data),
        unread: 1,
        created_at: event.created_at,
        read_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    if (!(await wantsEmail(trx, notice.user.id, notice.kind))) continue;
    const mail = renderMail(notice.kind, notice.user.locale, notice.data);
    if (!options.mailEnabled) {
      options.log?.info(
        { to: notice.user.email, kind: notice.kind, subject: mail.subject },
        'notice (no SMTP_URL configured: in-app only)',
      );
      continue;
    }
    await trx
      .insertInto('deliveries')
      .values({
        id: newId(),
        event_id: event.id,
        event_seq: event.seq,
        channel: 'email',
        organization_id: notice.organizationId,
        target_id: notice.user.id,
        recipient: notice.user.email,
        kind: notice.kind,
        payload: JSON.stringify({ ...mail, locale: notice.user.locale }),
        state: 'pending',
        attempts: 0,
        next_attempt_at: now,
        give_up_at: giveUpAt,
        claimed_by: null,
        claimed_until: null,
        last_error: null,
        last_status: null,
        created_at: now,
        updated_at: now,
        delivered_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  await webhookDeliveries(trx, event, data, context, now, giveUpAt);
  const done = await trx
    .updateTable('events')
    .set({ dispatch_state: 'done', claimed_at: now })
    .where('seq', '=', event.seq)
    .where('dispatch_state', '=', 'pending')
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw new Error(`event ${event.seq} was dispatched twice`);
}

interface EventData {
  changes?: Record<string, { from: unknown; to: unknown }>;
  noteId?: string;
  daysLeft?: number;
  webhookId?: string;
  url?: string;
  userId?: string;
}

function parseData(raw: string): EventData {
  try {
    const parsed = JSON.parse(raw) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as EventData) : {};
  } catch {
    return {};
  }
}

interface EventContext {
  engagement: EngagementRow | null;
  records: ParticipantRow[];
  subject: ParticipantRow | null;
  /** participant id → team members (organization label, lower-cased e-mail). */
  teams: Map<string, { organizationId: string; emailKey: string }[]>;
  orgNames: Map<string, string>;
}

async function loadContext(trx: Trx, event: EventRow): Promise<EventContext> {
  if (!event.engagement_id) {
    return { engagement: null, records: [], subject: null, teams: new Map(), orgNames: new Map() };
  }
  const engagement = (await getEngagement(trx, event.engagement_id)) ?? null;
  const records = await trx
    .selectFrom('participants')
    .selectAll()
    .where('engagement_id', '=', event.engagement_id)
    .execute();
  const members =
    records.length === 0
      ? []
      : await trx
          .selectFrom('team_members')
          .select(['participant_id', 'organization_id', 'email_key'])
          .where(
            'participant_id',
            'in',
            records.map((r) => r.id),
          )
          .execute();
  const teams = new Map<string, { organizationId: string; emailKey: string }[]>();
  for (const m of members) {
    const list = teams.get(m.participant_id) ?? [];
    list.push({ organizationId: m.organization_id, emailKey: m.email_key });
    teams.set(m.participant_id, list);
  }
  const orgIds = [
    ...new Set(records.flatMap((r) => [r.organization_id, r.invited_by_org_id ?? r.organization_id])),
  ];
  if (event.actor_org_id) orgIds.push(event.actor_org_id);
  const orgs =
    orgIds.length === 0
      ? []
      : await trx.selectFrom('organizations').select(['id', 'name']).where('id', 'in', orgIds).execute();
  return {
    engagement,
    records,
    subject: records.find((r) => r.id === event.participant_id) ?? null,
    teams,
    orgNames: new Map(orgs.map((o) => [o.id, o.name])),
  };
}

type OrgUsers = (organizationId: string) => Promise<OrgUser[]>;

/**
 * usersOf, read once per organization and fan-out transaction: every event of a partner's deal asks for all its
 * users (three thousand in the largest partner of the benchmark's tier M, 3 ms a read), and a transaction's
 * events mostly belong to the same few organizations. Within one transaction the users cannot change under it.
 */
function orgUsersOf(trx: Trx): OrgUsers {
  const read = new Map<string, Promise<OrgUser[]>>();
  return (organizationId) => {
    let users = read.get(organizationId);
    if (!users) {
      users = usersOf(trx, organizationId);
      read.set(organizationId, users);
    }
    return users;
  };
}

/** Active users of an organization with their role grants, as actors (for the visibility rule). */
async function usersOf(trx: Trx, organizationId: string): Promise<OrgUser[]> {
  const rows = await trx
    .selectFrom('users as u')
    .innerJoin('organizations as o', 'o.id', 'u.organization_id')
    .leftJoin('user_roles as r', 'r.user_id', 'u.id')
    .select([
      'u.id',
      'u.name',
      'u.email',
      'u.locale',
      'o.kind',
      'o.name as org_name',
      'r.role',
      'r.location_id',
    ])
    .where('u.organization_id', '=', organizationId)
    .where('u.disabled_at', 'is', null)
    .execute();
  const users = new Map<string, OrgUser>();
  for (const row of rows) {
    let user = users.get(row.id);
    if (!user) {
      user = {
        id: row.id,
        name: row.name,
        email: row.email,
        emailKey: emailKey(row.email),
        locale: row.locale,
        actor: {
          userId: row.id,
          name: row.name,
          email: row.email,
          emailKey: emailKey(row.email),
          locale: row.locale,
          organizationId,
          organizationKind: row.kind,
          organizationName: row.org_name,
          roles: [],
          via: { kind: 'internal' },
        },
      };
      users.set(row.id, user);
    }
    if (!row.role) continue;
    const grant = user.actor.roles.find((g) => g.role === row.role);
    if (!grant) {
      user.actor.roles.push({
        role: row.role as Actor['roles'][number]['role'],
        locationIds: row.location_id === null ? null : [row.location_id],
      });
    } else if (grant.locationIds !== null) {
      if (row.location_id === null) grant.locationIds = null;
      else grant.locationIds.push(row.location_id);
    }
  }
  return [...users.values()];
}

async function noticesFor(
  ctx: ServiceContext,
  trx: Trx,
  event: EventRow,
  data: EventData,
  context: EventContext,
  orgUsers: OrgUsers,
): Promise<Notice[]> {
  if (event.type === 'webhook.disabled') {
    if (!event.organization_id || !data.userId) return [];
    const owner = (await orgUsers(event.organization_id)).find((u) => u.id === data.userId);
    return owner
      ? [
          {
            user: owner,
            organizationId: event.organization_id,
            kind: 'webhook-disabled',
            participantId: null,
            data: { url: data.url },
          },
        ]
      : [];
  }
  const { engagement, subject, records } = context;
  if (!engagement || !subject) return [];
  const url = (record: ParticipantRow) => `${publicUrl(ctx)}/deals/${encodeURIComponent(record.id)}`;
  const orgName = (id: string | null) => (id ? (context.orgNames.get(id) ?? '') : '');
  const teamKeys = (record: ParticipantRow, ownOnly: boolean) =>
    (context.teams.get(record.id) ?? [])
      .filter((m) => !ownOnly || m.organizationId === record.organization_id)
      .map((m) => m.emailKey);
  const seesRecord = (user: OrgUser, record: ParticipantRow) =>
    canSee(user.actor, factsOf(user.actor, record, engagement, teamKeys(record, true)));

  /** A received record's people: the admins whose scope covers its location, and the team members named on it. */
  const admissionNotices = async (kind: NoticeKind, extra: NoticeData = {}): Promise<Notice[]> => {
    const named = new Set(teamKeys(subject, false));
    const users = await orgUsers(subject.organization_id);
    return users
      .filter(
        (u) =>
          named.has(u.emailKey) ||
          u.actor.roles.some(
            (g) =>
              (g.role === 'referrals-admin' || g.role === 'vendor-admin') &&
              (g.locationIds === null || g.locationIds.includes(subject.location_id)),
          ),
      )
      .map((user) => ({
        user,
        organizationId: subject.organization_id,
        kind,
        participantId: subject.id,
        data: {
          dealName: subject.name,
          customer: engagement.customer_name,
          otherOrg: orgName(subject.invited_by_org_id),
          expiresAt: subject.expires_at,
          url: url(subject),
          ...extra,
        },
      }));
  };

  /** The people on a record's team (of its own organization) who can see it. */
  const teamNotices = async (
    record: ParticipantRow,
    kind: NoticeKind,
    dataOf: (record: ParticipantRow) => NoticeData,
  ): Promise<Notice[]> => {
    const keys = new Set(teamKeys(record, true));
    if (keys.size === 0) return [];
    const users = await orgUsers(record.organization_id);
    return users
      .filter((u) => keys.has(u.emailKey) && seesRecord(u, record))
      .map((user) => ({
        user,
        organizationId: record.organization_id,
        kind,
        participantId: record.id,
        data: dataOf(record),
      }));
  };

  switch (event.type) {
    case 'deal.received':
      if (data.changes?.status?.to !== 'received' || subject.status !== 'received') return [];
      return admissionNotices('deal-received');
    case 'deal.reminder':
      if (subject.status !== 'received') return [];
      return admissionNotices('deal-reminder', { daysLeft: data.daysLeft ?? 1 });
    case 'deal.status-changed': {
      const to = data.changes?.status?.to;
      const kind: NoticeKind | null =
        to === 'accepted'
          ? 'deal-accepted'
          : to === 'declined'
            ? 'deal-declined'
            : to === 'expired'
              ? 'deal-expired'
              : null;
      if (!kind || subject.direction !== 'inbound' || data.changes?.status?.from !== 'received') return [];
      const sender = records.find((r) => r.organization_id === subject.invited_by_org_id);
      if (!sender) return [];
      return teamNotices(sender, kind, (record) => ({
        dealName: record.name,
        customer: engagement.customer_name,
        otherOrg: orgName(subject.organization_id),
        url: url(record),
      }));
    }
    case 'deal.note-added': {
      const note = data.noteId
        ? await trx.selectFrom('notes').select(['body']).where('id', '=', data.noteId).executeTakeFirst()
        : undefined;
      const notices: Notice[] = [];
      for (const record of records) {
        notices.push(
          ...(await teamNotices(record, 'note-added', (r) => ({
            dealName: r.name,
            customer: engagement.customer_name,
            author: event.actor_name ?? '',
            otherOrg: orgName(event.actor_org_id),
            note: (note?.body ?? '').slice(0, 2000),
            url: url(r),
          }))),
        );
      }
      return notices;
    }
    default:
      return [];
  }
}

export const publicUrl = (ctx: ServiceContext) =>
  (ctx.config.publicUrl ?? 'http://localhost:3000').replace(/\/+$/, '');

/** Per-user preferences: e-mail off entirely, or off for some kinds. In-app notices are always written. */
async function wantsEmail(trx: Trx, userId: string, kind: NoticeKind): Promise<boolean> {
  const prefs = await trx
    .selectFrom('notification_preferences')
    .select(['email_enabled', 'email_off_kinds'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!prefs) return true;
  if (prefs.email_enabled !== 1) return false;
  return !(JSON.parse(prefs.email_off_kinds) as string[]).includes(kind);
}

/**
 * Webhook deliveries of an event: for each organization that may see it (every participant for a shared
 * event, the one organization for its own), each enabled subscription to the type gets the deal as that
 * organization sees it — presented through the visibility predicate for the organization as a whole.
 */
async function webhookDeliveries(
  trx: Trx,
  event: EventRow,
  data: EventData,
  context: EventContext,
  now: string,
  giveUpAt: string,
): Promise<void> {
  if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(event.type) || !context.engagement) return;
  const records =
    event.visibility === 'engagement'
      ? context.records
      : context.records.filter((r) => r.organization_id === event.organization_id);
  for (const record of records) {
    const subscriptions = (
      await trx
        .selectFrom('webhooks')
        .select(['id', 'url', 'events'])
        .where('organization_id', '=', record.organization_id)
        .where('enabled', '=', 1)
        .execute()
    ).filter((s) => (JSON.parse(s.events) as string[]).includes(event.type));
    if (subscriptions.length === 0) continue;
    const org = await trx
      .selectFrom('organizations')
      .select(['id', 'kind', 'name'])
      .where('id', '=', record.organization_id)
      .executeTakeFirstOrThrow();
    const actor = organizationActor(org);
    const deal = await presentDeal(trx, actor, await loadDealPage(trx, actor, record.id));
    const { abilities: _abilities, favorite: _favorite, ...shown } = deal;
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      time: event.created_at,
      deal: shown,
      changes: data.changes ?? {},
    });
    for (const subscription of subscriptions) {
      await trx
        .insertInto('deliveries')
        .values({
          id: newId(),
          event_id: event.id,
          event_seq: event.seq,
          channel: 'webhook',
          organization_id: record.organization_id,
          target_id: subscription.id,
          recipient: subscription.url,
          kind: event.type,
          payload: body,
          state: 'pending',
          attempts: 0,
          next_attempt_at: now,
          give_up_at: giveUpAt,
          claimed_by: null,
          claimed_until: null,
          last_error: null,
          last_status: null,
          created_at: now,
          updated_at: now,
          delivered_at: null,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }
}

const DAY = 86_400_000;

const REMINDER_BATCH = 500;
/** How often the whole reminder window is read again anyway (records changed by hand, a clock set back). */
const REMINDER_RESCAN_MS = 10 * 60_000;

/** How far each reminder window has been read (kept by the dispatcher between rounds). */
export interface ReminderProgress {
  scannedUpTo: Map<number, string>;
  fullScanAt: number;
}

export const newReminderProgress = (): ReminderProgress => ({
  scannedUpTo: new Map(),
  fullScanAt: -Infinity,
});

/**
 * Expiry reminders (SPEC §10): 3 days and 1 day before a received record expires, one event each, written
 * once (the reminders table's key) in the same transaction as the event. Returns how many were written.
 */
export async function scheduleReminders(
  ctx: ServiceContext,
  progress: ReminderProgress = newReminderProgress(),
): Promise<number> {
  const now = ctx.clock.now();
  let written = 0;
  const rescan = performance.now() - progress.fullScanAt >= REMINDER_RESCAN_MS;
  if (rescan) {
    progress.scannedUpTo.clear();
    progress.fullScanAt = performance.now();
  }
  for (const [days, from, to] of [
    [3, DAY, 3 * DAY],
    [1, 0, DAY],
  ] as const) {
    const windowStart = new Date(now.getTime() + from).toISOString();
    const windowEnd = new Date(now.getTime() + to).toISOString();
    // Only the part of the window not read yet: the window moves forward with the clock, and a record's expiry
    // is fixed when it is received (14 days ahead, beyond the window). A scanned part whose records all have their
    // reminder would otherwise be read again every round (thousands of records, 20 ms a round at tier M, while
    // every request waits on SQLite's one connection).
    const scanned = progress.scannedUpTo.get(days);
    const after = scanned && scanned > windowStart && scanned <= windowEnd ? scanned : windowStart;
    const due = await ctx.db
      .selectFrom('participants as p')
      .select(['p.id', 'p.engagement_id', 'p.organization_id', 'p.expires_at'])
      .where('p.status', '=', 'received')
      .where('p.expires_at', '>', after)
      .where('p.expires_at', '<=', windowEnd)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('reminders as rm')
              .select('rm.days')
              .whereRef('rm.participant_id', '=', 'p.id')
              .where('rm.days', '=', days),
          ),
        ),
      )
      .limit(REMINDER_BATCH)
      .execute();
    // A full batch may have left some: the same part is read again next round.
    if (due.length < REMINDER_BATCH) progress.scannedUpTo.set(days, windowEnd);
    for (const record of due) {
      await inTransaction(ctx, async (trx) => {
        const inserted = await trx
          .insertInto('reminders')
          .values({ participant_id: record.id, days, created_at: now.toISOString() })
          .onConflict((oc) => oc.doNothing())
          .returning('participant_id')
          .execute();
        if (inserted.length === 0) return;
        await insertEvents(trx, [
          {
            id: newId(),
            type: 'deal.reminder',
            engagementId: record.engagement_id,
            participantId: record.id,
            organizationId: record.organization_id,
            visibility: 'organization',
            actor: { userId: null, name: null, organizationId: null },
            data: {
              // Whole days left, rounded up (a record received late in the window may have less than 3).
              daysLeft: Math.max(1, Math.ceil((Date.parse(record.expires_at ?? '') - now.getTime()) / DAY)),
              expiresAt: record.expires_at,
            },
            createdAt: now.toISOString(),
          },
        ]);
        written += 1;
      });
    }
  }
  return written;
}
