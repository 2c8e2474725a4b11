/**
 * Hostile input generated from the OpenAPI document (SPEC §14): for every route the document lists, at least
 * 100 requests built from a valid request by breaking one thing the route's schema describes (see
 * test/hostile/requests.ts), sent with an API token and, for every fourth, a cookie session with its CSRF
 * token. Each must get no 5xx, the statuses its kind allows, a conforming error body, and the database must be
 * exactly as it was (row counts and a checksum of every table) with the clock unmoved. Then authorization
 * probing: other organizations' deal ids on every deal route answer 404 like ids that do not exist.
 *
 * Reproducible: the requests come from HOSTILE_SEED (default below); a failure prints the seed and the request.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPANY_CSV_COLUMNS } from '../core/company-csv.ts';
import { build } from '../server/app.ts';
import { movableClock } from '../server/clock.ts';
import { openDatabase } from '../server/db/database.ts';
import { IMPORT_BODY_LIMIT } from '../server/http/admin.ts';
import { Dispatcher } from '../server/services/dispatcher.ts';
import { hashPassword } from '../server/services/passwords.ts';
import { errorShapeProblems } from './error-shape.ts';
import { dealBody, invitation, standardWorld, type UserFixture, type World } from './factories.ts';
import { createTestEnv, DIALECTS, TEST_START, type TestEnv } from './harness.ts';
import {
  type Baseline,
  baselineRequest,
  type HostileRequest,
  hostileRequests,
  type OpenApiDocument,
  type Route,
  routeSeed,
  routesOf,
  sampleBaseline,
  seededRng,
} from './hostile/requests.ts';
import { changedTables, snapshot } from './hostile/snapshot.ts';

const SEED = Number(process.env.HOSTILE_SEED ?? 0x5eed2026);
const PER_ROUTE = 100;
const PASSWORD = 'hostile input password';

/** The document as the harness's app serves it (demo clock on), read once so every route names a test. */
async function openApiDocument(): Promise<OpenApiDocument> {
  const handle = openDatabase('sqlite::memory:');
  const app = await build({
    db: handle.db,
    dialect: handle.dialect,
    clock: movableClock(TEST_START),
    config: { vendorName: 'Northwind Cloud', sessionTtlHours: 12 },
  });
  await app.ready();
  const doc = app.swagger() as unknown as OpenApiDocument;
  await app.close();
  await handle.close();
  return doc;
}
const ROUTES = routesOf(await openApiDocument());

type UserKey = 'radmin' | 'litware' | 'vadmin';
type Session = { cookie: string; csrf: string };

interface RouteBaseline extends Partial<Baseline> {
  /** Who sends it; null: nobody (a public route). */
  user: UserKey | null;
}

interface Fixtures {
  world: World;
  deals: Record<
    'read' | 'patch' | 'stage' | 'win' | 'lose' | 'error' | 'invite' | 'notes' | 'favorite',
    { id: string; version: number }
  >;
  /** Litware's received records of two Contoso partner-to-partner deals. */
  toAccept: { id: string; version: number };
  toDecline: { id: string; version: number };
  /** Litware's own private deal: invisible to Contoso and the vendor. */
  foreign: { id: string; version: number };
  spareToken: string;
  webhook: string;
  delivery: string;
  deadLetter: string;
  notification: string;
  rule: string;
  /** The vendor's own: a location to change, one to delete, a tenant to unlink (the vendor has two). */
  location: string;
  spareLocation: string;
  spareTenant: string;
  /** A disabled user of the vendor, to delete. */
  spareUser: string;
  cursors: Record<'deals' | 'events' | 'notifications' | 'deliveries' | 'deadLetters' | 'users', string[]>;
  sessions: Record<UserKey, Session>;
}

/**
 * A valid request per route: the hostile requests break one thing of it, so a request that is wrongly
 * accepted does what the route does and the snapshot sees it. The last test checks each is valid.
 * A route missing here gets a baseline sampled from its schema (ids that do not exist).
 */
function baselines(f: Fixtures): Record<string, RouteBaseline> {
  const w = f.world;
  const deal = (d: { id: string; version: number }) => ({
    params: { id: d.id },
    headers: { 'if-match': `"${d.version}"` },
  });
  return {
    'GET /api/v1/lifecycle': { user: null },
    'POST /api/v1/auth/login': {
      user: null,
      body: { email: 'nobody@contoso.example', password: 'not the password' },
    },
    'POST /api/v1/auth/logout': { user: 'radmin' },
    'GET /api/v1/me': { user: 'radmin' },
    'PATCH /api/v1/me': { user: 'radmin', body: { locale: 'sv' } },
    'POST /api/v1/me/password': {
      user: 'radmin',
      body: { currentPassword: PASSWORD, newPassword: 'a new hostile input password' },
    },
    'POST /api/v1/tokens': { user: 'radmin', body: { name: 'hostile' } },
    'GET /api/v1/tokens': { user: 'radmin' },
    'DELETE /api/v1/tokens/{id}': { user: 'radmin', params: { id: f.spareToken } },
    'GET /api/v1/companies': { user: 'radmin', query: { q: 'volvo', country: 'SE', limit: '5' } },
    'GET /api/v1/solutions': { user: 'radmin', query: { kind: 'partners', q: 'lit' } },
    'GET /api/v1/partners': { user: 'radmin', query: { q: 'lit' } },
    'POST /api/v1/deals': { user: 'radmin', body: dealBody(w, { name: 'Hostile create' }) },
    'POST /api/v1/deals/duplicates': { user: 'radmin', body: { customer: { companyId: w.company } } },
    'GET /api/v1/deals': {
      user: 'radmin',
      query: { view: 'outbound', sort: 'updatedAt', limit: '2' },
      cursors: f.cursors.deals,
    },
    'GET /api/v1/deals/{id}': { user: 'radmin', params: { id: f.deals.read.id } },
    'PATCH /api/v1/deals/{id}': { user: 'radmin', ...deal(f.deals.patch), body: { name: 'Renamed' } },
    'POST /api/v1/deals/{id}/accept': { user: 'litware', ...deal(f.toAccept), body: {} },
    'POST /api/v1/deals/{id}/decline': {
      user: 'litware',
      ...deal(f.toDecline),
      body: { reason: 'no-budget', notes: 'Not now' },
    },
    'POST /api/v1/deals/{id}/stage': { user: 'radmin', ...deal(f.deals.stage), body: { stage: 'qualified' } },
    'POST /api/v1/deals/{id}/win': { user: 'radmin', ...deal(f.deals.win), body: { notes: 'Signed' } },
    'POST /api/v1/deals/{id}/lose': { user: 'radmin', ...deal(f.deals.lose), body: { reason: 'no-budget' } },
    'POST /api/v1/deals/{id}/close-as-error': {
      user: 'radmin',
      ...deal(f.deals.error),
      body: { reason: 'duplicate' },
    },
    'POST /api/v1/deals/{id}/invitations': {
      user: 'radmin',
      ...deal(f.deals.invite),
      body: {
        partners: [invitation(w, { partnerId: w.fabrikam.id, solutionIds: [w.solutions.fabrikam] })],
      },
    },
    'GET /api/v1/deals/{id}/notes': { user: 'radmin', params: { id: f.deals.read.id } },
    'POST /api/v1/deals/{id}/notes': { user: 'radmin', ...deal(f.deals.notes), body: { body: 'Hello' } },
    'PUT /api/v1/deals/{id}/favorite': { user: 'radmin', params: { id: f.deals.favorite.id } },
    'DELETE /api/v1/deals/{id}/favorite': { user: 'radmin', params: { id: f.deals.read.id } },
    'GET /api/v1/deals/{id}/activity': { user: 'radmin', params: { id: f.deals.read.id } },
    'POST /api/v1/admin/companies/import': {
      user: 'vadmin',
      query: { dryRun: 'false' },
      body: `${COMPANY_CSV_COLUMNS.join(',')}\nHostile Imports AB,,1 Main Street,Lund,,22100,SE,,,\n`,
      bodyLimit: IMPORT_BODY_LIMIT,
    },
    'GET /api/v1/notifications': {
      user: 'litware',
      query: { limit: '1' },
      cursors: f.cursors.notifications,
    },
    'GET /api/v1/notifications/unread-count': { user: 'litware' },
    'POST /api/v1/notifications/{id}/read': { user: 'litware', params: { id: f.notification } },
    'POST /api/v1/notifications/read-all': { user: 'litware' },
    'GET /api/v1/notifications/preferences': { user: 'radmin' },
    'PUT /api/v1/notifications/preferences': {
      user: 'radmin',
      body: { emailEnabled: false, email: { 'deal-received': false } },
    },
    'POST /api/v1/webhooks': {
      user: 'radmin',
      body: { url: 'http://127.0.0.1:9/other', events: ['deal.created'] },
    },
    'GET /api/v1/webhooks': { user: 'radmin' },
    'GET /api/v1/webhooks/{id}': { user: 'radmin', params: { id: f.webhook } },
    'PATCH /api/v1/webhooks/{id}': {
      user: 'radmin',
      params: { id: f.webhook },
      body: { events: ['deal.created', 'deal.note-added'] },
    },
    'DELETE /api/v1/webhooks/{id}': { user: 'radmin', params: { id: f.webhook } },
    'POST /api/v1/webhooks/{id}/rotate-secret': { user: 'radmin', params: { id: f.webhook } },
    'GET /api/v1/webhooks/{id}/deliveries': {
      user: 'radmin',
      params: { id: f.webhook },
      query: { limit: '1' },
      cursors: f.cursors.deliveries,
    },
    'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': {
      user: 'radmin',
      params: { id: f.webhook, deliveryId: f.delivery },
    },
    'GET /api/v1/dead-letters': { user: 'radmin', query: { limit: '1' }, cursors: f.cursors.deadLetters },
    'POST /api/v1/dead-letters/{id}/retry': { user: 'radmin', params: { id: f.deadLetter } },
    'GET /api/v1/events': { user: 'radmin', query: { limit: '1' }, cursors: f.cursors.events },
    'GET /api/v1/routing-rules': { user: 'radmin' },
    'POST /api/v1/routing-rules': {
      user: 'radmin',
      body: { country: 'TW', locationId: w.taipei.id },
    },
    'PATCH /api/v1/routing-rules/{id}': { user: 'radmin', params: { id: f.rule }, body: { country: 'DE' } },
    'DELETE /api/v1/routing-rules/{id}': { user: 'radmin', params: { id: f.rule } },
    'GET /api/v1/stage-names': { user: 'radmin' },
    'PUT /api/v1/stage-names': {
      user: 'radmin',
      body: { stages: [{ name: 'Discovery', stage: 'qualified' }] },
    },
    'GET /api/v1/users': { user: 'vadmin', query: { limit: '1' }, cursors: f.cursors.users },
    'POST /api/v1/users': {
      user: 'vadmin',
      body: {
        name: 'Hostile Seller',
        email: 'hostile.seller@northwind.example',
        roles: [{ role: 'vendor-seller', scope: 'company' }],
      },
    },
    'GET /api/v1/users/{id}': { user: 'vadmin', params: { id: w.users.otherSeller.id } },
    'PATCH /api/v1/users/{id}': {
      user: 'vadmin',
      params: { id: w.users.otherSeller.id },
      body: { name: 'Hostile Renamed', roles: [{ role: 'vendor-seller', scope: 'company' }] },
    },
    'POST /api/v1/users/{id}/reset-password': { user: 'vadmin', params: { id: w.users.otherSeller.id } },
    'DELETE /api/v1/users/{id}': { user: 'vadmin', params: { id: f.spareUser } },
    'GET /api/v1/locations': { user: 'vadmin' },
    'POST /api/v1/locations': {
      user: 'vadmin',
      body: { name: 'Northwind Lund', country: 'SE', city: 'Lund' },
    },
    'PATCH /api/v1/locations/{id}': { user: 'vadmin', params: { id: f.location }, body: { city: 'Malmö' } },
    'DELETE /api/v1/locations/{id}': { user: 'vadmin', params: { id: f.spareLocation } },
    'GET /api/v1/tenants': { user: 'vadmin' },
    'POST /api/v1/tenants': { user: 'vadmin', body: { domain: 'hostile.example', name: 'Hostile' } },
    'DELETE /api/v1/tenants/{id}': { user: 'vadmin', params: { id: f.spareTenant } },
    'GET /api/v1/demo/clock': { user: 'vadmin' },
    'POST /api/v1/demo/clock': { user: 'vadmin', body: { advance: 'P1D' } },
    'GET /api/v1/demo/personas': { user: null },
  };
}

describe.each(DIALECTS)('hostile input generated from the OpenAPI document on %s', (dialect) => {
  let env: TestEnv;
  const fx = {} as Fixtures;
  let table: Record<string, RouteBaseline>;

  const inject = (options: InjectOptions) => env.app.inject(options);
  const userOf = (key: UserKey): UserFixture => fx.world.users[key];

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    env.ctx.config.webhookAllowedHosts = ['127.0.0.1'];
    const w = await standardWorld(env);
    fx.world = w;
    const as = (user: UserFixture) => user.auth;
    const post = async (user: UserFixture, url: string, payload: object, headers = {}) => {
      const res = await inject({ method: 'POST', url, headers: { ...as(user), ...headers }, payload });
      expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
      return res.json();
    };
    const own = async (name: string) => {
      const d = await post(w.users.radmin, '/api/v1/deals', dealBody(w, { name }));
      return { id: d.id as string, version: d.version as number };
    };
    fx.deals = {
      read: await own('Read me'),
      patch: await own('Patch me'),
      stage: await own('Stage me'),
      win: await own('Win me'),
      lose: await own('Lose me'),
      error: await own('Close me as an error'),
      invite: await own('Invite to me'),
      notes: await own('Note me'),
      favorite: await own('Favorite me'),
    };
    // The same Idempotency-Key with another body is a 422 (one of the requests below).
    await post(w.users.radmin, '/api/v1/deals', dealBody(w, { name: 'Idempotent' }), {
      'idempotency-key': 'hostile-replay',
    });
    const received = async (name: string) => {
      const d = await post(
        w.users.radmin,
        '/api/v1/deals',
        dealBody(w, { name, invitations: [invitation(w)] as never }),
      );
      const inbound = await inject({
        method: 'GET',
        url: '/api/v1/deals?view=inbound&limit=100',
        headers: as(w.users.litware),
      });
      const record = inbound
        .json()
        .items.find((i: { engagementId: string }) => i.engagementId === d.engagementId);
      expect(record).toMatchObject({ status: 'received' });
      return { id: record.id as string, version: record.version as number };
    };
    fx.toAccept = await received('Accept me');
    fx.toDecline = await received('Decline me');
    const foreign = await post(w.users.litware, '/api/v1/deals', {
      ...dealBody(w, {
        name: 'Litware own deal',
        team: [w.users.litware.member],
        solutionIds: [w.solutions.litware],
      }),
      locationId: w.litware.locations[0]?.id,
    });
    fx.foreign = { id: foreign.id, version: foreign.version };
    fx.spareToken = (await post(w.users.radmin, '/api/v1/tokens', { name: 'spare' })).id;
    fx.webhook = (
      await post(w.users.radmin, '/api/v1/webhooks', {
        url: 'http://127.0.0.1:9/hooks',
        events: ['deal.created', 'deal.status-changed'],
      })
    ).id;
    fx.rule = (
      await post(w.users.radmin, '/api/v1/routing-rules', { country: 'SE', locationId: w.stockholm.id })
    ).id;
    const place = (name: string) =>
      post(w.users.vadmin, '/api/v1/locations', { name, country: 'SE', city: 'Stockholm' });
    fx.location = (await place('Northwind Stockholm')).id;
    fx.spareLocation = (await place('Northwind Spare')).id;
    await post(w.users.vadmin, '/api/v1/tenants', { domain: 'northwind.example' });
    fx.spareTenant = (await post(w.users.vadmin, '/api/v1/tenants', { domain: 'northwind-emea.example' })).id;
    fx.spareUser = (
      await post(w.users.vadmin, '/api/v1/users', {
        name: 'Leaver',
        email: 'leaver@northwind.example',
        roles: [{ role: 'vendor-seller' }],
      })
    ).id;
    const disabled = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${fx.spareUser}`,
      headers: w.users.vadmin.auth,
      payload: { disabled: true },
    });
    expect(disabled.statusCode, disabled.body).toBe(200);

    // One dispatcher round: in-app notifications for Litware, webhook deliveries to a closed port, which give up
    // at once and become dead letters.
    await new Dispatcher(env.ctx, {
      mailer: null,
      random: () => 1,
      settings: { giveUpAfterMs: 0 },
    }).runOnce();
    const get = async (user: UserFixture, url: string) => {
      const res = await inject({ method: 'GET', url, headers: as(user) });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      return res.json();
    };
    const notifications = await get(w.users.litware, '/api/v1/notifications?limit=1');
    fx.notification = notifications.items[0]?.id;
    const deliveries = await get(w.users.radmin, `/api/v1/webhooks/${fx.webhook}/deliveries?limit=1`);
    fx.delivery = deliveries.items[0]?.id;
    const dead = await get(w.users.radmin, '/api/v1/dead-letters?limit=1');
    // Another dead letter than the delivery the redeliver baseline uses (which makes it pending again).
    const deadIds = (await get(w.users.radmin, '/api/v1/dead-letters?limit=5')).items.map(
      (d: { id: string }) => d.id,
    );
    fx.deadLetter = deadIds.find((id: string) => id !== fx.delivery);
    expect([fx.notification, fx.delivery, fx.deadLetter]).toEqual([
      expect.any(String),
      expect.any(String),
      expect.any(String),
    ]);
    fx.cursors = {
      deals: [
        (await get(w.users.radmin, '/api/v1/deals?view=outbound&limit=2')).nextCursor,
        (await get(w.users.radmin, '/api/v1/deals?view=outbound&sort=value&limit=2')).nextCursor,
        (await get(w.users.radmin, '/api/v1/deals?view=outbound&sort=expiresAt&order=asc&limit=2'))
          .nextCursor,
      ],
      events: [(await get(w.users.radmin, '/api/v1/events?limit=1')).nextCursor],
      notifications: [notifications.nextCursor],
      deliveries: [deliveries.nextCursor],
      deadLetters: [dead.nextCursor],
      users: [(await get(w.users.vadmin, '/api/v1/users?limit=1')).nextCursor],
    };
    for (const [name, list] of Object.entries(fx.cursors)) {
      expect(
        list.every((c) => typeof c === 'string' && c.length > 0),
        `a real ${name} cursor`,
      ).toBe(true);
    }

    // Cookie sessions through the real sign-in, one scrypt hash for all three users.
    const hash = await hashPassword(PASSWORD);
    const keys: UserKey[] = ['radmin', 'litware', 'vadmin'];
    await env.ctx.db
      .updateTable('users')
      .set({ password_hash: hash })
      .where(
        'id',
        'in',
        keys.map((k) => userOf(k).id),
      )
      .execute();
    const sessions = await Promise.all(
      keys.map(async (key) => {
        const res = await inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: userOf(key).email, password: PASSWORD },
        });
        expect(res.statusCode).toBe(200);
        const cookie = res.cookies.find((c) => c.name === 'cosell_session');
        return [key, { cookie: `cosell_session=${cookie?.value}`, csrf: res.json().csrfToken }] as const;
      }),
    );
    fx.sessions = Object.fromEntries(sessions) as Record<UserKey, Session>;
    table = baselines(fx);
  });
  afterAll(async () => env?.close());

  it('the served document has the routes the tests were named after', () => {
    const served = routesOf(env.app.swagger() as unknown as OpenApiDocument).map((r) => r.key);
    expect(served).toEqual(ROUTES.map((r) => r.key));
    expect(ROUTES.length).toBeGreaterThan(50);
  });

  const baselineOf = (route: Route): { base: Baseline; user: UserKey | null } => {
    const entry = table[route.key];
    const sampled = sampleBaseline(route);
    if (!entry) return { base: sampled, user: route.public ? null : 'radmin' };
    const { user, ...given } = entry;
    return { base: { ...sampled, ...given, query: given.query ?? {}, headers: given.headers ?? {} }, user };
  };

  /** Credentials for one request: the user's token, or (every fourth request) the user's cookie session. */
  const credentials = (r: HostileRequest, user: UserKey | null, index: number): Record<string, string> => {
    if (typeof r.auth === 'object') return { ...r.auth };
    if (user === null) return {};
    const session = fx.sessions[user];
    const other = fx.sessions[user === 'radmin' ? 'litware' : 'radmin'];
    switch (r.auth) {
      case 'session-without-csrf':
        return { cookie: session.cookie };
      case 'session-with-wrong-csrf':
        return { cookie: session.cookie, 'x-csrf-token': `${session.csrf}x` };
      case 'session-with-another-users-csrf':
        return { cookie: session.cookie, 'x-csrf-token': other.csrf };
      default:
        return index % 4 === 3 ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : userOf(user).auth;
    }
  };

  const send = (r: HostileRequest, auth: Record<string, string>) =>
    inject({
      method: r.method,
      url: r.url,
      headers: { ...r.headers, ...auth },
      ...(r.payload === undefined
        ? {}
        : { payload: typeof r.payload === 'function' ? r.payload() : (r.payload as string) }),
    });

  /** Why a response is wrong for its request; null when it is right. */
  const verdict = (r: HostileRequest, res: LightMyRequestResponse): string | null => {
    if (res.statusCode >= 500) return `${res.statusCode}`;
    if (r.statuses.length > 0 && !r.statuses.includes(res.statusCode)) {
      return `${res.statusCode}, expected ${r.statuses.join(' or ')}`;
    }
    if (res.statusCode >= 400) {
      const problems = errorShapeProblems(res);
      if (problems.length > 0) return `${res.statusCode} with a bad error body: ${problems.join('; ')}`;
    }
    return null;
  };

  const describeFailure = (r: HostileRequest, why: string, res?: LightMyRequestResponse) =>
    `[seed ${SEED}] ${r.method} ${r.url.slice(0, 120)} — ${r.label} (auth ${JSON.stringify(r.auth).slice(0, 40)}): ${why}${
      res ? ` — ${res.body.slice(0, 200)}` : ''
    }`;

  /**
   * Columns left out of the snapshot because reads legitimately write them:
   * - api_tokens.last_used_at: every authenticated request with a token records its last use (at most once a
   *   minute per token; the frozen clock makes it the first use only). It is a hint for the token list, not a
   *   change a request could make on purpose.
   * Nothing else is left out: expiry on read writes nothing here (the clock is frozen and no received record is
   *   due), sessions have no last-seen column, and the dispatcher does not run during the tests.
   */
  const EXCLUDED = { api_tokens: ['last_used_at'] };

  /** Sends the requests; returns the failures and what changed in the database and the clock. */
  async function batch(requests: { request: HostileRequest; auth: Record<string, string> }[]) {
    const before = await snapshot(env.ctx, EXCLUDED);
    const clock = env.ctx.clock.now().toISOString();
    const failures: string[] = [];
    const responses: (LightMyRequestResponse | null)[] = [];
    for (const { request, auth } of requests) {
      let res: LightMyRequestResponse | null = null;
      try {
        res = await send(request, auth);
        const why = verdict(request, res);
        if (why) failures.push(describeFailure(request, why, res));
      } catch (error) {
        failures.push(describeFailure(request, `inject threw ${(error as Error).message}`));
      }
      responses.push(res);
    }
    const after = await snapshot(env.ctx, EXCLUDED);
    if (process.env.HOSTILE_STATS) {
      const statuses: Record<number, number> = {};
      for (const res of responses) if (res) statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      console.log(
        `${requests[0]?.request.method} ${requests[0]?.request.url.split('?')[0]}: ${requests.length} requests`,
        statuses,
      );
    }
    const result = {
      failures: failures
        .slice(0, 25)
        .concat(failures.length > 25 ? [`… and ${failures.length - 25} more`] : []),
      changed: changedTables(before, after),
      clockMoved: env.ctx.clock.now().toISOString() !== clock,
    };
    return { result, responses };
  }

  /** Requests only this app can know to send: the idempotency replay with another body. */
  const extras = (route: Route, base: Baseline): HostileRequest[] => {
    if (route.key !== 'POST /api/v1/deals') return [];
    const request = baselineRequest(route, base);
    return [
      {
        ...request,
        label: 'a used Idempotency-Key with another body',
        headers: { ...request.headers, 'idempotency-key': 'hostile-replay' },
        statuses: [422],
      },
    ];
  };

  it.each(ROUTES.map((route) => [route.key, route] as const))('%s', async (_key, route) => {
    const { base, user } = baselineOf(route);
    const requests = [
      ...hostileRequests(route, base, seededRng(routeSeed(SEED, route.key)), PER_ROUTE),
      ...extras(route, base),
    ];
    expect(requests.length).toBeGreaterThanOrEqual(PER_ROUTE);
    const { result } = await batch(
      requests.map((request, i) => ({ request, auth: credentials(request, user, i) })),
    );
    expect(result).toEqual({ failures: [], changed: [], clockMoved: false });
  });

  it("another organization's deal id answers 404 on every deal route, like an id that does not exist", async () => {
    const w = fx.world;
    const dealRoutes = ROUTES.filter((r) => r.path.startsWith('/api/v1/deals/{id}'));
    expect(dealRoutes.length).toBeGreaterThanOrEqual(14);
    const targets: { label: string; id: string; version: number; user: UserFixture; session?: Session }[] = [
      { label: "Litware's deal as Contoso", ...fx.foreign, user: w.users.radmin },
      {
        label: "Litware's deal as Contoso (session)",
        ...fx.foreign,
        user: w.users.radmin,
        session: fx.sessions.radmin,
      },
      { label: "Litware's record of a Contoso deal as Contoso", ...fx.toAccept, user: w.users.radmin },
      { label: "Contoso's private deal as the vendor", ...fx.deals.read, user: w.users.vadmin },
      { label: "Contoso's private deal as Fabrikam", ...fx.deals.read, user: w.users.fabrikam },
      { label: "Contoso's private deal as Litware", ...fx.deals.read, user: w.users.litware },
    ];
    const requests: { request: HostileRequest; auth: Record<string, string> }[] = [];
    for (const route of dealRoutes) {
      const { base } = baselineOf(route);
      for (const target of targets) {
        const auth = target.session
          ? { cookie: target.session.cookie, 'x-csrf-token': target.session.csrf }
          : target.user.auth;
        for (const [what, id] of [
          ['hidden', target.id],
          ['missing', '01a1fe00-0000-7000-8000-000000000000'],
        ] as const) {
          const request = baselineRequest(route, {
            ...base,
            params: { ...base.params, id },
            headers: {
              ...base.headers,
              ...(base.headers['if-match'] ? { 'if-match': `"${target.version}"` } : {}),
            },
          });
          requests.push({
            request: { ...request, label: `${target.label} (${what})`, statuses: [404] },
            auth,
          });
        }
      }
    }
    const { result, responses } = await batch(requests);
    expect(result).toEqual({ failures: [], changed: [], clockMoved: false });
    // Hidden and missing are indistinguishable: the same status and error, apart from the request id.
    const strip = (res: LightMyRequestResponse | null | undefined) => {
      const { requestId: _ignored, ...error } = res?.json().error ?? {};
      return { status: res?.statusCode, error };
    };
    for (let i = 0; i < requests.length; i += 2) {
      expect(strip(responses[i]), requests[i]?.request.label).toEqual(strip(responses[i + 1]));
    }
  });

  it('every baseline is a valid request, so the requests above were refused for what they broke', async () => {
    // Reads first, then changes, then deletions, then the ones that end the session or move the clock.
    const rank = (route: Route) =>
      route.key === 'POST /api/v1/auth/logout'
        ? 4
        : route.key === 'POST /api/v1/demo/clock'
          ? 5
          : { GET: 0, POST: 1, PUT: 1, PATCH: 1, DELETE: 2 }[route.method];
    const failures: string[] = [];
    for (const route of [...ROUTES].sort((a, b) => rank(a) - rank(b))) {
      if (!table[route.key]) {
        failures.push(`${route.key}: no baseline in hostile-input.test.ts`);
        continue;
      }
      const { base, user } = baselineOf(route);
      const request = baselineRequest(route, base);
      const res = await send(request, user ? userOf(user).auth : {});
      const ok = route.key === 'POST /api/v1/auth/login' ? res.statusCode === 401 : res.statusCode < 300;
      if (!ok) failures.push(`${route.key}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });
});
