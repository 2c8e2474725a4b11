/**
 * Loads the demo ecosystem into an empty database: the vendor, partners with locations and tenants,
 * personas of every role and scope, solutions, a synthetic company directory, and a few hundred deals.
 *
 * The deals are made through the real services (create, accept, decline, win, lose, close as error,
 * stages, team edits, invitations, notes, favorites), so every rule and every event applies. They are
 * spread over the last 45 days: the seed runs on its own context whose movable clock starts 45 days
 * before the caller's "now" and is moved forward between actions; received records nobody answered
 * within the response window end up expired, the recent ones stay received.
 *
 * Deterministic from `seed` (names, choices, timing); only ids and timestamps' milliseconds vary.
 */

import { sql } from 'kysely';
import {
  ASSESSMENT_STAGES,
  CLOSE_REASONS,
  type DealType,
  HELP_TYPES,
  type HelpType,
} from '../../core/lifecycle.ts';
import { formatAmount, minorDigits } from '../../core/money.ts';
import {
  AcceptBody,
  CreateDealBody,
  type InvitationInput,
  InviteBody,
  PatchDealBody,
  type TeamMemberInput,
} from '../../core/schemas.ts';
import { normalizeForSearch } from '../../core/text.ts';
import type { Actor } from '../access/actor.ts';
import { addDays, type Clock, DAY_MS, isoDay, movableClock } from '../clock.ts';
import type { Executor } from '../db/database.ts';
import { insertCompanies, insertSolutions } from '../db/repositories/catalog.ts';
import { getEngagement, getParticipant, participantsOfEngagements } from '../db/repositories/deals.ts';
import { insertLocation, insertOrganization, insertTenant } from '../db/repositories/organizations.ts';
import { insertRoles, insertUser } from '../db/repositories/users.ts';
import type { SolutionsTable } from '../db/schema.ts';
import { newId } from '../ids.ts';
import { actorFor } from './auth.ts';
import type { ServiceContext } from './context.ts';
import { createDeal } from './create-deal.ts';
import {
  ASSESSMENT_TYPES,
  COUNTRIES,
  COUNTRY_CODES,
  type CompanyRow,
  type CountryCode,
  createRng,
  DEAL_TOPICS,
  generateCompanies,
  HELP_NOTES,
  INVITE_NOTES,
  type OfferType,
  PARTNERS,
  type PartnerDef,
  type PersonaDef,
  PROGRESS_NOTES,
  personName,
  phoneNumber,
  type Rng,
  slugOf,
  VENDOR_DOMAIN,
  VENDOR_PRODUCTS,
  VENDOR_USERS,
} from './demo-data.ts';
import { expireDue } from './expiry.ts';
import { inviteToDeal } from './invite-to-deal.ts';
import { addNote, markFavorite } from './notes-and-favorites.ts';
import { hashPassword } from './passwords.ts';
import { acceptDeal, closeDeal, setStage, winDeal } from './transition-deal.ts';
import { updateDeal } from './update-deal.ts';

export interface SeedOptions {
  deals?: number;
  companies?: number;
  seed?: number;
}

export interface SeedSummary {
  organizations: number;
  users: number;
  companies: number;
  deals: number;
}

/** The password of every demo persona (README "Demo personas"). */
export const DEMO_PASSWORD = 'cosell-demo';

const HOUR_MS = 3_600_000;
const SEED_DAYS = 45;
const COMPANY_BATCH = 200;

// ---------------------------------------------------------------- in-memory model of what was seeded

interface SeedLocation {
  id: string;
  key: string;
  name: string;
  country: CountryCode;
}

interface SeedGrant {
  role: string;
  locationIds: string[] | null;
}

interface SeedUser {
  id: string;
  email: string;
  name: string;
  phone: string;
  grants: SeedGrant[];
}

interface SeedSolution {
  id: string;
  organizationId: string;
  locationId: string | null;
  kind: 'product' | 'assessment';
  coSellReady: boolean;
  incentiveEligible: boolean;
}

interface SeedOrg {
  id: string;
  key: string;
  name: string;
  kind: 'vendor' | 'partner';
  coSellReady: boolean;
  assessmentApproved: boolean;
  weight: number;
  locations: SeedLocation[];
  users: SeedUser[];
  solutions: SeedSolution[];
}

export async function seedDemo(ctx: ServiceContext, options: SeedOptions = {}): Promise<SeedSummary> {
  const dealCount = options.deals ?? 300;
  const companyCount = options.companies ?? 3000;
  const seed = options.seed ?? 20_260_301;
  const end = ctx.clock.now().getTime();
  const start = end - SEED_DAYS * DAY_MS;

  if (await hasOrganizations(ctx.db)) throw notEmpty();
  // The password hash is computed once (scrypt is deliberately slow) and shared by every persona.
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  const restore = await relaxDurability(ctx);
  let setup: Setup;
  try {
    setup = await seedOrganizations(ctx, {
      rng: createRng(seed),
      companyRng: createRng(seed ^ 0x5bd1e995),
      companyCount,
      passwordHash,
      createdAt: start - 120 * DAY_MS,
    });
    const seedCtx: ServiceContext = { ...ctx, clock: movableClock(new Date(start)) };
    const world = new DemoWorld(seedCtx, createRng(seed ^ 0x27d4eb2f), setup);
    await world.run(dealCount, start, end);
  } finally {
    await restore();
  }

  return {
    organizations: setup.partners.length + 1,
    users: setup.userCount,
    companies: setup.companies.length,
    deals: dealCount,
  };
}

const hasOrganizations = async (db: Executor) =>
  (await db.selectFrom('organizations').select('id').limit(1).executeTakeFirst()) !== undefined;

const notEmpty = () => new Error('seed-demo loads only into an empty database: organizations already exist');

/**
 * The seed makes a few thousand small transactions. On the embedded database each commit waits for an
 * fsync (synchronous = FULL, see database.ts), which would make loading take tens of seconds; while
 * seeding, commits use NORMAL (still crash-consistent in WAL mode, only the last commits could be lost on
 * a power failure, and the demo can simply be loaded again). Restored afterwards.
 */
async function relaxDurability(ctx: ServiceContext): Promise<() => Promise<void>> {
  if (ctx.dialect !== 'sqlite') return async () => {};
  const before = await sql<{ synchronous: number }>`pragma synchronous`.execute(ctx.db);
  const level = before.rows[0]?.synchronous ?? 2;
  await sql`pragma synchronous = normal`.execute(ctx.db);
  return async () => {
    await sql.raw(`pragma synchronous = ${Number(level)}`).execute(ctx.db);
  };
}

// ---------------------------------------------------------------- organizations, people, solutions, directory

interface Setup {
  vendor: SeedOrg;
  partners: SeedOrg[];
  companies: CompanyRow[];
  userCount: number;
}

async function seedOrganizations(
  ctx: ServiceContext,
  input: { rng: Rng; companyRng: Rng; companyCount: number; passwordHash: string; createdAt: number },
): Promise<Setup> {
  const { rng, passwordHash } = input;
  let tick = 0;
  // Staggered creation times keep "oldest first" orders (the default location, the primary tenant) stable.
  const stamp = () => new Date(input.createdAt + tick++ * 1000).toISOString();

  return ctx.db.transaction().execute(async (trx) => {
    if (await hasOrganizations(trx)) throw notEmpty();
    let userCount = 0;

    const addUser = async (
      org: SeedOrg,
      tenantId: string,
      user: { email: string; name: string; country: CountryCode; grants: SeedGrant[] },
    ): Promise<SeedUser> => {
      const id = newId();
      const email = user.email.toLowerCase();
      await insertUser(trx, {
        id,
        organization_id: org.id,
        tenant_id: tenantId,
        name: user.name,
        email,
        password_hash: passwordHash,
        locale: COUNTRIES[user.country].locale,
        created_at: stamp(),
        disabled_at: null,
      });
      await insertRoles(
        trx,
        user.grants.flatMap((grant) =>
          (grant.locationIds ?? [null]).map((locationId) => ({
            id: newId(),
            user_id: id,
            role: grant.role,
            location_id: locationId,
          })),
        ),
      );
      userCount += 1;
      const seeded = {
        id,
        email,
        name: user.name,
        phone: phoneNumber(rng, user.country),
        grants: user.grants,
      };
      org.users.push(seeded);
      return seeded;
    };

    const addLocation = async (
      org: SeedOrg,
      key: string,
      name: string,
      country: CountryCode,
      city: string,
    ) => {
      const id = newId();
      await insertLocation(trx, { id, organization_id: org.id, name, country, city, created_at: stamp() });
      org.locations.push({ id, key, name, country });
    };

    const addTenant = async (org: SeedOrg, domain: string, name: string) => {
      const id = newId();
      await insertTenant(trx, { id, organization_id: org.id, domain, name, created_at: stamp() });
      return id;
    };

    const addSolutions = async (
      org: SeedOrg,
      rows: Omit<SolutionsTable, 'id' | 'organization_id' | 'name_search' | 'created_at'>[],
    ) => {
      const full = rows.map((row) => ({
        ...row,
        id: newId(),
        organization_id: org.id,
        name_search: normalizeForSearch(row.name),
        created_at: stamp(),
      }));
      await insertSolutions(trx, full);
      for (const row of full) {
        org.solutions.push({
          id: row.id,
          organizationId: org.id,
          locationId: row.location_id,
          kind: row.kind,
          coSellReady: row.co_sell_ready === 1,
          incentiveEligible: row.incentive_eligible === 1,
        });
      }
    };

    // The vendor.
    const vendorName = ctx.config.vendorName.trim() || 'Northwind Cloud';
    const brand = vendorName.split(/\s+/)[0] ?? vendorName;
    const vendor: SeedOrg = {
      id: newId(),
      key: 'vendor',
      name: vendorName,
      kind: 'vendor',
      coSellReady: false,
      assessmentApproved: false,
      weight: 0,
      locations: [],
      users: [],
      solutions: [],
    };
    await insertOrganization(trx, {
      id: vendor.id,
      kind: 'vendor',
      name: vendorName,
      partner_id: null,
      co_sell_ready: 0,
      assessment_approved: 0,
      created_at: stamp(),
    });
    await addLocation(vendor, 'hq', `${vendorName} HQ`, 'US', 'Seattle');
    const vendorTenant = await addTenant(vendor, VENDOR_DOMAIN, vendorName);
    for (const user of VENDOR_USERS) {
      await addUser(vendor, vendorTenant, {
        email: user.email,
        name: user.name,
        country: 'US',
        grants: [{ role: user.role, locationIds: null }],
      });
    }
    const hq = vendor.locations[0]?.id ?? null;
    await addSolutions(vendor, [
      ...VENDOR_PRODUCTS.map((p) => ({
        location_id: hq,
        name: `${brand} ${p.name}`,
        kind: 'product' as const,
        offer_type: p.offerType,
        co_sell_ready: 1 as const,
        incentive_eligible: p.incentiveEligible ? (1 as const) : (0 as const),
      })),
      ...ASSESSMENT_TYPES.map((name) => ({
        location_id: hq,
        name,
        kind: 'assessment' as const,
        offer_type: null,
        co_sell_ready: 1 as const,
        incentive_eligible: 0 as const,
      })),
    ]);

    // The partners.
    const partners: SeedOrg[] = [];
    for (const def of PARTNERS) {
      const org: SeedOrg = {
        id: newId(),
        key: def.key,
        name: def.name,
        kind: 'partner',
        coSellReady: def.coSellReady,
        assessmentApproved: def.assessmentApproved,
        weight: def.weight,
        locations: [],
        users: [],
        solutions: [],
      };
      partners.push(org);
      await insertOrganization(trx, {
        id: org.id,
        kind: 'partner',
        name: def.name,
        partner_id: def.partnerId,
        co_sell_ready: def.coSellReady ? 1 : 0,
        assessment_approved: def.assessmentApproved ? 1 : 0,
        created_at: stamp(),
      });
      for (const location of def.locations) {
        await addLocation(org, location.key, location.name, location.country, location.city);
      }
      const tenantId = await addTenant(org, def.domain, def.name);
      if (def.extraTenant) await addTenant(org, def.extraTenant.domain, def.extraTenant.name);
      const locationIdOf = (key: string) => {
        const found = org.locations.find((l) => l.key === key);
        if (!found) throw new Error(`${def.name}: no location ${key}`);
        return found.id;
      };
      const countryOf = (key: string | undefined) =>
        (org.locations.find((l) => l.key === key) ?? org.locations[0])?.country ?? 'US';
      for (const persona of personasOf(def, rng)) {
        await addUser(org, tenantId, {
          email: persona.email,
          name: persona.name,
          country: countryOf(persona.home),
          grants: persona.roles.map((r) => ({
            role: r.role,
            locationIds: r.scope ? r.scope.map(locationIdOf) : null,
          })),
        });
      }
      await addSolutions(
        org,
        def.solutions.map((s) => {
          const coSellReady = s.coSellReady ?? def.coSellReady;
          return {
            location_id: locationIdOf(s.location),
            name: s.name,
            kind: 'product' as const,
            offer_type: s.offerType satisfies OfferType,
            co_sell_ready: coSellReady ? (1 as const) : (0 as const),
            incentive_eligible:
              coSellReady && s.incentiveEligible && s.offerType === 'ip' ? (1 as const) : (0 as const),
          };
        }),
      );
    }

    // The company directory.
    const companies = generateCompanies(input.companyRng, input.companyCount, newId);
    for (let i = 0; i < companies.length; i += COMPANY_BATCH) {
      await insertCompanies(trx, companies.slice(i, i + COMPANY_BATCH));
    }
    return { vendor, partners, companies, userCount };
  });
}

/** The users of a partner: its hand-named personas, or admin@, radmin@, user.<location>@ and maybe solutions@. */
function personasOf(def: PartnerDef, rng: Rng): PersonaDef[] {
  if (def.personas) return [...def.personas];
  const home = def.locations[0]?.country ?? 'US';
  const people: PersonaDef[] = [
    {
      email: `admin@${def.domain}`,
      name: personName(rng, home).name,
      roles: [
        { role: 'partner-admin', scope: null },
        ...(def.solutionsUser ? [] : [{ role: 'solutions-admin', scope: null }]),
      ],
    },
    {
      email: `radmin@${def.domain}`,
      name: personName(rng, home).name,
      roles: [{ role: 'referrals-admin', scope: null }],
    },
  ];
  for (const location of def.locations) {
    people.push({
      email: `user.${location.key}@${def.domain}`,
      name: personName(rng, location.country).name,
      roles: [{ role: 'referrals-user', scope: [location.key] }],
      home: location.key,
    });
  }
  if (def.solutionsUser) {
    people.push({
      email: `solutions@${def.domain}`,
      name: personName(rng, home).name,
      roles: [{ role: 'solutions-admin', scope: null }],
    });
  }
  return people;
}

// ---------------------------------------------------------------- a timeline of scheduled actions

class Timeline {
  private readonly queue: { at: number; seq: number; run: () => Promise<void> }[] = [];
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  schedule(at: number, run: () => Promise<void>): void {
    const item = { at, seq: this.seq++, run };
    let low = 0;
    let high = this.queue.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.queue[mid]?.at ?? 0) <= at) low = mid + 1;
      else high = mid;
    }
    this.queue.splice(low, 0, item);
  }

  /** Runs everything due up to `target` in time order, moving the clock to each action's time. */
  async runUntil(target: number): Promise<void> {
    for (;;) {
      const next = this.queue[0];
      if (!next || next.at > target) break;
      this.queue.shift();
      this.moveTo(next.at);
      await next.run();
    }
    this.moveTo(target);
  }

  moveTo(at: number): void {
    const delta = at - this.clock.now().getTime();
    if (delta > 0) this.clock.advance(delta);
  }
}

// ---------------------------------------------------------------- the deals

type Scenario = 'private' | 'partner-led' | 'co-sell' | 'p2p' | 'co-sell-p2p' | 'assessment' | 'vendor-sent';
type Outcome = 'won' | 'lost' | 'error' | 'open';
type Response = 'accept' | 'decline' | 'ignore' | 'error' | 'route-ignore';

interface DealPlan {
  scenario: Scenario;
  creatorOrg?: SeedOrg;
  locationKey?: string;
  invitees?: { org: SeedOrg; locationKey?: string; handlerEmail?: string }[];
  creatorOutcome?: Outcome;
  vendorResponse?: Response;
  inviteeResponse?: Response;
  laterInvite?: 'vendor' | 'partner';
}

interface DealState {
  engagementId: string;
  creatorRecordId: string;
  creatorOrg: SeedOrg;
  /** The people who work the creator's record. */
  workers: SeedUser[];
  creatorTeam: TeamMemberInput[];
  contact: { name: string; phone: string; email: string };
  /** How the vendor answers when it is invited later. */
  vendorResponse: Response | undefined;
}

const SCENARIO_WEIGHTS: readonly (readonly [Scenario, number])[] = [
  ['private', 16],
  ['partner-led', 11],
  ['co-sell', 24],
  ['p2p', 14],
  ['co-sell-p2p', 5],
  ['assessment', 8],
  ['vendor-sent', 22],
];

const HELP_ASKED = HELP_TYPES.filter((h) => h !== 'none') as Exclude<HelpType, 'none'>[];
const STANDARD_PATH = ['qualified', 'developed', 'proposed', 'negotiated'] as const;
const ASSESSMENT_PATH = ASSESSMENT_STAGES.map((s) => s.id).filter(
  (id) => id !== 'created' && id !== 'accepted' && id !== 'won',
);

const hours = (rng: Rng, min: number, max: number) => Math.round((min + rng.next() * (max - min)) * HOUR_MS);
const days = (rng: Rng, min: number, max: number) => Math.round((min + rng.next() * (max - min)) * DAY_MS);

class DemoWorld {
  private readonly timeline: Timeline;
  private readonly actors = new Map<string, Actor>();
  private readonly companiesByCountry = new Map<CountryCode, CompanyRow[]>();
  private readonly vendor: SeedOrg;
  private readonly partners: SeedOrg[];
  private readonly contoso: SeedOrg;
  private end = 0;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly rng: Rng,
    setup: Setup,
  ) {
    this.timeline = new Timeline(ctx.clock);
    this.vendor = setup.vendor;
    this.partners = setup.partners;
    const contoso = setup.partners.find((p) => p.key === 'contoso');
    if (!contoso) throw new Error('the demo data has no Contoso');
    this.contoso = contoso;
    for (const company of setup.companies) {
      const list = this.companiesByCountry.get(company.country) ?? [];
      list.push(company);
      this.companiesByCountry.set(company.country, list);
    }
  }

  async run(dealCount: number, start: number, end: number): Promise<void> {
    this.end = end;
    const span = end - start - 3 * HOUR_MS;
    let lateCounter = 0;
    for (let i = 0; i < dealCount; i++) {
      // Evenly spread with jitter; consecutive deals stay in order.
      const at = start + HOUR_MS + (span * (i + 0.5 + (this.rng.next() - 0.5) * 0.8)) / dealCount;
      await this.timeline.runUntil(at);
      // What the background sweeper would have done by now.
      await expireDue(this.ctx);
      let plan: DealPlan;
      const tour = TOUR[i];
      if (tour) plan = tour(this);
      else if (at >= end - 10 * DAY_MS && lateCounter++ % 4 === 0)
        plan = this.lateContosoInbound(lateCounter);
      else plan = this.randomPlan();
      await this.createFromPlan(plan);
    }
    await this.timeline.runUntil(end);
    await expireDue(this.ctx);
  }

  // ------------------------------------------------------------ plans

  partner(key: string): SeedOrg {
    const org = this.partners.find((p) => p.key === key);
    if (!org) throw new Error(`no partner ${key}`);
    return org;
  }

  private randomPlan(): DealPlan {
    const scenario = this.rng.weighted(SCENARIO_WEIGHTS);
    if (scenario === 'assessment') {
      const approved = this.partners.filter((p) => p.assessmentApproved);
      return { scenario, creatorOrg: this.rng.pick(approved) };
    }
    const plan: DealPlan = { scenario };
    if (scenario !== 'vendor-sent') {
      plan.creatorOrg = this.rng.weighted(this.partners.map((p) => [p, p.weight] as const));
    }
    if (scenario === 'p2p' || scenario === 'co-sell-p2p' || scenario === 'vendor-sent') {
      const count = scenario === 'p2p' && this.rng.chance(0.25) ? 2 : 1;
      plan.invitees = this.pickInvitees(count, plan.creatorOrg ? [plan.creatorOrg.id] : []).map((org) => ({
        org,
      }));
    }
    if (scenario === 'private') {
      const roll = this.rng.next();
      if (roll < 0.15) plan.laterInvite = 'vendor';
      else if (roll < 0.25) plan.laterInvite = 'partner';
    } else if (scenario === 'p2p' && this.rng.chance(0.2)) {
      plan.laterInvite = 'vendor';
    } else if ((scenario === 'co-sell' || scenario === 'partner-led') && this.rng.chance(0.08)) {
      plan.laterInvite = 'partner';
    }
    return plan;
  }

  /** Recent deals that land in Contoso's Stockholm or Taipei inbox, routed to the location's user, unanswered. */
  private lateContosoInbound(counter: number): DealPlan {
    const locationKey = counter % 3 === 0 ? 'tw' : 'se';
    const invitee = {
      org: this.contoso,
      locationKey,
      handlerEmail: locationKey === 'se' ? 'user.se@contoso.example' : 'user.tw@contoso.example',
    };
    if (counter % 2 === 0) {
      const creators = this.partners.filter((p) => p !== this.contoso);
      return {
        scenario: 'p2p',
        creatorOrg: this.rng.weighted(creators.map((p) => [p, p.weight] as const)),
        invitees: [invitee],
        inviteeResponse: 'route-ignore',
      };
    }
    return { scenario: 'vendor-sent', invitees: [invitee], inviteeResponse: 'route-ignore' };
  }

  private pickInvitees(count: number, exclude: string[]): SeedOrg[] {
    const chosen: SeedOrg[] = [];
    while (chosen.length < count) {
      const candidates = this.partners.filter(
        (p) => p.coSellReady && !exclude.includes(p.id) && !chosen.includes(p) && p.solutions.length > 0,
      );
      if (candidates.length === 0) break;
      // Contoso is the demo's main partner: it gets more than its share of inbound deals.
      chosen.push(
        this.rng.weighted(
          candidates.map((p) => [p, p === this.contoso ? p.weight * 2.5 : p.weight] as const),
        ),
      );
    }
    return chosen;
  }

  // ------------------------------------------------------------ people

  private user(org: SeedOrg, email: string): SeedUser {
    const user = org.users.find((u) => u.email === email);
    if (!user) throw new Error(`no user ${email}`);
    return user;
  }

  private async actor(user: SeedUser): Promise<Actor> {
    let actor = this.actors.get(user.id);
    if (!actor) {
      const loaded = await actorFor(this.ctx, user.id, { kind: 'internal' });
      if (!loaded) throw new Error(`no actor for ${user.email}`);
      actor = loaded;
      this.actors.set(user.id, actor);
    }
    return actor;
  }

  private member(user: SeedUser): TeamMemberInput {
    return { name: user.name, phone: user.phone, email: user.email };
  }

  /** The entire-company referrals admin of a partner. */
  private radmin(org: SeedOrg): SeedUser {
    const user = org.users.find((u) =>
      u.grants.some((g) => g.role === 'referrals-admin' && g.locationIds === null),
    );
    if (!user) throw new Error(`${org.name} has no referrals admin`);
    return user;
  }

  /** Team-bound referrals users whose scope holds the location. */
  private locationUsers(org: SeedOrg, locationId: string): SeedUser[] {
    return org.users.filter((u) =>
      u.grants.some(
        (g) => g.role === 'referrals-user' && (g.locationIds === null || g.locationIds.includes(locationId)),
      ),
    );
  }

  /** Referrals admins scoped to the location (not the entire company). */
  private locationAdmins(org: SeedOrg, locationId: string): SeedUser[] {
    return org.users.filter((u) =>
      u.grants.some(
        (g) => g.role === 'referrals-admin' && g.locationIds !== null && g.locationIds.includes(locationId),
      ),
    );
  }

  private vendorAdmin(): SeedUser {
    return this.user(this.vendor, 'vadmin@northwind.example');
  }

  private sellers(): SeedUser[] {
    return this.vendor.users.filter((u) => u.grants.some((g) => g.role === 'vendor-seller'));
  }

  private mainSeller(): SeedUser {
    return this.user(this.vendor, 'seller@northwind.example');
  }

  /** One or two sellers for the vendor's team; seller@ is on about half of them. */
  private pickSellers(): SeedUser[] {
    const main = this.mainSeller();
    const others = this.sellers().filter((s) => s !== main);
    const first = this.rng.chance(0.5) ? main : this.rng.pick(others);
    if (this.rng.chance(0.25)) {
      const second = this.rng.pick(this.sellers().filter((s) => s !== first));
      return [first, second];
    }
    return [first];
  }

  // ------------------------------------------------------------ customers, values, dates

  private company(country: CountryCode): CompanyRow {
    const list = this.companiesByCountry.get(country);
    if (list && list.length > 0) return this.rng.pick(list);
    const any = [...this.companiesByCountry.values()].flat();
    return this.rng.pick(any);
  }

  private contactFor(company: CompanyRow): { name: string; phone: string; email: string } {
    const person = personName(this.rng, company.country);
    const host =
      company.website?.replace(/^https?:\/\/(www\.)?/, '') ??
      `${slugOf(company.name) || `duns-${company.duns}`}.example`;
    return {
      name: person.name,
      phone: phoneNumber(this.rng, company.country),
      email: `${person.latin}@${host}`,
    };
  }

  private money(currency: string, scale = 1): { amount: string; currency: string } {
    const usd = this.rng.weighted([
      [this.rng.int(5, 50) * 1000, 40],
      [this.rng.int(50, 250) * 1000, 35],
      [this.rng.int(250, 1000) * 1000, 20],
      [this.rng.int(1000, 3000) * 1000, 5],
    ] as const);
    const perUsd = COUNTRY_CODES.map((c) => COUNTRIES[c]).find((c) => c.currency === currency)?.perUsd ?? 1;
    const units = Math.max(100, Math.round((usd * scale * perUsd) / 100) * 100);
    return { amount: formatAmount(units * 10 ** minorDigits(currency), currency), currency };
  }

  private closeDateFromNow(minDays: number, maxDays: number): string {
    return isoDay(addDays(this.ctx.clock.now(), this.rng.int(minDays, maxDays)));
  }

  private dealName(company: CompanyRow): string {
    return `${this.rng.pick(DEAL_TOPICS)} – ${company.name}`.slice(0, 200);
  }

  // ------------------------------------------------------------ creating a deal

  private async createFromPlan(plan: DealPlan): Promise<void> {
    const rng = this.rng;
    const now = this.ctx.clock.now().getTime();
    const vendorSent = plan.scenario === 'vendor-sent';
    const creatorOrg = vendorSent ? this.vendor : (plan.creatorOrg ?? this.rng.pick(this.partners));
    const invitees = plan.invitees ?? [];

    // Who creates it, for which location, with which team.
    let location: SeedLocation;
    let creator: SeedUser;
    let workers: SeedUser[];
    const team: SeedUser[] = [];
    if (vendorSent) {
      const hq = this.vendor.locations[0];
      if (!hq) throw new Error('the vendor has no location');
      location = hq;
      creator = rng.chance(0.6) ? this.mainSeller() : rng.pick(this.sellers());
      team.push(creator);
      if (rng.chance(0.3)) team.push(rng.pick(this.sellers().filter((s) => s !== creator)));
      workers = [...team];
    } else {
      location =
        creatorOrg.locations.find((l) => l.key === plan.locationKey) ??
        rng.weighted(creatorOrg.locations.map((l, index) => [l, index === 0 ? 3 : 2] as const));
      const admin = this.radmin(creatorOrg);
      const candidates: (readonly [SeedUser, number])[] = [
        [admin, 3],
        ...this.locationAdmins(creatorOrg, location.id).map((u) => [u, 2] as const),
        ...this.locationUsers(creatorOrg, location.id).map((u) => [u, 4] as const),
      ];
      creator = rng.weighted(candidates);
      team.push(creator);
      const colleagues = [admin, ...this.locationUsers(creatorOrg, location.id)].filter((u) => u !== creator);
      // Contoso's location users appear on the teams of deals their admins create.
      const addColleague = creator === admin && creatorOrg === this.contoso ? 0.6 : 0.35;
      if (colleagues.length > 0 && rng.chance(addColleague)) team.push(rng.pick(colleagues));
      // Everyone on the team can work it: the admin by scope, the location users by being on the team.
      workers = [...team];
    }
    const creatorTeam = team.map((u) => this.member(u));

    // The customer: usually in the country of the location that works the deal.
    const targetCountry = (() => {
      const first = invitees[0];
      if (vendorSent && first) {
        const loc = first.org.locations.find((l) => l.key === first.locationKey) ?? first.org.locations[0];
        if (loc) return loc.country;
      }
      return location.country;
    })();
    const customerCountry = rng.chance(0.87) ? targetCountry : rng.pick(COUNTRY_CODES);
    const company = this.company(customerCountry);
    const contact = this.contactFor(company);
    const handEntered = !vendorSent && rng.chance(0.05);
    const customer = handEntered
      ? {
          name: company.name,
          address: {
            addressLine1: company.address_line1,
            city: company.city,
            ...(company.region ? { region: company.region } : {}),
            postalCode: company.postal_code,
            country: company.country,
          },
        }
      : { companyId: company.id };

    // Solutions.
    const vendorProducts = this.vendor.solutions.filter((s) => s.kind === 'product');
    const incentiveProducts = vendorProducts.filter((s) => s.incentiveEligible);
    const solutionIds: string[] = [];
    if (plan.scenario === 'assessment') {
      solutionIds.push(rng.pick(this.vendor.solutions.filter((s) => s.kind === 'assessment')).id);
    } else if (vendorSent) {
      for (const s of rng.sample(vendorProducts, rng.int(1, 2))) solutionIds.push(s.id);
    } else {
      const own = creatorOrg.solutions.filter((s) => s.kind === 'product');
      const ownAtLocation = own.filter((s) => s.locationId === location.id);
      if (own.length > 0 && rng.chance(0.6))
        solutionIds.push(rng.pick(ownAtLocation.length > 0 ? ownAtLocation : own).id);
      const sharedWithVendor = plan.scenario !== 'private' && plan.scenario !== 'p2p';
      if (sharedWithVendor || solutionIds.length === 0 || rng.chance(0.4)) {
        solutionIds.push(rng.pick(rng.chance(0.8) ? incentiveProducts : vendorProducts).id);
      }
      if (rng.chance(0.1)) {
        const others = this.partners
          .filter((p) => p !== creatorOrg)
          .flatMap((p) => p.solutions.filter((s) => s.coSellReady && !solutionIds.includes(s.id)));
        if (others.length > 0) solutionIds.push(rng.pick(others).id);
      }
    }

    const currency = COUNTRIES[location.country].currency;
    const value = this.money(currency);
    const closeDate = this.closeDateFromNow(21, 160);
    const help: HelpType =
      plan.scenario === 'co-sell' || plan.scenario === 'co-sell-p2p' ? rng.pick(HELP_ASKED) : 'none';
    const involvesVendor = help !== 'none' || plan.scenario === 'partner-led' || vendorSent;
    const withContact = involvesVendor || rng.chance(0.5);

    const invitations: InvitationInput[] = invitees.map((invitee) => {
      const target = invitee.org.locations.find((l) => l.key === invitee.locationKey);
      const own = invitee.org.solutions.filter((s) => s.kind === 'product');
      const atTarget = target ? own.filter((s) => s.locationId === target.id) : [];
      const solution = rng.pick(atTarget.length > 0 ? atTarget : own);
      const inviterTeam =
        rng.chance(0.3) && creatorTeam.length > 1 ? creatorTeam.slice(0, 2) : creatorTeam.slice(0, 1);
      return {
        partnerId: invitee.org.id,
        closeDate: this.closeDateFromNow(21, 160),
        value: this.money(currency, 0.3 + rng.next() * 0.5),
        notes: rng.pick(INVITE_NOTES),
        team: inviterTeam,
        solutionIds: [solution.id],
        help: rng.pick(HELP_ASKED),
      };
    });

    const notes =
      help !== 'none'
        ? rng.pick(HELP_NOTES[help] ?? [''])
        : rng.chance(0.3)
          ? rng.pick(PROGRESS_NOTES)
          : undefined;
    const body = CreateDealBody.parse({
      customer,
      ...(withContact ? { customerContact: contact } : {}),
      ...(involvesVendor ? { consent: { shareContactWithVendor: true } } : {}),
      name: this.dealName(company),
      ...(vendorSent ? {} : { locationId: location.id }),
      value,
      closeDate,
      ...(rng.chance(0.5)
        ? { crmId: `${creatorOrg.key.slice(0, 3).toUpperCase()}-${rng.int(10_000, 99_999)}` }
        : {}),
      ...(rng.chance(0.25)
        ? {
            campaignId: `FY26-${rng.pick(['Q1', 'Q2', 'Q3', 'Q4'])}-${rng.pick(['DATA', 'SEC', 'AI', 'MIGRATE'])}`,
          }
        : {}),
      ...(notes ? { notes } : {}),
      team: creatorTeam,
      solutionIds,
      vendorHelp: help,
      shareWithVendor: plan.scenario === 'partner-led',
      invitations,
      // The demo plans its deals: several share a customer on purpose.
      confirmNotDuplicate: true,
    });
    const { deal } = await createDeal(this.ctx, await this.actor(creator), body);

    const state: DealState = {
      engagementId: deal.engagementId,
      creatorRecordId: deal.id,
      creatorOrg,
      workers,
      creatorTeam,
      contact,
      vendorResponse: plan.vendorResponse,
    };
    const records = await this.recordsOf(state.engagementId);
    for (const record of records) {
      if (record.id === state.creatorRecordId) continue;
      if (record.organization_id === this.vendor.id)
        this.planVendorRecord(record.id, now, plan.vendorResponse);
      else {
        const invitee = invitees.find((i) => i.org.id === record.organization_id);
        if (invitee)
          this.planInviteeRecord(invitee.org, record.id, now, plan.inviteeResponse, invitee.handlerEmail);
      }
    }
    this.planCreatorRecord(state, plan, now);
    await this.favorites(state, creator);
  }

  private async recordsOf(engagementId: string) {
    return participantsOfEngagements(this.ctx.db, [engagementId]);
  }

  private async favorites(state: DealState, creator: SeedUser): Promise<void> {
    if (state.creatorOrg === this.contoso && this.rng.chance(0.2)) {
      await markFavorite(this.ctx, await this.actor(this.radmin(this.contoso)), state.creatorRecordId, true);
    }
    if (this.rng.chance(0.12))
      await markFavorite(this.ctx, await this.actor(creator), state.creatorRecordId, true);
  }

  // ------------------------------------------------------------ what happens next

  /** Schedules steps one after another from `from`; each step's delay counts from the previous one. */
  private chain(from: number, steps: readonly (readonly [number, () => Promise<unknown>])[]): void {
    let at = from;
    for (const [delay, run] of steps) {
      at += delay;
      if (at > this.end) return;
      this.timeline.schedule(at, async () => {
        await run();
      });
    }
  }

  /**
   * Runs `work` as `user` on a record that is in one of `statuses` now, with the record's current version.
   * Skips (false) when the record moved on meanwhile, or is a received record already past its window.
   */
  private async act(
    user: SeedUser,
    recordId: string,
    statuses: readonly string[],
    work: (actor: Actor, version: number) => Promise<unknown>,
  ): Promise<boolean> {
    const row = await getParticipant(this.ctx.db, recordId);
    if (!row || !statuses.includes(row.status)) return false;
    if (row.status === 'received' && row.expires_at && row.expires_at <= this.ctx.clock.now().toISOString())
      return false;
    await work(await this.actor(user), row.version);
    return true;
  }

  private outcome(weights: readonly (readonly [Outcome, number])[]): Outcome {
    return this.rng.weighted(weights);
  }

  /** Stage moves and a final outcome for a record the organization works (creator's, or accepted inbound). */
  private progression(
    type: 'standard' | 'assessment',
    recordId: string,
    pickWorker: () => SeedUser,
    outcome: Outcome,
    onClosed?: (outcome: Outcome) => void,
  ): (readonly [number, () => Promise<unknown>])[] {
    const rng = this.rng;
    const steps: (readonly [number, () => Promise<unknown>])[] = [];
    let path: readonly string[];
    if (type === 'assessment') {
      const reached =
        outcome === 'won'
          ? ASSESSMENT_PATH.length
          : rng.int(0, outcome === 'error' ? 1 : ASSESSMENT_PATH.length - 1);
      path = ASSESSMENT_PATH.slice(0, reached);
    } else {
      // Standard stages are optional: a few marked ones, in order, skipping some.
      const marked = outcome === 'won' ? rng.int(1, 3) : rng.int(0, 2);
      const reached = rng.int(marked, STANDARD_PATH.length);
      const picked = new Set(rng.sample(STANDARD_PATH.slice(0, reached), marked));
      path = STANDARD_PATH.filter((stage) => picked.has(stage));
    }
    for (const stage of path) {
      const worker = pickWorker();
      steps.push([
        days(rng, 1, 6),
        () => this.act(worker, recordId, ['accepted'], (a, v) => setStage(this.ctx, a, recordId, v, stage)),
      ]);
    }
    if (rng.chance(0.3)) {
      const worker = pickWorker();
      const note = rng.pick(PROGRESS_NOTES);
      steps.push([
        days(rng, 0.5, 4),
        () =>
          this.act(worker, recordId, ['received', 'accepted'], (a, v) =>
            addNote(this.ctx, a, recordId, v, note),
          ),
      ]);
    }
    const worker = pickWorker();
    const reason = rng.pick(CLOSE_REASONS);
    switch (outcome) {
      case 'won':
        steps.push([
          days(rng, 1, 8),
          async () => {
            const done = await this.act(worker, recordId, ['accepted'], (a, v) =>
              winDeal(this.ctx, a, recordId, v, rng.chance(0.4) ? 'Contract signed.' : undefined),
            );
            if (done) onClosed?.('won');
          },
        ]);
        break;
      case 'lost':
        steps.push([
          days(rng, 1, 10),
          async () => {
            const done = await this.act(worker, recordId, ['accepted'], (a, v) =>
              closeDeal(this.ctx, a, recordId, v, 'lose', {
                reason,
                notes: 'Customer decided against it for now.',
              }),
            );
            if (done) onClosed?.('lost');
          },
        ]);
        break;
      case 'error':
        steps.push([
          days(rng, 0.2, 3),
          () =>
            this.act(worker, recordId, ['received', 'accepted'], (a, v) =>
              closeDeal(this.ctx, a, recordId, v, 'closeAsError', {
                reason: rng.pick(['duplicate', 'test', 'data-error'] as const),
              }),
            ),
        ]);
        break;
      case 'open':
        break;
    }
    return steps;
  }

  private planCreatorRecord(state: DealState, plan: DealPlan, createdAt: number): void {
    const rng = this.rng;
    const outcome =
      plan.creatorOutcome ??
      this.outcome([
        ['won', 33],
        ['lost', 18],
        ['error', 5],
        ['open', 44],
      ]);
    const pickWorker = () => rng.pick(state.workers);
    const steps: (readonly [number, () => Promise<unknown>])[] = [];
    if (plan.laterInvite === 'vendor') {
      steps.push([days(rng, 1, 6), () => this.inviteVendorLater(state, pickWorker())]);
    } else if (plan.laterInvite === 'partner') {
      steps.push([days(rng, 1, 5), () => this.invitePartnerLater(state, pickWorker())]);
    }
    const type = plan.scenario === 'assessment' ? 'assessment' : 'standard';
    steps.push(
      ...this.progression(type, state.creatorRecordId, pickWorker, outcome, (closed) =>
        this.followCreator(state, closed),
      ),
    );
    this.chain(createdAt, steps);
  }

  /** When the creator closes, the other participants that accepted often close the same way soon after. */
  private followCreator(state: DealState, outcome: Outcome): void {
    const at = this.ctx.clock.now().getTime();
    const plan = async () => {
      const records = await this.recordsOf(state.engagementId);
      for (const record of records) {
        if (record.id === state.creatorRecordId || record.status !== 'accepted') continue;
        if (!this.rng.chance(outcome === 'won' ? 0.65 : 0.75)) continue;
        const isVendor = record.organization_id === this.vendor.id;
        const org = isVendor ? this.vendor : this.partners.find((p) => p.id === record.organization_id);
        if (!org) continue;
        const worker = isVendor ? this.vendorAdmin() : this.radmin(org);
        const reason = this.rng.pick(CLOSE_REASONS);
        this.chain(this.ctx.clock.now().getTime(), [
          [
            days(this.rng, 0.3, 4),
            () =>
              this.act(worker, record.id, ['accepted'], (a, v) =>
                outcome === 'won'
                  ? winDeal(this.ctx, a, record.id, v)
                  : closeDeal(this.ctx, a, record.id, v, 'lose', { reason }),
              ),
          ],
        ]);
      }
    };
    this.timeline.schedule(at, plan);
  }

  /** The vendor's record: a help request to route, accept, decline, or let expire; partner-led: accepted already. */
  private planVendorRecord(recordId: string, createdAt: number, forced?: Response): void {
    const rng = this.rng;
    const vadmin = this.vendorAdmin();
    this.timeline.schedule(createdAt, async () => {
      const row = await getParticipant(this.ctx.db, recordId);
      if (!row) return;
      if (row.status === 'accepted') {
        // Partner-led: shared for visibility; the vendor puts a seller on it now and then.
        if (rng.chance(0.45)) {
          const sellers = this.pickSellers();
          this.chain(createdAt, [
            [
              hours(rng, 4, 72),
              () =>
                this.act(vadmin, recordId, ['accepted'], (a, v) =>
                  updateDeal(
                    this.ctx,
                    a,
                    recordId,
                    v,
                    PatchDealBody.parse({ team: sellers.map((s) => this.member(s)) }),
                  ),
                ),
            ],
          ]);
        }
        return;
      }
      const response =
        forced ??
        rng.weighted([
          ['accept', 58],
          ['decline', 12],
          ['ignore', 22],
          ['error', 2],
          ['route-ignore', 6],
        ] as const);
      const route =
        response === 'route-ignore' || ((response === 'accept' || response === 'decline') && rng.chance(0.7));
      const sellers = route ? this.pickSellers() : [];
      const handler = sellers[0] ?? vadmin;
      const steps: (readonly [number, () => Promise<unknown>])[] = [];
      if (route) {
        steps.push([
          hours(rng, 2, 36),
          () =>
            this.act(vadmin, recordId, ['received'], (a, v) =>
              updateDeal(
                this.ctx,
                a,
                recordId,
                v,
                PatchDealBody.parse({ team: sellers.map((s) => this.member(s)) }),
              ),
            ),
        ]);
      }
      if (response === 'accept') {
        const crmId = `NW-OPP-${rng.int(100_000, 999_999)}`;
        const favorite = rng.chance(0.15);
        steps.push([
          days(rng, 0.3, 4),
          async () => {
            const done = await this.act(handler, recordId, ['received'], (a, v) =>
              acceptDeal(this.ctx, a, recordId, v, AcceptBody.parse({ crmId })),
            );
            if (done && favorite) await markFavorite(this.ctx, await this.actor(handler), recordId, true);
          },
        ]);
        if (!route && rng.chance(0.5)) {
          const seller = this.pickSellers();
          steps.push([
            hours(rng, 2, 48),
            () =>
              this.act(vadmin, recordId, ['accepted'], (a, v) =>
                updateDeal(
                  this.ctx,
                  a,
                  recordId,
                  v,
                  PatchDealBody.parse({ team: seller.map((s) => this.member(s)) }),
                ),
              ),
          ]);
        }
        const worker = sellers[0] ?? vadmin;
        steps.push(...this.progression('standard', recordId, () => worker, 'open'));
      } else if (response === 'decline') {
        const reason = rng.pick(CLOSE_REASONS);
        steps.push([
          days(rng, 0.5, 6),
          () =>
            this.act(handler, recordId, ['received'], (a, v) =>
              closeDeal(this.ctx, a, recordId, v, 'decline', {
                reason,
                notes: 'No capacity in this region this quarter.',
              }),
            ),
        ]);
      } else if (response === 'error') {
        steps.push([
          days(rng, 0.2, 2),
          () =>
            this.act(vadmin, recordId, ['received'], (a, v) =>
              closeDeal(this.ctx, a, recordId, v, 'closeAsError', { reason: 'duplicate' }),
            ),
        ]);
      }
      this.chain(createdAt, steps);
    });
  }

  /** An invited partner's record: routed to a location user, accepted, declined, or left to expire. */
  private planInviteeRecord(
    org: SeedOrg,
    recordId: string,
    createdAt: number,
    forced?: Response,
    handlerEmail?: string,
  ): void {
    const rng = this.rng;
    const admin = this.radmin(org);
    this.timeline.schedule(createdAt, async () => {
      const row = await getParticipant(this.ctx.db, recordId);
      if (row?.status !== 'received') return;
      const users = this.locationUsers(org, row.location_id);
      const response =
        forced ??
        rng.weighted([
          ['accept', 55],
          ['decline', 14],
          ['ignore', 20],
          ['error', 4],
          ['route-ignore', 7],
        ] as const);
      const preferred = handlerEmail ? users.find((u) => u.email === handlerEmail) : undefined;
      const handler = preferred ?? (users.length > 0 ? rng.pick(users) : undefined);
      const route =
        handler !== undefined &&
        (response === 'route-ignore' ||
          ((response === 'accept' || response === 'decline') && rng.chance(0.65)));
      const actor = route && handler ? handler : admin;
      const steps: (readonly [number, () => Promise<unknown>])[] = [];
      if (route && handler) {
        const team = [handler, ...(rng.chance(0.3) ? [admin] : [])].map((u) => this.member(u));
        const favorite = rng.chance(0.25);
        steps.push([
          hours(rng, 1, 30),
          async () => {
            const done = await this.act(admin, recordId, ['received'], (a, v) =>
              updateDeal(this.ctx, a, recordId, v, PatchDealBody.parse({ team })),
            );
            if (done && favorite) await markFavorite(this.ctx, await this.actor(handler), recordId, true);
          },
        ]);
      }
      if (response === 'accept') {
        const accept = {
          ...(rng.chance(0.5)
            ? { crmId: `${org.key.slice(0, 3).toUpperCase()}-${rng.int(10_000, 99_999)}` }
            : {}),
          ...(rng.chance(0.3) ? { notes: rng.pick(PROGRESS_NOTES) } : {}),
        };
        const moveCloseDate = rng.chance(0.4);
        steps.push([
          days(rng, 0.3, 5),
          () =>
            this.act(actor, recordId, ['received'], (a, v) =>
              acceptDeal(
                this.ctx,
                a,
                recordId,
                v,
                AcceptBody.parse({
                  ...accept,
                  ...(moveCloseDate ? { closeDate: this.closeDateFromNow(30, 150) } : {}),
                }),
              ),
            ),
        ]);
        if (!route) {
          const team = [admin, ...(handler && rng.chance(0.6) ? [handler] : [])].map((u) => this.member(u));
          steps.push([
            hours(rng, 1, 24),
            () =>
              this.act(admin, recordId, ['accepted'], (a, v) =>
                updateDeal(this.ctx, a, recordId, v, PatchDealBody.parse({ team })),
              ),
          ]);
        }
        const outcome = this.outcome([
          ['won', 22],
          ['lost', 14],
          ['error', 3],
          ['open', 61],
        ]);
        steps.push(...this.progression('standard', recordId, () => actor, outcome));
      } else if (response === 'decline') {
        const reason = rng.pick(CLOSE_REASONS);
        steps.push([
          days(rng, 0.5, 6),
          () =>
            this.act(actor, recordId, ['received'], (a, v) =>
              closeDeal(this.ctx, a, recordId, v, 'decline', { reason }),
            ),
        ]);
      } else if (response === 'error') {
        steps.push([
          days(rng, 0.2, 3),
          () =>
            this.act(admin, recordId, ['received'], (a, v) =>
              closeDeal(this.ctx, a, recordId, v, 'closeAsError', {
                reason: rng.pick(['duplicate', 'customer-matching'] as const),
              }),
            ),
        ]);
      }
      this.chain(createdAt, steps);
    });
  }

  /** A private or P2P deal asks the vendor for help later (it becomes co-sell). */
  private async inviteVendorLater(state: DealState, worker: SeedUser): Promise<void> {
    const engagement = await getEngagement(this.ctx.db, state.engagementId);
    if (!engagement || (engagement.type !== 'private' && engagement.type !== 'partner-to-partner')) return;
    const help = this.rng.pick(HELP_ASKED);
    const body = InviteBody.parse({
      vendor: { help, notes: this.rng.pick(HELP_NOTES[help] ?? ['']) },
      customerContact: state.contact,
      consent: { shareContactWithVendor: true },
    });
    const done = await this.act(worker, state.creatorRecordId, ['accepted'], (a, v) =>
      inviteToDeal(this.ctx, a, state.creatorRecordId, v, body),
    );
    if (!done) return;
    const vendorRecord = (await this.recordsOf(state.engagementId)).find(
      (r) => r.organization_id === this.vendor.id,
    );
    if (vendorRecord)
      this.planVendorRecord(vendorRecord.id, this.ctx.clock.now().getTime(), state.vendorResponse);
  }

  /** The creator brings in another partner later (private → P2P; co-sell and partner-led stay as they are). */
  private async invitePartnerLater(state: DealState, worker: SeedUser): Promise<void> {
    const engagement = await getEngagement(this.ctx.db, state.engagementId);
    const allowed: readonly DealType[] = ['private', 'partner-to-partner', 'co-sell', 'partner-led'];
    if (!engagement || !allowed.includes(engagement.type as DealType)) return;
    const participating = (await this.recordsOf(state.engagementId)).map((r) => r.organization_id);
    const [org] = this.pickInvitees(1, participating);
    if (!org) return;
    const solution = this.rng.pick(org.solutions.filter((s) => s.kind === 'product'));
    const row = await getParticipant(this.ctx.db, state.creatorRecordId);
    const currency = row?.currency ?? 'USD';
    const body = InviteBody.parse({
      partners: [
        {
          partnerId: org.id,
          closeDate: this.closeDateFromNow(21, 120),
          value: this.money(currency, 0.4),
          notes: this.rng.pick(INVITE_NOTES),
          team: state.creatorTeam.slice(0, 1),
          solutionIds: [solution.id],
          help: this.rng.pick(HELP_ASKED),
        },
      ],
    });
    const done = await this.act(worker, state.creatorRecordId, ['accepted'], (a, v) =>
      inviteToDeal(this.ctx, a, state.creatorRecordId, v, body),
    );
    if (!done) return;
    const record = (await this.recordsOf(state.engagementId)).find((r) => r.organization_id === org.id);
    if (record) this.planInviteeRecord(org, record.id, this.ctx.clock.now().getTime());
  }
}

/**
 * The first deals follow a fixed tour, so even a small seed shows every type and every outcome.
 * (The recent, still-received ones come from the late Contoso inbound deals.)
 */
const TOUR: readonly ((world: DemoWorld) => DealPlan)[] = [
  (w) => ({
    scenario: 'co-sell',
    creatorOrg: w.partner('contoso'),
    locationKey: 'se',
    creatorOutcome: 'won',
    vendorResponse: 'accept',
  }),
  (w) => ({ scenario: 'private', creatorOrg: w.partner('litware'), creatorOutcome: 'lost' }),
  (w) => ({
    scenario: 'p2p',
    creatorOrg: w.partner('contoso'),
    locationKey: 'tw',
    invitees: [{ org: w.partner('fabrikam') }],
    inviteeResponse: 'decline',
    creatorOutcome: 'error',
  }),
  (w) => ({ scenario: 'assessment', creatorOrg: w.partner('fabrikam'), creatorOutcome: 'won' }),
  (w) => ({
    scenario: 'vendor-sent',
    invitees: [{ org: w.partner('contoso'), locationKey: 'se' }],
    inviteeResponse: 'ignore',
  }),
  (w) => ({ scenario: 'partner-led', creatorOrg: w.partner('adventure-works'), creatorOutcome: 'open' }),
  (w) => ({
    scenario: 'co-sell',
    creatorOrg: w.partner('woodgrove'),
    vendorResponse: 'decline',
    creatorOutcome: 'lost',
  }),
  (w) => ({
    scenario: 'vendor-sent',
    invitees: [{ org: w.partner('litware') }],
    inviteeResponse: 'accept',
    creatorOutcome: 'won',
  }),
  (w) => ({
    scenario: 'private',
    creatorOrg: w.partner('contoso'),
    locationKey: 'se',
    laterInvite: 'vendor',
    vendorResponse: 'accept',
  }),
  (w) => ({
    scenario: 'co-sell',
    creatorOrg: w.partner('proseware'),
    vendorResponse: 'ignore',
    creatorOutcome: 'error',
  }),
];
