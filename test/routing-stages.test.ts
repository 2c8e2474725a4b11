/**
 * Routing rules for deals the vendor sends (SPEC §6) and an organization's own stage names, through HTTP:
 * rule precedence (solution + country, solution + any country, any solution + country, default), conflicts
 * refused, only entire-company referrals admins edit, rules not retroactive and not applied to partner
 * invitations; stage names accepted on stage changes and shown next to the standard stage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealBody, invitation, makeCompany, makeSolution, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

type Auth = { authorization: string };

describe.each(DIALECTS)('routing rules and stage names on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  let moscow: string;
  let shanghai: string;
  let edge: string;
  let germanCustomer: string;

  const call = (...args: Parameters<TestEnv['call']>) => env.call(...args);
  const rule = (auth: Auth, body: Record<string, unknown>) =>
    call('POST', '/api/v1/routing-rules', auth, body);
  /** A vendor seller sends a deal to Litware; returns the location Litware's record landed on. */
  const vendorSends = async (solutionIds: string[], companyId = world.company) => {
    const { seller } = world.users;
    const res = await call(
      'POST',
      '/api/v1/deals',
      seller.auth,
      dealBody(world, {
        customer: { companyId },
        locationId: undefined,
        team: [seller.member],
        solutionIds: [world.solutions.vendor],
        invitations: [invitation(world, { team: [seller.member], solutionIds })],
      } as never),
    );
    expect(res.statusCode, res.body).toBe(201);
    const inbound = await call('GET', '/api/v1/deals?view=inbound&limit=100', world.users.litware.auth);
    const record = inbound
      .json()
      .items.find((d: { engagementId: string }) => d.engagementId === res.json().engagementId);
    return { id: record.id as string, location: record.location.id as string };
  };

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    moscow = world.litware.locations[0]?.id ?? '';
    shanghai = world.litware.locations[1]?.id ?? '';
    edge = await makeSolution(env.ctx, world.litware, { name: 'Litware Edge' });
    germanCustomer = await makeCompany(env.ctx, { name: 'Bergmann GmbH', city: 'Berlin', country: 'DE' });
  });
  afterAll(async () => env?.close());

  it('without rules a vendor-sent deal lands on the location owning the solution, else the first location', async () => {
    expect((await vendorSends([world.solutions.litware])).location).toBe(shanghai);
    expect((await vendorSends([edge])).location).toBe(moscow);
  });

  it('only an entire-company referrals admin edits rules; bad rules are refused and change nothing', async () => {
    const auth = world.users.litware.auth;
    for (const user of [
      world.users.radminSe,
      world.users.userSe,
      world.users.vadmin,
      world.users.contosoAdmin,
    ]) {
      expect((await rule(user.auth, { country: 'SE', locationId: moscow })).statusCode).toBe(403);
      expect((await call('GET', '/api/v1/routing-rules', user.auth)).statusCode).toBe(403);
    }
    const cases: [Record<string, unknown>, string][] = [
      [{ locationId: moscow }, 'country'],
      [{ country: null, solutionId: null, locationId: moscow }, 'country'],
      [{ country: 'se', locationId: moscow }, 'country'],
      [{ country: 'SE', locationId: world.stockholm.id }, 'locationId'],
      [{ solutionId: world.solutions.contoso, locationId: moscow }, 'solutionId'],
      [{ country: 'SE' }, 'locationId'],
      [{ country: 'SE', locationId: moscow, extra: 1 }, 'extra'],
    ];
    for (const [body, path] of cases) {
      const res = await rule(auth, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.path, JSON.stringify(body)).toBe(path);
    }
    expect((await call('GET', '/api/v1/routing-rules', auth)).json().items).toEqual([]);
  });

  it('most specific first: solution + country, solution + any country, any solution + country, default', async () => {
    const auth = world.users.litware.auth;
    const anySolutionSe = await rule(auth, { country: 'SE', locationId: moscow });
    expect(anySolutionSe.statusCode, anySolutionSe.body).toBe(201);
    expect(anySolutionSe.json()).toMatchObject({ country: 'SE', solutionId: null, locationId: moscow });
    const before = await vendorSends([world.solutions.litware]);
    expect(before.location).toBe(moscow);

    const insightAnywhere = await rule(auth, { solutionId: world.solutions.litware, locationId: shanghai });
    expect(insightAnywhere.statusCode).toBe(201);
    expect((await vendorSends([world.solutions.litware])).location).toBe(shanghai);
    // Edge has no rule of its own: the country rule applies.
    expect((await vendorSends([edge])).location).toBe(moscow);

    const exact = await rule(auth, {
      country: 'SE',
      solutionId: world.solutions.litware,
      locationId: moscow,
    });
    expect(exact.statusCode).toBe(201);
    expect((await vendorSends([world.solutions.litware])).location).toBe(moscow);
    // A German customer: the solution rule for any country.
    expect((await vendorSends([world.solutions.litware], germanCustomer)).location).toBe(shanghai);
    // With two solutions, the first that has a solution rule decides.
    expect((await vendorSends([edge, world.solutions.litware], germanCustomer)).location).toBe(shanghai);

    // Conflicts are refused and change nothing.
    const listed = (await call('GET', '/api/v1/routing-rules', auth)).json().items;
    expect(listed).toHaveLength(3);
    const dup = await rule(auth, {
      country: 'SE',
      solutionId: world.solutions.litware,
      locationId: shanghai,
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('routing-rule-conflict');
    const moved = await call('PATCH', `/api/v1/routing-rules/${insightAnywhere.json().id}`, auth, {
      country: 'SE',
    });
    expect(moved.statusCode).toBe(409);
    expect((await call('GET', '/api/v1/routing-rules', auth)).json().items).toEqual(listed);

    // Partners inviting Litware are not routed by the vendor rules: the default applies.
    const p2p = await call(
      'POST',
      '/api/v1/deals',
      world.users.radmin.auth,
      dealBody(world, { invitations: [invitation(world)] } as never),
    );
    expect(p2p.statusCode).toBe(201);
    const inbound = (await call('GET', '/api/v1/deals?view=inbound&limit=100', auth))
      .json()
      .items.find((d: { engagementId: string }) => d.engagementId === p2p.json().engagementId);
    expect(inbound.location.id).toBe(shanghai);

    // Not retroactive: changing a rule leaves earlier records where they landed.
    const changed = await call('PATCH', `/api/v1/routing-rules/${exact.json().id}`, auth, {
      locationId: shanghai,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().locationId).toBe(shanghai);
    const earlier = await call('GET', `/api/v1/deals/${before.id}`, auth);
    expect(earlier.json().location.id).toBe(moscow);

    // Another organization's rule is 404; delete is 204 then 404.
    expect(
      (await call('DELETE', `/api/v1/routing-rules/${exact.json().id}`, world.users.fabrikam.auth))
        .statusCode,
    ).toBe(404);
    expect((await call('DELETE', `/api/v1/routing-rules/${exact.json().id}`, auth)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/v1/routing-rules/${exact.json().id}`, auth)).statusCode).toBe(404);
  });

  it('stage names: the API accepts the organization’s names and shows both; other organizations see none of them', async () => {
    const { radmin, userSe, litware } = world.users;
    const put = (auth: Auth, stages: unknown) => call('PUT', '/api/v1/stage-names', auth, { stages });
    expect((await put(userSe.auth, [{ name: 'Discovery', stage: 'qualified' }])).statusCode).toBe(403);
    const dup = await put(radmin.auth, [
      { name: 'Discovery', stage: 'qualified' },
      { name: 'discovery', stage: 'developed' },
    ]);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'stage-name-conflict', path: 'stages.1.name' });
    expect((await put(radmin.auth, [{ name: 'Proposed', stage: 'developed' }])).statusCode).toBe(409);
    expect((await put(radmin.auth, [{ name: 'Discovery', stage: 'bogus' }])).statusCode).toBe(400);
    expect((await call('GET', '/api/v1/stage-names', radmin.auth)).json().stages).toEqual([]);

    const ok = await put(radmin.auth, [
      { name: 'Discovery', stage: 'qualified' },
      { name: 'Scoping', stage: 'qualified' },
      { name: 'Solutioning', stage: 'developed' },
    ]);
    expect(ok.statusCode, ok.body).toBe(200);

    const created = await call(
      'POST',
      '/api/v1/deals',
      radmin.auth,
      dealBody(world, { name: 'Staged deal', invitations: [invitation(world)] } as never),
    );
    let deal = created.json();
    expect(deal).toMatchObject({ salesStage: 'created', organizationStage: null });
    const move = async (stage: string) => {
      const res = await call(
        'POST',
        `/api/v1/deals/${deal.id}/stage`,
        radmin.auth,
        { stage },
        {
          'if-match': `"${deal.version}"`,
        },
      );
      if (res.statusCode === 200) deal = res.json();
      return res;
    };
    expect((await move('Scoping')).json()).toMatchObject({
      salesStage: 'qualified',
      organizationStage: 'Scoping',
    });
    expect((await move('developed')).json()).toMatchObject({
      salesStage: 'developed',
      organizationStage: 'Solutioning',
    });
    expect((await move('SOLUTIONING')).statusCode).toBe(200);
    const bad = await move('Negotiation');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.path).toBe('stage');
    expect((await call('GET', `/api/v1/deals/${deal.id}`, radmin.auth)).json().version).toBe(deal.version);
    expect((await move('qualified')).json()).toMatchObject({
      salesStage: 'qualified',
      organizationStage: 'Discovery',
    });

    // Litware's record of the same deal shows no Contoso stage name anywhere.
    const lit = (await call('GET', '/api/v1/deals?view=inbound&limit=100', litware.auth))
      .json()
      .items.find((d: { engagementId: string }) => d.engagementId === deal.engagementId);
    const litDeal = await call('GET', `/api/v1/deals/${lit.id}`, litware.auth);
    expect(litDeal.json().organizationStage).toBeNull();
    expect(litDeal.body).not.toMatch(/Discovery|Scoping|Solutioning/);
    const litActivity = await call('GET', `/api/v1/deals/${lit.id}/activity`, litware.auth);
    expect(litActivity.body).not.toMatch(/Discovery|Scoping|Solutioning/);
    expect((await call('GET', '/api/v1/stage-names', litware.auth)).json().stages).toEqual([]);
  });
});
