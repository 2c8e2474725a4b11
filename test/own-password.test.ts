/**
 * A signed-in user changes their own password (POST /api/v1/me/password, docs/ORGANIZATION.md "Your own
 * password"): the current password is required, the user's other sessions end while the one that made the
 * change stays signed in, API tokens keep working, bad input changes nothing, the CSRF token is required of a
 * cookie session, and wrong current passwords are throttled like failed sign-ins (shared with the sign-in).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../server/app.ts';
import { hashPassword, verifyPassword } from '../server/services/passwords.ts';
import { makeUser, standardWorld, type UserFixture, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new passphrase';
// scrypt at N=2^17 costs ~0.3 s: hash once for the whole file.
const passwordHash = hashPassword(PASSWORD);
const URL = '/api/v1/me/password';
const MINUTE = 60_000;

type Headers = Record<string, string>;
type Session = { cookie: string; csrf: string; headers: Headers };

const errorOf = (res: LightMyRequestResponse) =>
  (res.json() as { error: { code: string; path?: string; message: string } }).error;
const expectError = (res: LightMyRequestResponse, status: number, code: string, path?: string) => {
  const error = errorOf(res);
  expect({ status: res.statusCode, code: error.code, path: error.path }).toEqual({ status, code, path });
};

describe.each(DIALECTS)('changing your own password on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  let throttled: FastifyInstance;
  let serial = 0;

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    throttled = await build(env.ctx, {
      loginThrottle: { maxFailures: 3, maxFailuresPerAddress: 50, lockMs: MINUTE, maxLockMs: 15 * MINUTE },
    });
    await throttled.ready();
  });
  afterAll(async () => {
    await throttled?.close();
    await env?.close();
  });

  const send = (
    method: string,
    url: string,
    headers: Headers = {},
    payload?: unknown,
    app: FastifyInstance = env.app,
    from?: string,
  ) =>
    app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(from ? { remoteAddress: from } : {}),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  /** A new user of Contoso with PASSWORD (each test its own, so tests do not share sessions). */
  const newPerson = async () =>
    makeUser(
      env.ctx,
      world.contoso,
      `own.password.${serial++}@contoso.example`,
      [{ role: 'referrals-admin' }],
      {
        passwordHash: await passwordHash,
      },
    );

  const login = async (
    email: string,
    password = PASSWORD,
    app: FastifyInstance = env.app,
    from?: string,
  ): Promise<LightMyRequestResponse> =>
    send('POST', '/api/v1/auth/login', {}, { email, password }, app, from);

  const session = async (email: string, password = PASSWORD): Promise<Session> => {
    const res = await login(email, password);
    expect(res.statusCode).toBe(200);
    const cookie = `cosell_session=${res.cookies.find((c) => c.name === 'cosell_session')?.value}`;
    const csrf = res.json().csrfToken as string;
    return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
  };

  /** What a password change touches: the user's hash, their sessions, their tokens, the audit events. */
  const state = async (person: UserFixture) => {
    const db = env.ctx.db;
    const user = await db
      .selectFrom('users')
      .select(['password_hash'])
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    const sessions = await db
      .selectFrom('sessions')
      .select(['id', 'revoked_at'])
      .where('user_id', '=', person.id)
      .orderBy('id')
      .execute();
    const tokens = await db
      .selectFrom('api_tokens')
      .select(['id', 'revoked_at'])
      .where('user_id', '=', person.id)
      .orderBy('id')
      .execute();
    const events = await db
      .selectFrom('events')
      .select(['type', 'data', 'actor_user_id', 'organization_id', 'visibility', 'engagement_id'])
      .where('actor_user_id', '=', person.id)
      .execute();
    return { hash: user.password_hash, sessions, tokens, events };
  };

  it('with the current password: 204; this session stays signed in, the others end, API tokens keep working', async () => {
    const person = await newPerson();
    const [here, elsewhere] = [await session(person.email), await session(person.email)];
    const res = await send('POST', URL, here.headers, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');

    // This session goes on, CSRF token and all; the other browser is signed out.
    expect((await send('GET', '/api/v1/me', { cookie: here.cookie })).statusCode).toBe(200);
    expect(
      (await send('PATCH', '/api/v1/me', here.headers, { locale: 'sv' })).statusCode,
      'a write in the kept session',
    ).toBe(200);
    expectError(await send('GET', '/api/v1/me', { cookie: elsewhere.cookie }), 401, 'unauthenticated');
    expect((await send('GET', '/api/v1/me', person.auth)).statusCode).toBe(200);

    // The old password no longer signs in; the new one does.
    expectError(await login(person.email), 401, 'invalid-credentials');
    expect((await login(person.email, NEW_PASSWORD)).statusCode).toBe(200);

    const after = await state(person);
    expect(after.hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword(NEW_PASSWORD, after.hash ?? '')).toBe(true);
    expect(after.events).toEqual([
      {
        type: 'user.password-changed',
        data: expect.anything(),
        actor_user_id: person.id,
        organization_id: world.contoso.id,
        visibility: 'organization',
        engagement_id: null,
      },
    ]);
    const data = after.events[0]?.data;
    expect(typeof data === 'string' ? JSON.parse(data) : data).toEqual({
      userId: person.id,
      keptSession: true,
    });
    // Never the password or its hash in the event.
    expect(JSON.stringify(after.events)).not.toContain(NEW_PASSWORD);
  });

  it('through an API token: every browser session ends, the token keeps working', async () => {
    const person = await newPerson();
    const browser = await session(person.email);
    const res = await send('POST', URL, person.auth, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(res.statusCode).toBe(204);
    expectError(await send('GET', '/api/v1/me', { cookie: browser.cookie }), 401, 'unauthenticated');
    expect((await send('GET', '/api/v1/me', person.auth)).statusCode).toBe(200);
    expect((await login(person.email, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('bad input is a clear 4xx at the field and changes nothing', async () => {
    const person = await newPerson();
    const here = await session(person.email);
    const other = await session(person.email);
    const before = await state(person);
    const cases: {
      label: string;
      headers: Headers;
      body: unknown;
      status: number;
      code: string;
      path?: string;
    }[] = [
      {
        label: 'wrong current password',
        headers: here.headers,
        body: { currentPassword: 'not my password', newPassword: NEW_PASSWORD },
        status: 400,
        code: 'invalid-input',
        path: 'currentPassword',
      },
      {
        label: 'the current password in another letter case',
        headers: here.headers,
        body: { currentPassword: PASSWORD.toUpperCase(), newPassword: NEW_PASSWORD },
        status: 400,
        code: 'invalid-input',
        path: 'currentPassword',
      },
      {
        label: 'new password too short',
        headers: here.headers,
        body: { currentPassword: PASSWORD, newPassword: 'short' },
        status: 400,
        code: 'invalid-input',
        path: 'newPassword',
      },
      {
        label: 'new password the same as the current one',
        headers: here.headers,
        body: { currentPassword: PASSWORD, newPassword: PASSWORD },
        status: 400,
        code: 'invalid-input',
        path: 'newPassword',
      },
      {
        label: 'new password too long',
        headers: here.headers,
        body: { currentPassword: PASSWORD, newPassword: 'x'.repeat(1025) },
        status: 400,
        code: 'invalid-input',
        path: 'newPassword',
      },
      {
        label: 'no current password',
        headers: here.headers,
        body: { newPassword: NEW_PASSWORD },
        status: 400,
        code: 'invalid-input',
        path: 'currentPassword',
      },
      {
        label: 'empty current password',
        headers: here.headers,
        body: { currentPassword: '', newPassword: NEW_PASSWORD },
        status: 400,
        code: 'invalid-input',
        path: 'currentPassword',
      },
      {
        label: 'a number for the new password',
        headers: here.headers,
        body: { currentPassword: PASSWORD, newPassword: 123456789012345 },
        status: 400,
        code: 'invalid-input',
        path: 'newPassword',
      },
      {
        label: 'an unknown field',
        headers: here.headers,
        body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, userId: world.users.radmin.id },
        status: 400,
        code: 'invalid-input',
      },
      {
        label: 'a cookie session without the CSRF token',
        headers: { cookie: here.cookie },
        body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
        status: 403,
        code: 'csrf-failed',
      },
      {
        label: 'the CSRF token of another session',
        headers: { cookie: here.cookie, 'x-csrf-token': other.csrf },
        body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
        status: 403,
        code: 'csrf-failed',
      },
      {
        label: 'nobody signed in',
        headers: {},
        body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
        status: 401,
        code: 'unauthenticated',
      },
    ];
    for (const c of cases) {
      const res = await send('POST', URL, c.headers, c.body);
      const error = errorOf(res);
      expect({ label: c.label, status: res.statusCode, code: error.code }).toEqual({
        label: c.label,
        status: c.status,
        code: c.code,
      });
      if (c.path) expect(error.path, c.label).toBe(c.path);
      expect(await state(person), c.label).toEqual(before);
    }
    const wrong = await send('POST', URL, here.headers, {
      currentPassword: 'not my password',
      newPassword: NEW_PASSWORD,
    });
    expect(errorOf(wrong).message).toBe('The current password is wrong.');
    // Still signed in everywhere, still the old password.
    expect((await send('GET', '/api/v1/me', { cookie: other.cookie })).statusCode).toBe(200);
    expect((await login(person.email)).statusCode).toBe(200);
  });

  it('a user without a password (signs in elsewhere) gets the same answer as a wrong password', async () => {
    const person = await makeUser(env.ctx, world.contoso, `no.password.${serial++}@contoso.example`, [
      { role: 'referrals-admin' },
    ]);
    expectError(
      await send('POST', URL, person.auth, { currentPassword: 'anything at all', newPassword: NEW_PASSWORD }),
      400,
      'invalid-input',
      'currentPassword',
    );
    const row = await env.ctx.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
  });

  it('two changes at once with the same current password: one wins, the other finds it wrong', async () => {
    const person = await newPerson();
    const [a, b] = await Promise.all([
      send('POST', URL, person.auth, { currentPassword: PASSWORD, newPassword: 'first new passphrase' }),
      send('POST', URL, person.auth, { currentPassword: PASSWORD, newPassword: 'second new passphrase' }),
    ]);
    const statuses = [a.statusCode, b.statusCode].sort();
    expect(statuses).toEqual([204, 400]);
    const winner = a.statusCode === 204 ? 'first new passphrase' : 'second new passphrase';
    const loser = a.statusCode === 204 ? b : a;
    expect(errorOf(loser).path).toBe('currentPassword');
    expect((await login(person.email, winner)).statusCode).toBe(200);
    expect((await state(person)).events.filter((e) => e.type === 'user.password-changed')).toHaveLength(1);
  });

  it('wrong current passwords are throttled like failed sign-ins, and share their count', async () => {
    const person = await newPerson();
    const from = '192.0.2.77';
    const change = (currentPassword: string, address = from) =>
      send('POST', URL, person.auth, { currentPassword, newPassword: NEW_PASSWORD }, throttled, address);
    for (let i = 0; i < 3; i++) expectError(await change('guess'), 400, 'invalid-input', 'currentPassword');
    const locked = await change(PASSWORD);
    expectError(locked, 429, 'rate-limited');
    expect(locked.headers['retry-after']).toBe('60');
    // The sign-in of that e-mail from that address waits too; from elsewhere it works.
    expectError(await login(person.email, PASSWORD, throttled, from), 429, 'rate-limited');
    expect((await login(person.email, PASSWORD, throttled, '192.0.2.78')).statusCode).toBe(200);
    expect(await verifyPassword(PASSWORD, (await state(person)).hash ?? '')).toBe(true);

    env.ctx.clock.advance(MINUTE);
    expect((await change(PASSWORD)).statusCode).toBe(204);
    // A success starts the pair over: one more typo is not a lock.
    expectError(
      await send(
        'POST',
        URL,
        person.auth,
        { currentPassword: 'typo', newPassword: PASSWORD },
        throttled,
        from,
      ),
      400,
      'invalid-input',
      'currentPassword',
    );
    expect((await login(person.email, NEW_PASSWORD, throttled, from)).statusCode).toBe(200);
  });
});
