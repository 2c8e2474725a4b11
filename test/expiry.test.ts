import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../server/clock.ts';
import { startExpirySweeper } from '../server/jobs/expiry-sweeper.ts';
import { expireDue } from '../server/services/expiry.ts';
import { contact, dealBody, invitation, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

type Auth = { authorization: string };
interface Deal {
  id: string;
  engagementId: string;
  version: number;
  status: string;
  name: string;
  expiresAt: string | null;
  receivedAt: string | null;
  closedAt: string | null;
  participants: { organization: { name: string }; status: string }[];
  abilities: Record<string, boolean>;
}
interface Entry {
  type: string;
  actor: { name: string | null; organization: unknown };
  organization: { name: string };
  changes: Record<string, { from: unknown; to: unknown }>;
  createdAt: string;
}

const WINDOW = 14 * DAY_MS;
/** Far enough ahead that the clock moves of the whole suite never make them past dates. */
const CLOSE = '2029-12-31';
const INVITEE_CLOSE = '2029-11-30';

describe.each(DIALECTS)('expiry of unanswered deals on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  /** The clock when the current test started (every earlier received record has expired by then). */
  let start: Date;
  const at = (ms: number) => new Date(start.getTime() + ms).toISOString();

  const call = (...args: Parameters<TestEnv['call']>) => env.call(...args);
  const get = async (auth: Auth, id: string): Promise<Deal> => {
    const res = await call('GET', `/api/v1/deals/${id}`, auth);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const listIds = async (auth: Auth, view: string) =>
    (await call('GET', `/api/v1/deals?view=${view}&limit=100`, auth))
      .json()
      .items.map((d: { id: string }) => d.id) as string[];
  /** The list items of one engagement in a view, as [status] per record. */
  const listed = async (auth: Auth, view: string, engagementId: string) =>
    (await call('GET', `/api/v1/deals?view=${view}&limit=100`, auth))
      .json()
      .items.filter((d: { engagementId: string }) => d.engagementId === engagementId) as Deal[];
  const inboundRecord = async (auth: Auth, engagementId: string): Promise<Deal> => {
    const res = await call('GET', '/api/v1/deals?view=inbound&limit=100', auth);
    const found = res.json().items.find((d: { engagementId: string }) => d.engagementId === engagementId);
    if (!found) throw new Error('no inbound record');
    return get(auth, found.id);
  };
  const create = async (body: Record<string, unknown>): Promise<Deal> => {
    const res = await call('POST', '/api/v1/deals', world.users.radmin.auth, { ...body, closeDate: CLOSE });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const expiredEntries = async (auth: Auth, id: string) => {
    const res = await call('GET', `/api/v1/deals/${id}/activity`, auth);
    expect(res.statusCode).toBe(200);
    return (res.json().items as Entry[]).filter(
      (e) => e.type === 'deal.status-changed' && e.changes.status?.to === 'expired',
    );
  };
  /** Reads a record's row directly (no on-read expiry): what the database holds. */
  const row = (id: string) =>
    env.ctx.db
      .selectFrom('participants')
      .select(['status', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const invite = (overrides: Record<string, unknown> = {}) =>
    invitation(world, { closeDate: INVITEE_CLOSE, ...overrides });
  const p2pWithLitware = () => create(dealBody(world, { invitations: [invite()] as never }));

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
  });
  // Each test starts with no received record left over: earlier tests' ones are past their window and swept.
  beforeEach(async () => {
    env.ctx.clock.advance(WINDOW + DAY_MS);
    await expireDue(env.ctx);
    expect(
      await env.ctx.db.selectFrom('participants').select('id').where('status', '=', 'received').execute(),
    ).toEqual([]);
    start = env.ctx.clock.now();
  });
  afterAll(async () => env?.close());

  it('a received record shows its deadline, and a read after 14 days already shows it expired', async () => {
    const { litware, radmin } = world.users;
    const created = await p2pWithLitware();
    const received = await inboundRecord(litware.auth, created.engagementId);
    expect(received).toMatchObject({
      status: 'received',
      receivedAt: at(0),
      expiresAt: at(WINDOW),
      closedAt: null,
    });
    expect(received.abilities).toMatchObject({ accept: true, decline: true });

    // One second before the deadline: still received.
    env.ctx.clock.advance(WINDOW - 1000);
    expect((await get(litware.auth, received.id)).status).toBe('received');
    expect(await listIds(litware.auth, 'inbound')).toContain(received.id);

    env.ctx.clock.advance(2000);
    const expired = await get(litware.auth, received.id);
    expect(expired).toMatchObject({ status: 'expired', expiresAt: null, version: received.version + 1 });
    expect(expired.closedAt).toBe(env.ctx.clock.now().toISOString());
    expect(Object.values(expired.abilities).every((v) => v === false)).toBe(true);
    expect(await listIds(litware.auth, 'inbound')).not.toContain(received.id);
    const closed = await listed(litware.auth, 'closed', created.engagementId);
    expect(closed.map((d) => [d.id, d.status, d.expiresAt])).toEqual([[received.id, 'expired', null]]);

    // The inviter's own record is untouched; its card for Litware says expired.
    const mine = await get(radmin.auth, created.id);
    expect(mine).toMatchObject({ status: 'accepted', version: created.version });
    expect(mine.participants.map((p) => [p.organization.name, p.status])).toEqual([
      ['Contoso', 'accepted'],
      ['Litware', 'expired'],
    ]);
    expect(mine.abilities).toMatchObject({ edit: true, win: true });
  });

  it('another participant’s read already shows the invitee expired (deal page, list, activity, mutation)', async () => {
    const { radmin, litware } = world.users;
    const first = await p2pWithLitware();
    const second = await p2pWithLitware();
    const third = await p2pWithLitware();
    env.ctx.clock.advance(WINDOW + 1000);
    // Nobody at Litware reads anything: Contoso's reads must not show a stale "received" card.
    const page = await get(radmin.auth, first.id);
    expect(page.participants.map((p) => [p.organization.name, p.status])).toEqual([
      ['Contoso', 'accepted'],
      ['Litware', 'expired'],
    ]);
    const items = await listed(radmin.auth, 'outbound', second.engagementId);
    expect(items.map((d) => d.participants.map((p) => p.status))).toEqual([['accepted', 'expired']]);
    const entries = await expiredEntries(radmin.auth, third.id);
    expect(entries.map((e) => e.organization.name)).toEqual(['Litware']);
    const fourth = await p2pWithLitware();
    env.ctx.clock.advance(WINDOW + 1000);
    const staged = await call(
      'POST',
      `/api/v1/deals/${fourth.id}/stage`,
      radmin.auth,
      { stage: 'qualified' },
      { 'if-match': `"${fourth.version}"` },
    );
    expect(staged.statusCode).toBe(200);
    expect(staged.json().participants.map((p: { status: string }) => p.status)).toEqual([
      'accepted',
      'expired',
    ]);
    expect((await listed(litware.auth, 'closed', fourth.engagementId)).map((d) => d.status)).toEqual([
      'expired',
    ]);
  });

  it('a list read alone already shows the expired record in closed, not in inbound', async () => {
    const { litware } = world.users;
    const created = await p2pWithLitware();
    env.ctx.clock.advance(WINDOW + 1000);
    const closed = await listed(litware.auth, 'closed', created.engagementId);
    expect(closed.map((d) => d.status)).toEqual(['expired']);
    expect(await listed(litware.auth, 'inbound', created.engagementId)).toEqual([]);
    const filtered = (await call('GET', '/api/v1/deals?view=inbound&status=received', litware.auth)).json()
      .items;
    expect(filtered).toEqual([]);
    expect((await row(closed[0]?.id ?? '')).status).toBe('expired');
  });

  it('the sweep expires records nobody reads, once, with one status-changed event per record', async () => {
    const { radmin, litware, vadmin, fabrikam } = world.users;
    const created = await create(
      dealBody(world, {
        vendorHelp: 'quotes-or-licensing',
        customerContact: contact,
        consent: { shareContactWithVendor: true },
        invitations: [
          invite(),
          invite({ partnerId: world.fabrikam.id, solutionIds: [world.solutions.fabrikam] }),
        ] as never,
      }),
    );
    const litwareRecord = await inboundRecord(litware.auth, created.engagementId);
    const vendorRecord = await inboundRecord(vadmin.auth, created.engagementId);
    const fabrikamRecord = await inboundRecord(fabrikam.auth, created.engagementId);
    expect(await expireDue(env.ctx)).toBe(0);

    env.ctx.clock.advance(WINDOW + 1000);
    // Nobody has read anything yet: the database still holds them as received.
    expect((await row(litwareRecord.id)).status).toBe('received');
    expect(await expireDue(env.ctx)).toBe(3);
    for (const record of [litwareRecord, vendorRecord, fabrikamRecord]) {
      expect(await row(record.id)).toEqual({ status: 'expired', version: record.version + 1 });
    }
    expect((await row(created.id)).status).toBe('accepted');
    // Idempotent: a second sweep and the reads expire nothing more.
    expect(await expireDue(env.ctx)).toBe(0);
    expect((await get(litware.auth, litwareRecord.id)).status).toBe('expired');
    expect((await get(vadmin.auth, vendorRecord.id)).status).toBe('expired');

    const sweptAt = env.ctx.clock.now().toISOString();
    for (const [auth, id] of [
      [radmin.auth, created.id],
      [litware.auth, litwareRecord.id],
      [vadmin.auth, vendorRecord.id],
    ] as const) {
      const entries = await expiredEntries(auth, id);
      expect(entries.map((e) => e.organization.name).sort()).toEqual([
        'Fabrikam',
        'Litware',
        'Northwind Cloud',
      ]);
      for (const entry of entries) {
        expect(entry).toMatchObject({
          actor: { name: null, organization: null },
          changes: { status: { from: 'received', to: 'expired' } },
          createdAt: sweptAt,
        });
      }
    }
    // Much later, more sweeps and reads add no further entries.
    env.ctx.clock.advance(30 * DAY_MS);
    expect(await expireDue(env.ctx)).toBe(0);
    expect(await expiredEntries(radmin.auth, created.id)).toHaveLength(3);
  });

  it('the background sweeper expires due records on its own', async () => {
    const { litware } = world.users;
    const created = await p2pWithLitware();
    const record = await inboundRecord(litware.auth, created.engagementId);
    env.ctx.clock.advance(WINDOW + 1000);
    const logged: { obj: object; msg: string }[] = [];
    const log = {
      info: (obj: object, msg: string) => logged.push({ obj, msg }),
      error: (obj: object, msg: string) => logged.push({ obj, msg }),
    };
    const job = startExpirySweeper(env.ctx, 60_000, log);
    await job.stop();
    expect(logged).toEqual([{ obj: { count: 1 }, msg: 'expired unanswered deals' }]);
    expect((await row(record.id)).status).toBe('expired');
    expect(await expiredEntries(world.users.radmin.auth, created.id)).toHaveLength(1);
  });

  it('a sweep at a pace expires a backlog in transactions of its batch, each committed before the pause', async () => {
    for (let i = 0; i < 5; i++) await p2pWithLitware();
    env.ctx.clock.advance(WINDOW + 1000);
    const receivedAtPauses: number[] = [];
    const expired = await expireDue(
      env.ctx,
      {},
      {
        batch: 2,
        pause: async () => {
          const rows = await env.ctx.db
            .selectFrom('participants')
            .select('id')
            .where('status', '=', 'received')
            .execute();
          receivedAtPauses.push(rows.length);
        },
      },
    );
    expect(expired).toBe(5);
    // Paused after each full batch of 2 (the last, of 1, ends the sweep); what was expired is visible by then.
    expect(receivedAtPauses).toEqual([3, 1]);
  });

  it('the background sweeper runs one sweep at a time, however long a backlog takes', async () => {
    for (let i = 0; i < 3; i++) await p2pWithLitware();
    env.ctx.clock.advance(WINDOW + 1000);
    let active = 0;
    let mostAtOnce = 0;
    const counts: number[] = [];
    const log = {
      info: (obj: object) => counts.push((obj as { count: number }).count),
      error: () => counts.push(-1),
    };
    const pace = {
      batch: 1,
      pause: async () => {
        active += 1;
        mostAtOnce = Math.max(mostAtOnce, active);
        await new Promise((resolve) => setTimeout(resolve, 30));
        active -= 1;
      },
    };
    // Ticks every 5 ms while each record of the backlog is followed by a 30 ms pause.
    const job = startExpirySweeper(env.ctx, 5, log, pace);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await job.stop();
    expect(mostAtOnce).toBe(1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(counts.every((count) => count > 0)).toBe(true);
  });

  it('stopping the background sweeper ends a long sweep after its current batch', async () => {
    for (let i = 0; i < 4; i++) await p2pWithLitware();
    env.ctx.clock.advance(WINDOW + 1000);
    const log = { info: () => {}, error: () => {} };
    const slow = { batch: 1, pause: () => new Promise<void>((resolve) => setTimeout(resolve, 50)) };
    const job = startExpirySweeper(env.ctx, 60_000, log, slow);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await job.stop();
    const left = await env.ctx.db
      .selectFrom('participants')
      .select('id')
      .where('status', '=', 'received')
      .execute();
    // One record per batch with 50 ms pauses: stopped 20 ms in, the sweep ended after its first batch.
    expect(left).toHaveLength(3);
    // The next sweep takes the rest.
    expect(await expireDue(env.ctx)).toBe(3);
  });

  it('the vendor’s unanswered help request expires ("no response"); the partner’s own record stays accepted', async () => {
    const { radmin, vadmin } = world.users;
    const created = await create(
      dealBody(world, {
        vendorHelp: 'proof-of-concept-or-demo',
        customerContact: contact,
        consent: { shareContactWithVendor: true },
      }),
    );
    const vendorRecord = await inboundRecord(vadmin.auth, created.engagementId);
    expect(vendorRecord.expiresAt).toBe(at(WINDOW));
    env.ctx.clock.advance(WINDOW + 1000);
    expect(await expireDue(env.ctx)).toBe(1);

    const mine = await get(radmin.auth, created.id);
    expect(mine).toMatchObject({ status: 'accepted', version: created.version });
    expect(mine.participants.map((p) => [p.organization.name, p.status])).toEqual([
      ['Contoso', 'accepted'],
      ['Northwind Cloud', 'expired'],
    ]);
    expect(mine.abilities).toMatchObject({
      edit: true,
      setStage: true,
      win: true,
      lose: true,
      addNote: true,
    });
    // The partner keeps working its deal.
    const staged = await call(
      'POST',
      `/api/v1/deals/${created.id}/stage`,
      radmin.auth,
      { stage: 'qualified' },
      { 'if-match': `"${mine.version}"` },
    );
    expect(staged.statusCode).toBe(200);
    expect(await listIds(radmin.auth, 'outbound')).toContain(created.id);

    expect((await get(vadmin.auth, vendorRecord.id)).status).toBe('expired');
    expect(await listed(vadmin.auth, 'inbound', created.engagementId)).toEqual([]);
    expect((await listed(vadmin.auth, 'closed', created.engagementId)).map((d) => [d.id, d.status])).toEqual([
      [vendorRecord.id, 'expired'],
    ]);
  });

  it('one invitee’s expiry does not touch another invitee’s record', async () => {
    const { radmin, litware, fabrikam } = world.users;
    const created = await create(
      dealBody(world, {
        invitations: [
          invite(),
          invite({ partnerId: world.fabrikam.id, solutionIds: [world.solutions.fabrikam] }),
        ] as never,
      }),
    );
    const litwareRecord = await inboundRecord(litware.auth, created.engagementId);
    const fabrikamRecord = await inboundRecord(fabrikam.auth, created.engagementId);
    env.ctx.clock.advance(DAY_MS);
    const accepted = await call(
      'POST',
      `/api/v1/deals/${fabrikamRecord.id}/accept`,
      fabrikam.auth,
      {},
      { 'if-match': `"${fabrikamRecord.version}"` },
    );
    expect(accepted.statusCode).toBe(200);
    // Day 5: Contoso invites the vendor (P2P → co-sell); the vendor’s window starts then.
    env.ctx.clock.advance(4 * DAY_MS);
    const mine = await get(radmin.auth, created.id);
    const later = await call(
      'POST',
      `/api/v1/deals/${created.id}/invitations`,
      radmin.auth,
      {
        vendor: { help: 'general-or-other' },
        customerContact: contact,
        consent: { shareContactWithVendor: true },
      },
      { 'if-match': `"${mine.version}"` },
    );
    expect(later.statusCode, later.body).toBe(200);
    const vendorRecord = await inboundRecord(world.users.vadmin.auth, created.engagementId);
    expect(vendorRecord.expiresAt).toBe(at(5 * DAY_MS + WINDOW));

    // Day 14 + 1 s: Litware's window is over, the vendor's is not.
    env.ctx.clock.advance(WINDOW - 5 * DAY_MS + 1000);
    expect(await expireDue(env.ctx)).toBe(1);
    expect((await get(litware.auth, litwareRecord.id)).status).toBe('expired');
    const fabrikamAfter = await get(fabrikam.auth, fabrikamRecord.id);
    expect(fabrikamAfter).toMatchObject({ status: 'accepted', version: accepted.json().version });
    const vendorAfter = await get(world.users.vadmin.auth, vendorRecord.id);
    expect(vendorAfter).toMatchObject({ status: 'received', version: vendorRecord.version });
    expect(vendorAfter.abilities.accept).toBe(true);
    expect(
      (await get(radmin.auth, created.id)).participants.map((p) => [p.organization.name, p.status]),
    ).toEqual([
      ['Contoso', 'accepted'],
      ['Litware', 'expired'],
      ['Fabrikam', 'accepted'],
      ['Northwind Cloud', 'received'],
    ]);
    // Five days later the vendor's window ends too; Fabrikam is still untouched.
    env.ctx.clock.advance(5 * DAY_MS);
    expect(await expireDue(env.ctx)).toBe(1);
    expect((await get(world.users.vadmin.auth, vendorRecord.id)).status).toBe('expired');
    expect((await row(fabrikamRecord.id)).status).toBe('accepted');
  });

  it('accept or decline after the deadline is refused (409 or 412, never 200) and changes nothing', async () => {
    const { litware } = world.users;
    const created = await p2pWithLitware();
    const received = await inboundRecord(litware.auth, created.engagementId);
    env.ctx.clock.advance(WINDOW + 1000);

    // With the ETag read before the deadline: the record expired meanwhile.
    const accept = await call(
      'POST',
      `/api/v1/deals/${received.id}/accept`,
      litware.auth,
      { name: 'Too late', crmId: 'LATE-1' },
      { 'if-match': `"${received.version}"` },
    );
    expect([409, 412]).toContain(accept.statusCode);
    const afterAccept = await get(litware.auth, received.id);
    expect(afterAccept).toMatchObject({
      status: 'expired',
      name: received.name,
      version: received.version + 1,
    });
    expect(JSON.stringify(afterAccept)).not.toContain('LATE-1');

    // With the fresh ETag: the action is not allowed in the expired state.
    const again = await call(
      'POST',
      `/api/v1/deals/${received.id}/accept`,
      litware.auth,
      {},
      { 'if-match': `"${afterAccept.version}"` },
    );
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('invalid-state');
    const decline = await call(
      'POST',
      `/api/v1/deals/${received.id}/decline`,
      litware.auth,
      { reason: 'no-budget' },
      { 'if-match': `"${afterAccept.version}"` },
    );
    expect(decline.statusCode).toBe(409);
    const final = await get(litware.auth, received.id);
    expect(final).toMatchObject({ status: 'expired', version: afterAccept.version, reason: null });
    expect(await expiredEntries(litware.auth, received.id)).toHaveLength(1);
    expect((await expiredEntries(litware.auth, received.id))[0]?.organization.name).toBe('Litware');
  });

  it('a decline or accept just before the deadline stands; the record never expires afterwards', async () => {
    const { litware } = world.users;
    const created = await p2pWithLitware();
    const received = await inboundRecord(litware.auth, created.engagementId);
    env.ctx.clock.advance(WINDOW - 1000);
    const accepted = await call(
      'POST',
      `/api/v1/deals/${received.id}/accept`,
      litware.auth,
      {},
      { 'if-match': `"${received.version}"` },
    );
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', expiresAt: null });
    env.ctx.clock.advance(30 * DAY_MS);
    expect(await expireDue(env.ctx)).toBe(0);
    expect((await get(litware.auth, received.id)).status).toBe('accepted');
  });

  it('demo clock: vendor-admin reads and moves it (P15D expires due records); 404 for others; bad duration 400', async () => {
    const { vadmin, radmin, seller, litware } = world.users;
    const first = await p2pWithLitware();
    const second = await create(
      dealBody(world, {
        vendorHelp: 'general-or-other',
        customerContact: contact,
        consent: { shareContactWithVendor: true },
      }),
    );

    const now = await call('GET', '/api/v1/demo/clock', vadmin.auth);
    expect(now.statusCode).toBe(200);
    expect(now.json()).toEqual({ now: at(0) });
    for (const user of [radmin, seller, litware]) {
      expect((await call('GET', '/api/v1/demo/clock', user.auth)).statusCode).toBe(404);
      const post = await call('POST', '/api/v1/demo/clock', user.auth, { advance: 'P15D' });
      expect(post.statusCode).toBe(404);
    }
    expect(env.ctx.clock.now().toISOString()).toBe(at(0));
    expect((await call('GET', '/api/v1/demo/clock', {} as Auth)).statusCode).toBe(401);

    for (const advance of ['P15X', '15 days', 'P', 'PT', 'P0D', 'P401D', '-P1D', 'P1W']) {
      const res = await call('POST', '/api/v1/demo/clock', vadmin.auth, { advance });
      expect(res.statusCode, advance).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid-input', path: 'advance' });
    }
    for (const body of [{ advance: 15 }, {}]) {
      const res = await call('POST', '/api/v1/demo/clock', vadmin.auth, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.path).toBe('advance');
    }
    expect(env.ctx.clock.now().toISOString()).toBe(at(0));

    const small = await call('POST', '/api/v1/demo/clock', vadmin.auth, { advance: 'PT36H' });
    expect(small.json()).toEqual({ now: at(36 * 3_600_000), expired: 0 });
    const moved = await call('POST', '/api/v1/demo/clock', vadmin.auth, { advance: 'P15D' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toEqual({ now: at(36 * 3_600_000 + 15 * DAY_MS), expired: 2 });
    expect((await call('GET', '/api/v1/demo/clock', vadmin.auth)).json().now).toBe(moved.json().now);
    // Both records were expired by the move itself, before anyone read them.
    const litwareRecord = await env.ctx.db
      .selectFrom('participants')
      .select(['id', 'status'])
      .where('engagement_id', '=', first.engagementId)
      .where('organization_id', '=', world.litware.id)
      .executeTakeFirstOrThrow();
    expect(litwareRecord.status).toBe('expired');
    const vendorRow = await env.ctx.db
      .selectFrom('participants')
      .select(['id', 'status'])
      .where('engagement_id', '=', second.engagementId)
      .where('organization_id', '=', world.vendor.id)
      .executeTakeFirstOrThrow();
    expect(vendorRow.status).toBe('expired');
    expect(await expireDue(env.ctx)).toBe(0);
  });

  it('demo clock: absent (404) when the clock cannot move', async () => {
    const fixed = await createTestEnv(dialect, { demoClock: false });
    try {
      const fixedWorld = await standardWorld(fixed);
      const get = await fixed.app.inject({
        method: 'GET',
        url: '/api/v1/demo/clock',
        headers: fixedWorld.users.vadmin.auth,
      });
      expect(get.statusCode).toBe(404);
      const post = await fixed.app.inject({
        method: 'POST',
        url: '/api/v1/demo/clock',
        headers: fixedWorld.users.vadmin.auth,
        payload: { advance: 'P15D' },
      });
      expect(post.statusCode).toBe(404);
    } finally {
      await fixed.close();
    }
  });
});
