/**
 * Test factories: organizations, locations, users with roles and tokens, solutions, companies,
 * written straight through the repositories; deals go through the API.
 */
import type { Role } from '../core/lifecycle.ts';
import type { CreateDealBody } from '../core/schemas.ts';
import { normalizeForSearch } from '../core/text.ts';
import { insertCompanies, insertSolutions } from '../server/db/repositories/catalog.ts';
import { insertLocation, insertOrganization } from '../server/db/repositories/organizations.ts';
import { insertRoles, insertUser } from '../server/db/repositories/users.ts';
import { newId } from '../server/ids.ts';
import { issueApiToken } from '../server/services/auth.ts';
import type { ServiceContext } from '../server/services/context.ts';
import type { TestEnv } from './harness.ts';

export interface OrgFixture {
  id: string;
  name: string;
  locations: { id: string; name: string; country: string; city: string }[];
}

export async function makeOrg(
  ctx: ServiceContext,
  options: {
    kind?: 'vendor' | 'partner';
    name: string;
    locations?: { name: string; country: string; city: string }[];
    coSellReady?: boolean;
    assessmentApproved?: boolean;
  },
): Promise<OrgFixture> {
  const id = newId();
  const now = ctx.clock.now().toISOString();
  await insertOrganization(ctx.db, {
    id,
    kind: options.kind ?? 'partner',
    name: options.name,
    partner_id:
      options.kind === 'vendor'
        ? null
        : String(1_000_000 + Math.floor(Math.random() * 8_999_999)) + id.slice(-4),
    co_sell_ready: options.coSellReady === false ? 0 : 1,
    assessment_approved: options.assessmentApproved ? 1 : 0,
    created_at: now,
  });
  const locations = [];
  for (const [index, loc] of (
    options.locations ?? [{ name: `${options.name} HQ`, country: 'US', city: 'Seattle' }]
  ).entries()) {
    const location = { id: newId(), ...loc };
    // created_at orders locations: the first is the default.
    await insertLocation(ctx.db, {
      ...location,
      organization_id: id,
      created_at: `${now.slice(0, 19)}.${String(index).padStart(3, '0')}Z`,
    });
    locations.push(location);
  }
  return { id, name: options.name, locations };
}

export interface UserFixture {
  id: string;
  email: string;
  name: string;
  token: string;
  /** Authorization headers for app.inject. */
  auth: { authorization: string };
  /** A team member entry for this user. */
  member: { name: string; phone: string; email: string };
}

export async function makeUser(
  ctx: ServiceContext,
  org: OrgFixture,
  email: string,
  roles: { role: Role; locationIds?: string[] | null }[],
  options: { passwordHash?: string } = {},
): Promise<UserFixture> {
  const id = newId();
  const name = email.split('@')[0] ?? email;
  await insertUser(ctx.db, {
    id,
    organization_id: org.id,
    tenant_id: null,
    name,
    email: email.toLowerCase(),
    password_hash: options.passwordHash ?? null,
    locale: 'en',
    created_at: ctx.clock.now().toISOString(),
    disabled_at: null,
  });
  await insertRoles(
    ctx.db,
    roles.flatMap((grant) =>
      (grant.locationIds && grant.locationIds.length > 0 ? grant.locationIds : [null]).map(
        (locationId: string | null) => ({
          id: newId(),
          user_id: id,
          role: grant.role,
          location_id: locationId,
        }),
      ),
    ),
  );
  const { token } = await issueApiToken(ctx, id, org.id, 'test');
  return {
    id,
    email,
    name,
    token,
    auth: { authorization: `Bearer ${token}` },
    member: { name, phone: '+46 8 123 456', email },
  };
}

export async function makeSolution(
  ctx: ServiceContext,
  org: OrgFixture,
  options: {
    name: string;
    kind?: 'product' | 'assessment';
    coSellReady?: boolean;
    locationId?: string | null;
  },
): Promise<string> {
  const id = newId();
  await insertSolutions(ctx.db, [
    {
      id,
      organization_id: org.id,
      location_id: options.locationId ?? null,
      name: options.name,
      name_search: normalizeForSearch(options.name),
      kind: options.kind ?? 'product',
      offer_type: options.kind === 'assessment' ? null : 'ip',
      co_sell_ready: options.coSellReady === false ? 0 : 1,
      incentive_eligible: 0,
      created_at: ctx.clock.now().toISOString(),
    },
  ]);
  return id;
}

export async function makeCompany(
  ctx: ServiceContext,
  options: { name: string; city: string; country: string; duns?: string; size?: string | null },
): Promise<string> {
  const id = newId();
  await insertCompanies(ctx.db, [
    {
      id,
      name: options.name,
      name_search: normalizeForSearch(options.name),
      duns: options.duns ?? null,
      address_line1: '1 Main Street',
      city: options.city,
      city_search: normalizeForSearch(options.city),
      region: null,
      postal_code: '11122',
      country: options.country,
      website: null,
      size: options.size === undefined ? '250-999' : options.size,
      industry: 'Manufacturing',
    },
  ]);
  return id;
}

/** The ecosystem most suites use: the vendor, Contoso (Stockholm, Taipei), Fabrikam (assessments), Litware. */
export async function standardWorld(env: TestEnv) {
  const { ctx } = env;
  const vendor = await makeOrg(ctx, {
    kind: 'vendor',
    name: 'Northwind Cloud',
    locations: [{ name: 'Northwind HQ', country: 'US', city: 'Seattle' }],
  });
  const contoso = await makeOrg(ctx, {
    name: 'Contoso',
    locations: [
      { name: 'Contoso Stockholm', country: 'SE', city: 'Stockholm' },
      { name: 'Contoso Taipei', country: 'TW', city: 'Taipei' },
    ],
  });
  const fabrikam = await makeOrg(ctx, {
    name: 'Fabrikam',
    assessmentApproved: true,
    locations: [{ name: 'Fabrikam Berlin', country: 'DE', city: 'Berlin' }],
  });
  const litware = await makeOrg(ctx, {
    name: 'Litware',
    locations: [
      { name: 'Litware Moscow', country: 'RU', city: 'Moscow' },
      { name: 'Litware Shanghai', country: 'CN', city: 'Shanghai' },
    ],
  });
  const [stockholm, taipei] = contoso.locations as [OrgFixture['locations'][0], OrgFixture['locations'][0]];
  const users = {
    vadmin: await makeUser(ctx, vendor, 'vadmin@northwind.example', [{ role: 'vendor-admin' }]),
    seller: await makeUser(ctx, vendor, 'seller@northwind.example', [{ role: 'vendor-seller' }]),
    otherSeller: await makeUser(ctx, vendor, 'seller2@northwind.example', [{ role: 'vendor-seller' }]),
    contosoAdmin: await makeUser(ctx, contoso, 'admin@contoso.example', [{ role: 'partner-admin' }]),
    radmin: await makeUser(ctx, contoso, 'radmin@contoso.example', [{ role: 'referrals-admin' }]),
    radminSe: await makeUser(ctx, contoso, 'radmin.se@contoso.example', [
      { role: 'referrals-admin', locationIds: [stockholm.id] },
    ]),
    userSe: await makeUser(ctx, contoso, 'user.se@contoso.example', [
      { role: 'referrals-user', locationIds: [stockholm.id] },
    ]),
    userTw: await makeUser(ctx, contoso, 'user.tw@contoso.example', [
      { role: 'referrals-user', locationIds: [taipei.id] },
    ]),
    fabrikam: await makeUser(ctx, fabrikam, 'radmin@fabrikam.example', [{ role: 'referrals-admin' }]),
    litware: await makeUser(ctx, litware, 'radmin@litware.example', [{ role: 'referrals-admin' }]),
  };
  const solutions = {
    contoso: await makeSolution(ctx, contoso, { name: 'Contoso Analytics', locationId: stockholm.id }),
    vendor: await makeSolution(ctx, vendor, { name: 'Northwind Data Platform' }),
    assessment: await makeSolution(ctx, vendor, { name: 'Cloud migration assessment', kind: 'assessment' }),
    fabrikam: await makeSolution(ctx, fabrikam, { name: 'Fabrikam Secure Edge' }),
    litware: await makeSolution(ctx, litware, {
      name: 'Litware Insight',
      locationId: litware.locations[1]?.id ?? null,
    }),
    litwareDraft: await makeSolution(ctx, litware, { name: 'Litware Draft', coSellReady: false }),
  };
  const company = await makeCompany(ctx, {
    name: 'Volvo Cars AB',
    city: 'Göteborg',
    country: 'SE',
    duns: '123456789',
  });
  return { vendor, contoso, fabrikam, litware, stockholm, taipei, users, solutions, company };
}

export type World = Awaited<ReturnType<typeof standardWorld>>;

/**
 * A valid create body for a Contoso Stockholm deal; override what the test is about.
 * Suites create many deals for the same customer on purpose, so the body confirms they are not duplicates;
 * the duplicate-check suite overrides `confirmNotDuplicate`.
 */
export function dealBody(world: World, overrides: Partial<CreateDealBody> = {}): Record<string, unknown> {
  return {
    customer: { companyId: world.company },
    name: 'Data platform renewal',
    locationId: world.stockholm.id,
    value: { amount: '125000.00', currency: 'USD' },
    closeDate: '2026-12-31',
    team: [world.users.radmin.member],
    solutionIds: [world.solutions.contoso],
    confirmNotDuplicate: true,
    ...overrides,
  };
}

export const contact = { name: 'Anna Berg', phone: '+46 70 123 45 67', email: 'anna.berg@volvo.example' };

/** An invitation of Litware (or another partner) with sensible defaults. */
export function invitation(world: World, overrides: Record<string, unknown> = {}) {
  return {
    partnerId: world.litware.id,
    closeDate: '2026-11-30',
    value: { amount: '40000.00', currency: 'EUR' },
    notes: 'Bring your insight team',
    team: [world.users.radmin.member],
    solutionIds: [world.solutions.litware],
    help: 'proof-of-concept-or-demo',
    ...overrides,
  };
}
