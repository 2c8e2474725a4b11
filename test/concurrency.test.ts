/**
 * Optimistic concurrency and idempotency (SPEC §12, API.md "Conventions"): If-Match on every deal
 * mutation (428 without, 412 when stale, nothing changed), exactly one winner among concurrent writers,
 * and Idempotency-Key on create (one deal per key and organization, 422 on a different body).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealBody, invitation, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

type Auth = { authorization: string };
type Res = Awaited<ReturnType<TestEnv['app']['inject']>>;

describe.each(DIALECTS)('concurrency and idempotency through HTTP on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
  });
  afterAll(async () => env.close());

  const call = (...args: Parameters<TestEnv['call']>) => env.call(...args);

  const codeOf = (res: Res) => (res.json() as { error?: { code: string } }).error?.code;
  const etag = (version: number) => ({ 'if-match': `"${version}"` });

  let seq = 0;
  /** A fresh Contoso deal (accepted, outbound), optionally inviting Litware. */
  async function newDeal(overrides: Record<string, unknown> = {}) {
    seq += 1;
    const res = await call(
      'POST',
      '/api/v1/deals',
      world.users.radmin.auth,
      dealBody(world, { name: `Concurrency deal ${seq}`, ...overrides }),
    );
    expect(res.statusCode).toBe(201);
    return res.json();
  }

  /** A P2P deal and Litware's received record of it. */
  async function receivedByLitware() {
    const deal = await newDeal({ invitations: [invitation(world)] as never });
    const inbound = await call('GET', '/api/v1/deals?view=inbound&limit=100', world.users.litware.auth);
    const record = inbound
      .json()
      .items.find((d: { engagementId: string }) => d.engagementId === deal.engagementId);
    expect(record).toMatchObject({ status: 'received', version: 1 });
    return { deal, record };
  }

  const activity = async (id: string, auth: Auth) => {
    const res = await call('GET', `/api/v1/deals/${id}/activity`, auth);
    expect(res.statusCode).toBe(200);
    return res.json().items as { type: string; changes: Record<string, unknown> }[];
  };

  /** Everything a caller can observe of a deal: the deal, its activity and its notes. */
  const snapshot = async (id: string, auth: Auth) => {
    const deal = await call('GET', `/api/v1/deals/${id}`, auth);
    expect(deal.statusCode).toBe(200);
    const notes = await call('GET', `/api/v1/deals/${id}/notes`, auth);
    return {
      deal: deal.json(),
      etag: deal.headers.etag,
      activity: await activity(id, auth),
      notes: notes.json().items,
    };
  };

  const countRows = async () => {
    const db = env.ctx.db;
    const count = async (
      table: 'participants' | 'events' | 'notes' | 'engagements' | 'idempotency_keys' | 'team_members',
    ) =>
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
      idempotencyKeys: await count('idempotency_keys'),
      teamMembers: await count('team_members'),
    };
  };

  it('20 concurrent PATCHes with the same If-Match: exactly one 200, nineteen 412, version +1, one deal.updated', async () => {
    const deal = await newDeal();
    const before = await activity(deal.id, world.users.radmin.auth);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(
          'PATCH',
          `/api/v1/deals/${deal.id}`,
          world.users.radmin.auth,
          { name: `Racer ${i}`, crmId: `OPP-${i}` },
          etag(deal.version),
        ),
      ),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(412)]);
    for (const loser of responses.filter((r) => r.statusCode === 412))
      expect(codeOf(loser)).toBe('precondition-failed');
    const winner = responses.find((r) => r.statusCode === 200) as Res;
    expect(winner.json().version).toBe(deal.version + 1);
    expect(winner.headers.etag).toBe(`"${deal.version + 1}"`);

    const after = await call('GET', `/api/v1/deals/${deal.id}`, world.users.radmin.auth);
    const final = after.json();
    expect(final.version).toBe(deal.version + 1);
    // The stored record is the winner's, whole (name and CRM ID from the same request).
    expect(final.name).toBe(winner.json().name);
    expect(final.crmId).toBe(`OPP-${final.name.slice('Racer '.length)}`);
    const events = await activity(deal.id, world.users.radmin.auth);
    expect(events.length).toBe(before.length + 1);
    expect(events.filter((e) => e.type === 'deal.updated')).toHaveLength(1);
  });

  it('concurrent accept and decline of one received record: exactly one wins, the other gets 412', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { record } = await receivedByLitware();
      const [accept, decline] = await Promise.all([
        call(
          'POST',
          `/api/v1/deals/${record.id}/accept`,
          world.users.litware.auth,
          { crmId: 'LW-1' },
          etag(1),
        ),
        call(
          'POST',
          `/api/v1/deals/${record.id}/decline`,
          world.users.litware.auth,
          { reason: 'no-budget' },
          etag(1),
        ),
      ]);
      const outcome = [accept.statusCode, decline.statusCode].sort();
      expect(outcome).toEqual([200, 412]);
      const loser = accept.statusCode === 412 ? accept : decline;
      expect(codeOf(loser)).toBe('precondition-failed');
      const final = (await call('GET', `/api/v1/deals/${record.id}`, world.users.litware.auth)).json();
      expect(final.status).toBe(accept.statusCode === 200 ? 'accepted' : 'declined');
      expect(final.version).toBe(2);
      const changes = (await activity(record.id, world.users.litware.auth)).filter(
        (e) => e.type === 'deal.status-changed' && (e.changes.status as { from: string }).from === 'received',
      );
      expect(changes).toHaveLength(1);
    }
  });

  it('ten concurrent accepts of one received record: one 200, nine 412', async () => {
    const { record } = await receivedByLitware();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        call('POST', `/api/v1/deals/${record.id}/accept`, world.users.litware.auth, {}, etag(1)),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, ...Array(9).fill(412)]);
    const final = (await call('GET', `/api/v1/deals/${record.id}`, world.users.litware.auth)).json();
    expect(final).toMatchObject({ status: 'accepted', version: 2 });
  });

  describe('If-Match on every deal mutation', () => {
    let outbound: { id: string; version: number };
    let received: { id: string; version: number };
    beforeAll(async () => {
      outbound = await newDeal();
      ({ record: received } = await receivedByLitware());
    });

    /** Valid requests for every mutation, so only the If-Match header decides. */
    const mutations = () =>
      [
        ['PATCH', '', () => outbound, world.users.radmin.auth, { name: 'Changed' }],
        ['POST', '/accept', () => received, world.users.litware.auth, { crmId: 'LW-9' }],
        [
          'POST',
          '/decline',
          () => received,
          world.users.litware.auth,
          { reason: 'no-budget', notes: 'Later' },
        ],
        ['POST', '/stage', () => outbound, world.users.radmin.auth, { stage: 'qualified' }],
        ['POST', '/win', () => outbound, world.users.radmin.auth, { notes: 'Signed' }],
        ['POST', '/lose', () => outbound, world.users.radmin.auth, { reason: 'chose-another-vendor' }],
        ['POST', '/close-as-error', () => outbound, world.users.radmin.auth, { reason: 'duplicate' }],
        [
          'POST',
          '/invitations',
          () => outbound,
          world.users.radmin.auth,
          {
            partners: [
              invitation(world, { partnerId: world.fabrikam.id, solutionIds: [world.solutions.fabrikam] }),
            ],
          },
        ],
        ['POST', '/notes', () => outbound, world.users.radmin.auth, { body: 'A note' }],
      ] as const;

    it('missing If-Match → 428 precondition-required on PATCH, accept, decline, stage, win, lose, close-as-error, invitations, notes', async () => {
      const beforeRows = await countRows();
      const beforeOut = await snapshot(outbound.id, world.users.radmin.auth);
      const beforeIn = await snapshot(received.id, world.users.litware.auth);
      const seen: string[] = [];
      for (const [method, suffix, target, auth, body] of mutations()) {
        for (const headers of [{}, { 'if-match': '' }] as Record<string, string>[]) {
          const res = await call(method, `/api/v1/deals/${target().id}${suffix}`, auth, body, headers);
          expect({ route: `${method} ${suffix}`, status: res.statusCode, code: codeOf(res) }).toEqual({
            route: `${method} ${suffix}`,
            status: 428,
            code: 'precondition-required',
          });
          expect(res.json().error.message).toMatch(/If-Match/);
        }
        seen.push(suffix || 'patch');
      }
      expect(seen).toHaveLength(9);
      expect(await countRows()).toEqual(beforeRows);
      expect(await snapshot(outbound.id, world.users.radmin.auth)).toEqual(beforeOut);
      expect(await snapshot(received.id, world.users.litware.auth)).toEqual(beforeIn);
    });

    it('a stale If-Match → 412 precondition-failed and nothing changes (deal, activity, notes)', async () => {
      // Move both records on by one version.
      const bumpOut = await call(
        'PATCH',
        `/api/v1/deals/${outbound.id}`,
        world.users.radmin.auth,
        { crmId: 'OPP-BUMP' },
        etag(outbound.version),
      );
      expect(bumpOut.statusCode).toBe(200);
      const bumpIn = await call(
        'PATCH',
        `/api/v1/deals/${received.id}`,
        world.users.litware.auth,
        { team: [world.users.litware.member] },
        etag(received.version),
      );
      expect(bumpIn.statusCode).toBe(200);
      const stale = { [outbound.id]: outbound.version, [received.id]: received.version };
      outbound = bumpOut.json();
      received = bumpIn.json();
      expect(outbound.version).toBe(stale[outbound.id]! + 1);

      const beforeRows = await countRows();
      const beforeOut = await snapshot(outbound.id, world.users.radmin.auth);
      const beforeIn = await snapshot(received.id, world.users.litware.auth);
      for (const [method, suffix, target, auth, body] of mutations()) {
        const id = target().id;
        // Older, newer, and not one of our ETags at all.
        for (const ifMatch of [`"${stale[id]}"`, `"${target().version + 1}"`, '"abc"', '*']) {
          const res = await call(method, `/api/v1/deals/${id}${suffix}`, auth, body, { 'if-match': ifMatch });
          expect({
            route: `${method} ${suffix} ${ifMatch}`,
            status: res.statusCode,
            code: codeOf(res),
          }).toEqual({
            route: `${method} ${suffix} ${ifMatch}`,
            status: 412,
            code: 'precondition-failed',
          });
        }
      }
      expect(await countRows()).toEqual(beforeRows);
      expect(await snapshot(outbound.id, world.users.radmin.auth)).toEqual(beforeOut);
      expect(await snapshot(received.id, world.users.litware.auth)).toEqual(beforeIn);

      // With the current ETag (quoted, weak or bare) the same requests go through.
      const note = await call(
        'POST',
        `/api/v1/deals/${outbound.id}/notes`,
        world.users.radmin.auth,
        { body: 'Now' },
        { 'if-match': `W/"${outbound.version}"` },
      );
      expect(note.statusCode).toBe(201);
      const staged = await call(
        'POST',
        `/api/v1/deals/${outbound.id}/stage`,
        world.users.radmin.auth,
        { stage: 'qualified' },
        { 'if-match': String(outbound.version) },
      );
      expect(staged.statusCode).toBe(200);
      expect(staged.json()).toMatchObject({ salesStage: 'qualified', version: outbound.version + 1 });
    });
  });

  describe('Idempotency-Key on create', () => {
    const list = async (name: string, auth: Auth = world.users.radmin.auth) => {
      const res = await call(
        'GET',
        `/api/v1/deals?view=outbound&limit=100&q=${encodeURIComponent(name)}`,
        auth,
      );
      expect(res.statusCode).toBe(200);
      return (res.json().items as { id: string; name: string }[]).filter((d) => d.name === name);
    };

    it('the same key and body sent 10 times concurrently and 10 times after: one deal, the same id, 201 each time', async () => {
      const body = dealBody(world, { name: 'Idempotent deal', crmId: 'OPP-IDEM' });
      const headers = { 'idempotency-key': 'create-once-1' };
      const before = await countRows();
      const concurrent = await Promise.all(
        Array.from({ length: 10 }, () =>
          call('POST', '/api/v1/deals', world.users.radmin.auth, body, headers),
        ),
      );
      const sequential: Res[] = [];
      for (let i = 0; i < 10; i += 1)
        sequential.push(await call('POST', '/api/v1/deals', world.users.radmin.auth, body, headers));
      const all = [...concurrent, ...sequential];
      expect(all.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
      const ids = new Set(all.map((r) => r.json().id));
      expect(ids.size).toBe(1);
      for (const res of all) expect(res.headers.etag).toBe('"1"');
      // Every response but the first is a replay.
      expect(all.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
      for (const r of sequential)
        expect(r.json()).toEqual(
          concurrent.find((c) => c.headers['idempotent-replayed'] === undefined)?.json(),
        );

      const found = await list('Idempotent deal');
      expect(found.map((d) => d.id)).toEqual([...ids]);
      const after = await countRows();
      expect(after).toEqual({
        ...before,
        participants: before.participants + 1,
        engagements: before.engagements + 1,
        events: before.events + 1,
        idempotencyKeys: before.idempotencyKeys + 1,
        teamMembers: before.teamMembers + 1,
      });

      // The body is compared as data: the same fields in another order are the same request.
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      const again = await call('POST', '/api/v1/deals', world.users.radmin.auth, reordered, headers);
      expect(again.statusCode).toBe(201);
      expect(again.json().id).toBe([...ids][0]);
    });

    it('the same key with a different body → 422 idempotency-key-reused, nothing created', async () => {
      const headers = { 'idempotency-key': 'create-once-2' };
      const first = await call(
        'POST',
        '/api/v1/deals',
        world.users.radmin.auth,
        dealBody(world, { name: 'Keyed deal' }),
        headers,
      );
      expect(first.statusCode).toBe(201);
      const before = await countRows();
      for (const changed of [
        { name: 'Keyed deal, changed' },
        { crmId: 'OPP-NEW' },
        { value: { amount: '125000.01', currency: 'USD' } },
      ]) {
        const res = await call(
          'POST',
          '/api/v1/deals',
          world.users.radmin.auth,
          dealBody(world, { name: 'Keyed deal', ...changed } as never),
          headers,
        );
        expect(res.statusCode).toBe(422);
        expect(res.json().error).toMatchObject({
          code: 'idempotency-key-reused',
          message: expect.stringContaining('Idempotency-Key'),
        });
      }
      // Concurrently, too.
      const burst = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          call(
            'POST',
            '/api/v1/deals',
            world.users.radmin.auth,
            dealBody(world, { name: `Keyed ${i}` }),
            headers,
          ),
        ),
      );
      expect(burst.map((r) => r.statusCode)).toEqual(Array(5).fill(422));
      expect(await countRows()).toEqual(before);
      expect(await list('Keyed deal, changed')).toHaveLength(0);
    });

    it('the same key in another organization is independent', async () => {
      const headers = { 'idempotency-key': 'shared-key' };
      const contoso = await call(
        'POST',
        '/api/v1/deals',
        world.users.radmin.auth,
        dealBody(world, { name: 'Shared key deal' }),
        headers,
      );
      expect(contoso.statusCode).toBe(201);
      const fabrikamBody = dealBody(world, {
        name: 'Shared key deal',
        locationId: world.fabrikam.locations[0]?.id as string,
        team: [world.users.fabrikam.member],
        solutionIds: [world.solutions.fabrikam],
      });
      const fabrikam = await call('POST', '/api/v1/deals', world.users.fabrikam.auth, fabrikamBody, headers);
      expect(fabrikam.statusCode).toBe(201);
      expect(fabrikam.headers['idempotent-replayed']).toBeUndefined();
      expect(fabrikam.json().id).not.toBe(contoso.json().id);
      expect(fabrikam.json().organization.name).toBe('Fabrikam');
      // Each organization's retry replays its own deal.
      const retryC = await call(
        'POST',
        '/api/v1/deals',
        world.users.radmin.auth,
        dealBody(world, { name: 'Shared key deal' }),
        headers,
      );
      const retryF = await call('POST', '/api/v1/deals', world.users.fabrikam.auth, fabrikamBody, headers);
      expect([retryC.json().id, retryF.json().id]).toEqual([contoso.json().id, fabrikam.json().id]);
      expect(await list('Shared key deal')).toHaveLength(1);
      expect(await list('Shared key deal', world.users.fabrikam.auth)).toHaveLength(1);
    });

    it('a key over 255 characters → 400 naming the header; 255 is fine', async () => {
      const before = await countRows();
      for (const key of ['k'.repeat(256), 'k'.repeat(5000)]) {
        const res = await call(
          'POST',
          '/api/v1/deals',
          world.users.radmin.auth,
          dealBody(world, { name: 'Long key deal' }),
          { 'idempotency-key': key },
        );
        expect(res.statusCode).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'invalid-input', path: 'headers.idempotency-key' });
      }
      expect(await countRows()).toEqual(before);
      expect(await list('Long key deal')).toHaveLength(0);
      const ok = await call(
        'POST',
        '/api/v1/deals',
        world.users.radmin.auth,
        dealBody(world, { name: 'Long key deal' }),
        { 'idempotency-key': 'k'.repeat(255) },
      );
      expect(ok.statusCode).toBe(201);
      const replay = await call(
        'POST',
        '/api/v1/deals',
        world.users.radmin.auth,
        dealBody(world, { name: 'Long key deal' }),
        { 'idempotency-key': 'k'.repeat(255) },
      );
      expect(replay.json().id).toBe(ok.json().id);
      expect(await list('Long key deal')).toHaveLength(1);
    });

    it('a failed create does not use up its key', async () => {
      const headers = { 'idempotency-key': 'retry-after-fix' };
      const bad = await call(
        'POST',
        '/api/v1/deals',
        world.users.radmin.auth,
        dealBody(world, { name: 'Fixed deal', closeDate: '2020-01-01' }),
        headers,
      );
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.path).toBe('closeDate');
      const good = await call(
        'POST',
        '/api/v1/deals',
        world.users.radmin.auth,
        dealBody(world, { name: 'Fixed deal' }),
        headers,
      );
      expect(good.statusCode).toBe(201);
      expect(good.headers['idempotent-replayed']).toBeUndefined();
    });
  });
});
