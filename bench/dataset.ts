/**
 * The benchmark dataset (issue "Benchmarks and hardening", item 1): a vendor's partner ecosystem at scale,
 * deterministic from a seed, written straight into the tables in large batches (the services would take
 * hours for a million records; the rows are the same shapes the services write, and the visibility and
 * lifecycle rules hold for every row).
 *
 * Tiers: S = 200 organizations, 2,000 users, 50,000 deals (participant records), 200,000 companies;
 *        M = 2,000 organizations, 20,000 users, 1,000,000 participant records, 2,000,000 companies.
 * Skewed like reality: partner sizes follow a power law (the largest holds about a fifth of the records), about
 * 10 % of deals are private, about 30 % invite other partners, every status is present, and users hold every
 * role in every scope (company-wide and location-scoped admins, team-bound referrals users, vendor sellers).
 *
 * Run alone: `npm run bench -- dataset` (BENCH_TIER=S|M, BENCH_DATABASE_URL for PostgreSQL as well).
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { sql } from 'kysely';
import { companySearchKeys } from '../core/company-search.ts';
import { customerKey, websiteDomain } from '../core/customer-keys.ts';
import { CLOSE_REASONS, type DealType, HELP_TYPES, STANDARD_STAGES } from '../core/lifecycle.ts';
import { minorDigits } from '../core/money.ts';
import { normalizeForSearch } from '../core/text.ts';
import { type DatabaseHandle, sqliteHandleOf } from '../server/db/database.ts';
import {
  fillSqliteDealSearch,
  SQLITE_DEAL_SEARCH_TRIGGERS,
} from '../server/db/migrations/0006-deal-search.ts';
import { createDeferredDealSearchTriggers } from '../server/db/migrations/0010-deal-search-deferred.ts';
import { searchTextOf } from '../server/services/deal-rules.ts';
import {
  COUNTRIES,
  COUNTRY_CODES,
  type CountryCode,
  companyRecords,
  createRng,
  DEAL_TOPICS,
  type GeneratedCompany,
  personName,
  phoneNumber,
  type Rng,
  VENDOR_PRODUCTS,
} from '../server/services/demo-data.ts';
import { hashPassword } from '../server/services/passwords.ts';

export type TierName = 'S' | 'M';

export interface TierSize {
  organizations: number;
  users: number;
  /** Participant records (a deal as one organization sees it). */
  deals: number;
  companies: number;
}

export const TIERS: Record<TierName, TierSize> = {
  S: { organizations: 200, users: 2_000, deals: 50_000, companies: 200_000 },
  M: { organizations: 2_000, users: 20_000, deals: 1_000_000, companies: 2_000_000 },
};

/** Who the benchmark signs in as: one of each kind of user, the largest partner's included. */
export interface Persona {
  label: string;
  userId: string;
  organizationId: string;
  email: string;
}

export interface Dataset {
  size: TierSize;
  seed: number;
  /** Rows written per table. */
  rows: Record<string, number>;
  seconds: number;
  /** Seconds per phase: organizations and people, the directory, the deals (with statistics). */
  phases: Record<string, number>;
  personas: Persona[];
  vendorId: string;
  /** Organizations from the largest partner down (the power law's order). */
  partnerIds: string[];
  /** The moment the dataset ends ("now" for its dates). */
  now: Date;
}

/** The password of every generated user (sign-in works; the benchmark uses API tokens). */
export const DATASET_PASSWORD = 'cosell-bench';

const DAY_MS = 86_400_000;
const RESPONSE_DAYS = 14;
type Row = Record<string, string | number | null>;

/** The tables in the order their foreign keys need. */
const TABLE_ORDER = [
  'organizations',
  'locations',
  'tenants',
  'users',
  'user_roles',
  'solutions',
  'companies',
  'company_search_keys',
  'engagements',
  'participants',
  'reminders',
  'team_members',
  'deal_solutions',
  'notes',
  'favorites',
  'events',
] as const;
type Table = (typeof TABLE_ORDER)[number];

/**
 * Buffers rows per table and writes them in foreign-key order: SQLite through one prepared statement per
 * table inside one transaction; PostgreSQL as one `json_populate_recordset` statement per table and batch
 * (one parameter whatever the row count, typed by the table itself).
 */
class BulkWriter {
  private readonly buffers = new Map<Table, Row[]>();
  private buffered = 0;
  readonly written: Record<string, number> = {};
  private readonly statements = new Map<string, { run(...values: unknown[]): unknown }>();

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly flushAt = 50_000,
  ) {}

  async add(table: Table, row: Row): Promise<void> {
    let buffer = this.buffers.get(table);
    if (!buffer) {
      buffer = [];
      this.buffers.set(table, buffer);
    }
    buffer.push(row);
    if (++this.buffered >= this.flushAt) await this.flush();
  }

  async flush(): Promise<void> {
    const batches = TABLE_ORDER.flatMap((table) => {
      const rows = this.buffers.get(table);
      return rows && rows.length > 0 ? [{ table, rows }] : [];
    });
    this.buffers.clear();
    this.buffered = 0;
    for (const { table, rows } of batches) this.written[table] = (this.written[table] ?? 0) + rows.length;
    if (this.handle.dialect === 'sqlite') {
      await this.handle.db.connection().execute(async (connection) => {
        const sqlite = sqliteHandleOf(this.handle.db);
        if (!sqlite) throw new Error('no SQLite handle');
        void connection;
        sqlite.transaction(() => {
          for (const { table, rows } of batches) {
            const columns = Object.keys(rows[0] as Row);
            const key = `${table}(${columns.join(',')})`;
            let statement = this.statements.get(key);
            if (!statement) {
              statement = sqlite.prepare(
                `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
              );
              this.statements.set(key, statement);
            }
            for (const row of rows) statement.run(...columns.map((c) => row[c]));
          }
        })();
      });
      return;
    }
    await this.handle.db.transaction().execute(async (trx) => {
      for (const { table, rows } of batches) {
        const columns = Object.keys(rows[0] as Row).join(', ');
        for (let i = 0; i < rows.length; i += 10_000) {
          const json = JSON.stringify(rows.slice(i, i + 10_000));
          await sql`insert into ${sql.raw(table)} (${sql.raw(columns)})
            select ${sql.raw(columns)} from json_populate_recordset(null::${sql.raw(table)}, ${json}::json)`.execute(
            trx,
          );
        }
      }
    });
  }
}

/**
 * Time-ordered ids in the UUIDv7 layout (48-bit milliseconds, version 7, variant 10): the "random" bits carry a
 * 42-bit counter, so ids never collide, and 32 bits from the seed. The same seed writes the same ids.
 */
function seededIds(rng: Rng) {
  let counter = 0;
  const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');
  return (at: number) => {
    const n = counter++;
    const time = hex(at, 12);
    const high = Math.floor(n / 2 ** 30); // 12 bits
    const mid = Math.floor(n / 2 ** 16) % 2 ** 14; // 2 bits in the variant nibble + 12 bits
    const low = n % 2 ** 16;
    const random = Math.floor(rng.next() * 2 ** 32);
    return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(high, 3)}-${hex(0x8000 | mid, 4)}-${hex(low, 4)}${hex(random, 8)}`;
  };
}

interface GenLocation {
  id: string;
  country: CountryCode;
}
interface GenUser {
  id: string;
  email: string;
  name: string;
  phone: string;
  /** The location a location-scoped user works in (null: company-wide). */
  locationId: string | null;
}
interface GenOrg {
  id: string;
  kind: 'vendor' | 'partner';
  coSellReady: boolean;
  assessmentApproved: boolean;
  locations: GenLocation[];
  users: GenUser[];
  /** Users who appear on deal teams: referrals users/admins (vendor: sellers). */
  sellersByLocation: Map<string | null, GenUser[]>;
  solutionIds: string[];
  assessmentIds: string[];
}
interface Customer {
  company: GeneratedCompany;
  id: string;
}

/**
 * Writes a tier's dataset into an empty, migrated database. `now` is the dataset's present: deals were created
 * over the year before it; inbound records received in the last 14 days are still waiting for an answer.
 */
export async function generateDataset(
  handle: DatabaseHandle,
  size: TierSize,
  options: { seed?: number; now?: Date; vendorName?: string } = {},
): Promise<Dataset> {
  const started = performance.now();
  const seed = options.seed ?? 20_261_121;
  const now = options.now ?? new Date();
  const end = now.getTime();
  const rng = createRng(seed);
  const id = seededIds(createRng(seed ^ 0x9e3779b9));
  const writer = new BulkWriter(handle);
  const phases: Record<string, number> = {};
  let phaseStart = started;
  const mark = (phase: string) => {
    const at = performance.now();
    phases[phase] = Math.round((at - phaseStart) / 100) / 10;
    phaseStart = at;
  };
  const restore = await relaxDurability(handle);
  // Into empty tables, building each secondary index once at the end is several times cheaper than
  // maintaining it row by row.
  const rebuildIndexes = await dropSecondaryIndexes(handle);
  try {
    const passwordHash = await hashPassword(DATASET_PASSWORD);
    const setupAt = end - 400 * DAY_MS;
    const stamp = (offset: number) => new Date(setupAt + offset * 1000).toISOString();
    let tick = 0;

    // ---------------------------------------------------------------- organizations, locations, users
    const partnerCount = size.organizations - 1;
    // Power law: the i-th partner's share of people and deals ∝ 1/(i+1)^1.1.
    const weights = Array.from({ length: partnerCount }, (_, i) => 1 / (i + 1) ** 1.1);
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const vendorUsers = Math.max(20, Math.round(size.users * 0.03));
    const partnerUsers = size.users - vendorUsers;

    const addOrg = async (kind: 'vendor' | 'partner', name: string, index: number): Promise<GenOrg> => {
      const org: GenOrg = {
        id: id(setupAt + tick * 1000),
        kind,
        coSellReady: kind === 'partner' && (index < 20 || rng.chance(0.8)),
        assessmentApproved: kind === 'partner' && rng.chance(0.1),
        locations: [],
        users: [],
        sellersByLocation: new Map(),
        solutionIds: [],
        assessmentIds: [],
      };
      await writer.add('organizations', {
        id: org.id,
        kind,
        name,
        partner_id: kind === 'partner' ? String(1_000_000 + index) : null,
        co_sell_ready: org.coSellReady ? 1 : 0,
        assessment_approved: org.assessmentApproved ? 1 : 0,
        created_at: stamp(tick++),
      });
      return org;
    };
    const addLocations = async (org: GenOrg, count: number, home: CountryCode, label: string) => {
      for (let i = 0; i < count; i++) {
        const country = i === 0 ? home : rng.pick(COUNTRY_CODES);
        const city = rng.pick(COUNTRIES[country].cities);
        const location = { id: id(setupAt + tick * 1000), country };
        org.locations.push(location);
        await writer.add('locations', {
          id: location.id,
          organization_id: org.id,
          name: `${label} ${city.name}${i >= COUNTRIES[country].cities.length ? ` ${i + 1}` : ''}`,
          country,
          city: city.name,
          created_at: stamp(tick++),
        });
      }
    };
    const addUser = async (
      org: GenOrg,
      tenantId: string,
      domain: string,
      number: number,
      grants: { role: string; locationId: string | null }[],
      seller: boolean,
    ) => {
      const country = org.locations[0]?.country ?? 'US';
      const person = personName(rng, country);
      const user: GenUser = {
        id: id(setupAt + tick * 1000),
        email: `user${number}@${domain}`,
        name: person.name,
        phone: phoneNumber(rng, country),
        locationId: grants[0]?.locationId ?? null,
      };
      org.users.push(user);
      await writer.add('users', {
        id: user.id,
        organization_id: org.id,
        tenant_id: tenantId,
        name: user.name,
        email: user.email,
        password_hash: passwordHash,
        locale: COUNTRIES[country].locale,
        created_at: stamp(tick++),
        disabled_at: null,
      });
      for (const grant of grants) {
        await writer.add('user_roles', {
          id: id(setupAt + tick * 1000),
          user_id: user.id,
          role: grant.role,
          location_id: grant.locationId,
        });
      }
      if (seller) {
        const list = org.sellersByLocation.get(user.locationId) ?? [];
        list.push(user);
        org.sellersByLocation.set(user.locationId, list);
      }
      return user;
    };
    const addTenant = async (org: GenOrg, domain: string, name: string) => {
      const tenantId = id(setupAt + tick * 1000);
      await writer.add('tenants', {
        id: tenantId,
        organization_id: org.id,
        domain,
        name,
        created_at: stamp(tick++),
      });
      return tenantId;
    };
    const addSolution = async (
      org: GenOrg,
      name: string,
      kind: 'product' | 'assessment',
      coSellReady: boolean,
      incentive: boolean,
    ) => {
      const solutionId = id(setupAt + tick * 1000);
      (kind === 'assessment' ? org.assessmentIds : org.solutionIds).push(solutionId);
      await writer.add('solutions', {
        id: solutionId,
        organization_id: org.id,
        location_id: org.locations.length > 0 ? rng.pick(org.locations).id : null,
        name,
        name_search: normalizeForSearch(name),
        kind,
        offer_type: kind === 'product' ? rng.pick(['ip', 'services', 'managed-services', 'device']) : null,
        co_sell_ready: coSellReady ? 1 : 0,
        incentive_eligible: incentive ? 1 : 0,
        created_at: stamp(tick++),
      });
    };

    const vendorName = options.vendorName ?? 'Northwind Cloud';
    const vendor = await addOrg('vendor', vendorName, 0);
    await addLocations(vendor, 6, 'US', vendorName);
    const vendorTenant = await addTenant(vendor, 'northwind.example', vendorName);
    const personas: Persona[] = [];
    for (let u = 0; u < vendorUsers; u++) {
      const admin = u < 3;
      const user = await addUser(
        vendor,
        vendorTenant,
        'northwind.example',
        u,
        [{ role: admin ? 'vendor-admin' : 'vendor-seller', locationId: null }],
        !admin,
      );
      if (u === 0) personas.push(persona('vendor admin', user, vendor));
      if (u === 3) personas.push(persona('vendor seller', user, vendor));
    }
    for (const product of VENDOR_PRODUCTS) {
      await addSolution(vendor, `Northwind ${product.name}`, 'product', true, product.incentiveEligible);
    }
    await addSolution(vendor, 'Cloud migration assessment', 'assessment', true, false);

    const partners: GenOrg[] = [];
    for (let p = 0; p < partnerCount; p++) {
      const home = rng.pick(COUNTRY_CODES);
      const name = `Partner ${String(p + 1).padStart(4, '0')} ${rng.pick(['Systems', 'Consulting', 'Digital', 'Solutions', 'Group', 'IT', 'Cloud'])}`;
      const org = await addOrg('partner', name, p + 1);
      partners.push(org);
      // At least four people each; the rest of the tier's users by the power law (the largest takes the remainder).
      const spread = partnerUsers - 4 * partnerCount;
      const users =
        4 +
        (p === 0
          ? spread - weights.slice(1).reduce((sum, w) => sum + Math.floor((spread * w) / totalWeight), 0)
          : Math.floor((spread * (weights[p] as number)) / totalWeight));
      const locations = Math.min(40, Math.max(1, Math.round(Math.sqrt(users / 3))));
      await addLocations(org, locations, home, name);
      const domain = `partner${p + 1}.example`;
      const tenantId = await addTenant(org, domain, name);
      // Every role in every scope: a company-wide admin, a solutions admin, location-scoped admins (one per
      // location while people last) and location-scoped, team-bound referrals users.
      for (let u = 0; u < users; u++) {
        const location = org.locations[u % org.locations.length] as GenLocation;
        let user: GenUser;
        if (u === 0) {
          user = await addUser(
            org,
            tenantId,
            domain,
            u,
            [
              { role: 'partner-admin', locationId: null },
              { role: 'referrals-admin', locationId: null },
            ],
            true,
          );
          if (p === 0) personas.push(persona('largest partner, company-wide admin', user, org));
          if (p === 9) personas.push(persona('10th partner, company-wide admin', user, org));
          if (p === partnerCount - 1) personas.push(persona('smallest partner, admin', user, org));
        } else if (u === 1) {
          user = await addUser(
            org,
            tenantId,
            domain,
            u,
            [{ role: 'solutions-admin', locationId: null }],
            false,
          );
        } else if (u - 2 < org.locations.length && u < users / 3) {
          const scoped = org.locations[u - 2] as GenLocation;
          user = await addUser(
            org,
            tenantId,
            domain,
            u,
            [{ role: 'referrals-admin', locationId: scoped.id }],
            true,
          );
          if (p === 0 && u === 2) personas.push(persona('largest partner, location-scoped admin', user, org));
        } else {
          user = await addUser(
            org,
            tenantId,
            domain,
            u,
            [{ role: 'referrals-user', locationId: location.id }],
            true,
          );
          if (p === 0 && personas.every((x) => x.label !== 'largest partner, referrals user'))
            personas.push(persona('largest partner, referrals user', user, org));
        }
      }
      const solutions = Math.min(6, 1 + Math.floor(Math.log2(users)));
      for (let s = 0; s < solutions; s++) {
        await addSolution(
          org,
          `${name} ${rng.pick(DEAL_TOPICS)} ${s + 1}`,
          'product',
          org.coSellReady,
          rng.chance(0.3),
        );
      }
    }
    await writer.flush();
    mark('organizations');

    // ---------------------------------------------------------------- the customer directory
    const customers: Customer[] = [];
    const companyRng = createRng(seed ^ 0x5bd1e995);
    // Deals name a sample of the directory's companies (one in ten), as the busy part of a real directory.
    for (const company of companyRecords(companyRng, size.companies)) {
      const companyId = id(setupAt);
      const nameSearch = normalizeForSearch(company.name);
      const citySearch = normalizeForSearch(company.city);
      await writer.add('companies', {
        id: companyId,
        name: company.name,
        name_search: nameSearch,
        duns: company.duns,
        address_line1: company.addressLine1,
        city: company.city,
        city_search: citySearch,
        region: company.region,
        postal_code: company.postalCode,
        country: company.country,
        website: company.website,
        domain: websiteDomain(company.website),
        size: company.size,
        industry: company.industry,
      });
      for (const key of companySearchKeys(nameSearch, company.size)) {
        await writer.add('company_search_keys', {
          company_id: companyId,
          key: key.key,
          text: key.text,
          country: company.country,
          city_search: citySearch,
        });
      }
      if (customers.length * 10 < size.companies && rng.chance(0.1))
        customers.push({ company, id: companyId });
    }
    await writer.flush();
    mark('directory');

    // ---------------------------------------------------------------- deals
    const cumulative: number[] = [];
    let running = 0;
    for (const w of weights) {
      running += w;
      cumulative.push(running);
    }
    const pickPartner = (): GenOrg => {
      const roll = rng.next() * running;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cumulative[mid] as number) < roll) lo = mid + 1;
        else hi = mid;
      }
      return partners[lo] as GenOrg;
    };
    const coSellReady = partners.filter((p) => p.coSellReady);
    let records = 0;
    let engagementCount = 0;
    while (records < size.deals) {
      const createdAt = end - Math.floor(365 * DAY_MS * rng.next() ** 1.5) - 60_000;
      const engagementId = id(createdAt);
      const customer = rng.pick(customers);
      const byVendor = rng.chance(0.06);
      const creator = byVendor ? vendor : pickPartner();
      const roll = rng.next();
      let type: DealType;
      let invitees = 0;
      let vendorRecord: 'help' | 'share' | null = null;
      if (byVendor) {
        type = 'co-sell';
        invitees = rng.chance(0.8) ? 1 : 2;
      } else if (roll < 0.1) {
        type = creator.assessmentApproved && rng.chance(0.3) ? 'solution-assessment' : 'private';
      } else if (roll < 0.4) {
        invitees = rng.chance(0.75) ? 1 : rng.chance(0.8) ? 2 : 3;
        vendorRecord = rng.chance(0.3) ? 'help' : null;
        type = vendorRecord ? 'co-sell' : 'partner-to-partner';
      } else if (roll < 0.8) {
        vendorRecord = 'help';
        type = 'co-sell';
      } else {
        vendorRecord = 'share';
        type = 'partner-led';
      }
      const help = vendorRecord === 'help' ? rng.pick(HELP_TYPES.filter((h) => h !== 'none')) : 'none';
      const name = `${rng.pick(DEAL_TOPICS)} – ${customer.company.name}`.slice(0, 200);
      const createdText = new Date(createdAt).toISOString();
      const country = customer.company.country;
      const usd = rng.int(5, 2_000) * 1_000;
      const currency = COUNTRIES[country].currency;
      const valueMinor = Math.round(usd * COUNTRIES[country].perUsd) * 10 ** minorDigits(currency);
      const closeDate = new Date(createdAt + rng.int(20, 270) * DAY_MS).toISOString().slice(0, 10);
      const hasContact = vendorRecord !== null || byVendor;
      const contact = hasContact ? personName(rng, country) : null;
      const company = customer.company;
      await writer.add('engagements', {
        id: engagementId,
        type,
        created_by_org_id: creator.id,
        customer_company_id: customer.id,
        customer_name: company.name,
        customer_duns: company.duns,
        customer_website: company.website,
        customer_address_line1: company.addressLine1,
        customer_city: company.city,
        customer_region: company.region,
        customer_postal_code: company.postalCode,
        customer_country: country,
        customer_verified: 1,
        contact_name: contact?.name ?? null,
        contact_phone: contact ? phoneNumber(rng, country) : null,
        contact_email: contact ? `${contact.latin}@customer.example` : null,
        consent_share_contact: hasContact ? 1 : 0,
        consent_given_at: hasContact ? createdText : null,
        customer_domain: websiteDomain(company.website),
        customer_key: customerKey(company.name, company.city, country),
        version: 1,
        created_at: createdText,
        updated_at: createdText,
      });
      engagementCount++;

      const age = end - createdAt;
      const searchText = searchTextOf(name, company.name);
      const creatorLocation = pickLocation(rng, creator);
      const creatorTeam = teamOf(rng, creator, creatorLocation.id, rng.int(1, 3));
      const addRecord = async (
        org: GenOrg,
        locationId: string,
        direction: 'outbound' | 'inbound',
        team: { org: GenOrg; users: GenUser[] }[],
        solutionIds: string[],
        invitedBy: GenOrg | null,
      ) => {
        const recordId = id(createdAt);
        const outcome = outcomeOf(rng, direction, age, type, vendorRecord === 'share' && org === vendor);
        const updatedAt = Math.min(end - 1000, createdAt + Math.floor(rng.next() * Math.max(age - 1000, 1)));
        const updatedText = outcome.status === 'received' ? createdText : new Date(updatedAt).toISOString();
        await writer.add('participants', {
          id: recordId,
          engagement_id: engagementId,
          organization_id: org.id,
          location_id: locationId,
          direction,
          status: outcome.status,
          sales_stage: outcome.stage,
          name,
          search_text: searchText,
          value_minor: valueMinor,
          currency,
          close_date: closeDate,
          crm_id: direction === 'outbound' && rng.chance(0.4) ? `CRM-${rng.int(10_000, 999_999)}` : null,
          campaign_id: null,
          help: direction === 'inbound' && invitedBy ? help : direction === 'outbound' ? help : 'none',
          invited_by_org_id: invitedBy?.id ?? null,
          invitation_notes: null,
          received_at: direction === 'inbound' ? createdText : null,
          expires_at:
            outcome.status === 'received' || outcome.status === 'expired'
              ? new Date(createdAt + RESPONSE_DAYS * DAY_MS).toISOString()
              : null,
          reason: outcome.reason,
          reason_notes: null,
          version: outcome.status === 'received' ? 1 : rng.int(2, 6),
          created_at: createdText,
          updated_at: updatedText,
          closed_at: outcome.closed ? updatedText : null,
        });
        records++;
        if (outcome.status === 'received') {
          // The expiry reminders already due were sent when they fell due (as the dispatcher does: a row per
          // record and days left, and its event): otherwise the server would send thousands at its start and
          // the first scenarios would measure that backlog instead of the API.
          const expiresAt = createdAt + RESPONSE_DAYS * DAY_MS;
          for (const days of [3, 1]) {
            const dueAt = expiresAt - days * DAY_MS;
            if (dueAt > end) continue;
            const dueText = new Date(dueAt).toISOString();
            await writer.add('reminders', { participant_id: recordId, days, created_at: dueText });
            await writer.add(
              'events',
              event(id(dueAt), 'deal.reminder', {
                engagementId,
                recordId,
                org,
                actor: null,
                actorOrg: org,
                at: dueText,
                data: { daysLeft: days, expiresAt: new Date(expiresAt).toISOString() },
                visibility: 'organization',
              }),
            );
          }
        }
        let position = 0;
        for (const part of team) {
          for (const user of part.users) {
            await writer.add('team_members', {
              id: id(createdAt),
              participant_id: recordId,
              organization_id: part.org.id,
              name: user.name,
              phone: user.phone,
              email: user.email,
              email_key: user.email,
              position: position++,
            });
          }
        }
        for (const [index, solutionId] of solutionIds.entries()) {
          await writer.add('deal_solutions', {
            participant_id: recordId,
            solution_id: solutionId,
            position: index,
          });
        }
        await writer.add(
          'events',
          event(id(createdAt), direction === 'outbound' ? 'deal.created' : 'deal.received', {
            engagementId,
            recordId,
            org,
            actor: creatorTeam[0] ?? null,
            actorOrg: creator,
            at: createdText,
            data: {
              type,
              changes: { status: { from: null, to: direction === 'outbound' ? 'accepted' : 'received' } },
            },
          }),
        );
        if (outcome.status !== 'received' && direction === 'inbound') {
          const actorUser = org.users[0] ?? null;
          await writer.add(
            'events',
            event(id(updatedAt), 'deal.status-changed', {
              engagementId,
              recordId,
              org,
              actor: outcome.status === 'expired' ? null : actorUser,
              actorOrg: org,
              at: updatedText,
              data: { changes: { status: { from: 'received', to: outcome.status } } },
            }),
          );
        }
        // People star deals they work on: a member of the record's own team, now and then.
        const ownMembers = team.find((part) => part.org === org)?.users ?? [];
        if (ownMembers.length > 0 && rng.chance(0.1)) {
          await writer.add('favorites', {
            user_id: (rng.pick(ownMembers) as GenUser).id,
            participant_id: recordId,
            created_at: updatedText,
          });
        }
      };

      const creatorSolutions =
        type === 'solution-assessment'
          ? creator.assessmentIds.slice(0, 1)
          : pickSome(
              rng,
              creator.solutionIds.length > 0 ? creator.solutionIds : vendor.solutionIds,
              rng.int(1, 2),
            );
      await addRecord(
        creator,
        creatorLocation.id,
        'outbound',
        [{ org: creator, users: creatorTeam }],
        type === 'solution-assessment' && creatorSolutions.length === 0
          ? vendor.assessmentIds.slice(0, 1)
          : creatorSolutions,
        null,
      );
      if (vendorRecord) {
        const vendorLocation = vendor.locations[0] as GenLocation;
        await addRecord(
          vendor,
          vendorLocation.id,
          'inbound',
          [{ org: vendor, users: teamOf(rng, vendor, null, rng.int(1, 2)) }],
          [],
          creator,
        );
      }
      const invited = new Set<string>([creator.id]);
      for (let i = 0; i < invitees; i++) {
        let invitee = rng.pick(coSellReady);
        for (let tries = 0; invited.has(invitee.id) && tries < 10; tries++) invitee = rng.pick(coSellReady);
        if (invited.has(invitee.id)) continue;
        invited.add(invitee.id);
        const location = pickLocation(rng, invitee);
        const own = teamOf(rng, invitee, location.id, 1);
        await addRecord(
          invitee,
          location.id,
          'inbound',
          // The inviter's people who work with the invitee, and once accepted the invitee's own.
          [
            { org: creator, users: creatorTeam.slice(0, 1) },
            { org: invitee, users: own },
          ],
          pickSome(rng, invitee.solutionIds, 1),
          creator,
        );
      }
      if (rng.chance(0.2)) {
        const author = creatorTeam[0];
        const body = rng.pick([
          'Customer call went well.',
          'Waiting for budget approval.',
          'Architecture workshop booked.',
          'Pricing sent.',
        ]);
        const noteAt = new Date(Math.min(end - 1000, createdAt + DAY_MS)).toISOString();
        await writer.add('notes', {
          id: id(createdAt + DAY_MS),
          engagement_id: engagementId,
          organization_id: creator.id,
          author_user_id: author?.id ?? null,
          author_name: author?.name ?? 'Someone',
          body,
          body_search: normalizeForSearch(body),
          created_at: noteAt,
        });
      }
    }
    await writer.flush();
    mark('deals');
    await rebuildIndexes();
    mark('indexes');
    // Fresh statistics, as a database that has grown to this size would have.
    await sql`analyze`.execute(handle.db);
    mark('analyze');

    return {
      size,
      seed,
      rows: { ...writer.written, engagements: engagementCount },
      seconds: Math.round((performance.now() - started) / 100) / 10,
      phases,
      personas,
      vendorId: vendor.id,
      partnerIds: partners.map((p) => p.id),
      now,
    };
  } finally {
    await restore();
  }

  function persona(label: string, user: GenUser, org: GenOrg): Persona {
    return { label, userId: user.id, organizationId: org.id, email: user.email };
  }
}

function pickLocation(rng: Rng, org: GenOrg): GenLocation {
  return rng.pick(org.locations);
}

/** Up to `count` team members who may work deals of this location (location-scoped or company-wide). */
function teamOf(rng: Rng, org: GenOrg, locationId: string | null, count: number): GenUser[] {
  const local = org.sellersByLocation.get(locationId) ?? [];
  const wide = org.sellersByLocation.get(null) ?? [];
  const pool = local.length > 0 ? local : wide;
  if (pool.length === 0) return [];
  return pickSome(rng, pool, count);
}

function pickSome<T>(rng: Rng, items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const picked = new Set<T>();
  while (picked.size < count) picked.add(rng.pick(items));
  return [...picked];
}

interface Outcome {
  status: string;
  stage: string;
  reason: string | null;
  closed: boolean;
}

/** Where a record stands now, from its age: recent inbound records still wait; old ones were answered. */
function outcomeOf(
  rng: Rng,
  direction: 'outbound' | 'inbound',
  age: number,
  type: DealType,
  shared: boolean,
): Outcome {
  const stages =
    type === 'solution-assessment'
      ? ['created', 'secure-customer-loe', 'collect-data', 'prepare-assessment-report', 'present-to-customer']
      : STANDARD_STAGES.map((s) => s.id).filter((s) => s !== 'won' && s !== 'accepted');
  const open = (): Outcome => {
    const stage = rng.pick(stages);
    return {
      status: 'accepted',
      stage: direction === 'inbound' && stage === 'created' ? 'accepted' : stage,
      reason: null,
      closed: false,
    };
  };
  if (direction === 'inbound' && !shared) {
    if (age < RESPONSE_DAYS * DAY_MS)
      return rng.chance(0.6)
        ? { status: 'received', stage: 'accepted', reason: null, closed: false }
        : open();
    const roll = rng.next();
    if (roll < 0.12)
      return { status: 'declined', stage: 'accepted', reason: rng.pick(CLOSE_REASONS), closed: true };
    if (roll < 0.22) return { status: 'expired', stage: 'accepted', reason: null, closed: true };
  }
  const closedShare = Math.min(0.75, age / (365 * DAY_MS));
  const roll = rng.next();
  if (roll < closedShare * 0.55) return { status: 'won', stage: 'won', reason: null, closed: true };
  if (roll < closedShare * 0.95)
    return { status: 'lost', stage: rng.pick(stages), reason: rng.pick(CLOSE_REASONS), closed: true };
  if (roll < closedShare)
    return {
      status: 'error',
      stage: rng.pick(stages),
      reason: rng.pick(['duplicate', 'test', 'data-error']),
      closed: true,
    };
  return open();
}

function event(
  eventId: string,
  type: string,
  input: {
    engagementId: string;
    recordId: string;
    org: GenOrg;
    actor: GenUser | null;
    actorOrg: GenOrg;
    at: string;
    data: unknown;
    visibility?: 'engagement' | 'organization';
  },
): Row {
  return {
    id: eventId,
    type,
    engagement_id: input.engagementId,
    participant_id: input.recordId,
    organization_id: input.org.id,
    visibility: input.visibility ?? 'engagement',
    actor_user_id: input.actor?.id ?? null,
    actor_name: input.actor?.name ?? null,
    actor_org_id: input.actor ? input.actorOrg.id : null,
    data: JSON.stringify(input.data),
    created_at: input.at,
    // Already dispatched: the benchmark measures the API, not a backlog of old notices.
    dispatch_state: 'done',
    attempts: 0,
  };
}

/**
 * While loading, SQLite commits without waiting for the disk (the dataset can simply be generated again) and
 * keeps a large page cache; both are restored afterwards.
 */
async function relaxDurability(handle: DatabaseHandle): Promise<() => Promise<void>> {
  if (handle.dialect !== 'sqlite') return async () => {};
  await sql`pragma synchronous = off`.execute(handle.db);
  await sql`pragma cache_size = -1048576`.execute(handle.db);
  return async () => {
    await sql`pragma synchronous = full`.execute(handle.db);
    await sql`pragma cache_size = -2000`.execute(handle.db);
    await sql`pragma wal_checkpoint(truncate)`.execute(handle.db);
    // On disk before the generation counts as done: otherwise the first durable commit after it (the server's,
    // in the benchmark) waits for gigabytes of written-back pages and is measured as a slow start.
    const file = sqliteHandleOf(handle.db)?.name;
    if (file && file !== ':memory:') {
      const fd = openSync(file, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  };
}

/**
 * Drops the secondary indexes of the dataset's tables (not those behind primary keys or UNIQUE constraints)
 * and returns the function that builds them again.
 */
async function dropSecondaryIndexes(handle: DatabaseHandle): Promise<() => Promise<void>> {
  const tables = sql.join(TABLE_ORDER.map((t) => sql.lit(t)));
  const indexes =
    handle.dialect === 'sqlite'
      ? (
          await sql<{ name: string; definition: string }>`
            select name, sql as definition from sqlite_master
            where type = 'index' and sql is not null and tbl_name in (${tables})`.execute(handle.db)
        ).rows
      : (
          await sql<{ name: string; definition: string }>`
            select i.indexname as name, i.indexdef as definition from pg_indexes i
            where i.schemaname = current_schema() and i.tablename in (${tables})
              and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(handle.db)
        ).rows;
  for (const index of indexes) await sql`drop index ${sql.id(index.name)}`.execute(handle.db);
  // SQLite's search tables are kept by triggers (migrations 0006, 0010): filled once at the end instead, like an index.
  const searchTriggers = handle.dialect === 'sqlite';
  if (searchTriggers) {
    for (const name of SQLITE_DEAL_SEARCH_TRIGGERS)
      await sql`drop trigger ${sql.id(name)}`.execute(handle.db);
  }
  return async () => {
    for (const index of indexes) await sql.raw(index.definition).execute(handle.db);
    if (searchTriggers) {
      await fillSqliteDealSearch(handle.db);
      await createDeferredDealSearchTriggers(handle.db);
    }
  };
}
