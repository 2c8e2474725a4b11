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

/** The keys a directory entry is found by (core/company-search.ts); rewritten whenever the entry is written. */
export interface CompanySearchKeysTable {
  company_id: string;
  /** `<tier><size band><text>`. */
  key: string;
  text: string;
  country: string;
  city_search: string;
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
  /** The organization's own name of the stage it last set (stage mapping); null: standard name only. */
  org_stage?: string | null;
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

/** One unit of delivery: an event to one user by e-mail, or to one webhook subscription. */
export interface DeliveriesTable {
  id: string;
  event_id: string;
  event_seq: number;
  channel: 'email' | 'webhook';
  /** The organization the delivery goes to (its admins see its dead letters). */
  organization_id: string;
  /** The user (e-mail) or the subscription (webhook). */
  target_id: string;
  /** The e-mail address or the URL. */
  recipient: string;
  /** Notice kind (e-mail) or event type (webhook). */
  kind: string;
  /** E-mail: {subject, text, html}; webhook: the exact body that is signed. */
  payload: string;
  state: 'pending' | 'done' | 'dead';
  attempts: number;
  next_attempt_at: string;
  give_up_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  last_error: string | null;
  last_status: number | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export interface DeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempted_at: string;
  ok: Flag;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  event_id: string;
  kind: string;
  participant_id: string | null;
  data: string;
  unread: Flag;
  created_at: string;
  read_at: string | null;
}

export interface NotificationPreferencesTable {
  user_id: string;
  email_enabled: Flag;
  /** JSON array of notice kinds not sent by e-mail. */
  email_off_kinds: string;
  updated_at: string;
}

export interface RemindersTable {
  participant_id: string;
  days: number;
  created_at: string;
}

/** `country` and `solution_id` are '*' for "any". */
export interface RoutingRulesTable {
  id: string;
  organization_id: string;
  country: string;
  solution_id: string;
  location_id: string;
  created_at: string;
  updated_at: string;
}

export interface StageNamesTable {
  id: string;
  organization_id: string;
  name: string;
  name_key: string;
  stage: string;
  position: number;
}

export interface WebhooksTable {
  id: string;
  organization_id: string;
  url: string;
  /** JSON array of event types. */
  events: string;
  secret: string;
  enabled: Flag;
  disabled_reason: string | null;
  created_by_user_id: string;
  created_at: string;
  updated_at: string;
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
  company_search_keys: CompanySearchKeysTable;
  solutions: SolutionsTable;
  engagements: EngagementsTable;
  participants: ParticipantsTable;
  team_members: TeamMembersTable;
  deal_solutions: DealSolutionsTable;
  notes: NotesTable;
  favorites: FavoritesTable;
  events: EventsTable;
  idempotency_keys: IdempotencyKeysTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  reminders: RemindersTable;
  routing_rules: RoutingRulesTable;
  stage_names: StageNamesTable;
  webhooks: WebhooksTable;
}
