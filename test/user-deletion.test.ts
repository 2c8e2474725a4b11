/**
 * An organization's admin deletes a user (DELETE /api/v1/users/{id}, docs/ORGANIZATION.md "Deleting a user"):
 * only a disabled one, never themselves; the user's grants, sessions, API tokens, favorites and notifications go
 * with them, their e-mail address is free for a new user who inherits nothing, and the notes and activity they
 * left keep their name. Refusals change nothing. On SQLite and PostgreSQL.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../server/services/passwords.ts';
import { errorShapeProblems } from './error-shape.ts';
import { dealBody, makeUser, standardWorld, type UserFixture, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';
import { changedTables, snapshot } from './hostile/snapshot.ts';

const PASSWORD = 'user deletion password';
const passwordHash = hashPassword(PASSWORD);

type Auth = { authorization: string } | { cookie: string; 'x-csrf-token'?: string };

describe.each(DIALECTS)('deleting a user on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  /** Contoso's partner-admin. */
  let admin: UserFixture;
  let serial = 0;

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    admin = await makeUser(env.ctx, world.contoso, 'owner@contoso.example', [{ role: 'partner-admin' }], {
      passwordHash: await passwordHash,
    });
  });
  afterAll(async () => env?.close());

  const call = (method: string, url: string, auth: Auth, payload?: unknown) =>
    env.app.inject({
      method: method as 'GET',
      url,
      headers: auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  const expectError = (res: LightMyRequestResponse, status: number, code: string) => {
    expect(errorShapeProblems(res), res.body).toEqual([]);
    expect({ status: res.statusCode, code: res.json().error.code }, res.body).toEqual({ status, code });
  };

  const ok = async (res: Promise<LightMyRequestResponse>, status = 200) => {
    const answer = await res;
    expect(answer.statusCode, answer.body).toBe(status);
    return status === 204 ? null : answer.json();
  };

  const login = (email: string, password = PASSWORD) =>
    call('POST', '/api/v1/auth/login', {} as Auth, { email, password });

  const unchanged = async (work: () => Promise<void>) => {
    const before = await snapshot(env.ctx, { api_tokens: ['last_used_at'] });
    await work();
    expect(changedTables(before, await snapshot(env.ctx, { api_tokens: ['last_used_at'] }))).toEqual([]);
  };

  /** The rows that hang on a user id. */
  const rowsOf = async (userId: string) => {
    const db = env.ctx.db;
    const count = async (table: 'user_roles' | 'sessions' | 'api_tokens' | 'favorites' | 'notifications') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('user_id', '=', userId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      users: (await db.selectFrom('users').select('id').where('id', '=', userId).execute()).length,
      user_roles: await count('user_roles'),
      sessions: await count('sessions'),
      api_tokens: await count('api_tokens'),
      favorites: await count('favorites'),
      notifications: await count('notifications'),
      preferences: (
        await db
          .selectFrom('notification_preferences')
          .select('user_id')
          .where('user_id', '=', userId)
          .execute()
      ).length,
    };
  };

  /** A Contoso referrals admin with a password, a session, a deal, a note on it, a heart and a notice setting. */
  const busyUser = async () => {
    const email = `leaver.${serial++}@contoso.example`;
    const user = await makeUser(env.ctx, world.contoso, email, [{ role: 'referrals-admin' }], {
      passwordHash: await passwordHash,
    });
    expect((await login(email)).statusCode).toBe(200);
    const deal = await ok(
      call(
        'POST',
        '/api/v1/deals',
        user.auth,
        dealBody(world, { name: `Left behind ${serial}`, team: [user.member] }),
      ),
      201,
    );
    await ok(
      call(
        'POST',
        `/api/v1/deals/${deal.id}/notes`,
        { ...user.auth, 'if-match': `"${deal.version}"` } as Auth,
        {
          body: 'Customer wants a demo',
        },
      ),
      201,
    );
    await ok(call('PUT', `/api/v1/deals/${deal.id}/favorite`, user.auth), 204);
    const preferences = await ok(call('GET', '/api/v1/notifications/preferences', user.auth));
    await ok(call('PUT', '/api/v1/notifications/preferences', user.auth, preferences));
    return { user, deal: deal as { id: string } };
  };

  it('a disabled user is deleted with their grants, sessions, tokens and favorites; their notes and activity keep their name; their address is free again', async () => {
    const { user, deal } = await busyUser();
    const before = await rowsOf(user.id);
    expect(before).toMatchObject({ users: 1, user_roles: 1, sessions: 1, api_tokens: 1, favorites: 1 });

    await ok(call('PATCH', `/api/v1/users/${user.id}`, admin.auth, { disabled: true }));
    await ok(call('DELETE', `/api/v1/users/${user.id}`, admin.auth), 204);

    expect(await rowsOf(user.id)).toEqual({
      users: 0,
      user_roles: 0,
      sessions: 0,
      api_tokens: 0,
      favorites: 0,
      notifications: 0,
      preferences: 0,
    });
    expectError(await call('GET', `/api/v1/users/${user.id}`, admin.auth), 404, 'not-found');
    expectError(await call('DELETE', `/api/v1/users/${user.id}`, admin.auth), 404, 'not-found');
    const listed = await ok(call('GET', '/api/v1/users?limit=100', admin.auth));
    expect(listed.items.map((u: { id: string }) => u.id)).not.toContain(user.id);
    expectError(await call('GET', '/api/v1/me', user.auth), 401, 'unauthenticated');
    expectError(await login(user.email), 401, 'invalid-credentials');

    // What they left on the deal stays, under their name.
    const notes = await ok(call('GET', `/api/v1/deals/${deal.id}/notes`, world.users.radmin.auth));
    expect(notes.items).toEqual([
      expect.objectContaining({
        body: 'Customer wants a demo',
        author: expect.objectContaining({ name: user.name }),
      }),
    ]);
    const activity = await ok(call('GET', `/api/v1/deals/${deal.id}/activity`, world.users.radmin.auth));
    expect(JSON.stringify(activity.items)).toContain(user.name);

    // The audit trail says who was deleted, by whom.
    const events = await env.ctx.db
      .selectFrom('events')
      .select(['data', 'actor_user_id', 'organization_id', 'engagement_id', 'visibility'])
      .where('type', '=', 'user.deleted')
      .execute();
    expect(events).toHaveLength(1);
    const event = events[0];
    const data = typeof event?.data === 'string' ? JSON.parse(event.data) : event?.data;
    expect({ ...event, data }).toEqual({
      data: { userId: user.id, email: user.email, name: user.name },
      actor_user_id: admin.id,
      organization_id: world.contoso.id,
      engagement_id: null,
      visibility: 'organization',
    });

    // A new user may have the address; they inherit nothing.
    const again = await ok(
      call('POST', '/api/v1/users', admin.auth, {
        name: 'New Person',
        email: user.email,
        roles: [{ role: 'referrals-admin' }],
        password: 'a fresh start password',
      }),
      201,
    );
    expect(again.id).not.toBe(user.id);
    const res = await login(user.email, 'a fresh start password');
    expect(res.statusCode).toBe(200);
    const session = {
      cookie: `cosell_session=${res.cookies.find((c) => c.name === 'cosell_session')?.value}`,
    };
    const favorites = await ok(call('GET', '/api/v1/deals?view=favorites', session));
    expect(favorites.items).toEqual([]);
    expectError(await call('GET', '/api/v1/me', user.auth), 401, 'unauthenticated');
  });

  it('refused, with nothing changed: an active user, yourself, another organization’s user, a user that does not exist, anyone but the admin', async () => {
    const { user } = await busyUser();
    const otherAdmin = await makeUser(env.ctx, world.contoso, `admin.${serial++}@contoso.example`, [
      { role: 'partner-admin' },
    ]);
    await unchanged(async () => {
      expectError(await call('DELETE', `/api/v1/users/${user.id}`, admin.auth), 409, 'user-active');
      expectError(await call('DELETE', `/api/v1/users/${admin.id}`, admin.auth), 409, 'own-account');
      expectError(await call('DELETE', `/api/v1/users/${otherAdmin.id}`, admin.auth), 409, 'user-active');
      // Another organization's user is 404 like one that does not exist.
      const hidden = await call('DELETE', `/api/v1/users/${world.users.litware.id}`, admin.auth);
      const missing = await call('DELETE', '/api/v1/users/01a1fe00-0000-7000-8000-000000000000', admin.auth);
      expectError(hidden, 404, 'not-found');
      expectError(missing, 404, 'not-found');
      const { requestId: _a, ...a } = hidden.json().error;
      const { requestId: _b, ...b } = missing.json().error;
      expect(a).toEqual(b);
      expectError(await call('DELETE', `/api/v1/users/${'x'.repeat(65)}`, admin.auth), 400, 'invalid-input');
      // Every other role of the organization: 403.
      for (const who of [world.users.radmin, world.users.userSe, user]) {
        expectError(
          await call('DELETE', `/api/v1/users/${world.users.userSe.id}`, who.auth),
          403,
          'forbidden',
        );
      }
      // Another organization's admin: not theirs, so 404.
      expectError(
        await call('DELETE', `/api/v1/users/${world.users.userSe.id}`, world.users.vadmin.auth),
        404,
        'not-found',
      );
    });
    // A cookie session needs its CSRF token.
    const res = await login(admin.email);
    const cookie = `cosell_session=${res.cookies.find((c) => c.name === 'cosell_session')?.value}`;
    await ok(call('PATCH', `/api/v1/users/${user.id}`, admin.auth, { disabled: true }));
    await unchanged(async () => {
      expectError(await call('DELETE', `/api/v1/users/${user.id}`, { cookie }), 403, 'csrf-failed');
    });
    await ok(
      call('DELETE', `/api/v1/users/${user.id}`, { cookie, 'x-csrf-token': res.json().csrfToken }),
      204,
    );
  });
});
