/**
 * Limits and security defaults (docs/SECURITY.md): rate limits per token, per signed-in user, per address and
 * per organization; login throttling; security headers everywhere; CORS only when configured; cookies;
 * revocation; generic 500s; bad input on these edges is a 4xx. The test harness builds the app without
 * limits; each suite here builds its own app on the harness's database with small limits.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type BuildOptions, build } from '../server/app.ts';
import { readConfig } from '../server/config.ts';
import { buildOptions } from '../server/main.ts';
import { hashPassword, UNUSABLE_HASH, verifyPassword } from '../server/services/passwords.ts';
import { makeOrg, makeUser, standardWorld, type UserFixture, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

const PASSWORD = 'correct horse battery staple';
// scrypt at N=2^17 costs ~0.3 s: hash once for the whole file.
const passwordHash = hashPassword(PASSWORD);

type Headers = Record<string, string>;
interface Call {
  method?: string;
  url: string;
  headers?: Headers;
  payload?: unknown;
  /** The client's address (default 127.0.0.1). */
  from?: string;
}

const send = (app: FastifyInstance, call: Call) =>
  app.inject({
    method: (call.method ?? 'GET') as 'GET',
    url: call.url,
    headers: call.headers ?? {},
    ...(call.from ? { remoteAddress: call.from } : {}),
    ...(call.payload === undefined ? {} : { payload: call.payload as object }),
  });

const errorOf = (res: LightMyRequestResponse) => (res.json() as { error: Record<string, unknown> }).error;

const expectError = (res: LightMyRequestResponse, status: number, code: string) => {
  expect({ status: res.statusCode, code: errorOf(res).code }).toEqual({ status, code });
};

const CSP =
  "default-src 'self';base-uri 'self';script-src 'self';script-src-attr 'none';" +
  "style-src 'self' 'unsafe-inline';img-src 'self' data:;font-src 'self' data:;connect-src 'self';" +
  "object-src 'none';frame-ancestors 'none';form-action 'self'";

/** The headers every response carries, whatever it is. */
function expectSecurityHeaders(res: LightMyRequestResponse, what: string) {
  expect(
    {
      csp: res.headers['content-security-policy'],
      nosniff: res.headers['x-content-type-options'],
      frame: res.headers['x-frame-options'],
      referrer: res.headers['referrer-policy'],
      coop: res.headers['cross-origin-opener-policy'],
      corp: res.headers['cross-origin-resource-policy'],
      permissions: res.headers['permissions-policy'],
      poweredBy: res.headers['x-powered-by'],
      // Plain HTTP here: no HSTS.
      hsts: res.headers['strict-transport-security'],
      cors: res.headers['access-control-allow-origin'],
    },
    what,
  ).toEqual({
    csp: CSP,
    nosniff: 'nosniff',
    frame: 'DENY',
    referrer: 'no-referrer',
    coop: 'same-origin',
    corp: 'same-origin',
    permissions: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    poweredBy: undefined,
    hsts: undefined,
    cors: undefined,
  });
}

/** Builds an app on the test database with these options; closed after the suite. */
function appsOf(env: () => TestEnv) {
  const apps: FastifyInstance[] = [];
  return {
    async make(options: BuildOptions): Promise<FastifyInstance> {
      const app = await build(env().ctx, options);
      await app.ready();
      apps.push(app);
      return app;
    },
    async closeAll() {
      for (const app of apps) await app.close();
    },
  };
}

describe.each(DIALECTS)('rate limits on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  const apps = appsOf(() => env);
  let limited: FastifyInstance;
  let person: UserFixture;
  let colleague: UserFixture;

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    const hash = await passwordHash;
    person = await makeUser(
      env.ctx,
      world.contoso,
      'limits.person@contoso.example',
      [{ role: 'referrals-admin' }],
      {
        passwordHash: hash,
      },
    );
    colleague = await makeUser(
      env.ctx,
      world.contoso,
      'limits.colleague@contoso.example',
      [{ role: 'referrals-admin' }],
      { passwordHash: hash },
    );
    limited = await apps.make({ rateLimits: { perActor: 5, anonymous: 4, burstMs: 60_000 } });
  });
  afterAll(async () => {
    await apps.closeAll();
    await env.close();
  });

  const login = async (app: FastifyInstance, email: string) => {
    const res = await send(app, {
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'cosell_session');
    return { cookie: `cosell_session=${cookie?.value}`, 'x-csrf-token': res.json().csrfToken as string };
  };

  it('a token over its limit gets 429 rate-limited with Retry-After and nothing runs; its other tokens and other organizations go on', async () => {
    const auth = world.users.fabrikam.auth;
    for (let i = 1; i <= 5; i++) {
      const res = await send(limited, { url: '/api/v1/me', headers: auth });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('5');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(5 - i));
      expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    }
    const tokensBefore = await env.ctx.db
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const over = await send(limited, {
      method: 'POST',
      url: '/api/v1/tokens',
      headers: auth,
      payload: { name: 'over the limit' },
    });
    expectError(over, 429, 'rate-limited');
    expect(errorOf(over)).toEqual({
      code: 'rate-limited',
      message: expect.stringMatching(/^Too many requests from you; try again in \d+ s\.$/),
      requestId: expect.any(String),
    });
    const retryAfter = Number(over.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(over.headers['x-ratelimit-remaining']).toBe('0');
    expectSecurityHeaders(over, '429');
    // The refused request ran nothing: no token was created.
    const tokensAfter = await env.ctx.db
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(tokensAfter.n)).toBe(Number(tokensBefore.n));
    // Still refused while the window lasts, on every route.
    expectError(await send(limited, { url: '/api/v1/deals', headers: auth }), 429, 'rate-limited');

    // Another organization, another user of the same organization: unaffected.
    expect((await send(limited, { url: '/api/v1/me', headers: world.users.litware.auth })).statusCode).toBe(
      200,
    );
    expect((await send(limited, { url: '/api/v1/me', headers: world.users.radmin.auth })).statusCode).toBe(
      200,
    );
    // The harness's app has no limits: the same token goes on there (and nothing is shared between apps).
    expect((await env.call('GET', '/api/v1/me', auth)).statusCode).toBe(200);
  });

  it('each API token has its own budget', async () => {
    const second = (
      await env.call('POST', '/api/v1/tokens', world.users.litware.auth, { name: 'second' })
    ).json() as { token: string };
    const first = world.users.userTw.auth;
    for (let i = 0; i < 5; i++) await send(limited, { url: '/api/v1/me', headers: first });
    expectError(await send(limited, { url: '/api/v1/me', headers: first }), 429, 'rate-limited');
    const other = { authorization: `Bearer ${second.token}` };
    expect((await send(limited, { url: '/api/v1/me', headers: other })).statusCode).toBe(200);
  });

  it("creating more tokens does not multiply a user's budget: all of its tokens and sessions together get 4× the limit", async () => {
    const app = await apps.make({ rateLimits: { perActor: 2, anonymous: 100, burstMs: 60_000 } });
    const owner = await makeUser(env.ctx, world.contoso, 'limits.many-tokens@contoso.example', [
      { role: 'referrals-admin' },
    ]);
    const tokens = [owner.auth];
    for (let i = 0; i < 5; i++) {
      const created = await env.call('POST', '/api/v1/tokens', owner.auth, { name: `token ${i}` });
      tokens.push({ authorization: `Bearer ${(created.json() as { token: string }).token}` });
    }
    const statuses: number[] = [];
    for (const auth of tokens) {
      for (let i = 0; i < 2; i++)
        statuses.push((await send(app, { url: '/api/v1/me', headers: auth })).statusCode);
    }
    // Each token may send its 2, but the user no more than 8 in all.
    expect(statuses).toEqual([...Array(8).fill(200), 429, 429, 429, 429]);
    const refused = await send(app, { url: '/api/v1/me', headers: tokens[0] as Headers });
    expectError(refused, 429, 'rate-limited');
    expect(errorOf(refused).message).toMatch(/^Too many requests from you/);
    // Another user of the organization is unaffected.
    expect((await send(app, { url: '/api/v1/me', headers: world.users.radmin.auth })).statusCode).toBe(200);
  });

  it("a signed-in user's sessions share one budget; another user of the organization is unaffected", async () => {
    const app = await apps.make({ rateLimits: { perActor: 4, anonymous: 100, burstMs: 60_000 } });
    const [a, b, c] = await Promise.all([
      login(app, person.email),
      login(app, person.email),
      login(app, colleague.email),
    ]);
    // Login is anonymous: it counts against the address, not the user.
    for (const session of [a, a, b, b]) {
      expect((await send(app, { url: '/api/v1/me', headers: { cookie: session.cookie } })).statusCode).toBe(
        200,
      );
    }
    for (const session of [a, b]) {
      const res = await send(app, { url: '/api/v1/deals', headers: { cookie: session.cookie } });
      expectError(res, 429, 'rate-limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // A refused state-changing request with a valid CSRF token changes nothing either.
    const refused = await send(app, {
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: a,
    });
    expectError(refused, 429, 'rate-limited');
    const res = await send(app, { url: '/api/v1/me', headers: { cookie: c.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.email).toBe(colleague.email);
  });

  it('without valid credentials requests count per client address (IPv6 per /64): wrong tokens are limited too, other addresses are not', async () => {
    const app = await apps.make({ rateLimits: { perActor: 100, anonymous: 3, burstMs: 60_000 } });
    const wrong = { authorization: 'Bearer cst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
    const from = '203.0.113.7';
    expectError(await send(app, { url: '/api/v1/me', headers: wrong, from }), 401, 'unauthenticated');
    expect((await send(app, { url: '/api/v1/lifecycle', from })).statusCode).toBe(200);
    expectError(await send(app, { url: '/api/v1/deals', from }), 401, 'unauthenticated');
    const over = await send(app, { url: '/api/v1/me', headers: wrong, from });
    expectError(over, 429, 'rate-limited');
    expect(errorOf(over).message).toMatch(/^Too many requests from your address; try again in \d+ s\.$/);
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectError(await send(app, { url: '/api/v1/lifecycle', from }), 429, 'rate-limited');
    // A valid token from that address has its own budget.
    expect((await send(app, { url: '/api/v1/me', headers: world.users.seller.auth, from })).statusCode).toBe(
      200,
    );
    // Another address is unaffected.
    expect((await send(app, { url: '/api/v1/lifecycle', from: '203.0.113.8' })).statusCode).toBe(200);

    // IPv6: one /64 is one client.
    for (const host of ['1', '2', 'ffff:1']) {
      expect((await send(app, { url: '/api/v1/lifecycle', from: `2001:db8:1:2::${host}` })).statusCode).toBe(
        200,
      );
    }
    expectError(await send(app, { url: '/api/v1/lifecycle', from: '2001:db8:1:2::99' }), 429, 'rate-limited');
    expect((await send(app, { url: '/api/v1/lifecycle', from: '2001:db8:1:3::1' })).statusCode).toBe(200);
  });

  it('a percent-encoded path is the same route: authenticated and counted like it, never a way around the limit', async () => {
    const app = await apps.make({ rateLimits: { perActor: 100, anonymous: 2, burstMs: 60_000 } });
    const from = '203.0.113.50';
    // The router decodes %61 to "a": these are the routes /api/v1/lifecycle, /api/v1/me and the login.
    expect((await send(app, { url: '/%61pi/v1/lifecycle', from })).statusCode).toBe(200);
    expect((await send(app, { url: '/api/v1/lifecycl%65', from })).statusCode).toBe(200);
    expectError(await send(app, { url: '/%61pi/v1/lifecycle', from }), 429, 'rate-limited');
    const login = await send(app, {
      method: 'POST',
      url: '/%61pi/v1/auth/login',
      payload: { email: person.email, password: PASSWORD },
      from,
    });
    expectError(login, 429, 'rate-limited');
    expect(login.cookies).toEqual([]);
    // Anonymous: 401 before the body is read (not a 400 describing the route), and never cached.
    const other = '203.0.113.51';
    const anonymous = await send(app, { method: 'POST', url: '/%61pi/v1/deals', payload: {}, from: other });
    expectError(anonymous, 401, 'unauthenticated');
    expect(anonymous.headers['cache-control']).toBe('no-store');
    // A valid token works there as anywhere, under its own budget.
    const me = await send(app, { url: '/%61pi/v1/me', headers: world.users.seller.auth, from: other });
    expect(me.statusCode).toBe(200);
    expect(me.headers['x-ratelimit-limit']).toBe('100');
  });

  it('behind a trusted proxy the address is the one the proxy saw: a client cannot pick its own with X-Forwarded-For', async () => {
    const limits = { rateLimits: { perActor: 100, anonymous: 2, burstMs: 60_000 } };
    const behind = async (trustProxy: string) => {
      process.env.TRUST_PROXY = trustProxy;
      try {
        return await apps.make(limits);
      } finally {
        delete process.env.TRUST_PROXY;
      }
    };
    // The proxy (here 127.0.0.1, the test's connection) appends the address it saw to what the client sent.
    const through = (app: FastifyInstance, client: string, spoofed: string) =>
      send(app, { url: '/api/v1/lifecycle', headers: { 'x-forwarded-for': `${spoofed}, ${client}` } });
    for (const setting of ['1', '127.0.0.1', 'loopback, 10.0.0.0/8']) {
      const app = await behind(setting);
      expect((await through(app, '198.51.100.7', '192.0.2.1')).statusCode, setting).toBe(200);
      expect((await through(app, '198.51.100.7', '192.0.2.2')).statusCode, setting).toBe(200);
      expectError(await through(app, '198.51.100.7', '192.0.2.3'), 429, 'rate-limited');
      // Another client behind the same proxy has its own budget.
      expect((await through(app, '198.51.100.8', '192.0.2.3')).statusCode, setting).toBe(200);
    }
    // A peer that is not a listed proxy is the client itself, whatever it forwards.
    const app = await behind('10.0.0.0/8');
    expect((await through(app, '198.51.100.9', '192.0.2.1')).statusCode).toBe(200);
    expect((await through(app, '198.51.100.10', '192.0.2.2')).statusCode).toBe(200);
    expectError(await through(app, '198.51.100.11', '192.0.2.3'), 429, 'rate-limited');
    for (const bad of ['yes', 'true', '10.0.0.0/33', '10.0.0.1, nonsense', '-1']) {
      expect(() => readConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
    expect(readConfig({}).trustProxy).toBe(false);
  });

  it('a budget is a token bucket: a burst at once, then the average rate; Retry-After says when the next request is allowed', async () => {
    // 3 a window of 3 s, all of it at once: a bucket of 3 that refills one token a second.
    const app = await apps.make({ rateLimits: { perActor: 3, anonymous: 3, windowMs: 3000, burstMs: 3000 } });
    const auth = world.users.otherSeller.auth;
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const res = await send(app, { url: '/api/v1/me', headers: auth });
      expect(res.statusCode).toBe(200);
      remaining.push(res.headers['x-ratelimit-remaining']);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const over = await send(app, { url: '/api/v1/me', headers: auth });
    expectError(over, 429, 'rate-limited');
    expect(over.headers['retry-after']).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // One token came back, not the whole bucket.
    expect((await send(app, { url: '/api/v1/me', headers: auth })).statusCode).toBe(200);
    expectError(await send(app, { url: '/api/v1/me', headers: auth }), 429, 'rate-limited');
  });

  it('a caller known to be over its limit is refused before its credentials are read: a token revoked meanwhile gets 429 while over, then 401', async () => {
    const app = await apps.make({
      rateLimits: { perActor: 2, anonymous: 100, windowMs: 1000, burstMs: 1000 },
    });
    const created = (
      await env.call('POST', '/api/v1/tokens', world.users.seller.auth, { name: 'flooding' })
    ).json() as { id: string; token: string };
    const auth = { authorization: `Bearer ${created.token}` };
    expect((await send(app, { url: '/api/v1/me', headers: auth })).statusCode).toBe(200);
    expect((await send(app, { url: '/api/v1/me', headers: auth })).statusCode).toBe(200);
    expectError(await send(app, { url: '/api/v1/me', headers: auth }), 429, 'rate-limited');
    // The database would say 401 now; the refusal comes first, without asking it.
    await env.ctx.db
      .updateTable('api_tokens')
      .set({ revoked_at: env.ctx.clock.now().toISOString() })
      .where('id', '=', created.id)
      .execute();
    const early = await send(app, { url: '/api/v1/me', headers: auth });
    expectError(early, 429, 'rate-limited');
    expect(Number(early.headers['retry-after'])).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Remembering a credential never lets it in: once the window is over, the database decides.
    expectError(await send(app, { url: '/api/v1/me', headers: auth }), 401, 'unauthenticated');
  });

  it('a refusal is answered after the configured pause, so a client retrying in a tight loop slows down; allowed requests are not delayed', async () => {
    const app = await apps.make({
      rateLimits: { perActor: 1, anonymous: 100, refusalDelayMs: 400, burstMs: 60_000 },
    });
    const auth = world.users.contosoAdmin.auth;
    const timed = async () => {
      const start = performance.now();
      const res = await send(app, { url: '/api/v1/me', headers: auth });
      return { status: res.statusCode, ms: performance.now() - start };
    };
    const allowed = await timed();
    expect(allowed.status).toBe(200);
    expect(allowed.ms).toBeLessThan(300);
    const [a, b] = await Promise.all([timed(), timed()]);
    for (const refused of [a, b]) {
      expect(refused?.status).toBe(429);
      // Half to all of the pause.
      expect(refused?.ms).toBeGreaterThanOrEqual(195);
    }
  });

  it('an organization limit, when set, caps all its users and tokens together and no other organization', async () => {
    const org = await makeOrg(env.ctx, { name: 'Hammering Partner' });
    const users = await Promise.all(
      [1, 2, 3].map((n) =>
        makeUser(env.ctx, org, `user${n}@hammering.example`, [{ role: 'referrals-admin' }]),
      ),
    );
    const app = await apps.make({
      rateLimits: { perActor: 3, anonymous: 10, perOrganization: 5, burstMs: 60_000 },
    });
    const codes = [];
    for (const user of users) {
      for (let i = 0; i < 2; i++)
        codes.push((await send(app, { url: '/api/v1/me', headers: user.auth })).statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    const res = await send(app, { url: '/api/v1/me', headers: users[0]?.auth });
    expectError(res, 429, 'rate-limited');
    expect(errorOf(res).message).toMatch(/^Too many requests from your organization/);
    expect((await send(app, { url: '/api/v1/me', headers: world.users.vadmin.auth })).statusCode).toBe(200);
  });

  it('the production configuration turns the limits on: 600 a minute per caller in bursts of 60, 120 per address in bursts of 12', async () => {
    const app = await apps.make(buildOptions(readConfig({})));
    const signedIn = await send(app, { url: '/api/v1/me', headers: world.users.radminSe.auth });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.headers['x-ratelimit-limit']).toBe('60');
    expect(signedIn.headers['x-ratelimit-remaining']).toBe('59');
    const anonymous = await send(app, { url: '/api/v1/lifecycle', from: '198.51.100.1' });
    expect(anonymous.headers['x-ratelimit-limit']).toBe('12');
    // And the sign-in throttle: five wrong passwords, then a wait.
    const wrong = { email: person.email, password: 'wrong password' };
    const codes = await Promise.all(
      Array.from({ length: 6 }, () =>
        send(app, { method: 'POST', url: '/api/v1/auth/login', payload: wrong, from: '198.51.100.2' }),
      ),
    );
    expect(codes.map((r) => r.statusCode).sort()).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

describe.each(DIALECTS)('login throttling on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  const apps = appsOf(() => env);
  let app: FastifyInstance;
  const users: UserFixture[] = [];
  const MINUTE = 60_000;

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    const hash = await passwordHash;
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin']) {
      users.push(
        await makeUser(env.ctx, world.litware, `${name}@litware.example`, [{ role: 'referrals-admin' }], {
          passwordHash: hash,
        }),
      );
    }
    app = await apps.make({
      loginThrottle: { maxFailures: 5, maxFailuresPerAddress: 12, lockMs: MINUTE, maxLockMs: 15 * MINUTE },
    });
  });
  afterAll(async () => {
    await apps.closeAll();
    await env.close();
  });

  const user = (i: number) => users[i] as UserFixture;
  const attempt = (email: string, password: string, from: string) =>
    send(app, { method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, from });

  it('five failures for one e-mail from one address: then 429 with Retry-After, even with the right password; the wait doubles and ends', async () => {
    const from = '192.0.2.10';
    const email = user(0).email;
    for (let i = 0; i < 5; i++) expectError(await attempt(email, 'nope', from), 401, 'invalid-credentials');
    const locked = await attempt(email, PASSWORD, from);
    expectError(locked, 429, 'rate-limited');
    expect(locked.headers['retry-after']).toBe('60');
    expect(errorOf(locked).message).toBe('Too many failed sign-ins; try again in 60 s.');
    expect(locked.cookies).toEqual([]);
    expectSecurityHeaders(locked, 'login 429');
    // The e-mail's case and spaces do not make a new pair.
    expectError(await attempt(`  ${email.toUpperCase()} `, PASSWORD, from), 429, 'rate-limited');

    // The owner, from another address, signs in; another e-mail from the attacker's address too.
    expect((await attempt(email, PASSWORD, '192.0.2.11')).statusCode).toBe(200);
    expect((await attempt(user(1).email, PASSWORD, from)).statusCode).toBe(200);

    env.ctx.clock.advance(30_000);
    expect((await attempt(email, PASSWORD, from)).headers['retry-after']).toBe('30');
    env.ctx.clock.advance(30_000);
    // The wait is over: one more wrong guess and the next wait is twice as long.
    expectError(await attempt(email, 'nope', from), 401, 'invalid-credentials');
    expect((await attempt(email, PASSWORD, from)).headers['retry-after']).toBe('120');
    env.ctx.clock.advance(2 * MINUTE);
    // The right password after the wait: signed in, and the count starts over.
    expect((await attempt(email, PASSWORD, from)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expectError(await attempt(email, 'nope', from), 401, 'invalid-credentials');
    expect((await attempt(email, PASSWORD, from)).statusCode).toBe(200);
  });

  it('unknown e-mails are throttled alike, so the answers do not tell which e-mails exist', async () => {
    const results = [];
    for (const [email, from] of [
      [user(2).email, '192.0.2.20'],
      ['nobody@litware.example', '192.0.2.21'],
    ] as const) {
      const answers = [];
      for (let i = 0; i < 6; i++) {
        const res = await attempt(email, 'nope', from);
        answers.push([res.statusCode, errorOf(res).message, res.headers['retry-after']]);
      }
      results.push(answers);
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0]?.map(([status]) => status)).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('parallel guesses cannot slip past the limit: of 12 sent at once, 5 are checked', async () => {
    const from = '192.0.2.30';
    const codes = (
      await Promise.all(Array.from({ length: 12 }, () => attempt(user(3).email, 'nope', from)))
    ).map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(7);
  });

  it('one address failing over many e-mails (credential stuffing) must wait for all of them, other addresses not', async () => {
    const from = '192.0.2.40';
    const emails = Array.from({ length: 12 }, (_, i) => `stuffed${i}@example.com`);
    for (const email of emails) expectError(await attempt(email, 'nope', from), 401, 'invalid-credentials');
    const locked = await attempt(user(4).email, PASSWORD, from);
    expectError(locked, 429, 'rate-limited');
    expect(locked.headers['retry-after']).toBe('60');
    expect((await attempt(user(4).email, PASSWORD, '192.0.2.41')).statusCode).toBe(200);
  });

  it('a right password from a locked-out address, once its wait is over, ends the wait instead of starting a longer one; sign-ins do not keep old failures alive', async () => {
    const office = await apps.make({
      loginThrottle: { maxFailures: 5, maxFailuresPerAddress: 3, lockMs: MINUTE, maxLockMs: 15 * MINUTE },
    });
    const from = '192.0.2.60';
    const tryAt = (email: string, password: string) =>
      send(office, { method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, from });
    // Someone behind the office's address guesses over many e-mails: the address must wait.
    for (let i = 0; i < 3; i++)
      expectError(await tryAt(`guess${i}@example.com`, 'nope'), 401, 'invalid-credentials');
    expect((await tryAt(user(0).email, PASSWORD)).headers['retry-after']).toBe('60');
    env.ctx.clock.advance(MINUTE);
    // The wait is over: colleagues sign in one after another, none of them locks the others out.
    for (const i of [0, 1, 2])
      expect((await tryAt(user(i).email, PASSWORD)).statusCode, `user ${i}`).toBe(200);
    // Sign-ins go on every 20 minutes; the failures were 30 minutes ago and more: forgotten, so one typo is a
    // typo, not a lock.
    env.ctx.clock.advance(20 * MINUTE);
    expect((await tryAt(user(3).email, PASSWORD)).statusCode).toBe(200);
    env.ctx.clock.advance(20 * MINUTE);
    expectError(await tryAt(user(4).email, 'typo'), 401, 'invalid-credentials');
    expect((await tryAt(user(4).email, PASSWORD)).statusCode).toBe(200);
  });

  it('the harness app has no throttle (tests may sign in at will)', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await send(env.app, {
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user(4).email, password: 'wrong' },
      });
      expectError(res, 401, 'invalid-credentials');
    }
    const res = await send(env.app, {
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user(4).email, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe.each(DIALECTS)('security headers, CORS, cookies and errors on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  const apps = appsOf(() => env);
  let app: FastifyInstance;
  let person: UserFixture;
  let dist: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    person = await makeUser(
      env.ctx,
      world.contoso,
      'headers.person@contoso.example',
      [{ role: 'referrals-admin' }],
      {
        passwordHash: await passwordHash,
      },
    );
    dist = mkdtempSync(join(tmpdir(), 'cosell-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>cosell app</title><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'main-abc123.js'), 'console.log(1)');
    app = await build(env.ctx, {
      webDist: dist,
      rateLimits: { perActor: 1000, anonymous: 1000 },
      loginThrottle: { maxFailures: 5, maxFailuresPerAddress: 50, lockMs: 60_000, maxLockMs: 900_000 },
      logLevel: 'error',
      logStream: { write: (line: string) => void logLines.push(line) },
    });
    // A route that fails the way a bug would, with another organization's id in its message.
    app.get('/api/v1/test-only/boom', async () => {
      throw new Error(`invariant broken for organization ${world.litware.id}`);
    });
    // A real failure of the database: a query on a table that does not exist.
    app.get('/api/v1/test-only/broken-query', async () => {
      await sql`select secret_column from no_such_table where organization_id = ${world.fabrikam.id}`.execute(
        env.ctx.db,
      );
      return {};
    });
    // A handler whose answer does not fit its response schema.
    app.get(
      '/api/v1/test-only/bad-response',
      { schema: { response: { 200: z.object({ count: z.number() }) } } },
      async () => ({ count: `internal ${world.vendor.id}` }) as never,
    );
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await apps.closeAll();
    await env.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('every response carries the security headers: API, web app, files, errors, refusals', async () => {
    const calls: [string, Call][] = [
      ['api 200', { url: '/api/v1/me', headers: person.auth }],
      ['public api', { url: '/api/v1/lifecycle' }],
      ['web app', { url: '/' }],
      ['web app path', { url: '/deals/0190-abc' }],
      ['asset', { url: '/assets/main-abc123.js' }],
      ['openapi', { url: '/api/openapi.json' }],
      ['docs', { url: '/api/docs/' }],
      ['401', { url: '/api/v1/deals' }],
      ['403 csrf', { method: 'POST', url: '/api/v1/tokens', headers: { cookie: 'cosell_session=x' } }],
      ['404 api', { url: '/api/v1/no-such-route' }],
      ['404 file', { url: '/missing.png' }],
      [
        '400 json',
        {
          method: 'POST',
          url: '/api/v1/tokens',
          headers: { ...person.auth, 'content-type': 'application/json' },
          payload: '{',
        },
      ],
      [
        '415',
        {
          method: 'POST',
          url: '/api/v1/tokens',
          headers: { ...person.auth, 'content-type': 'text/plain' },
          payload: 'x',
        },
      ],
      ['405-ish', { method: 'DELETE', url: '/api/v1/lifecycle' }],
      ['500', { url: '/api/v1/test-only/boom', headers: person.auth }],
      // Answered by Fastify before any hook runs.
      ['malformed URL', { url: '/api/v1/deals/%ZZ' }],
    ];
    for (const [what, call] of calls) {
      const res = await send(app, call);
      expectSecurityHeaders(res, what);
    }
  });

  it('API responses are not cached by browsers; the web app files keep their own caching', async () => {
    expect((await send(app, { url: '/api/v1/me', headers: person.auth })).headers['cache-control']).toBe(
      'no-store',
    );
    expect((await send(app, { url: '/api/v1/deals' })).headers['cache-control']).toBe('no-store');
    expect((await send(app, { url: '/' })).headers['cache-control']).toBe('no-cache');
    expect((await send(app, { url: '/assets/main-abc123.js' })).headers['cache-control']).toBe(
      'public, max-age=31536000, immutable',
    );
  });

  it('HSTS and Secure cookies only over TLS: through a trusted proxy, or when COOKIE_SECURE=true', async () => {
    const login = (target: FastifyInstance, headers: Headers = {}) =>
      send(target, {
        method: 'POST',
        url: '/api/v1/auth/login',
        headers,
        payload: { email: person.email, password: PASSWORD },
      });
    const plain = await login(app, { 'x-forwarded-proto': 'https' });
    // Without TRUST_PROXY a forwarded header is not believed.
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const cookie = String(plain.headers['set-cookie']);
    expect(cookie).toMatch(/^cosell_session=css_[\w-]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);

    process.env.TRUST_PROXY = '1';
    let proxied: FastifyInstance;
    try {
      proxied = await apps.make({});
    } finally {
      delete process.env.TRUST_PROXY;
    }
    const tls = await login(proxied, { 'x-forwarded-proto': 'https' });
    expect(tls.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(String(tls.headers['set-cookie'])).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
    const notTls = await login(proxied, { 'x-forwarded-proto': 'http' });
    expect(notTls.headers['strict-transport-security']).toBeUndefined();
    expect(String(notTls.headers['set-cookie'])).not.toMatch(/Secure/);

    process.env.COOKIE_SECURE = 'true';
    try {
      const forced = await login(app);
      expect(String(forced.headers['set-cookie'])).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
      expect(forced.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      delete process.env.COOKIE_SECURE;
    }
  });

  it('no CORS unless configured: no Access-Control headers for any origin, preflight included', async () => {
    const preflight = await send(app, {
      method: 'OPTIONS',
      url: '/api/v1/deals',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.statusCode).toBeGreaterThanOrEqual(400);
    expect(preflight.statusCode).toBeLessThan(500);
    const get = await send(app, {
      url: '/api/v1/me',
      headers: { ...person.auth, origin: 'https://evil.example' },
    });
    expect(get.statusCode).toBe(200);
    for (const res of [preflight, get]) {
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('with CORS_ORIGINS, exactly those origins get CORS headers, and preflights need no credentials', async () => {
    const cors = await apps.make(
      buildOptions(readConfig({ CORS_ORIGINS: 'https://crm.example.com, http://localhost:5173' })),
    );
    const preflight = (origin: string) =>
      send(cors, {
        method: 'OPTIONS',
        url: '/api/v1/deals',
        headers: {
          origin,
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'authorization, if-match, content-type',
        },
      });
    const ok = await preflight('https://crm.example.com');
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://crm.example.com');
    expect(ok.headers['access-control-allow-methods']).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
    expect(ok.headers['access-control-allow-headers']).toBe(
      'authorization, content-type, if-match, idempotency-key, x-csrf-token',
    );
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
    expect(ok.headers.vary).toContain('Origin');
    expect((await preflight('http://localhost:5173')).headers['access-control-allow-origin']).toBe(
      'http://localhost:5173',
    );
    for (const origin of [
      'https://evil.example',
      'https://crm.example.com.evil.example',
      'http://crm.example.com',
      'https://sub.crm.example.com',
      'null',
    ]) {
      const res = await preflight(origin);
      expect(res.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
    const get = await send(cors, {
      url: '/api/v1/me',
      headers: { ...person.auth, origin: 'https://crm.example.com' },
    });
    expect(get.statusCode).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe('https://crm.example.com');
    expect(get.headers['access-control-expose-headers']).toContain('retry-after');
    expect(() => readConfig({ CORS_ORIGINS: 'https://crm.example.com/path' })).toThrow(/CORS_ORIGINS/);
    expect(() => readConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });

  it('token revocation, logout and a disabled user take effect on the very next request', async () => {
    const created = (
      await send(app, {
        method: 'POST',
        url: '/api/v1/tokens',
        headers: person.auth,
        payload: { name: 'short-lived' },
      })
    ).json() as { id: string; token: string };
    const bearer = { authorization: `Bearer ${created.token}` };
    expect((await send(app, { url: '/api/v1/me', headers: bearer })).statusCode).toBe(200);
    // Revoked through the harness's app: no cache anywhere keeps it alive in this one.
    expect((await env.call('DELETE', `/api/v1/tokens/${created.id}`, person.auth)).statusCode).toBe(204);
    expectError(await send(app, { url: '/api/v1/me', headers: bearer }), 401, 'unauthenticated');

    const loggedIn = await send(app, {
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: person.email, password: PASSWORD },
    });
    const cookie = `cosell_session=${loggedIn.cookies.find((c) => c.name === 'cosell_session')?.value}`;
    const csrf = loggedIn.json().csrfToken as string;
    expect((await send(app, { url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(200);
    const other = await makeUser(env.ctx, world.contoso, 'soon.disabled@contoso.example', [
      { role: 'referrals-admin' },
    ]);
    expect((await send(app, { url: '/api/v1/me', headers: other.auth })).statusCode).toBe(200);
    await env.ctx.db
      .updateTable('users')
      .set({ disabled_at: env.ctx.clock.now().toISOString() })
      .where('id', '=', other.id)
      .execute();
    expectError(await send(app, { url: '/api/v1/me', headers: other.auth }), 401, 'unauthenticated');

    expect(
      (
        await send(app, {
          method: 'POST',
          url: '/api/v1/auth/logout',
          headers: { cookie, 'x-csrf-token': csrf },
        })
      ).statusCode,
    ).toBe(204);
    expectError(await send(app, { url: '/api/v1/me', headers: { cookie } }), 401, 'unauthenticated');
  });

  it('an internal error answers a generic 500 with only a request id; the detail and stack go to the log', async () => {
    const failures = [
      { url: '/api/v1/test-only/boom', secret: world.litware.id },
      { url: '/api/v1/test-only/broken-query', secret: 'no_such_table' },
      { url: '/api/v1/test-only/bad-response', secret: world.vendor.id },
    ];
    for (const { url, secret } of failures) {
      logLines.length = 0;
      const res = await send(app, { url, headers: person.auth });
      expect(res.statusCode, url).toBe(500);
      expect(res.json(), url).toEqual({
        error: {
          code: 'internal',
          message: 'Something went wrong on our side.',
          requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        },
      });
      expect(res.body).not.toContain(secret);
      expect(res.body).not.toMatch(/\bat \S+ \(|\.ts:\d+/);
      expect(res.headers['content-type']).toContain('application/json');
      const requestId = errorOf(res).requestId as string;
      const logged = logLines.map(
        (line) => JSON.parse(line) as { reqId?: string; err?: { message?: string; stack?: string } },
      );
      const entry = logged.find((l) => l.reqId === requestId && l.err);
      expect(entry?.err?.stack, url).toBeTruthy();
      if (url !== '/api/v1/test-only/bad-response') expect(entry?.err?.message, url).toContain(secret);
    }
  });

  it('bad input on the security edges is a clear 4xx, never a 5xx', async () => {
    const long = 'a'.repeat(20_000);
    const calls: [number, string, Call][] = [
      [401, 'unauthenticated', { url: '/api/v1/me', headers: { authorization: `Bearer ${long}` } }],
      [401, 'unauthenticated', { url: '/api/v1/me', headers: { authorization: 'Bearer \u00e9\u00e9' } }],
      [401, 'unauthenticated', { url: '/api/v1/me', headers: { authorization: 'Bearer  ' } }],
      [401, 'unauthenticated', { url: '/api/v1/me', headers: { cookie: 'cosell_session=%ZZ%00' } }],
      [401, 'unauthenticated', { url: '/api/v1/me', headers: { cookie: `cosell_session=${long}` } }],
      [
        401,
        'unauthenticated',
        { url: '/api/v1/me', headers: { cookie: 'cosell_session=a; cosell_session=b' } },
      ],
      [401, 'unauthenticated', { method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: 'x=1' } }],
      [400, 'invalid-input', { method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@b.c' } }],
      [
        400,
        'invalid-input',
        { method: 'POST', url: '/api/v1/auth/login', payload: { email: 1, password: 2 } },
      ],
      [
        400,
        'invalid-input',
        { method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@b.c', password: long } },
      ],
      [
        400,
        'invalid-input',
        { method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@b.c\u0000', password: 'x' } },
      ],
      [400, 'invalid-input', { method: 'POST', url: '/api/v1/auth/login', payload: [] }],
      [
        400,
        'invalid-input',
        {
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'a@b.c', password: 'x', admin: true },
        },
      ],
      [
        400,
        'invalid-json',
        {
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { 'content-type': 'application/json' },
          payload: '{"email":',
        },
      ],
      [
        415,
        'unsupported-media-type',
        {
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'email=a&password=b',
        },
      ],
      [
        401,
        'invalid-credentials',
        {
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: person.email, password: 'x'.repeat(1024) },
        },
      ],
      [
        400,
        'invalid-input',
        { method: 'DELETE', url: `/api/v1/tokens/${'x'.repeat(300)}`, headers: person.auth },
      ],
    ];
    for (const [status, code, call] of calls) {
      const res = await send(app, { ...call, from: '198.51.100.200' });
      expect(
        { status: res.statusCode, code: errorOf(res).code },
        `${call.method ?? 'GET'} ${call.url} ${JSON.stringify(call.headers ?? call.payload).slice(0, 80)}`,
      ).toEqual({ status, code });
    }
    // A CSRF header sent twice is not the token.
    const loggedIn = await send(app, {
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: person.email, password: PASSWORD },
    });
    const cookie = `cosell_session=${loggedIn.cookies.find((c) => c.name === 'cosell_session')?.value}`;
    const csrf = loggedIn.json().csrfToken as string;
    const twice = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie, 'x-csrf-token': [csrf, csrf] as unknown as string },
      payload: { name: 'x' },
    });
    expectError(twice, 403, 'csrf-failed');
  });
});

describe('password hashing', () => {
  it('scrypt with N=2^17, r=8, p=1, a 16-byte random salt and a 32-byte key; the unusable hash costs the same', async () => {
    const stored = await passwordHash;
    const [scheme, n, r, p, salt, key] = stored.split('$');
    expect({ scheme, n, r, p }).toEqual({ scheme: 'scrypt', n: String(2 ** 17), r: '8', p: '1' });
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(key ?? '', 'base64url')).toHaveLength(32);
    expect(UNUSABLE_HASH.split('$').slice(0, 4)).toEqual(['scrypt', String(2 ** 17), '8', '1']);
    const again = await hashPassword(PASSWORD);
    expect(again).not.toBe(stored);
    expect(again.split('$')[4]).not.toBe(salt);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword(`${PASSWORD} `, stored)).toBe(false);
    expect(await verifyPassword(PASSWORD, UNUSABLE_HASH)).toBe(false);
    // Unicode is normalized: the same password typed as composed or decomposed characters.
    const composed = await hashPassword('Åsa-Öberg lösen');
    expect(await verifyPassword('A\u030asa-O\u0308berg lo\u0308sen', composed)).toBe(true);
    for (const broken of ['', 'scrypt', 'bcrypt$1$2$3$4$5', 'scrypt$16384$8$1$$']) {
      expect(await verifyPassword(PASSWORD, broken)).toBe(false);
    }
    // Timing: a check against the unusable hash takes about as long as a real one (no user enumeration).
    const time = async (hash: string) => {
      const start = performance.now();
      await verifyPassword('guess', hash);
      return performance.now() - start;
    };
    const [real, unusable] = [await time(stored), await time(UNUSABLE_HASH)];
    expect(unusable).toBeGreaterThan(real * 0.5);
  });
});

describe('configuration of the limits', () => {
  it('defaults are on; the environment changes or turns them off; bad values stop the start', () => {
    const defaults = readConfig({});
    expect({
      perMinute: defaults.rateLimitPerMinute,
      anonymous: defaults.rateLimitAnonymousPerMinute,
      organization: defaults.rateLimitOrganizationPerMinute,
      refusalDelay: defaults.rateLimitRefusalDelayMs,
      burst: defaults.rateLimitBurstSeconds,
      failures: defaults.loginMaxFailures,
      failuresPerAddress: defaults.loginMaxFailuresPerAddress,
      lock: defaults.loginLockSeconds,
      maxLock: defaults.loginLockMaxSeconds,
      cors: defaults.corsOrigins,
    }).toEqual({
      perMinute: 600,
      anonymous: 120,
      organization: 0,
      refusalDelay: 1000,
      burst: 6,
      failures: 5,
      failuresPerAddress: 50,
      lock: 60,
      maxLock: 900,
      cors: [],
    });
    expect(buildOptions(defaults)).toMatchObject({
      rateLimits: { perActor: 600, anonymous: 120, perOrganization: 0, refusalDelayMs: 1000, burstMs: 6000 },
      loginThrottle: { maxFailures: 5, maxFailuresPerAddress: 50, lockMs: 60_000, maxLockMs: 900_000 },
      corsOrigins: [],
    });
    const changed = readConfig({
      RATE_LIMIT_PER_MINUTE: '0',
      LOGIN_MAX_FAILURES: '10',
      CORS_ORIGINS: 'https://a.example/',
    });
    expect([changed.rateLimitPerMinute, changed.loginMaxFailures, changed.corsOrigins]).toEqual([
      0,
      10,
      ['https://a.example'],
    ]);
    for (const bad of ['-1', '1.5', 'lots', '1e400']) {
      expect(() => readConfig({ RATE_LIMIT_PER_MINUTE: bad }), bad).toThrow(/RATE_LIMIT_PER_MINUTE/);
    }
  });
});
