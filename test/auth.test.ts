/**
 * Sign-in and who is calling (API.md "Conventions", SPEC §2 machine access): password sessions with the
 * cookie and CSRF token, API tokens, 401 everywhere but the public routes, and the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../server/services/auth.ts';
import { hashPassword } from '../server/services/passwords.ts';
import { dealBody, makeUser, standardWorld, type UserFixture, type World } from './factories.ts';
import { createTestEnv, DIALECTS, TEST_START, type TestEnv } from './harness.ts';

const PASSWORD = 'correct horse battery staple';
// scrypt at N=2^17 costs ~0.3 s: hash once for the whole file.
const passwordHash = hashPassword(PASSWORD);

const HOUR_MS = 3_600_000;

type Headers = Record<string, string>;

/** Every route of API.md (the demo clock is on in the test harness). */
const API_ROUTES: [string, string][] = [
  ['post', '/api/v1/auth/login'],
  ['post', '/api/v1/auth/logout'],
  ['get', '/api/v1/me'],
  ['post', '/api/v1/tokens'],
  ['get', '/api/v1/tokens'],
  ['delete', '/api/v1/tokens/{id}'],
  ['get', '/api/v1/companies'],
  ['get', '/api/v1/solutions'],
  ['get', '/api/v1/partners'],
  ['post', '/api/v1/deals'],
  ['post', '/api/v1/deals/duplicates'],
  ['get', '/api/v1/deals'],
  ['get', '/api/v1/deals/{id}'],
  ['patch', '/api/v1/deals/{id}'],
  ['post', '/api/v1/deals/{id}/accept'],
  ['post', '/api/v1/deals/{id}/decline'],
  ['post', '/api/v1/deals/{id}/stage'],
  ['post', '/api/v1/deals/{id}/win'],
  ['post', '/api/v1/deals/{id}/lose'],
  ['post', '/api/v1/deals/{id}/close-as-error'],
  ['post', '/api/v1/deals/{id}/invitations'],
  ['post', '/api/v1/deals/{id}/notes'],
  ['get', '/api/v1/deals/{id}/notes'],
  ['put', '/api/v1/deals/{id}/favorite'],
  ['delete', '/api/v1/deals/{id}/favorite'],
  ['get', '/api/v1/deals/{id}/activity'],
  ['get', '/api/v1/lifecycle'],
  ['post', '/api/v1/admin/companies/import'],
  ['patch', '/api/v1/me'],
  ['post', '/api/v1/me/password'],
  ['get', '/api/v1/notifications'],
  ['get', '/api/v1/notifications/unread-count'],
  ['post', '/api/v1/notifications/{id}/read'],
  ['post', '/api/v1/notifications/read-all'],
  ['get', '/api/v1/notifications/preferences'],
  ['put', '/api/v1/notifications/preferences'],
  ['post', '/api/v1/webhooks'],
  ['get', '/api/v1/webhooks'],
  ['get', '/api/v1/webhooks/{id}'],
  ['patch', '/api/v1/webhooks/{id}'],
  ['delete', '/api/v1/webhooks/{id}'],
  ['post', '/api/v1/webhooks/{id}/rotate-secret'],
  ['get', '/api/v1/webhooks/{id}/deliveries'],
  ['post', '/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver'],
  ['get', '/api/v1/dead-letters'],
  ['post', '/api/v1/dead-letters/{id}/retry'],
  ['get', '/api/v1/events'],
  ['get', '/api/v1/routing-rules'],
  ['post', '/api/v1/routing-rules'],
  ['patch', '/api/v1/routing-rules/{id}'],
  ['delete', '/api/v1/routing-rules/{id}'],
  ['get', '/api/v1/stage-names'],
  ['put', '/api/v1/stage-names'],
  ['get', '/api/v1/users'],
  ['post', '/api/v1/users'],
  ['get', '/api/v1/users/{id}'],
  ['patch', '/api/v1/users/{id}'],
  ['post', '/api/v1/users/{id}/reset-password'],
  ['delete', '/api/v1/users/{id}'],
  ['get', '/api/v1/locations'],
  ['post', '/api/v1/locations'],
  ['patch', '/api/v1/locations/{id}'],
  ['delete', '/api/v1/locations/{id}'],
  ['get', '/api/v1/tenants'],
  ['post', '/api/v1/tenants'],
  ['delete', '/api/v1/tenants/{id}'],
  ['get', '/api/v1/demo/clock'],
  ['post', '/api/v1/demo/clock'],
  ['get', '/api/v1/demo/personas'],
];

describe.each(DIALECTS)('auth: sessions, CSRF and API tokens through HTTP on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  let person: UserFixture;
  let other: UserFixture;
  /** One session shared by the tests that do not end it (each login costs a scrypt). */
  let shared: { cookie: string; csrf: string };
  let otherSession: { cookie: string; csrf: string };

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    const hash = await passwordHash;
    person = await makeUser(
      env.ctx,
      world.contoso,
      'Login.Person@Contoso.example',
      [{ role: 'referrals-admin', locationIds: [world.stockholm.id] }, { role: 'solutions-admin' }],
      { passwordHash: hash },
    );
    other = await makeUser(
      env.ctx,
      world.contoso,
      'other.person@contoso.example',
      [{ role: 'referrals-admin' }],
      {
        passwordHash: hash,
      },
    );
    [shared, otherSession] = await Promise.all([login(), login(other.email)]);
  });
  afterAll(async () => env.close());

  const inject = (method: string, url: string, headers: Headers = {}, payload?: unknown) =>
    env.app.inject({
      method: method.toUpperCase() as 'GET',
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  const login = async (email = person.email, password = PASSWORD) => {
    const res = await inject('POST', '/api/v1/auth/login', {}, { email, password });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'cosell_session');
    expect(cookie?.value).toMatch(/^css_[A-Za-z0-9_-]{40,}$/);
    return { res, cookie: `cosell_session=${cookie?.value}`, csrf: res.json().csrfToken as string };
  };

  const countRows = async () => {
    const db = env.ctx.db;
    const count = async (table: 'participants' | 'events' | 'notes' | 'api_tokens' | 'engagements') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      participants: await count('participants'),
      engagements: await count('engagements'),
      events: await count('events'),
      notes: await count('notes'),
      tokens: await count('api_tokens'),
    };
  };

  const expectError = (res: { statusCode: number; json(): unknown }, status: number, code: string) => {
    expect({ status: res.statusCode, code: (res.json() as { error: { code: string } }).error.code }).toEqual({
      status,
      code,
    });
  };

  it('login sets an HttpOnly, SameSite=Lax session cookie and returns the CSRF token; e-mail case does not matter', async () => {
    const res = await inject(
      'POST',
      '/api/v1/auth/login',
      {},
      { email: 'LOGIN.person@contoso.EXAMPLE', password: PASSWORD },
    );
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^cosell_session=css_[A-Za-z0-9_-]+;/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Lax/i);
    expect(setCookie).toMatch(/;\s*Path=\//);
    // Plain HTTP (inject): not marked Secure.
    expect(setCookie).not.toMatch(/;\s*Secure/i);
    const cookie = res.cookies.find((c) => c.name === 'cosell_session');
    expect(cookie?.expires?.toISOString()).toBe(
      new Date(TEST_START.getTime() + 12 * HOUR_MS - (TEST_START.getTime() % 1000)).toISOString(),
    );
    const body = res.json();
    expect(body).toEqual({
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      csrfHeader: 'x-csrf-token',
      expiresAt: new Date(env.ctx.clock.now().getTime() + 12 * HOUR_MS).toISOString(),
    });
    // The secret is stored only as its hash.
    const stored = await env.ctx.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', person.id)
      .execute();
    expect(stored.map((s) => s.token_hash)).toContain(sha256(String(cookie?.value)));
    expect(JSON.stringify(stored)).not.toContain(String(cookie?.value));
  });

  it('a wrong password, an unknown e-mail and a user without a password all get the same 401 invalid-credentials', async () => {
    const attempts = [
      { email: person.email, password: `${PASSWORD}!` },
      { email: 'nobody@contoso.example', password: PASSWORD },
      // Standard-world users have no password (token-only).
      { email: world.users.radmin.email, password: PASSWORD },
    ];
    const bodies = [];
    // In parallel: each attempt costs a full scrypt, also for unknown e-mails.
    for (const res of await Promise.all(
      attempts.map((attempt) => inject('POST', '/api/v1/auth/login', {}, attempt)),
    )) {
      expectError(res, 401, 'invalid-credentials');
      expect(res.headers['set-cookie']).toBeUndefined();
      const { requestId: _ignored, ...error } = res.json().error;
      bodies.push(error);
    }
    // Indistinguishable: nothing tells which e-mails exist.
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(bodies[0]).toEqual({ code: 'invalid-credentials', message: 'E-mail or password is wrong.' });
  });

  it('GET /me with the cookie shows the user, the organization and the roles with their scopes', async () => {
    const { cookie } = shared;
    const res = await inject('GET', '/api/v1/me', { cookie });
    expect(res.statusCode).toBe(200);
    const me = res.json();
    expect(me.user).toEqual({
      id: person.id,
      name: 'Login.Person',
      email: 'login.person@contoso.example',
      locale: 'en',
    });
    expect(me.organization).toMatchObject({ id: world.contoso.id, kind: 'partner', name: 'Contoso' });
    expect(me.organization.locations.map((l: { id: string }) => l.id).sort()).toEqual(
      [world.stockholm.id, world.taipei.id].sort(),
    );
    expect(me.roles).toHaveLength(2);
    expect(me.roles).toEqual(
      expect.arrayContaining([
        { role: 'referrals-admin', scope: { locationIds: [world.stockholm.id] } },
        { role: 'solutions-admin', scope: 'company' },
      ]),
    );
  });

  it('a state-changing request with the cookie needs the CSRF header: missing or wrong → 403 and nothing changes', async () => {
    const { cookie, csrf } = shared;
    const body = dealBody(world, { team: [person.member], name: 'CSRF probe' });
    const before = await countRows();
    for (const headers of <Headers[]>[
      { cookie },
      { cookie, 'x-csrf-token': 'wrong' },
      { cookie, 'x-csrf-token': `${csrf}x` },
      { cookie, 'x-csrf-token': '' },
    ]) {
      const res = await inject('POST', '/api/v1/deals', headers, body);
      expectError(res, 403, 'csrf-failed');
    }
    // Creating a token is state-changing too.
    expectError(await inject('POST', '/api/v1/tokens', { cookie }, { name: 'sneaky' }), 403, 'csrf-failed');
    expect(await countRows()).toEqual(before);

    // Reads need no CSRF header.
    expect((await inject('GET', '/api/v1/deals?view=outbound', { cookie })).statusCode).toBe(200);

    const created = await inject('POST', '/api/v1/deals', { cookie, 'x-csrf-token': csrf }, body);
    expect(created.statusCode).toBe(201);
    const deal = created.json();
    expect(deal).toMatchObject({
      name: 'CSRF probe',
      status: 'accepted',
      location: { id: world.stockholm.id },
    });
    const after = await countRows();
    expect(after.participants).toBe(before.participants + 1);

    // PATCH: the same rule, and the deal is unchanged by the refused attempt.
    const ifMatch = { 'if-match': created.headers.etag as string };
    expectError(
      await inject('PATCH', `/api/v1/deals/${deal.id}`, { cookie, ...ifMatch }, { name: 'Forged' }),
      403,
      'csrf-failed',
    );
    expect((await inject('GET', `/api/v1/deals/${deal.id}`, { cookie })).json()).toMatchObject({
      name: 'CSRF probe',
      version: deal.version,
    });
    const patched = await inject(
      'PATCH',
      `/api/v1/deals/${deal.id}`,
      { cookie, ...ifMatch, 'x-csrf-token': csrf },
      { name: 'Renamed' },
    );
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Renamed', version: deal.version + 1 });
  });

  it('a CSRF token belongs to its own session', async () => {
    const res = await inject(
      'POST',
      '/api/v1/tokens',
      { cookie: shared.cookie, 'x-csrf-token': otherSession.csrf },
      { name: 'mixed' },
    );
    expectError(res, 403, 'csrf-failed');
    const own = await inject(
      'POST',
      '/api/v1/tokens',
      { cookie: otherSession.cookie, 'x-csrf-token': otherSession.csrf },
      { name: 'own' },
    );
    expect(own.statusCode).toBe(201);
  });

  it('logout ends the session: the cookie no longer works', async () => {
    const { cookie, csrf } = await login();
    expect((await inject('GET', '/api/v1/me', { cookie })).statusCode).toBe(200);
    // Logging out is state-changing: without the CSRF header it is refused and the session lives on.
    expectError(await inject('POST', '/api/v1/auth/logout', { cookie }), 403, 'csrf-failed');
    expect((await inject('GET', '/api/v1/me', { cookie })).statusCode).toBe(200);

    const out = await inject('POST', '/api/v1/auth/logout', { cookie, 'x-csrf-token': csrf });
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies.find((c) => c.name === 'cosell_session');
    expect(cleared?.value).toBe('');
    expectError(await inject('GET', '/api/v1/me', { cookie }), 401, 'unauthenticated');
    expectError(await inject('GET', '/api/v1/deals', { cookie }), 401, 'unauthenticated');
    // Another session of the same user is not affected.
    expect((await inject('GET', '/api/v1/me', { cookie: shared.cookie })).statusCode).toBe(200);
  });

  it('a garbage or unknown session cookie is 401', async () => {
    for (const cookie of [
      'cosell_session=nonsense',
      'cosell_session=css_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'cosell_session=',
    ]) {
      expectError(await inject('GET', '/api/v1/me', { cookie }), 401, 'unauthenticated');
    }
  });

  it('without credentials every /api/v1 route is 401 unauthenticated, before its input is looked at, except login, lifecycle and the demo personas', async () => {
    const doc = (await inject('GET', '/api/openapi.json')).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => [method, path] as const),
    );
    expect(routes.length).toBe(API_ROUTES.length);
    const seen: string[] = [];
    for (const [method, path] of routes) {
      if (path === '/api/v1/auth/login' || path === '/api/v1/lifecycle' || path === '/api/v1/demo/personas')
        continue;
      const url = path.replace('{id}', 'some-id');
      // An empty (invalid) body: the caller still learns only that it must sign in.
      for (const payload of method === 'get' ? [undefined] : [undefined, {}, { bogus: 'x'.repeat(5000) }]) {
        const res = await inject(method, url, {}, payload);
        expect({ route: `${method} ${path}`, status: res.statusCode, code: res.json().error?.code }).toEqual({
          route: `${method} ${path}`,
          status: 401,
          code: 'unauthenticated',
        });
      }
      seen.push(`${method} ${path}`);
    }
    expect(seen).toHaveLength(API_ROUTES.length - 3);

    const lifecycle = await inject('GET', '/api/v1/lifecycle');
    expect(lifecycle.statusCode).toBe(200);
    expect(lifecycle.json()).toMatchObject({
      responseWindowDays: 14,
      dealTypes: expect.arrayContaining(['private', 'co-sell']),
    });
    expect(lifecycle.json().statuses.map((s: { id: string }) => s.id)).toEqual(
      expect.arrayContaining(['received', 'accepted', 'won']),
    );
    // Login is public: it answers a bad body with 400, not 401.
    expectError(
      await inject('POST', '/api/v1/auth/login', {}, { email: person.email }),
      400,
      'invalid-input',
    );
    // Unknown URLs stay 404.
    expectError(await inject('GET', '/api/v1/no-such-route'), 404, 'not-found');
  });

  it('API tokens: created once with the secret, listed without it, revoked immediately', async () => {
    const created = await inject('POST', '/api/v1/tokens', person.auth, { name: '  CRM sync  ' });
    expect(created.statusCode).toBe(201);
    const token = created.json();
    expect(token).toEqual({
      id: expect.any(String),
      name: 'CRM sync',
      token: expect.stringMatching(/^cst_[A-Za-z0-9_-]{43}$/),
      createdAt: env.ctx.clock.now().toISOString(),
    });
    const bearer = { authorization: `Bearer ${token.token}` };
    const me = await inject('GET', '/api/v1/me', bearer);
    expect(me.statusCode).toBe(200);
    expect(me.json().user.id).toBe(person.id);
    // The scheme is case-insensitive.
    expect((await inject('GET', '/api/v1/me', { authorization: `bearer ${token.token}` })).statusCode).toBe(
      200,
    );

    const list = await inject('GET', '/api/v1/tokens', person.auth);
    expect(list.statusCode).toBe(200);
    const items = list.json().items as Record<string, unknown>[];
    expect(items.map((t) => t.name).sort()).toEqual(['CRM sync', 'test']);
    for (const item of items)
      expect(Object.keys(item).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt']);
    const text = list.body;
    expect(text).not.toContain(token.token);
    expect(text).not.toContain(person.token);
    expect(text).not.toContain(sha256(token.token));
    expect(items.find((t) => t.id === token.id)).toMatchObject({
      revokedAt: null,
      lastUsedAt: env.ctx.clock.now().toISOString(),
    });
    // Only the hash is stored.
    const row = await env.ctx.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', token.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256(token.token));
    expect(JSON.stringify(row)).not.toContain(token.token);

    const revoked = await inject('DELETE', `/api/v1/tokens/${token.id}`, person.auth);
    expect(revoked.statusCode).toBe(204);
    expectError(await inject('GET', '/api/v1/me', bearer), 401, 'unauthenticated');
    expectError(await inject('GET', '/api/v1/deals', bearer), 401, 'unauthenticated');
    const afterList = (await inject('GET', '/api/v1/tokens', person.auth)).json().items as {
      id: string;
      revokedAt: string | null;
    }[];
    expect(afterList.find((t) => t.id === token.id)?.revokedAt).toBe(env.ctx.clock.now().toISOString());
    // Revoking twice, or an id that does not exist: 404.
    expectError(await inject('DELETE', `/api/v1/tokens/${token.id}`, person.auth), 404, 'not-found');
    expectError(await inject('DELETE', '/api/v1/tokens/does-not-exist', person.auth), 404, 'not-found');
    // A token can revoke itself; the request that does it still succeeds, the next one does not.
    const self = (await inject('POST', '/api/v1/tokens', person.auth, { name: 'self' })).json();
    const selfAuth = { authorization: `Bearer ${self.token}` };
    expect((await inject('DELETE', `/api/v1/tokens/${self.id}`, selfAuth)).statusCode).toBe(204);
    expectError(await inject('GET', '/api/v1/tokens', selfAuth), 401, 'unauthenticated');
  });

  it("deleting another user's token is 404 and leaves it working; nobody lists another user's tokens", async () => {
    const theirs = (await inject('POST', '/api/v1/tokens', other.auth, { name: 'theirs' })).json();
    const before = await countRows();
    expectError(await inject('DELETE', `/api/v1/tokens/${theirs.id}`, person.auth), 404, 'not-found');
    // An admin of another organization: the same 404.
    expectError(
      await inject('DELETE', `/api/v1/tokens/${theirs.id}`, world.users.litware.auth),
      404,
      'not-found',
    );
    expect(await countRows()).toEqual(before);
    expect((await inject('GET', '/api/v1/me', { authorization: `Bearer ${theirs.token}` })).statusCode).toBe(
      200,
    );
    const mine = (await inject('GET', '/api/v1/tokens', person.auth)).json().items as { id: string }[];
    expect(mine.map((t) => t.id)).not.toContain(theirs.id);
    const row = await env.ctx.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('id', '=', theirs.id)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
  });

  it('a malformed or unknown Authorization header is 401, even with a valid session cookie', async () => {
    const { cookie } = shared;
    const headers = [
      'Bearer',
      'Bearer ',
      `Bearer ${person.token} extra`,
      `Basic ${Buffer.from(`${person.email}:${PASSWORD}`).toString('base64')}`,
      person.token,
      'Bearer cst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'Token abc',
      '',
    ];
    for (const authorization of headers) {
      const res = await inject('GET', '/api/v1/me', { authorization });
      expect({ authorization, status: res.statusCode, code: res.json().error?.code }).toEqual({
        authorization,
        status: 401,
        code: 'unauthenticated',
      });
      // The header wins over the cookie: a broken token is never silently ignored.
      expectError(await inject('GET', '/api/v1/me', { authorization, cookie }), 401, 'unauthenticated');
    }
  });

  it('the token name is validated: empty, too long or with unknown fields → 400 and no token', async () => {
    const before = await countRows();
    for (const [payload, path] of [
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{}, 'name'],
      [{ name: 'ok', scopes: ['all'] }, 'scopes'],
      [{ name: 42 }, 'name'],
    ] as const) {
      const res = await inject('POST', '/api/v1/tokens', person.auth, payload);
      expectError(res, 400, 'invalid-input');
      expect(res.json().error.path).toBe(path);
    }
    expect(await countRows()).toEqual(before);
  });

  it('GET /api/openapi.json is an OpenAPI 3.1 document listing every route of API.md', async () => {
    const res = await inject('GET', '/api/openapi.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer' },
      session: { type: 'apiKey', in: 'cookie', name: 'cosell_session' },
    });
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`))
      .sort();
    expect(listed).toEqual(API_ROUTES.map(([m, p]) => `${m} ${p}`).sort());

    const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, Record<string, unknown>>>,
    )) {
      expect(path.startsWith('/')).toBe(true);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        expect(METHODS.has(method)).toBe(true);
        const responses = op.responses as Record<string, { description?: string }>;
        expect(
          Object.keys(responses).some((code) => /^2\d\d$/.test(code)),
          `${method} ${path} has a 2xx response`,
        ).toBe(true);
        for (const [code, response] of Object.entries(responses)) {
          expect(code).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
          expect(typeof response.description).toBe('string');
        }
        const parameters = (op.parameters ?? []) as {
          in: string;
          name: string;
          required?: boolean;
          schema?: unknown;
        }[];
        for (const name of templated) {
          expect(parameters, `${method} ${path} declares {${name}}`).toContainEqual(
            expect.objectContaining({ in: 'path', name, required: true }),
          );
        }
        for (const p of parameters) {
          expect(['query', 'header', 'path', 'cookie']).toContain(p.in);
          expect(p.schema).toBeDefined();
        }
        if (op.requestBody) {
          // JSON everywhere, except the directory import, which takes the CSV file itself.
          const mediaType = path === '/api/v1/admin/companies/import' ? 'text/csv' : 'application/json';
          expect((op.requestBody as { content: Record<string, unknown> }).content[mediaType]).toBeDefined();
        }
      }
    }
    // The public routes say so.
    expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/lifecycle'].get.security).toEqual([]);
    // Every $ref resolves inside the document.
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else walk(value);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      expect(ref.startsWith('#/')).toBe(true);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>(
          (node, part) =>
            (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')],
          doc,
        );
      expect(target, ref).toBeDefined();
    }
    // The limits are visible in the document (SPEC §14).
    const create = doc.paths['/api/v1/deals'].post.requestBody.content['application/json'].schema;
    const createSchema = create.$ref ? doc.components.schemas[create.$ref.split('/').pop()] : create;
    expect(createSchema.properties.name.maxLength).toBe(200);
    expect(createSchema.additionalProperties).toBe(false);
  });

  it('a session expires after 12 hours', async () => {
    // The shared session was created at TEST_START.
    const { cookie } = shared;
    expect((await inject('GET', '/api/v1/me', { cookie })).statusCode).toBe(200);
    env.ctx.clock.advance(12 * HOUR_MS - 60_000);
    expect((await inject('GET', '/api/v1/me', { cookie })).statusCode).toBe(200);
    env.ctx.clock.advance(2 * 60_000);
    expectError(await inject('GET', '/api/v1/me', { cookie }), 401, 'unauthenticated');
    expectError(await inject('GET', '/api/v1/tokens', { cookie }), 401, 'unauthenticated');
    // API tokens do not expire with the session; a fresh login works again.
    expect((await inject('GET', '/api/v1/me', person.auth)).statusCode).toBe(200);
    const again = await login();
    expect((await inject('GET', '/api/v1/me', { cookie: again.cookie })).statusCode).toBe(200);
  });
});
