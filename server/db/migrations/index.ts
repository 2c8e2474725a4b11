import { type Kysely, type Migration, sql } from 'kysely';
import { customerKey, websiteDomain } from '../../../core/customer-keys.ts';
import type { Dialect } from '../dialect.ts';
import { companySearch } from './0003-company-search.ts';
import { notices } from './0004-notices.ts';
import { listViews } from './0005-list-views.ts';
import { dealSearch } from './0006-deal-search.ts';
import { companySearchPlace } from './0007-company-search-place.ts';
import { companySearchRowid } from './0008-company-search-rowid.ts';
import { companySearchKeysUnkeyed } from './0009-company-search-keys-unkeyed.ts';
import { dealSearchDeferred } from './0010-deal-search-deferred.ts';
import { statusListExpiry } from './0011-status-list-expiry.ts';
import { companySearchTextPartial } from './0012-company-search-text-partial.ts';
import { companiesDunsIndex } from './0013-companies-duns-index.ts';

/**
 * Migrations in code (portable across both engines). Each is written once; the few spots
 * where the engines differ take the dialect.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_foundation': { up: (db) => foundation(db, dialect) },
    '0002_customer_keys': { up: (db) => customerKeys(db) },
    '0003_company_search': { up: (db) => companySearch(db, dialect) },
    '0004_notices': { up: (db) => notices(db, dialect) },
    '0005_list_views': { up: (db) => listViews(db, dialect) },
    '0006_deal_search': { up: (db) => dealSearch(db, dialect) },
    '0007_company_search_place': { up: (db) => companySearchPlace(db, dialect) },
    '0008_company_search_rowid': { up: (db) => companySearchRowid(db, dialect) },
    '0009_company_search_keys_unkeyed': { up: (db) => companySearchKeysUnkeyed(db, dialect) },
    '0010_deal_search_deferred': { up: (db) => dealSearchDeferred(db, dialect) },
    '0011_status_list_expiry': { up: (db) => statusListExpiry(db, dialect) },
    '0012_company_search_text_partial': { up: (db) => companySearchTextPartial(db, dialect) },
    '0013_companies_duns_index': { up: (db) => companiesDunsIndex(db, dialect) },
  };
}

async function foundation(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const text = 'text' as const;
  const bigint = dialect === 'postgres' ? ('bigint' as const) : ('integer' as const);

  await db.schema
    .createTable('organizations')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('partner_id', text, (c) => c.unique())
    .addColumn('co_sell_ready', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('assessment_approved', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('organizations_kind_name')
    .on('organizations')
    .columns(['kind', 'name'])
    .execute();

  await db.schema
    .createTable('locations')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('country', text, (c) => c.notNull())
    .addColumn('city', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('locations_org')
    .on('locations')
    .columns(['organization_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('tenants')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('domain', text, (c) => c.notNull().unique())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tenants_org').on('tenants').column('organization_id').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('tenant_id', text, (c) => c.references('tenants.id'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('email', text, (c) => c.notNull().unique())
    .addColumn('password_hash', text)
    .addColumn('locale', text, (c) => c.notNull().defaultTo('en'))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('disabled_at', text)
    .execute();
  await db.schema.createIndex('users_org').on('users').column('organization_id').execute();

  await db.schema
    .createTable('user_roles')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('location_id', text, (c) => c.references('locations.id'))
    .execute();
  await db.schema.createIndex('user_roles_user').on('user_roles').columns(['user_id', 'role']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('token_hash', text, (c) => c.notNull().unique())
    .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('expires_at', text, (c) => c.notNull())
    .addColumn('revoked_at', text)
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('token_hash', text, (c) => c.notNull().unique())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('last_used_at', text)
    .addColumn('revoked_at', text)
    .execute();
  await db.schema
    .createIndex('api_tokens_user')
    .on('api_tokens')
    .columns(['user_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('companies')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('name_search', text, (c) => c.notNull())
    .addColumn('duns', text, (c) => c.unique())
    .addColumn('address_line1', text)
    .addColumn('city', text, (c) => c.notNull())
    .addColumn('city_search', text, (c) => c.notNull())
    .addColumn('region', text)
    .addColumn('postal_code', text)
    .addColumn('country', text, (c) => c.notNull())
    .addColumn('website', text)
    .addColumn('size', text)
    .addColumn('industry', text)
    .execute();
  // Prefix search: `name_search LIKE 'q%'` within a country (and without one).
  await db.schema
    .createIndex('companies_country_name')
    .on('companies')
    .columns(['country', 'name_search'])
    .execute();
  await db.schema.createIndex('companies_name').on('companies').column('name_search').execute();

  await db.schema
    .createTable('solutions')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('location_id', text, (c) => c.references('locations.id'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('name_search', text, (c) => c.notNull())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('offer_type', text)
    .addColumn('co_sell_ready', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('incentive_eligible', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('solutions_org')
    .on('solutions')
    .columns(['organization_id', 'name_search'])
    .execute();
  await db.schema.createIndex('solutions_kind').on('solutions').columns(['kind', 'name_search']).execute();

  await db.schema
    .createTable('engagements')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('created_by_org_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('customer_company_id', text, (c) => c.references('companies.id'))
    .addColumn('customer_name', text, (c) => c.notNull())
    .addColumn('customer_duns', text)
    .addColumn('customer_website', text)
    .addColumn('customer_address_line1', text)
    .addColumn('customer_city', text, (c) => c.notNull())
    .addColumn('customer_region', text)
    .addColumn('customer_postal_code', text)
    .addColumn('customer_country', text, (c) => c.notNull())
    .addColumn('customer_verified', 'integer', (c) => c.notNull())
    .addColumn('contact_name', text)
    .addColumn('contact_phone', text)
    .addColumn('contact_email', text)
    .addColumn('consent_share_contact', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consent_given_at', text)
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('engagements_duns').on('engagements').column('customer_duns').execute();

  await db.schema
    .createTable('participants')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('engagement_id', text, (c) => c.notNull().references('engagements.id'))
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('location_id', text, (c) => c.notNull().references('locations.id'))
    .addColumn('direction', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('sales_stage', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('search_text', text, (c) => c.notNull())
    .addColumn('value_minor', bigint, (c) => c.notNull())
    .addColumn('currency', text, (c) => c.notNull())
    .addColumn('close_date', text, (c) => c.notNull())
    .addColumn('crm_id', text)
    .addColumn('campaign_id', text)
    .addColumn('help', text, (c) => c.notNull())
    .addColumn('invited_by_org_id', text, (c) => c.references('organizations.id'))
    .addColumn('invitation_notes', text)
    .addColumn('received_at', text)
    .addColumn('expires_at', text)
    .addColumn('reason', text)
    .addColumn('reason_notes', text)
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addColumn('closed_at', text)
    .addUniqueConstraint('participants_engagement_org', ['engagement_id', 'organization_id'])
    .execute();
  // Every list is one organization's records, optionally one location, sorted by one key with the id as tie-break.
  for (const sort of ['updated_at', 'value_minor', 'close_date', 'expires_at']) {
    await db.schema
      .createIndex(`participants_org_${sort}`)
      .on('participants')
      .columns(['organization_id', sort, 'id'])
      .execute();
    await db.schema
      .createIndex(`participants_org_location_${sort}`)
      .on('participants')
      .columns(['organization_id', 'location_id', sort, 'id'])
      .execute();
  }
  // The expiry sweeper's and the on-read expiry's lookup.
  await db.schema
    .createIndex('participants_status_expires')
    .on('participants')
    .columns(['status', 'expires_at'])
    .execute();
  await db.schema
    .createIndex('participants_org_status_expires')
    .on('participants')
    .columns(['organization_id', 'status', 'expires_at'])
    .execute();

  await db.schema
    .createTable('team_members')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('participant_id', text, (c) => c.notNull().references('participants.id'))
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('phone', text, (c) => c.notNull())
    .addColumn('email', text, (c) => c.notNull())
    .addColumn('email_key', text, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('team_members_participant')
    .on('team_members')
    .column('participant_id')
    .execute();
  // "Is this user on the deal's team": the team-bound roles' visibility lookup.
  await db.schema
    .createIndex('team_members_email')
    .on('team_members')
    .columns(['email_key', 'organization_id', 'participant_id'])
    .execute();

  await db.schema
    .createTable('deal_solutions')
    .addColumn('participant_id', text, (c) => c.notNull().references('participants.id'))
    .addColumn('solution_id', text, (c) => c.notNull().references('solutions.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('deal_solutions_pk', ['participant_id', 'solution_id'])
    .execute();
  await db.schema.createIndex('deal_solutions_solution').on('deal_solutions').column('solution_id').execute();

  await db.schema
    .createTable('notes')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('engagement_id', text, (c) => c.notNull().references('engagements.id'))
    .addColumn('organization_id', text, (c) => c.notNull().references('organizations.id'))
    .addColumn('author_user_id', text, (c) => c.references('users.id'))
    .addColumn('author_name', text, (c) => c.notNull())
    .addColumn('body', text, (c) => c.notNull())
    .addColumn('body_search', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notes_engagement')
    .on('notes')
    .columns(['engagement_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('favorites')
    .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('participant_id', text, (c) => c.notNull().references('participants.id'))
    .addColumn('created_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('favorites_pk', ['user_id', 'participant_id'])
    .execute();
  await db.schema.createIndex('favorites_participant').on('favorites').column('participant_id').execute();

  await db.schema
    .createTable('events')
    .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('id', text, (c) => c.notNull().unique())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('engagement_id', text)
    .addColumn('participant_id', text)
    .addColumn('organization_id', text)
    .addColumn('visibility', text, (c) => c.notNull())
    .addColumn('actor_user_id', text)
    .addColumn('actor_name', text)
    .addColumn('actor_org_id', text)
    .addColumn('data', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('dispatch_state', text, (c) => c.notNull().defaultTo('pending'))
    .addColumn('claimed_by', text)
    .addColumn('claimed_at', text)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('events_engagement').on('events').columns(['engagement_id', 'seq']).execute();
  await db.schema.createIndex('events_org').on('events').columns(['organization_id', 'seq']).execute();
  await db.schema.createIndex('events_dispatch').on('events').columns(['dispatch_state', 'seq']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('organization_id', text, (c) => c.notNull())
    .addColumn('key', text, (c) => c.notNull())
    .addColumn('request_hash', text, (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response_body', text, (c) => c.notNull())
    .addColumn('resource_id', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['organization_id', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_created')
    .on('idempotency_keys')
    .column('created_at')
    .execute();
}

/**
 * Keys of the duplicate check (customer domain; normalized name + city + country) on engagements, and the
 * company's website domain in the directory. Existing rows are backfilled.
 */
async function customerKeys(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('engagements').addColumn('customer_domain', 'text').execute();
  await db.schema
    .alterTable('engagements')
    .addColumn('customer_key', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('engagements_domain').on('engagements').column('customer_domain').execute();
  await db.schema.createIndex('engagements_customer_key').on('engagements').column('customer_key').execute();
  await db.schema.alterTable('companies').addColumn('domain', 'text').execute();
  await db.schema.createIndex('companies_domain').on('companies').column('domain').execute();

  const rows = await sql<{
    id: string;
    customer_name: string;
    customer_city: string;
    customer_country: string;
    customer_website: string | null;
  }>`select id, customer_name, customer_city, customer_country, customer_website from engagements`.execute(
    db,
  );
  for (const row of rows.rows) {
    await sql`update engagements set customer_key = ${customerKey(row.customer_name, row.customer_city, row.customer_country)},
      customer_domain = ${websiteDomain(row.customer_website)} where id = ${row.id}`.execute(db);
  }
  const companies = await sql<{ id: string; website: string }>`
    select id, website from companies where website is not null`.execute(db);
  for (const row of companies.rows) {
    await sql`update companies set domain = ${websiteDomain(row.website)} where id = ${row.id}`.execute(db);
  }
}
