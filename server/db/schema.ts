/**
 * Table types for Kysely. Both engines store the same shapes:
 * timestamps as ISO-8601 UTC text with milliseconds, dates as YYYY-MM-DD text,
 * booleans as 0/1 integers, money as integer minor units.
 */
import type { ColumnType, Generated } from 'kysely';

type Flag = 0 | 1;

export interface OrganizationsTable {
  id: string;
  kind: 'vendor' | 'partner';
  name: string;
  partner_id: string | null;
  co_sell_ready: Flag;
  assessment_approved: Flag;
  created_at: string;
}

export interface LocationsTable {
  id: string;
  organization_id: string;
  name: string;
  country: string;
  city: string;
  created_at: string;
}

export interface TenantsTable {
  id: string;
  organization_id: string;
  domain: string;
  name: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  organization_id: string;
  tenant_id: string | null;
  name: string;
  email: string;
  password_hash: string | null;
  locale: string;
  created_at: string;
  disabled_at: string | null;
}

/** One row per role grant; location_id null means the entire company (or an unscoped vendor role). */
export interface UserRolesTable {
  id: string;
  user_id: string;
  role: string;
  location_id: string | null;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface ApiTokensTable {
  id: string;
  organization_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CompaniesTable {
  id: string;
  name: string;
  name_search: string;
  duns: string | null;
  address_line1: string | null;
  city: string;
  city_search: string;
  region: string | null;
  postal_code: string | null;
  country: string;
  website: string | null;
  /** The website's domain (duplicate check). */
  domain: ColumnType<string | null, string | null | undefined, string | null>;
  size: string | null;
  industry: string | null;
}

export interface SolutionsTable {
  id: string;
  organization_id: string;
  location_id: string | null;
  name: string;
  name_search: string;
  kind: 'product' | 'assessment';
  offer_type: string | null;
  co_sell_ready: Flag;
  incentive_eligible: Flag;
  created_at: string;
}

export interface EngagementsTable {
  id: string;
  type: string;
  created_by_org_id: string;
  customer_company_id: string | null;
  customer_name: string;
  customer_duns: string | null;
  customer_website: string | null;
  customer_address_line1: string | null;
  customer_city: string;
  customer_region: string | null;
  customer_postal_code: string | null;
  customer_country: string;
  customer_verified: Flag;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  consent_share_contact: Flag;
  consent_given_at: string | null;
  /** Duplicate-check keys: the customer website's domain, and normalized name|city|country. */
  customer_domain: ColumnType<string | null, string | null | undefined, string | null>;
  customer_key: ColumnType<string, string | undefined, string>;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A participant record: one organization's view of an engagement (the API's "deal"). */
export interface ParticipantsTable {
  id: string;
  engagement_id: string;
  organization_id: string;
  location_id: string;
  direction: 'outbound' | 'inbound';
  status: string;
  sales_stage: string;
  name: string;
  search_text: string;
  value_minor: number;
  currency: string;
  close_date: string;
  crm_id: string | null;
  campaign_id: string | null;
  help: string;
  invited_by_org_id: string | null;
  invitation_notes: string | null;
  received_at: string | null;
  expires_at: string | null;
  reason: string | null;
  reason_notes: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface TeamMembersTable {
  id: string;
  participant_id: string;
  organization_id: string;
  name: string;
  phone: string;
  email: string;
  /** Lower-cased e-mail: the key of "is this user on the deal's team". */
  email_key: string;
  position: number;
}

export interface DealSolutionsTable {
  participant_id: string;
  solution_id: string;
  position: number;
}

export interface NotesTable {
  id: string;
  engagement_id: string;
  organization_id: string;
  author_user_id: string | null;
  author_name: string;
  body: string;
  body_search: string;
  created_at: string;
}

export interface FavoritesTable {
  user_id: string;
  participant_id: string;
  created_at: string;
}

/**
 * The audit trail and the outbox in one: every change writes its event here in the change's own transaction.
 * `visibility` = 'engagement' (every participant sees it) or 'organization' (only `organization_id`).
 */
export interface EventsTable {
  seq: Generated<number>;
  id: string;
  type: string;
  engagement_id: string | null;
  participant_id: string | null;
  organization_id: string | null;
  visibility: 'engagement' | 'organization';
  actor_user_id: string | null;
  actor_name: string | null;
  actor_org_id: string | null;
  data: string;
  created_at: string;
  dispatch_state: 'pending' | 'done' | 'dead';
  claimed_by: string | null;
  claimed_at: string | null;
  attempts: number;
}

export interface IdempotencyKeysTable {
  organization_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response_body: string;
  resource_id: string | null;
  created_at: string;
}

export interface Database {
  organizations: OrganizationsTable;
  locations: LocationsTable;
  tenants: TenantsTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  companies: CompaniesTable;
  solutions: SolutionsTable;
  engagements: EngagementsTable;
  participants: ParticipantsTable;
  team_members: TeamMembersTable;
  deal_solutions: DealSolutionsTable;
  notes: NotesTable;
  favorites: FavoritesTable;
  events: EventsTable;
  idempotency_keys: IdempotencyKeysTable;
}
