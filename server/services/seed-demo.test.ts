import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAL_TYPES, STATUSES } from '../../core/lifecycle.ts';
import { visibleDeals } from '../access/visibility.ts';
import { movableClock } from '../clock.ts';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../db/database.ts';
import { actorFor } from './auth.ts';
import type { ServiceContext } from './context.ts';
import { seedDemo } from './seed-demo.ts';

describe('seedDemo', () => {
  let handle: DatabaseHandle;
  let ctx: ServiceContext;
  let summary: Awaited<ReturnType<typeof seedDemo>>;

  beforeAll(async () => {
    handle = openDatabase('sqlite::memory:');
    await migrateToLatest(handle);
    ctx = {
      db: handle.db,
      dialect: handle.dialect,
      clock: movableClock(),
      config: { vendorName: 'Northwind Cloud', sessionTtlHours: 12 },
    };
    summary = await seedDemo(ctx, { deals: 120, companies: 500 });
  });

  afterAll(async () => {
    await handle.close();
  });

  const rolesOf = async (email: string) => {
    const user = await ctx.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const roles = await ctx.db
      .selectFrom('user_roles as r')
      .leftJoin('locations as l', 'l.id', 'r.location_id')
      .select(['r.role', 'r.location_id', 'l.name as location_name'])
      .where('r.user_id', '=', user.id)
      .orderBy('r.role')
      .orderBy('l.name')
      .execute();
    return { user, roles: roles.map((r) => ({ role: r.role, location: r.location_name ?? null })) };
  };

  const actorOf = async (email: string) => {
    const user = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const actor = await actorFor(ctx, user.id, { kind: 'internal' });
    if (!actor) throw new Error(`no actor ${email}`);
    return actor;
  };

  it('reports what it loaded', async () => {
    expect(summary.deals).toBe(120);
    expect(summary.companies).toBe(500);
    const count = async (table: 'organizations' | 'users' | 'companies' | 'engagements') =>
      Number(
        (
          await ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('organizations')).toBe(summary.organizations);
    expect(await count('users')).toBe(summary.users);
    expect(await count('companies')).toBe(500);
    expect(await count('engagements')).toBe(120);
  });

  it('has one vendor and at least ten partners with partner IDs', async () => {
    const orgs = await ctx.db.selectFrom('organizations').selectAll().execute();
    const vendors = orgs.filter((o) => o.kind === 'vendor');
    expect(vendors.map((v) => v.name)).toEqual(['Northwind Cloud']);
    const partners = orgs.filter((o) => o.kind === 'partner');
    expect(partners.length).toBeGreaterThanOrEqual(10);
    for (const partner of partners) expect(partner.partner_id).toMatch(/^\d{7}$/);
    expect(partners.find((p) => p.name === 'Fabrikam')?.assessment_approved).toBe(1);
    expect(partners.map((p) => p.name)).toEqual(expect.arrayContaining(['Contoso', 'Fabrikam', 'Litware']));

    const contoso = partners.find((p) => p.name === 'Contoso');
    const locations = await ctx.db
      .selectFrom('locations')
      .selectAll()
      .where('organization_id', '=', contoso?.id ?? '')
      .execute();
    expect(locations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Contoso Stockholm', country: 'SE' }),
        expect.objectContaining({ name: 'Contoso Taipei', country: 'TW' }),
      ]),
    );
    const tenants = await ctx.db
      .selectFrom('tenants')
      .select('domain')
      .where('organization_id', '=', contoso?.id ?? '')
      .execute();
    expect(tenants.map((t) => t.domain)).toContain('contoso.example');
  });

  it('has the personas with their roles and scopes', async () => {
    expect((await rolesOf('vadmin@northwind.example')).roles).toEqual([
      { role: 'vendor-admin', location: null },
    ]);
    expect((await rolesOf('seller@northwind.example')).roles).toEqual([
      { role: 'vendor-seller', location: null },
    ]);
    expect((await rolesOf('admin@contoso.example')).roles).toEqual([
      { role: 'partner-admin', location: null },
    ]);
    expect((await rolesOf('radmin@contoso.example')).roles).toEqual([
      { role: 'referrals-admin', location: null },
    ]);
    expect((await rolesOf('user.se@contoso.example')).roles).toEqual([
      { role: 'referrals-user', location: 'Contoso Stockholm' },
    ]);
    expect((await rolesOf('user.tw@contoso.example')).roles).toEqual([
      { role: 'referrals-user', location: 'Contoso Taipei' },
    ]);
    expect((await rolesOf('radmin@fabrikam.example')).roles).toEqual([
      { role: 'referrals-admin', location: null },
    ]);
    expect((await rolesOf('radmin@litware.example')).roles).toEqual([
      { role: 'referrals-admin', location: null },
    ]);

    const users = await ctx.db.selectFrom('users').selectAll().execute();
    for (const user of users) {
      expect(user.email).toBe(user.email.toLowerCase());
      expect(user.tenant_id).not.toBeNull();
    }
    // One hash shared by every persona.
    expect(new Set(users.map((u) => u.password_hash)).size).toBe(1);
    const roles = new Set(
      (await ctx.db.selectFrom('user_roles').select('role').execute()).map((r) => r.role),
    );
    expect([...roles].sort()).toEqual(
      [
        'partner-admin',
        'referrals-admin',
        'referrals-user',
        'solutions-admin',
        'vendor-admin',
        'vendor-seller',
      ].sort(),
    );
  });

  it('has vendor products, assessment types and partner solutions', async () => {
    const solutions = await ctx.db
      .selectFrom('solutions as s')
      .innerJoin('organizations as o', 'o.id', 's.organization_id')
      .select([
        's.kind',
        's.offer_type',
        's.incentive_eligible',
        's.name',
        's.name_search',
        'o.kind as org_kind',
      ])
      .execute();
    expect(
      solutions.some((s) => s.org_kind === 'vendor' && s.kind === 'product' && s.incentive_eligible === 1),
    ).toBe(true);
    expect(
      solutions.filter((s) => s.org_kind === 'vendor' && s.kind === 'assessment').length,
    ).toBeGreaterThanOrEqual(3);
    const partnerOfferTypes = new Set(
      solutions.filter((s) => s.org_kind === 'partner').map((s) => s.offer_type),
    );
    expect([...partnerOfferTypes].sort()).toEqual(['device', 'ip', 'managed-services', 'services']);
  });

  it('has a multilingual directory with unique D-U-N-S numbers and branches', async () => {
    const companies = await ctx.db.selectFrom('companies').selectAll().execute();
    const duns = companies.map((c) => c.duns);
    expect(duns.every((d) => d !== null && /^\d{9}$/.test(d))).toBe(true);
    expect(new Set(duns).size).toBe(companies.length);
    const countries = new Set(companies.map((c) => c.country));
    for (const country of ['SE', 'TW', 'CN', 'RU', 'US', 'DE']) expect(countries).toContain(country);
    expect(companies.some((c) => /[åäö]/i.test(c.name))).toBe(true);
    expect(companies.some((c) => /\p{Script=Cyrillic}/u.test(c.name))).toBe(true);
    expect(companies.some((c) => c.name.includes('股份有限公司'))).toBe(true);
    const sameNameSameCity = new Map<string, number>();
    for (const c of companies) {
      const key = `${c.name}|${c.city}`;
      sameNameSameCity.set(key, (sameNameSameCity.get(key) ?? 0) + 1);
    }
    expect([...sameNameSameCity.values()].some((n) => n > 1)).toBe(true);
  });

  it('has deals of every type and every status', async () => {
    const types = new Set(
      (await ctx.db.selectFrom('engagements').select('type').execute()).map((e) => e.type),
    );
    expect([...types].sort()).toEqual([...DEAL_TYPES].sort());
    const statuses = new Set(
      (await ctx.db.selectFrom('participants').select('status').execute()).map((p) => p.status),
    );
    expect([...statuses].sort()).toEqual([...STATUSES].sort());
    // Every deal type is seen by some participant record, and the vendor never holds a private one.
    const vendorPrivate = await ctx.db
      .selectFrom('participants as p')
      .innerJoin('engagements as e', 'e.id', 'p.engagement_id')
      .innerJoin('organizations as o', 'o.id', 'p.organization_id')
      .select('p.id')
      .where('o.kind', '=', 'vendor')
      .where('e.type', '=', 'private')
      .execute();
    expect(vendorPrivate).toEqual([]);
    // Nothing is left received past its response window.
    const stale = await ctx.db
      .selectFrom('participants')
      .select('id')
      .where('status', '=', 'received')
      .where('expires_at', '<=', ctx.clock.now().toISOString())
      .execute();
    expect(stale).toEqual([]);
  });

  it('gives the Contoso personas deals to look at', async () => {
    const visible = async (email: string) => {
      const actor = await actorOf(email);
      return ctx.db
        .selectFrom('participants as p')
        .select(['p.id', 'p.status', 'p.direction'])
        .where(visibleDeals(actor))
        .execute();
    };
    const radmin = await visible('radmin@contoso.example');
    expect(radmin.length).toBeGreaterThanOrEqual(20);
    expect(radmin.some((d) => d.direction === 'inbound')).toBe(true);
    expect(radmin.some((d) => d.direction === 'outbound')).toBe(true);
    const userSe = await visible('user.se@contoso.example');
    expect(
      userSe.filter((d) => d.direction === 'inbound' && d.status === 'received').length,
    ).toBeGreaterThanOrEqual(2);
    expect((await visible('user.tw@contoso.example')).length).toBeGreaterThan(0);
    expect((await visible('seller@northwind.example')).length).toBeGreaterThan(0);
    expect(await visible('admin@contoso.example')).toEqual([]);
  });

  it('refuses to seed a database that already holds organizations', async () => {
    await expect(seedDemo(ctx, { deals: 1, companies: 1 })).rejects.toThrow(/empty/);
  });
});
