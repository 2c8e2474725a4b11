/**
 * The organization itself through HTTP (SPEC §2, docs/ORGANIZATION.md): users with roles and scopes, locations
 * and tenants, administered by the partner-admin (vendor: vendor-admin). Authorization (403 for every other
 * role, 404 for other organizations' ids), bad input (4xx, a stable code, nothing changed, never a 5xx), a
 * disabled user's token and session refused at once, the last-admin guard, and scoped users seeing only
 * their locations' deals.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../server/services/passwords.ts';
import { errorShapeProblems } from './error-shape.ts';
import { dealBody, makeOrg, makeUser, standardWorld, type UserFixture, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';
import { changedTables, snapshot } from './hostile/snapshot.ts';

const PASSWORD = 'organization admin password';
// scrypt costs ~0.3 s: hash once for the whole file.
const passwordHash = hashPassword(PASSWORD);

type Auth = { authorization: string } | { cookie: string; 'x-csrf-token'?: string };

describe.each(DIALECTS)('administering the organization through HTTP on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  /** Contoso's partner-admin, with a password. */
  let admin: UserFixture;
  let solutions: UserFixture;

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    const hash = await passwordHash;
    admin = await makeUser(env.ctx, world.contoso, 'owner@contoso.example', [{ role: 'partner-admin' }], {
      passwordHash: hash,
    });
    solutions = await makeUser(env.ctx, world.contoso, 'solutions@contoso.example', [
      { role: 'solutions-admin' },
    ]);
  });
  afterAll(async () => env?.close());

  const call = (method: string, url: string, auth: Auth, payload?: unknown) =>
    env.app.inject({
      method: method as 'GET',
      url,
      headers: auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  const expectError = (res: LightMyRequestResponse, status: number, code: string, path?: string) => {
    expect(errorShapeProblems(res), res.body).toEqual([]);
    const error = res.json().error;
    expect({ status: res.statusCode, code: error.code }, res.body).toEqual({ status, code });
    if (path !== undefined) expect(error.path).toBe(path);
  };

  const ok = async (res: Promise<LightMyRequestResponse>, status = 200) => {
    const answer = await res;
    expect(answer.statusCode, answer.body).toBe(status);
    return status === 204 ? null : answer.json();
  };

  const login = async (email: string, password: string) => {
    const res = await call('POST', '/api/v1/auth/login', {} as Auth, { email, password });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'cosell_session');
    return { cookie: `cosell_session=${cookie?.value}`, 'x-csrf-token': res.json().csrfToken as string };
  };

  /** Nothing at all changed in the database while `work` ran. */
  const unchanged = async (work: () => Promise<void>) => {
    const before = await snapshot(env.ctx, { api_tokens: ['last_used_at'] });
    await work();
    expect(changedTables(before, await snapshot(env.ctx, { api_tokens: ['last_used_at'] }))).toEqual([]);
  };

  const auditEvents = async (type: string) =>
    env.ctx.db
      .selectFrom('events')
      .select(['type', 'data', 'actor_user_id', 'organization_id', 'engagement_id', 'visibility'])
      .where('type', '=', type)
      .orderBy('seq')
      .execute();

  it('only the partner-admin (vendor: vendor-admin) may: every other role gets 403 on every route, and nothing changes', async () => {
    const loc = world.stockholm.id;
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/v1/users'],
      [
        'POST',
        '/api/v1/users',
        { name: 'X', email: 'x@contoso.example', roles: [{ role: 'referrals-user' }] },
      ],
      ['GET', `/api/v1/users/${world.users.userSe.id}`],
      ['PATCH', `/api/v1/users/${world.users.userSe.id}`, { name: 'Renamed' }],
      ['POST', `/api/v1/users/${world.users.userSe.id}/reset-password`],
      ['DELETE', `/api/v1/users/${world.users.userSe.id}`],
      ['GET', '/api/v1/locations'],
      ['POST', '/api/v1/locations', { name: 'Contoso Oslo', country: 'NO', city: 'Oslo' }],
      ['PATCH', `/api/v1/locations/${loc}`, { name: 'Renamed' }],
      ['DELETE', `/api/v1/locations/${loc}`],
      ['GET', '/api/v1/tenants'],
      ['POST', '/api/v1/tenants', { domain: 'contoso.example' }],
      ['DELETE', '/api/v1/tenants/some-tenant'],
    ];
    const others = [
      world.users.radmin, // entire-company referrals admin: deals and referral settings, not the organization
      world.users.radminSe,
      world.users.userSe,
      solutions,
      world.users.seller,
      world.users.fabrikam,
    ];
    await unchanged(async () => {
      for (const user of others) {
        for (const [method, url, body] of routes) {
          const res = await call(method, url, user.auth, body);
          expect({ who: user.email, url, status: res.statusCode }).toEqual({
            who: user.email,
            url,
            status: 403,
          });
          expectError(res, 403, 'forbidden');
        }
      }
    });
    // The admins may.
    await ok(call('GET', '/api/v1/users', admin.auth));
    await ok(call('GET', '/api/v1/users', world.users.vadmin.auth));
    await ok(call('GET', '/api/v1/locations', world.users.vadmin.auth));
    await ok(call('GET', '/api/v1/tenants', world.users.vadmin.auth));
  });

  it("other organizations' users, locations and tenants are 404 like ids that do not exist, and stay as they were", async () => {
    const vendorTenant = await ok(
      call('POST', '/api/v1/tenants', world.users.vadmin.auth, { domain: 'northwind.example' }),
      201,
    );
    const targets: [string, string, unknown?][] = [
      ['GET', `/api/v1/users/${world.users.litware.id}`],
      ['PATCH', `/api/v1/users/${world.users.litware.id}`, { disabled: true }],
      ['PATCH', `/api/v1/users/${world.users.vadmin.id}`, { roles: [{ role: 'vendor-seller' }] }],
      ['POST', `/api/v1/users/${world.users.litware.id}/reset-password`],
      ['DELETE', `/api/v1/users/${world.users.litware.id}`],
      ['PATCH', `/api/v1/locations/${world.litware.locations[0]?.id}`, { name: 'Mine now' }],
      ['DELETE', `/api/v1/locations/${world.litware.locations[0]?.id}`],
      ['DELETE', `/api/v1/locations/${world.vendor.locations[0]?.id}`],
      ['DELETE', `/api/v1/tenants/${vendorTenant.id}`],
    ];
    await unchanged(async () => {
      for (const [method, url, body] of targets) {
        const hidden = await call(method, url, admin.auth, body);
        expectError(hidden, 404, 'not-found');
        const missing = await call(
          method,
          url.replace(/[0-9a-f-]{36}/, '01a1fe00-0000-7000-8000-000000000000'),
          admin.auth,
          body,
        );
        expectError(missing, 404, 'not-found');
        const { requestId: _a, ...a } = hidden.json().error;
        const { requestId: _b, ...b } = missing.json().error;
        expect(a).toEqual(b);
      }
      // The vendor's admin sees only its own organization.
      const vendorUsers = await ok(call('GET', '/api/v1/users?limit=100', world.users.vadmin.auth));
      expect(vendorUsers.items.map((u: { email: string }) => u.email).sort()).toEqual(
        ['seller2@northwind.example', 'seller@northwind.example', 'vadmin@northwind.example'].sort(),
      );
      expectError(await call('GET', `/api/v1/users/${admin.id}`, world.users.vadmin.auth), 404, 'not-found');
    });
    // The litware.id user was not touched.
    expect((await call('GET', '/api/v1/me', world.users.litware.auth)).statusCode).toBe(200);
  });

  it('lists the users with their roles and scopes by name, in pages, and finds them by part of a name or e-mail', async () => {
    const all = await ok(call('GET', '/api/v1/users?limit=100', admin.auth));
    const byEmail = new Map(all.items.map((u: { email: string }) => [u.email, u]));
    expect(byEmail.get('radmin.se@contoso.example')).toEqual({
      id: world.users.radminSe.id,
      name: 'radmin.se',
      email: 'radmin.se@contoso.example',
      locale: 'en',
      tenant: null,
      roles: [{ role: 'referrals-admin', scope: { locationIds: [world.stockholm.id] } }],
      disabled: false,
      disabledAt: null,
      createdAt: env.ctx.clock.now().toISOString(),
    });
    expect(byEmail.get('owner@contoso.example')).toMatchObject({
      roles: [{ role: 'partner-admin', scope: 'company' }],
    });
    // Only Contoso's users.
    expect([...byEmail.keys()].every((e) => String(e).endsWith('@contoso.example'))).toBe(true);
    const names = all.items.map((u: { name: string }) => u.name);
    expect(names).toEqual([...names].sort());

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await ok(
        call(
          'GET',
          `/api/v1/users?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          admin.auth,
        ),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((u: { id: string }) => u.id));

    const found = await ok(call('GET', '/api/v1/users?q=USER.', admin.auth));
    expect(found.items.map((u: { email: string }) => u.email).sort()).toEqual([
      'user.se@contoso.example',
      'user.tw@contoso.example',
    ]);
    // A LIKE wildcard is a character like any other.
    expect((await ok(call('GET', '/api/v1/users?q=%25', admin.auth))).items).toEqual([]);
    for (const bad of ['cursor=nonsense', 'limit=0', 'limit=101', 'q=', 'bogus=1']) {
      expectError(
        await call('GET', `/api/v1/users?${bad}`, admin.auth),
        400,
        bad.startsWith('cursor') ? 'invalid-cursor' : 'invalid-input',
      );
    }
  });

  it('adds a user with a location-scoped role: the generated password signs in, once, and the user sees only that scope', async () => {
    const created = await ok(
      call('POST', '/api/v1/users', admin.auth, {
        name: '  Mei Lin  ',
        email: 'Mei.Lin@Contoso.example',
        locale: 'zh-TW',
        roles: [{ role: 'referrals-admin', scope: { locationIds: [world.taipei.id, world.taipei.id] } }],
      }),
      201,
    );
    expect(created).toEqual({
      id: expect.any(String),
      name: 'Mei Lin',
      email: 'mei.lin@contoso.example',
      locale: 'zh-TW',
      tenant: null,
      roles: [{ role: 'referrals-admin', scope: { locationIds: [world.taipei.id] } }],
      disabled: false,
      disabledAt: null,
      createdAt: env.ctx.clock.now().toISOString(),
      initialPassword: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
    });
    // Only its hash is stored.
    const row = await env.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(row)).not.toContain(created.initialPassword);
    // Not shown again.
    const again = await ok(call('GET', `/api/v1/users/${created.id}`, admin.auth));
    expect(again).not.toHaveProperty('initialPassword');
    expect(JSON.stringify(await ok(call('GET', '/api/v1/users?limit=100', admin.auth)))).not.toContain(
      created.initialPassword,
    );

    const session = await login('mei.lin@contoso.example', created.initialPassword);
    const me = await ok(call('GET', '/api/v1/me', session));
    expect(me).toMatchObject({
      user: { id: created.id, name: 'Mei Lin', locale: 'zh-TW' },
      organization: { id: world.contoso.id },
      roles: [{ role: 'referrals-admin', scope: { locationIds: [world.taipei.id] } }],
    });

    // Deals of both locations: the new user sees Taipei's only, and creates deals only there.
    const stockholmDeal = await ok(
      call('POST', '/api/v1/deals', world.users.radmin.auth, dealBody(world, { name: 'Stockholm only' })),
      201,
    );
    const taipeiDeal = await ok(
      call(
        'POST',
        '/api/v1/deals',
        world.users.radmin.auth,
        dealBody(world, { name: 'Taipei only', locationId: world.taipei.id }),
      ),
      201,
    );
    const list = await ok(call('GET', '/api/v1/deals?view=outbound&limit=100', session));
    const ids = list.items.map((d: { id: string }) => d.id);
    expect(ids).toContain(taipeiDeal.id);
    expect(ids).not.toContain(stockholmDeal.id);
    expect(list.items.every((d: { location: { id: string } }) => d.location.id === world.taipei.id)).toBe(
      true,
    );
    expectError(await call('GET', `/api/v1/deals/${stockholmDeal.id}`, session), 404, 'not-found');
    expect(await auditEvents('user.created')).toContainEqual(
      expect.objectContaining({
        actor_user_id: admin.id,
        organization_id: world.contoso.id,
        engagement_id: null,
        visibility: 'organization',
      }),
    );
  });

  it('adds a user with a password the admin chose; none is returned', async () => {
    const created = await ok(
      call('POST', '/api/v1/users', admin.auth, {
        name: 'Chosen Password',
        email: 'chosen@contoso.example',
        password: 'a password of the admin',
        roles: [{ role: 'solutions-admin', scope: 'company' }, { role: 'referrals-user' }],
      }),
      201,
    );
    expect(created.initialPassword).toBeNull();
    expect(created.roles).toEqual([
      { role: 'referrals-user', scope: 'company' },
      { role: 'solutions-admin', scope: 'company' },
    ]);
    await login('chosen@contoso.example', 'a password of the admin');
  });

  it('refuses bad users with a 4xx naming the field, and adds nothing', async () => {
    const base = {
      name: 'Bad Input',
      email: 'bad.input@contoso.example',
      roles: [{ role: 'referrals-user' }],
    };
    const cases: [unknown, number, string, string | undefined][] = [
      [{ ...base, roles: [{ role: 'vendor-seller' }] }, 400, 'invalid-input', 'roles.0.role'],
      [{ ...base, roles: [{ role: 'root' }] }, 400, 'invalid-input', 'roles.0.role'],
      [{ ...base, roles: [] }, 400, 'invalid-input', 'roles'],
      [{ ...base, roles: undefined }, 400, 'invalid-input', 'roles'],
      [
        { ...base, roles: [{ role: 'referrals-user' }, { role: 'referrals-user', scope: 'company' }] },
        400,
        'invalid-input',
        'roles.1.role',
      ],
      [
        { ...base, roles: [{ role: 'solutions-admin', scope: { locationIds: [world.stockholm.id] } }] },
        400,
        'invalid-input',
        'roles.0.scope',
      ],
      [
        { ...base, roles: [{ role: 'partner-admin', scope: { locationIds: [world.stockholm.id] } }] },
        400,
        'invalid-input',
        'roles.0.scope',
      ],
      [
        {
          ...base,
          roles: [
            {
              role: 'referrals-user',
              scope: { locationIds: [world.stockholm.id, world.litware.locations[0]?.id] },
            },
          ],
        },
        400,
        'invalid-input',
        'roles.0.scope.locationIds.1',
      ],
      [
        { ...base, roles: [{ role: 'referrals-user', scope: { locationIds: ['no-such-location'] } }] },
        400,
        'invalid-input',
        'roles.0.scope.locationIds.0',
      ],
      [
        { ...base, roles: [{ role: 'referrals-user', scope: { locationIds: [] } }] },
        400,
        'invalid-input',
        undefined,
      ],
      [
        { ...base, roles: [{ role: 'referrals-user', scope: 'everything' }] },
        400,
        'invalid-input',
        undefined,
      ],
      [{ ...base, email: 'not an e-mail' }, 400, 'invalid-input', 'email'],
      [{ ...base, email: world.users.userSe.email.toUpperCase() }, 409, 'user-exists', 'email'],
      // An e-mail address of another organization's user is taken too (one account per address).
      [{ ...base, email: world.users.litware.email }, 409, 'user-exists', 'email'],
      [{ ...base, name: '   ' }, 400, 'invalid-input', 'name'],
      [{ ...base, name: 'x'.repeat(201) }, 400, 'invalid-input', 'name'],
      [{ ...base, locale: 'de' }, 400, 'invalid-input', 'locale'],
      [{ ...base, password: 'short' }, 400, 'invalid-input', 'password'],
      [{ ...base, tenantId: 'no-such-tenant' }, 400, 'invalid-input', 'tenantId'],
      [{ ...base, admin: true }, 400, 'invalid-input', 'admin'],
      [[base], 400, 'invalid-input', undefined],
      ['text', 415, 'unsupported-media-type', undefined],
    ];
    await unchanged(async () => {
      for (const [body, status, code, path] of cases) {
        const res = await call('POST', '/api/v1/users', admin.auth, body);
        expectError(res, status, code, path);
      }
      // The vendor: partner roles and location scopes are refused there too.
      expectError(
        await call('POST', '/api/v1/users', world.users.vadmin.auth, {
          ...base,
          email: 'x@northwind.example',
        }),
        400,
        'invalid-input',
        'roles.0.role',
      );
      expectError(
        await call('POST', '/api/v1/users', world.users.vadmin.auth, {
          ...base,
          email: 'x@northwind.example',
          roles: [{ role: 'vendor-seller', scope: { locationIds: [world.vendor.locations[0]?.id] } }],
        }),
        400,
        'invalid-input',
        'roles.0.scope',
      );
    });
  });

  it('changes roles and scopes: the user’s next request already has them; bad changes are refused and change nothing', async () => {
    const user = await makeUser(env.ctx, world.contoso, 'rescoped@contoso.example', [
      { role: 'referrals-user', locationIds: [world.stockholm.id] },
    ]);
    const changed = await ok(
      call('PATCH', `/api/v1/users/${user.id}`, admin.auth, {
        roles: [
          { role: 'referrals-user', scope: { locationIds: [world.taipei.id, world.stockholm.id] } },
          { role: 'solutions-admin' },
        ],
      }),
    );
    expect(changed.roles).toEqual([
      { role: 'referrals-user', scope: { locationIds: [world.stockholm.id, world.taipei.id].sort() } },
      { role: 'solutions-admin', scope: 'company' },
    ]);
    const me = await ok(call('GET', '/api/v1/me', user.auth));
    expect(me.roles).toEqual(
      expect.arrayContaining([
        { role: 'solutions-admin', scope: 'company' },
        {
          role: 'referrals-user',
          scope: { locationIds: expect.arrayContaining([world.stockholm.id, world.taipei.id]) },
        },
      ]),
    );
    const renamed = await ok(
      call('PATCH', `/api/v1/users/${user.id}`, admin.auth, { name: 'Re Scoped', locale: 'sv' }),
    );
    expect(renamed).toMatchObject({ name: 'Re Scoped', locale: 'sv', roles: changed.roles });
    const events = await auditEvents('user.updated');
    expect(JSON.parse(events.at(-1)?.data ?? '{}')).toEqual({
      userId: user.id,
      changes: { name: { from: 'rescoped', to: 'Re Scoped' }, locale: { from: 'en', to: 'sv' } },
    });

    await unchanged(async () => {
      for (const [body, path] of [
        [{}, undefined],
        [{ roles: [{ role: 'vendor-admin' }] }, 'roles.0.role'],
        [
          { roles: [{ role: 'referrals-user', scope: { locationIds: [world.vendor.locations[0]?.id] } }] },
          'roles.0.scope.locationIds.0',
        ],
        [{ disabled: 'yes' }, 'disabled'],
        [{ tenantId: 'nope' }, 'tenantId'],
        [{ name: 'x'.repeat(201) }, 'name'],
        [{ email: 'new@contoso.example' }, 'email'],
      ] as [unknown, string | undefined][]) {
        expectError(
          await call('PATCH', `/api/v1/users/${user.id}`, admin.auth, body),
          400,
          'invalid-input',
          path,
        );
      }
    });
  });

  it('disabling a user stops their API token and session at once; enabling brings the token back, not the session', async () => {
    const hash = await passwordHash;
    const user = await makeUser(
      env.ctx,
      world.contoso,
      'leaving@contoso.example',
      [{ role: 'referrals-admin' }],
      {
        passwordHash: hash,
      },
    );
    const session = await login(user.email, PASSWORD);
    expect((await call('GET', '/api/v1/me', session)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/deals', user.auth)).statusCode).toBe(200);

    const disabled = await ok(call('PATCH', `/api/v1/users/${user.id}`, admin.auth, { disabled: true }));
    expect(disabled).toMatchObject({ disabled: true, disabledAt: env.ctx.clock.now().toISOString() });
    for (const auth of [user.auth, session]) {
      expectError(await call('GET', '/api/v1/me', auth), 401, 'unauthenticated');
      expectError(await call('GET', '/api/v1/deals', auth), 401, 'unauthenticated');
      expectError(await call('POST', '/api/v1/tokens', auth, { name: 'sneaky' }), 401, 'unauthenticated');
    }
    expectError(
      await call('POST', '/api/v1/auth/login', {} as Auth, { email: user.email, password: PASSWORD }),
      401,
      'invalid-credentials',
    );
    // Listed as disabled.
    const listed = await ok(call('GET', '/api/v1/users?q=leaving', admin.auth));
    expect(listed.items).toMatchObject([{ id: user.id, disabled: true }]);

    const enabled = await ok(call('PATCH', `/api/v1/users/${user.id}`, admin.auth, { disabled: false }));
    expect(enabled).toMatchObject({ disabled: false, disabledAt: null });
    expect((await call('GET', '/api/v1/me', user.auth)).statusCode).toBe(200);
    expectError(await call('GET', '/api/v1/me', session), 401, 'unauthenticated');
    expect((await call('GET', '/api/v1/me', await login(user.email, PASSWORD))).statusCode).toBe(200);
    const events = (await auditEvents('user.updated')).map((e) => JSON.parse(e.data));
    expect(events.filter((e) => e.userId === user.id).map((e) => e.changes.disabled)).toEqual([
      { from: false, to: true },
      { from: true, to: false },
    ]);
  });

  it('the organization keeps an active admin, and nobody disables themselves (409, nothing changed)', async () => {
    const org = await makeOrg(env.ctx, { name: 'Tailspin' });
    const hash = await passwordHash;
    const only = await makeUser(env.ctx, org, 'admin@tailspin.example', [{ role: 'partner-admin' }], {
      passwordHash: hash,
    });
    const worker = await makeUser(env.ctx, org, 'worker@tailspin.example', [{ role: 'referrals-admin' }]);
    await unchanged(async () => {
      expectError(
        await call('PATCH', `/api/v1/users/${only.id}`, only.auth, { disabled: true }),
        409,
        'own-account',
      );
      expectError(
        await call('PATCH', `/api/v1/users/${only.id}`, only.auth, { roles: [{ role: 'referrals-admin' }] }),
        409,
        'last-admin',
        'roles',
      );
      expectError(
        await call('POST', `/api/v1/users/${only.id}/reset-password`, only.auth),
        409,
        'own-account',
      );
      // The vendor's only admin likewise.
      expectError(
        await call('PATCH', `/api/v1/users/${world.users.vadmin.id}`, world.users.vadmin.auth, {
          roles: [{ role: 'vendor-seller' }],
        }),
        409,
        'last-admin',
      );
    });
    // Keeping the admin role while changing others is fine.
    await ok(
      call('PATCH', `/api/v1/users/${only.id}`, only.auth, {
        roles: [{ role: 'partner-admin' }, { role: 'referrals-admin' }],
      }),
    );
    // With a second admin, the first may step down, and then may no longer administer.
    await ok(
      call('PATCH', `/api/v1/users/${worker.id}`, only.auth, {
        roles: [{ role: 'partner-admin' }, { role: 'referrals-admin' }],
      }),
    );
    await ok(call('PATCH', `/api/v1/users/${only.id}`, only.auth, { roles: [{ role: 'referrals-admin' }] }));
    expectError(await call('GET', '/api/v1/users', only.auth), 403, 'forbidden');
    // The remaining admin cannot be disabled by anyone, nor demote themselves.
    expectError(
      await call('PATCH', `/api/v1/users/${worker.id}`, worker.auth, {
        roles: [{ role: 'referrals-admin' }],
      }),
      409,
      'last-admin',
    );
    // A disabled admin does not count as one.
    await ok(
      call('PATCH', `/api/v1/users/${only.id}`, worker.auth, {
        roles: [{ role: 'partner-admin' }],
        disabled: true,
      }),
    );
    expectError(
      await call('PATCH', `/api/v1/users/${worker.id}`, worker.auth, {
        roles: [{ role: 'referrals-admin' }],
      }),
      409,
      'last-admin',
    );
  });

  it('two admins demoting each other at the same moment: one wins, an admin remains', async () => {
    const org = await makeOrg(env.ctx, { name: 'Wingtip' });
    const a = await makeUser(env.ctx, org, 'a@wingtip.example', [{ role: 'partner-admin' }]);
    const b = await makeUser(env.ctx, org, 'b@wingtip.example', [{ role: 'partner-admin' }]);
    const demote = { roles: [{ role: 'referrals-user' }] };
    const [byA, byB] = await Promise.all([
      call('PATCH', `/api/v1/users/${b.id}`, a.auth, demote),
      call('PATCH', `/api/v1/users/${a.id}`, b.auth, demote),
    ]);
    const statuses = [byA.statusCode, byB.statusCode].sort();
    expect(statuses).toEqual([200, 403]);
    const admins = await env.ctx.db
      .selectFrom('user_roles')
      .select('user_id')
      .where('role', '=', 'partner-admin')
      .where('user_id', 'in', [a.id, b.id])
      .execute();
    expect(admins).toHaveLength(1);
  });

  it('resets another user’s password: the new one works once handed over, the old one and their sessions do not', async () => {
    const hash = await passwordHash;
    const user = await makeUser(
      env.ctx,
      world.contoso,
      'forgetful@contoso.example',
      [{ role: 'referrals-user' }],
      {
        passwordHash: hash,
      },
    );
    const session = await login(user.email, PASSWORD);
    const reset = await ok(call('POST', `/api/v1/users/${user.id}/reset-password`, admin.auth));
    expect(reset).toEqual({ initialPassword: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) });
    expectError(await call('GET', '/api/v1/me', session), 401, 'unauthenticated');
    expectError(
      await call('POST', '/api/v1/auth/login', {} as Auth, { email: user.email, password: PASSWORD }),
      401,
      'invalid-credentials',
    );
    await login(user.email, reset.initialPassword);
    // API tokens are not passwords: they keep working.
    expect((await call('GET', '/api/v1/me', user.auth)).statusCode).toBe(200);
  });

  it('locations: add, rename, delete what nothing uses; refuse duplicates, bad countries, locations in use and the last one', async () => {
    // Later than the world's locations, so the new one is listed last.
    env.ctx.clock.advance(60_000);
    const added = await ok(
      call('POST', '/api/v1/locations', admin.auth, { name: ' Contoso Oslo ', country: 'NO', city: 'Oslo' }),
      201,
    );
    expect(added).toEqual({
      id: expect.any(String),
      name: 'Contoso Oslo',
      country: 'NO',
      city: 'Oslo',
      createdAt: env.ctx.clock.now().toISOString(),
      inUse: false,
    });
    const me = await ok(call('GET', '/api/v1/me', admin.auth));
    expect(me.organization.locations.at(-1)).toEqual({
      id: added.id,
      name: 'Contoso Oslo',
      country: 'NO',
      city: 'Oslo',
    });

    const renamed = await ok(
      call('PATCH', `/api/v1/locations/${added.id}`, admin.auth, { name: 'Contoso Bergen', city: 'Bergen' }),
    );
    expect(renamed).toMatchObject({ name: 'Contoso Bergen', country: 'NO', city: 'Bergen', inUse: false });
    // The same name with other letter case is the same name; its own name is fine.
    await ok(call('PATCH', `/api/v1/locations/${added.id}`, admin.auth, { name: 'CONTOSO BERGEN' }));

    await unchanged(async () => {
      for (const [body, status, code, path] of [
        [{ name: 'contoso stockholm', country: 'SE', city: 'Stockholm' }, 409, 'location-name-taken', 'name'],
        [{ name: 'Contoso Nowhere', country: 'XX', city: 'Nowhere' }, 400, 'invalid-input', 'country'],
        [{ name: 'Contoso Nowhere', country: 'se', city: 'Nowhere' }, 400, 'invalid-input', 'country'],
        [{ name: 'Contoso Nowhere', country: 'SWE', city: 'Nowhere' }, 400, 'invalid-input', 'country'],
        [{ name: 'Contoso Nowhere', country: 'SE' }, 400, 'invalid-input', 'city'],
        [{ name: '', country: 'SE', city: 'Lund' }, 400, 'invalid-input', 'name'],
        [{ name: 'Contoso Lund', country: 'SE', city: 'x'.repeat(101) }, 400, 'invalid-input', 'city'],
      ] as [unknown, number, string, string][]) {
        expectError(await call('POST', '/api/v1/locations', admin.auth, body), status, code, path);
      }
      expectError(
        await call('PATCH', `/api/v1/locations/${added.id}`, admin.auth, { name: 'Contoso Taipei' }),
        409,
        'location-name-taken',
      );
      expectError(await call('PATCH', `/api/v1/locations/${added.id}`, admin.auth, {}), 400, 'invalid-input');
      expectError(
        await call('PATCH', `/api/v1/locations/${added.id}`, admin.auth, { country: 'ZZ' }),
        400,
        'invalid-input',
        'country',
      );
      // Stockholm has deals, role scopes, a solution.
      expectError(
        await call('DELETE', `/api/v1/locations/${world.stockholm.id}`, admin.auth),
        409,
        'location-in-use',
      );
    });

    // A role scope alone keeps a location.
    const scoped = await ok(
      call('POST', '/api/v1/users', admin.auth, {
        name: 'Bergen User',
        email: 'bergen@contoso.example',
        password: 'a long enough password',
        roles: [{ role: 'referrals-user', scope: { locationIds: [added.id] } }],
      }),
      201,
    );
    const list = await ok(call('GET', '/api/v1/locations', admin.auth));
    expect(list.items.map((l: { id: string; inUse: boolean }) => [l.id, l.inUse])).toEqual([
      [world.stockholm.id, true],
      [world.taipei.id, true],
      [added.id, true],
    ]);
    expectError(await call('DELETE', `/api/v1/locations/${added.id}`, admin.auth), 409, 'location-in-use');
    await ok(
      call('PATCH', `/api/v1/users/${scoped.id}`, admin.auth, {
        roles: [{ role: 'referrals-user', scope: { locationIds: [world.taipei.id] } }],
      }),
    );
    await ok(call('DELETE', `/api/v1/locations/${added.id}`, admin.auth), 204);
    expectError(await call('DELETE', `/api/v1/locations/${added.id}`, admin.auth), 404, 'not-found');
    expect((await auditEvents('location.deleted')).map((e) => JSON.parse(e.data).locationId)).toContain(
      added.id,
    );

    // The last location of an organization stays.
    const org = await makeOrg(env.ctx, {
      name: 'Lonely',
      locations: [{ name: 'Lonely HQ', country: 'FI', city: 'Oulu' }],
    });
    const lonely = await makeUser(env.ctx, org, 'admin@lonely.example', [{ role: 'partner-admin' }]);
    expectError(
      await call('DELETE', `/api/v1/locations/${org.locations[0]?.id}`, lonely.auth),
      409,
      'last-location',
    );
  });

  it('tenants: link, see which one you are in, unlink only what no active user needs', async () => {
    const primary = await ok(
      call('POST', '/api/v1/tenants', admin.auth, { domain: ' Contoso.OnMicrosoft.com ', name: 'Contoso' }),
      201,
    );
    expect(primary).toEqual({
      id: expect.any(String),
      domain: 'contoso.onmicrosoft.com',
      name: 'Contoso',
      createdAt: env.ctx.clock.now().toISOString(),
      current: false,
      activeUsers: 0,
    });
    // The admin signs in through it.
    await ok(call('PATCH', `/api/v1/users/${admin.id}`, admin.auth, { tenantId: primary.id }));
    const secondary = await ok(
      call('POST', '/api/v1/tenants', admin.auth, { domain: 'contoso-emea.example' }),
      201,
    );
    expect(secondary.name).toBe('contoso-emea.example');
    const me = await ok(call('GET', '/api/v1/me', admin.auth));
    expect(me.tenant).toEqual({ id: primary.id, domain: 'contoso.onmicrosoft.com', name: 'Contoso' });
    expect(me.organization.tenants.map((t: { id: string }) => t.id)).toEqual([primary.id, secondary.id]);
    const listed = await ok(call('GET', '/api/v1/tenants', admin.auth));
    expect(
      listed.items.map((t: { id: string; current: boolean; activeUsers: number }) => [
        t.id,
        t.current,
        t.activeUsers,
      ]),
    ).toEqual([
      [primary.id, true, 1],
      [secondary.id, false, 0],
    ]);
    // A new user signs in through the admin's tenant unless told otherwise.
    const newcomer = await ok(
      call('POST', '/api/v1/users', admin.auth, {
        name: 'Newcomer',
        email: 'newcomer@contoso.example',
        password: 'a long enough password',
        roles: [{ role: 'referrals-user' }],
      }),
      201,
    );
    expect(newcomer.tenant).toEqual({ id: primary.id, domain: 'contoso.onmicrosoft.com', name: 'Contoso' });
    const elsewhere = await ok(
      call('POST', '/api/v1/users', admin.auth, {
        name: 'Elsewhere',
        email: 'elsewhere@contoso.example',
        password: 'a long enough password',
        tenantId: secondary.id,
        roles: [{ role: 'referrals-user' }],
      }),
      201,
    );
    expect(elsewhere.tenant.id).toBe(secondary.id);

    await unchanged(async () => {
      for (const [body, status, code, path] of [
        [{ domain: 'CONTOSO.onmicrosoft.com' }, 409, 'tenant-already-linked', 'domain'],
        [{ domain: 'not a domain' }, 400, 'invalid-input', 'domain'],
        [{ domain: 'localhost' }, 400, 'invalid-input', 'domain'],
        [{ domain: '-bad.example' }, 400, 'invalid-input', 'domain'],
        [{ domain: `${'a'.repeat(64)}.example` }, 400, 'invalid-input', 'domain'],
        [{ domain: 'ok.example', name: '' }, 400, 'invalid-input', 'name'],
        [{}, 400, 'invalid-input', 'domain'],
      ] as [unknown, number, string, string][]) {
        expectError(await call('POST', '/api/v1/tenants', admin.auth, body), status, code, path);
      }
      // Another organization's domain: the same answer.
      expectError(
        await call('POST', '/api/v1/tenants', admin.auth, { domain: 'northwind.example' }),
        409,
        'tenant-already-linked',
      );
      expectError(await call('DELETE', `/api/v1/tenants/${primary.id}`, admin.auth), 409, 'current-tenant');
      const inUse = await call('DELETE', `/api/v1/tenants/${secondary.id}`, admin.auth);
      expectError(inUse, 409, 'tenant-in-use');
      expect(inUse.json().error.message).toMatch(/^1 active user signs in/);
    });

    // Moved, the user no longer holds it; a disabled user does not either, and is left without a tenant.
    await ok(call('PATCH', `/api/v1/users/${elsewhere.id}`, admin.auth, { disabled: true }));
    await ok(call('DELETE', `/api/v1/tenants/${secondary.id}`, admin.auth), 204);
    expect((await ok(call('GET', `/api/v1/users/${elsewhere.id}`, admin.auth))).tenant).toBeNull();
    expectError(await call('DELETE', `/api/v1/tenants/${secondary.id}`, admin.auth), 404, 'not-found');
    expect((await ok(call('GET', '/api/v1/tenants', admin.auth))).items).toHaveLength(1);
    expect((await auditEvents('tenant.unlinked')).map((e) => JSON.parse(e.data).tenantId)).toEqual([
      secondary.id,
    ]);

    // The last tenant stays, even when the admin is in none.
    const org = await makeOrg(env.ctx, { name: 'Single Tenant' });
    const single = await makeUser(env.ctx, org, 'admin@single.example', [{ role: 'partner-admin' }]);
    const only = await ok(call('POST', '/api/v1/tenants', single.auth, { domain: 'single.example' }), 201);
    expectError(await call('DELETE', `/api/v1/tenants/${only.id}`, single.auth), 409, 'last-tenant');
  });

  it('a cookie session needs the CSRF token for every change here', async () => {
    const session = await login(admin.email, PASSWORD);
    const { 'x-csrf-token': _csrf, ...noCsrf } = session;
    await unchanged(async () => {
      for (const [method, url, body] of [
        [
          'POST',
          '/api/v1/users',
          { name: 'X', email: 'csrf@contoso.example', roles: [{ role: 'referrals-user' }] },
        ],
        ['PATCH', `/api/v1/users/${world.users.userSe.id}`, { disabled: true }],
        ['POST', '/api/v1/locations', { name: 'Contoso CSRF', country: 'SE', city: 'Lund' }],
        ['POST', '/api/v1/tenants', { domain: 'csrf.example' }],
      ] as [string, string, unknown][]) {
        expectError(await call(method, url, noCsrf, body), 403, 'csrf-failed');
      }
    });
    await ok(call('GET', '/api/v1/users', noCsrf));
  });
});
