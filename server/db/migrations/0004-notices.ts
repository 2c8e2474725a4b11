/**
 * 0004_notices: delivery of events (e-mail, webhooks) with every attempt recorded, in-app notifications and
 * their preferences, expiry reminders, routing rules for vendor-sent deals, organization stage names and
 * webhook subscriptions. Every filter and sort the API offers has its index.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

export async function notices(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const text = 'text' as const;
  const bigint = dialect === 'postgres' ? ('bigint' as const) : ('integer' as const);

  // One row per (event, channel, target): the unit of delivery, retried until done or past its horizon (dead).
  await db.schema
    .createTable('deliveries')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('event_id', text, (c) => c.notNull())
    .addColumn('event_seq', bigint, (c) => c.notNull())
    .addColumn('channel', text, (c) => c.notNull())
    .addColumn('organization_id', text, (c) => c.notNull())
    .addColumn('target_id', text, (c) => c.notNull())
    .addColumn('recipient', text, (c) => c.notNull())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('payload', text, (c) => c.notNull())
    .addColumn('state', text, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', text, (c) => c.notNull())
    .addColumn('give_up_at', text, (c) => c.notNull())
    .addColumn('claimed_by', text)
    .addColumn('claimed_until', text)
    .addColumn('last_error', text)
    .addColumn('last_status', 'integer')
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addColumn('delivered_at', text)
    .addUniqueConstraint('deliveries_event_target', ['event_id', 'channel', 'target_id'])
    .execute();
  // The dispatcher's claim: due pending rows in time order.
  await db.schema
    .createIndex('deliveries_due')
    .on('deliveries')
    .columns(['state', 'next_attempt_at'])
    .execute();
  // Dead letters of one organization, newest first.
  await db.schema
    .createIndex('deliveries_org_state')
    .on('deliveries')
    .columns(['organization_id', 'state', 'updated_at', 'id'])
    .execute();
  // A webhook's delivery log, newest first.
  await db.schema
    .createIndex('deliveries_target')
    .on('deliveries')
    .columns(['target_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('delivery_id', text, (c) => c.notNull().references('deliveries.id'))
    .addColumn('attempted_at', text, (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', text)
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('delivery_attempts_delivery')
    .on('delivery_attempts')
    .columns(['delivery_id', 'attempted_at'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('event_id', text, (c) => c.notNull())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('participant_id', text)
    .addColumn('data', text, (c) => c.notNull())
    .addColumn('unread', 'integer', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('read_at', text)
    .addUniqueConstraint('notifications_user_event', ['user_id', 'event_id'])
    .execute();
  // Unread first, newest first, keyset paging; also the unread count.
  await db.schema
    .createIndex('notifications_user_unread')
    .on('notifications')
    .columns(['user_id', 'unread', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', text, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('email_enabled', 'integer', (c) => c.notNull())
    .addColumn('email_off_kinds', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();

  // One reminder per record and days-left (3, 1): the primary key makes reminders idempotent.
  await db.schema
    .createTable('reminders')
    .addColumn('participant_id', text, (c) => c.notNull().references('participants.id'))
    .addColumn('days', 'integer', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('reminders_pk', ['participant_id', 'days'])
    .execute();

  // Routing of vendor-sent deals: '*' is "any" (not null, so the unique key refuses conflicting rules).
  await db.schema
    .createTable('routing_rules')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('country', text, (c) => c.notNull())
    .addColumn('solution_id', text, (c) => c.notNull())
    .addColumn('location_id', text, (c) => c.notNull().references('locations.id'))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addUniqueConstraint('routing_rules_key', ['organization_id', 'country', 'solution_id'])
    .execute();

  await db.schema
    .createTable('stage_names')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('name_key', text, (c) => c.notNull())
    .addColumn('stage', text, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('stage_names_key', ['organization_id', 'name_key'])
    .execute();
  await db.schema
    .createIndex('stage_names_org_stage')
    .on('stage_names')
    .columns(['organization_id', 'stage', 'position'])
    .execute();
  // The organization's own name for the stage it last set (null: the standard name only).
  await db.schema.alterTable('participants').addColumn('org_stage', text).execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('url', text, (c) => c.notNull())
    .addColumn('events', text, (c) => c.notNull())
    .addColumn('secret', text, (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('disabled_reason', text)
    .addColumn('created_by_user_id', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhooks_org')
    .on('webhooks')
    .columns(['organization_id', 'created_at', 'id'])
    .execute();

  // Events written before delivery existed are history: delivering them now would mail about old changes.
  await sql`update events set dispatch_state = 'done' where dispatch_state = 'pending'`.execute(db);
}
