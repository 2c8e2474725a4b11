/**
 * Duplicate check before create (SPEC §15): `POST /deals/duplicates` and the create's 409 `possible-duplicate`.
 * Matches on D-U-N-S, website domain and normalized name + city + country, among the caller's visible open
 * records only.
 */
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeForSearch } from '../core/text.ts';
import { insertCompanies } from '../server/db/repositories/catalog.ts';
import { newId } from '../server/ids.ts';
import { actorFromApiToken } from '../server/services/auth.ts';
import { findDuplicates, MAX_DUPLICATES, resolveCustomer } from '../server/services/duplicates.ts';
import { contact, dealBody, invitation, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

type Auth = { authorization: string };
interface Candidate {
  deal: {
    id: string;
    engagementId: string;
    name: string;
    direction: string;
    status: string;
    customer: { name: string; city: string; country: string };
    participants: { organization: { id: string; name: string }; status: string; direction: string }[];
  };
  reasons: string[];
}

/** A customer entered by hand. */
const byHand = (
  name: string,
  city: string,
  country: string,
  extra: { duns?: string; website?: string } = {},
) => ({
  name,
  address: { city, country },
  ...extra,
});

describe.each(DIALECTS)('duplicate check before create on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
  });
  afterAll(async () => env?.close());

  const call = (...args: Parameters<TestEnv['call']>) => env.call(...args);
  const check = (auth: Auth, customer: unknown, extra: Record<string, unknown> = {}) =>
    call('POST', '/api/v1/deals/duplicates', auth, { customer, ...extra });
  const candidates = async (auth: Auth, customer: unknown): Promise<Candidate[]> => {
    const res = await check(auth, customer);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };
  /** Creates a Contoso Stockholm deal for the customer (confirmed: the setup is deliberate); a minute passes. */
  const create = async (
    customer: unknown,
    overrides: Record<string, unknown> = {},
    auth = world.users.radmin.auth,
  ) => {
    const res = await call(
      'POST',
      '/api/v1/deals',
      auth,
      dealBody(world, { customer, ...overrides } as never),
    );
    expect(res.statusCode, res.body).toBe(201);
    env.ctx.clock.advance(60_000);
    return res.json() as { id: string; engagementId: string; version: number; name: string };
  };
  const engagementCount = async () =>
    Number(
      (
        await env.ctx.db
          .selectFrom('engagements')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const inboundOf = async (auth: Auth, engagementId: string) => {
    const res = await call('GET', '/api/v1/deals?view=inbound&limit=100', auth);
    return (res.json().items as { id: string; engagementId: string; version: number }[]).find(
      (d) => d.engagementId === engagementId,
    );
  };

  it('same D-U-N-S → reason duns, with the deal as a list item shows it', async () => {
    const deal = await create(byHand('Acme Logistics', 'Lund', 'SE', { duns: '555000111' }), {
      name: 'Acme fleet',
    });
    const items = await candidates(
      world.users.radmin.auth,
      byHand('Completely Other Name', 'Malmö', 'SE', { duns: '555000111' }),
    );
    expect(items).toHaveLength(1);
    expect(items[0]?.reasons).toEqual(['duns']);
    expect(items[0]?.deal).toMatchObject({
      id: deal.id,
      engagementId: deal.engagementId,
      name: 'Acme fleet',
      direction: 'outbound',
      status: 'accepted',
      customer: { name: 'Acme Logistics', city: 'Lund', country: 'SE' },
      participants: [{ organization: { id: world.contoso.id, name: 'Contoso' }, status: 'accepted' }],
    });
    // The same list-item shape as GET /deals.
    const listed = (await call('GET', '/api/v1/deals?view=outbound&limit=100', world.users.radmin.auth))
      .json()
      .items.find((d: { id: string }) => d.id === deal.id);
    expect(items[0]?.deal).toEqual(listed);
    // Another D-U-N-S and nothing else in common: no match.
    expect(
      await candidates(world.users.radmin.auth, byHand('Acme Other', 'Lund', 'SE', { duns: '555000112' })),
    ).toEqual([]);
  });

  it('same website domain, whatever the scheme, www. and case → reason domain', async () => {
    const deal = await create(
      byHand('Fabrikam Motors', 'Uppsala', 'SE', { website: 'https://www.Fabrikam-Motors.com/se/' }),
    );
    for (const website of [
      'fabrikam-motors.com',
      'HTTP://WWW.FABRIKAM-MOTORS.COM',
      'www.fabrikam-motors.com/contact?x=1',
    ]) {
      const items = await candidates(world.users.radmin.auth, byHand('FM Nordic', 'Oslo', 'NO', { website }));
      expect(items.map((i) => [i.deal.id, i.reasons])).toEqual([[deal.id, ['domain']]]);
    }
    expect(
      await candidates(
        world.users.radmin.auth,
        byHand('FM Nordic', 'Oslo', 'NO', { website: 'fabrikam-motors.se' }),
      ),
    ).toEqual([]);
  });

  it('same normalized name + city + country (legal form, case, accents) → reason name-city-country', async () => {
    const deal = await create({ companyId: world.company }); // Volvo Cars AB, Göteborg, SE, D-U-N-S 123456789
    const items = await candidates(world.users.radmin.auth, byHand('VOLVO CARS', 'Goteborg', 'SE'));
    expect(items.map((i) => [i.deal.id, i.reasons])).toEqual([[deal.id, ['name-city-country']]]);
    // Another city or country is another customer.
    expect(await candidates(world.users.radmin.auth, byHand('Volvo Cars', 'Stockholm', 'SE'))).toEqual([]);
    expect(await candidates(world.users.radmin.auth, byHand('Volvo Cars', 'Göteborg', 'NO'))).toEqual([]);
    // A directory entity brings its own D-U-N-S, name, city and country.
    const byEntity = await candidates(world.users.radmin.auth, { companyId: world.company });
    expect(byEntity.map((i) => [i.deal.id, i.reasons])).toEqual([[deal.id, ['duns', 'name-city-country']]]);
  });

  it('a directory entity’s website domain matches a deal entered by hand', async () => {
    const companyId = newId();
    await insertCompanies(env.ctx.db, [
      {
        id: companyId,
        name: 'Tailspin Toys Oy',
        name_search: normalizeForSearch('Tailspin Toys Oy'),
        duns: '777000333',
        address_line1: null,
        city: 'Helsinki',
        city_search: 'helsinki',
        region: null,
        postal_code: null,
        country: 'FI',
        website: 'https://tailspintoys.fi',
        domain: 'tailspintoys.fi',
        size: null,
        industry: null,
      },
    ]);
    const deal = await create(byHand('Tailspin Suomi', 'Espoo', 'FI', { website: 'www.TailspinToys.fi' }));
    const items = await candidates(world.users.radmin.auth, { companyId });
    expect(items.map((i) => [i.deal.id, i.reasons])).toEqual([[deal.id, ['domain']]]);
  });

  it('most reasons first, then most recently updated; at most 20', async () => {
    const duns = '888000444';
    const dunsOnly = await create(byHand('Wingtip A', 'Lund', 'SE', { duns }));
    const nameOnly = await create(byHand('Wingtip Bikes', 'Lund', 'SE'));
    const both = await create(byHand('Wingtip Bikes AB', 'Lund', 'SE', { duns }));
    const newerDunsOnly = await create(byHand('Wingtip B', 'Lund', 'SE', { duns }));
    const items = await candidates(world.users.radmin.auth, byHand('Wingtip Bikes', 'Lund', 'SE', { duns }));
    expect(items.map((i) => [i.deal.id, i.reasons])).toEqual([
      [both.id, ['duns', 'name-city-country']],
      [newerDunsOnly.id, ['duns']],
      [nameOnly.id, ['name-city-country']],
      [dunsOnly.id, ['duns']],
    ]);

    for (let i = 0; i < MAX_DUPLICATES + 3; i++)
      await create(byHand(`Many ${i}`, 'Lund', 'SE', { duns: '888000555' }));
    const many = await candidates(
      world.users.radmin.auth,
      byHand('Many', 'Lund', 'SE', { duns: '888000555' }),
    );
    // All match on one key: the 20 most recently updated.
    expect(many.map((i) => i.deal.customer.name)).toEqual(
      Array.from({ length: MAX_DUPLICATES }, (_, i) => `Many ${MAX_DUPLICATES + 2 - i}`),
    );
  });

  // Uses the 23 matching deals of the test above.
  it('a bounded number of queries whatever the number of matches', async () => {
    let queries = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const actor = await actorFromApiToken(env.ctx, world.users.radmin.token);
    if (!actor) throw new Error('no actor');
    const customer = await resolveCustomer(env.ctx.db, byHand('Many', 'Lund', 'SE', { duns: '888000555' }));
    const found = await findDuplicates(
      env.ctx.db.withPlugin(counter),
      actor,
      customer,
      env.ctx.clock.now().toISOString(),
    );
    expect(found).toHaveLength(MAX_DUPLICATES);
    expect(queries).toBe(2);
  });

  it('closed records (won, lost, error, declined, expired) are not candidates', async () => {
    const duns = '999000666';
    const customer = byHand('Closed Corp', 'Lund', 'SE', { duns });
    const auth = world.users.radmin.auth;
    const closeWith = async (path: string, body: unknown) => {
      const deal = await create(customer);
      const res = await call('POST', `/api/v1/deals/${deal.id}/${path}`, auth, body, {
        'if-match': `"${deal.version}"`,
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    await closeWith('win', {});
    await closeWith('lose', { reason: 'no-budget' });
    await closeWith('close-as-error', { reason: 'duplicate' });
    expect(await candidates(auth, customer)).toEqual([]);

    // Litware's inbound records: one declined, one left to expire.
    const litware = world.users.litware.auth;
    const declinedDeal = await create(customer, { invitations: [invitation(world)] });
    const toDecline = await inboundOf(litware, declinedDeal.engagementId);
    if (!toDecline) throw new Error('no inbound record');
    const declined = await call(
      'POST',
      `/api/v1/deals/${toDecline.id}/decline`,
      litware,
      { reason: 'no-budget' },
      {
        'if-match': `"${toDecline.version}"`,
      },
    );
    expect(declined.statusCode).toBe(200);
    const expiringDeal = await create(customer, { invitations: [invitation(world)] });
    expect((await candidates(litware, customer)).map((i) => i.deal.engagementId)).toEqual([
      expiringDeal.engagementId,
    ]);
    env.ctx.clock.advance(15 * 24 * 3_600_000);
    // Past its window the received record counts as expired, even before anything swept it.
    expect(await candidates(litware, customer)).toEqual([]);
  });

  it('an inbound referral of the caller’s organization is a candidate, received or accepted', async () => {
    const customer = byHand('Northwind Traders', 'Shanghai', 'CN', { duns: '111222333' });
    const deal = await create(customer, { invitations: [invitation(world)] });
    const litware = world.users.litware.auth;
    const record = await inboundOf(litware, deal.engagementId);
    if (!record) throw new Error('no inbound record');
    const received = await candidates(litware, byHand('NORTHWIND TRADERS LTD', 'shanghai', 'CN'));
    expect(received.map((i) => [i.deal.id, i.deal.direction, i.deal.status, i.reasons])).toEqual([
      [record.id, 'inbound', 'received', ['name-city-country']],
    ]);
    const accepted = await call(
      'POST',
      `/api/v1/deals/${record.id}/accept`,
      litware,
      { team: [world.users.litware.member] },
      {
        'if-match': `"${record.version}"`,
      },
    );
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await candidates(litware, customer)).map((i) => [i.deal.id, i.deal.status, i.reasons])).toEqual([
      [record.id, 'accepted', ['duns', 'name-city-country']],
    ]);
    // Litware creating its own deal for that customer is stopped by its inbound record.
    const own = await call('POST', '/api/v1/deals', litware, {
      ...dealBody(world, {
        customer,
        locationId: world.litware.locations[1]?.id,
        team: [world.users.litware.member],
        solutionIds: [world.solutions.litware],
      } as never),
      confirmNotDuplicate: false,
    });
    expect(own.statusCode).toBe(409);
    expect(own.json().error.candidates.map((c: Candidate) => c.deal.id)).toEqual([record.id]);
  });

  it('never shows a deal the caller cannot see, nor lets it change the answer', async () => {
    const duns = '444555666';
    const customer = byHand('Contoso Pharma', 'Berlin', 'DE', { duns, website: 'contoso-pharma.de' });
    const { radmin, userSe, userTw, vadmin, fabrikam } = world.users;
    const own = await create(customer); // team: radmin only, Stockholm
    const before = await check(radmin.auth, customer);
    expect(before.json().items.map((i: Candidate) => i.deal.id)).toEqual([own.id]);

    // Fabrikam's private deal for the same customer, newer and matching on every key.
    const res = await call('POST', '/api/v1/deals', fabrikam.auth, {
      ...dealBody(world, {
        customer,
        locationId: world.fabrikam.locations[0]?.id,
        team: [fabrikam.member],
        solutionIds: [world.solutions.fabrikam],
      } as never),
      confirmNotDuplicate: false,
    });
    expect(res.statusCode, res.body).toBe(201); // Fabrikam cannot see Contoso's deal
    const after = await check(radmin.auth, customer);
    expect(after.statusCode).toBe(200);
    expect(after.body).toBe(before.body);

    // Location-scoped referrals users not on the team, and the vendor (a private deal), see nothing.
    for (const user of [userSe, userTw, vadmin]) expect(await candidates(user.auth, customer)).toEqual([]);
    // So a Stockholm referrals-user creates without being stopped.
    const bySe = await call('POST', '/api/v1/deals', userSe.auth, {
      ...dealBody(world, { customer, team: [userSe.member] } as never),
      confirmNotDuplicate: false,
    });
    expect(bySe.statusCode, bySe.body).toBe(201);
    // Now on a team, the user sees that deal, and only that one.
    expect((await candidates(userSe.auth, customer)).map((i) => i.deal.id)).toEqual([bySe.json().id]);
    expect(await candidates(userTw.auth, customer)).toEqual([]);
  });

  it('create without confirmNotDuplicate → 409 possible-duplicate with the candidates, nothing created; with it → 201', async () => {
    const customer = byHand('Adventure Works AB', 'Malmö', 'SE', { duns: '246813579' });
    const first = await create(customer, { name: 'First' });
    const count = await engagementCount();
    const body = { ...dealBody(world, { customer, name: 'Second' } as never), confirmNotDuplicate: false };
    const refused = await call('POST', '/api/v1/deals', world.users.radmin.auth, body);
    expect(refused.statusCode).toBe(409);
    const error = refused.json().error;
    expect(error.code).toBe('possible-duplicate');
    expect(error.message).toMatch(/confirmNotDuplicate/);
    expect(error.candidates.map((c: Candidate) => [c.deal.id, c.deal.name, c.reasons])).toEqual([
      [first.id, 'First', ['duns', 'name-city-country']],
    ]);
    expect(await engagementCount()).toBe(count);
    // Without the field at all: the same.
    const { confirmNotDuplicate: _, ...withoutField } = body;
    expect((await call('POST', '/api/v1/deals', world.users.radmin.auth, withoutField)).statusCode).toBe(409);
    expect(await engagementCount()).toBe(count);

    const confirmed = await call('POST', '/api/v1/deals', world.users.radmin.auth, {
      ...body,
      confirmNotDuplicate: true,
    });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    expect(await engagementCount()).toBe(count + 1);

    // No likely duplicate: no confirmation needed.
    const fresh = await call('POST', '/api/v1/deals', world.users.radmin.auth, {
      ...body,
      customer: byHand('Blue Yonder Airlines', 'Visby', 'SE'),
    });
    expect(fresh.statusCode, fresh.body).toBe(201);
  });

  it('an Idempotency-Key replay returns the first result, never 409', async () => {
    const body = {
      ...dealBody(world, {
        customer: byHand('Replay Industries', 'Kiruna', 'SE', { duns: '135792468' }),
      } as never),
      confirmNotDuplicate: false,
    };
    const headers = { 'idempotency-key': 'dup-replay-1' };
    const first = await call('POST', '/api/v1/deals', world.users.radmin.auth, body, headers);
    expect(first.statusCode, first.body).toBe(201);
    const again = await call('POST', '/api/v1/deals', world.users.radmin.auth, body, headers);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    // Without the key, the same body is now a likely duplicate.
    expect((await call('POST', '/api/v1/deals', world.users.radmin.auth, body)).statusCode).toBe(409);
  });

  it('a vendor seller sending a deal to partners is checked against the vendor’s visible deals', async () => {
    const customer = byHand('Coho Winery', 'Stockholm', 'SE', { website: 'cohowinery.example' });
    const coSell = await create(customer, {
      vendorHelp: 'proof-of-concept-or-demo',
      customerContact: contact,
      consent: { shareContactWithVendor: true },
    });
    const vendorRecord = await inboundOf(world.users.vadmin.auth, coSell.engagementId);
    if (!vendorRecord) throw new Error('no vendor record');
    const vendorBody = {
      customer: byHand('Coho Winery AB', 'Stockholm', 'SE'),
      name: 'Vendor-sourced renewal',
      value: { amount: '90000.00', currency: 'USD' },
      closeDate: '2026-12-31',
      team: [world.users.vadmin.member],
      solutionIds: [world.solutions.vendor],
      invitations: [invitation(world, { team: [world.users.vadmin.member] })],
    };
    const refused = await call('POST', '/api/v1/deals', world.users.vadmin.auth, vendorBody);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(
      refused.json().error.candidates.map((c: Candidate) => [c.deal.id, c.deal.direction, c.reasons]),
    ).toEqual([[vendorRecord.id, 'inbound', ['name-city-country']]]);
    // A seller not on that record's team does not see it and is not stopped.
    expect(await candidates(world.users.seller.auth, customer)).toEqual([]);
    const bySeller = await call('POST', '/api/v1/deals', world.users.seller.auth, {
      ...vendorBody,
      team: [world.users.seller.member],
    });
    expect(bySeller.statusCode, bySeller.body).toBe(201);
    const confirmed = await call('POST', '/api/v1/deals', world.users.vadmin.auth, {
      ...vendorBody,
      confirmNotDuplicate: true,
    });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
  });

  it('accepts the create body as filled in so far; only the customer is required', async () => {
    const res = await check(world.users.radmin.auth, byHand('Nobody Yet', 'Lund', 'SE'), {
      name: 'Draft',
      locationId: world.stockholm.id,
      value: { amount: '10.00', currency: 'EUR' },
      team: [world.users.radmin.member],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ items: [] });
  });

  it.each([
    ['missing customer', {}, 'customer'],
    ['an unknown company', { customer: { companyId: 'no-such-company' } }, 'customer.companyId'],
    [
      'a D-U-N-S of 8 digits',
      { customer: byHand('Acme', 'Lund', 'SE', { duns: '12345678' }) },
      'customer.duns',
    ],
    ['a bad country', { customer: byHand('Acme', 'Lund', 'Sweden') }, 'customer.address.country'],
    [
      'a bad amount',
      { customer: byHand('Acme', 'Lund', 'SE'), value: { amount: '1,5', currency: 'EUR' } },
      'value.amount',
    ],
    ['an unknown field', { customer: byHand('Acme', 'Lund', 'SE'), bogus: 1 }, 'bogus'],
  ])('bad input (%s) → 400 with the path', async (_, body, path) => {
    const res = await call('POST', '/api/v1/deals/duplicates', world.users.radmin.auth, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid-input', path });
  });
});
