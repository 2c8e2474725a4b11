/**
 * Webhooks and the replayable event feed (SPEC §12, §15) through HTTP, delivered by the dispatcher to a real
 * HTTP receiver on loopback: subscription rules (admins only, HTTPS, no private addresses, checked again at
 * delivery), the signature, retries and the delivery log with redelivery, disabling a subscription that
 * keeps failing, what each organization's payload may contain, and replay from a cursor.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../server/clock.ts';
import { Dispatcher } from '../server/services/dispatcher.ts';
import { isForbiddenAddress } from '../server/services/webhook-http.ts';
import { contact, dealBody, invitation, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';
import { type Receiver, startReceiver } from './notice-servers.ts';

type Auth = { authorization: string };

/** What a receiver does (docs/WEBHOOKS.md): recompute the HMAC over t + "." + raw body. */
function verify(secret: string, header: string | undefined, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest('hex');
  return expected === match[2];
}

describe.each(DIALECTS)('webhooks and events on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  let receiver: Receiver;
  let dispatcher: Dispatcher;

  const call = (...args: Parameters<TestEnv['call']>) => env.call(...args);
  const subscribe = async (auth: Auth, events: string[], url = receiver.url) => {
    const res = await call('POST', '/api/v1/webhooks', auth, { url, events });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; secret: string; url: string };
  };
  const create = async (auth: Auth, body: Record<string, unknown>) => {
    const res = await call('POST', '/api/v1/deals', auth, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    receiver = await startReceiver();
    env.ctx.config.webhookAllowedHosts = ['127.0.0.1'];
    dispatcher = new Dispatcher(env.ctx, { mailer: null, random: () => 1 });
  });
  afterAll(async () => {
    await receiver?.close();
    await env?.close();
  });

  it('refuses URLs that are not HTTPS or reach private addresses (400 webhook-url-refused), and non-admins (403)', async () => {
    env.ctx.config.webhookAllowedHosts = [];
    for (const url of [
      receiver.url,
      'http://example.com/hooks',
      'https://127.0.0.1/hooks',
      'https://localhost/hooks',
      'https://10.1.2.3/hooks',
      'https://192.168.1.10/hooks',
      'https://172.20.0.1/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hooks',
      'https://[fe80::1]/hooks',
      'https://[::ffff:127.0.0.1]/hooks',
      'https://0.0.0.0/hooks',
      'https://user:pw@example.com/hooks',
      'ftp://example.com/hooks',
      'not a url',
    ]) {
      const res = await call('POST', '/api/v1/webhooks', world.users.radmin.auth, {
        url,
        events: ['deal.created'],
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code, url).toBe('webhook-url-refused');
    }
    env.ctx.config.webhookAllowedHosts = ['127.0.0.1'];
    expect(isForbiddenAddress('8.8.8.8')).toBe(false);
    expect(isForbiddenAddress('2606:4700:4700::1111')).toBe(false);
    expect(isForbiddenAddress('100.64.0.1')).toBe(true);

    const bad = await call('POST', '/api/v1/webhooks', world.users.radmin.auth, {
      url: receiver.url,
      events: ['deal.nonsense'],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.path).toBe('events.0');
    for (const user of [
      world.users.userSe,
      world.users.radminSe,
      world.users.contosoAdmin,
      world.users.seller,
    ]) {
      const res = await call('POST', '/api/v1/webhooks', user.auth, {
        url: receiver.url,
        events: ['deal.created'],
      });
      expect(res.statusCode).toBe(403);
    }
    expect((await call('GET', '/api/v1/webhooks', world.users.radmin.auth)).json().items).toEqual([]);
  });

  it('delivers signed events with the deal as the subscriber sees it; never another organization’s fields', async () => {
    const contoso = await subscribe(world.users.radmin.auth, [
      'deal.created',
      'deal.received',
      'deal.note-added',
    ]);
    expect(contoso.secret).toMatch(/^whsec_/);
    const listed = (await call('GET', '/api/v1/webhooks', world.users.radmin.auth)).json().items;
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(contoso.secret);
    const litwareReceiver = await startReceiver();
    try {
      const litware = await subscribe(
        world.users.litware.auth,
        ['deal.received', 'deal.created'],
        litwareReceiver.url,
      );
      const vendor = await subscribe(world.users.vadmin.auth, [
        'deal.created',
        'deal.received',
        'deal.note-added',
      ]);

      const deal = await create(
        world.users.radmin.auth,
        dealBody(world, {
          name: 'Hooked deal',
          crmId: 'OPP-CONTOSO-77',
          invitations: [invitation(world)],
        } as never),
      );
      receiver.requests.length = 0;
      await dispatcher.runOnce();

      // Contoso: deal.created and deal.received (Litware invited, a shared event), each as Contoso sees the deal.
      const contosoDeliveries = receiver.requests.filter((r) =>
        verify(contoso.secret, r.headers['cosell-signature'] as string, r.body),
      );
      expect(contosoDeliveries.map((r) => r.headers['cosell-event']).sort()).toEqual([
        'deal.created',
        'deal.received',
      ]);
      for (const request of contosoDeliveries) {
        const body = JSON.parse(request.body);
        expect(request.headers['cosell-event-id']).toBe(body.id);
        expect(request.headers['content-type']).toBe('application/json');
        expect(body).toMatchObject({
          type: request.headers['cosell-event'],
          deal: { id: deal.id, crmId: 'OPP-CONTOSO-77' },
        });
        expect(typeof body.time).toBe('string');
      }
      // A wrong secret or a changed body does not verify.
      const one = contosoDeliveries[0];
      expect(verify('whsec_wrong', one?.headers['cosell-signature'] as string, one?.body ?? '')).toBe(false);
      expect(verify(contoso.secret, one?.headers['cosell-signature'] as string, `${one?.body} `)).toBe(false);

      // Litware gets its own record, never Contoso's CRM ID; the vendor (not invited: P2P) gets nothing.
      const litBodies = litwareReceiver.requests.map((r) => {
        expect(verify(litware.secret, r.headers['cosell-signature'] as string, r.body)).toBe(true);
        return JSON.parse(r.body);
      });
      expect(litBodies.map((b) => b.type).sort()).toEqual(['deal.created', 'deal.received']);
      for (const body of litBodies) {
        expect(body.deal.organization.name).toBe('Litware');
        expect(body.deal.direction).toBe('inbound');
      }
      expect(litwareReceiver.requests.map((r) => r.body).join('')).not.toContain('OPP-CONTOSO-77');
      expect(
        receiver.requests.filter((r) =>
          verify(vendor.secret, r.headers['cosell-signature'] as string, r.body),
        ),
      ).toEqual([]);

      // A private deal: only Contoso's subscription hears of it.
      receiver.requests.length = 0;
      litwareReceiver.requests.length = 0;
      await create(
        world.users.radmin.auth,
        dealBody(world, { name: 'Private hooked', crmId: 'OPP-PRIVATE-1' }),
      );
      await dispatcher.runOnce();
      expect(litwareReceiver.requests).toEqual([]);
      expect(receiver.requests).toHaveLength(1);
      expect(
        verify(
          contoso.secret,
          receiver.requests[0]?.headers['cosell-signature'] as string,
          receiver.requests[0]?.body ?? '',
        ),
      ).toBe(true);

      // Co-sell: the vendor's subscription gets the vendor's record.
      receiver.requests.length = 0;
      await create(
        world.users.radmin.auth,
        dealBody(world, {
          name: 'Co-sell hooked',
          crmId: 'OPP-COSELL-1',
          vendorHelp: 'proof-of-concept-or-demo',
          customerContact: contact,
          consent: { shareContactWithVendor: true },
        } as never),
      );
      await dispatcher.runOnce();
      const vendorBodies = receiver.requests
        .filter((r) => verify(vendor.secret, r.headers['cosell-signature'] as string, r.body))
        .map((r) => JSON.parse(r.body));
      expect(vendorBodies.map((b) => b.type).sort()).toEqual(['deal.created', 'deal.received']);
      for (const body of vendorBodies) {
        expect(body.deal.organization.name).toBe('Northwind Cloud');
        expect(JSON.stringify(body)).not.toContain('OPP-COSELL-1');
      }
      await call('DELETE', `/api/v1/webhooks/${vendor.id}`, world.users.vadmin.auth);
      await call('DELETE', `/api/v1/webhooks/${litware.id}`, world.users.litware.auth);
    } finally {
      await litwareReceiver.close();
    }
    await call('DELETE', `/api/v1/webhooks/${contoso.id}`, world.users.radmin.auth);
  });

  it('retries a failing receiver, logs every attempt, redelivers on request; a rotated secret signs from then on', async () => {
    const hook = await subscribe(world.users.radmin.auth, ['deal.created']);
    receiver.requests.length = 0;
    receiver.status = 500;
    await create(world.users.radmin.auth, dealBody(world, { name: 'Flaky receiver' }));
    const first = await dispatcher.runOnce();
    expect(first.failed).toBe(1);
    env.ctx.clock.advance(31_000);
    expect((await dispatcher.runOnce()).failed).toBe(1);
    receiver.status = 200;
    env.ctx.clock.advance(61_000);
    expect((await dispatcher.runOnce()).delivered).toBe(1);
    expect(receiver.requests).toHaveLength(3);
    const eventIds = new Set(receiver.requests.map((r) => r.headers['cosell-event-id']));
    expect(eventIds.size).toBe(1);

    const log = await call('GET', `/api/v1/webhooks/${hook.id}/deliveries`, world.users.radmin.auth);
    expect(log.statusCode, log.body).toBe(200);
    const [entry] = log.json().items;
    expect(entry).toMatchObject({ state: 'done', attempts: 3, channel: 'webhook', kind: 'deal.created' });
    expect(entry.attemptLog.map((a: { ok: boolean; statusCode: number }) => [a.ok, a.statusCode])).toEqual([
      [false, 500],
      [false, 500],
      [true, 200],
    ]);

    const rotated = await call('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, world.users.radmin.auth);
    expect(rotated.statusCode).toBe(200);
    const secret = rotated.json().secret as string;
    expect(secret).not.toBe(hook.secret);
    receiver.requests.length = 0;
    const again = await call(
      'POST',
      `/api/v1/webhooks/${hook.id}/deliveries/${entry.id}/redeliver`,
      world.users.radmin.auth,
    );
    expect(again.statusCode, again.body).toBe(204);
    await dispatcher.runOnce();
    expect(receiver.requests).toHaveLength(1);
    const redelivered = receiver.requests[0];
    expect(redelivered?.headers['cosell-event-id']).toBe([...eventIds][0]);
    expect(verify(secret, redelivered?.headers['cosell-signature'] as string, redelivered?.body ?? '')).toBe(
      true,
    );
    expect(
      verify(hook.secret, redelivered?.headers['cosell-signature'] as string, redelivered?.body ?? ''),
    ).toBe(false);

    // Another organization cannot see or touch the subscription.
    expect((await call('GET', `/api/v1/webhooks/${hook.id}`, world.users.litware.auth)).statusCode).toBe(404);
    expect(
      (
        await call(
          'POST',
          `/api/v1/webhooks/${hook.id}/deliveries/${entry.id}/redeliver`,
          world.users.litware.auth,
        )
      ).statusCode,
    ).toBe(404);
    expect((await call('PATCH', `/api/v1/webhooks/${hook.id}`, world.users.radmin.auth, {})).statusCode).toBe(
      400,
    );
    expect((await call('DELETE', `/api/v1/webhooks/${hook.id}`, world.users.radmin.auth)).statusCode).toBe(
      204,
    );
    expect((await call('GET', `/api/v1/webhooks/${hook.id}`, world.users.radmin.auth)).statusCode).toBe(404);
  });

  it('checks the address again at delivery, and disables a subscription that keeps failing and tells its owner', async () => {
    const hook = await subscribe(world.users.radmin.auth, ['deal.created']);
    // The host is no longer allowed (as if its name now resolved to a private address): nothing is sent.
    env.ctx.config.webhookAllowedHosts = [];
    receiver.requests.length = 0;
    await create(world.users.radmin.auth, dealBody(world, { name: 'Rebound host' }));
    const round = await dispatcher.runOnce();
    expect(round.failed).toBe(1);
    expect(receiver.requests).toEqual([]);
    const log = (await call('GET', `/api/v1/webhooks/${hook.id}/deliveries`, world.users.radmin.auth)).json();
    expect(log.items[0].lastError).toMatch(/HTTPS|private|loopback/);

    // Failing for longer than the horizon: dead letter, subscription disabled, owner told.
    env.ctx.config.webhookAllowedHosts = ['127.0.0.1'];
    receiver.status = 503;
    for (let hour = 0; hour <= 75; hour += 1) {
      env.ctx.clock.advance(3_600_000);
      await dispatcher.runOnce();
    }
    const after = (await call('GET', `/api/v1/webhooks/${hook.id}`, world.users.radmin.auth)).json();
    expect(after).toMatchObject({ enabled: false, disabledReason: 'deliveries kept failing' });
    const dead = (await call('GET', '/api/v1/dead-letters', world.users.radmin.auth)).json().items;
    expect(
      dead.some(
        (d: { channel: string; recipient: string }) =>
          d.channel === 'webhook' && d.recipient === receiver.url,
      ),
    ).toBe(true);
    const notices = (await call('GET', '/api/v1/notifications', world.users.radmin.auth)).json().items;
    expect(
      notices.some(
        (n: { kind: string; data: { url?: string } }) =>
          n.kind === 'webhook-disabled' && n.data.url === receiver.url,
      ),
    ).toBe(true);

    // Enabled again, a redelivery goes through.
    receiver.status = 200;
    receiver.requests.length = 0;
    const enabled = await call('PATCH', `/api/v1/webhooks/${hook.id}`, world.users.radmin.auth, {
      enabled: true,
    });
    expect(enabled.json().enabled).toBe(true);
    const letter = dead.find((d: { channel: string }) => d.channel === 'webhook');
    expect(
      (await call('POST', `/api/v1/dead-letters/${letter.id}/retry`, world.users.radmin.auth)).statusCode,
    ).toBe(204);
    await dispatcher.runOnce();
    expect(receiver.requests).toHaveLength(1);
    await call('DELETE', `/api/v1/webhooks/${hook.id}`, world.users.radmin.auth);
    receiver.status = 200;
    expect(DAY_MS).toBeGreaterThan(0);
  });

  it('replays the caller’s events in order from a cursor, with the same visibility as the deals', async () => {
    const all = async (auth: Auth, after?: string) => {
      const items: { id: string; cursor: string; type: string; dealId: string }[] = [];
      let cursor = after;
      for (;;) {
        const res = await call(
          'GET',
          `/api/v1/events?limit=3${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`,
          auth,
        );
        expect(res.statusCode, res.body).toBe(200);
        items.push(...res.json().items);
        cursor = res.json().nextCursor;
        if (!res.json().hasMore) return { items, cursor };
      }
    };
    const before = await all(world.users.radmin.auth);
    const privateDeal = await create(world.users.radmin.auth, dealBody(world, { name: 'Replay private' }));
    const shared = await create(
      world.users.radmin.auth,
      dealBody(world, { name: 'Replay shared', invitations: [invitation(world)] } as never),
    );
    const fresh = await all(world.users.radmin.auth, before.cursor);
    expect(fresh.items.map((e) => [e.type, e.dealId])).toEqual([
      ['deal.created', privateDeal.id],
      ['deal.created', shared.id],
      ['deal.received', shared.id],
    ]);
    // From the middle: exactly the rest.
    const rest = await all(world.users.radmin.auth, fresh.items[0]?.cursor);
    expect(rest.items.map((e) => e.id)).toEqual(fresh.items.slice(1).map((e) => e.id));
    // Nothing new: the cursor stays usable.
    expect((await all(world.users.radmin.auth, fresh.cursor)).items).toEqual([]);

    // The vendor sees no event of any Contoso deal it is not part of; Litware sees the shared deal's events.
    const vendorEvents = (await all(world.users.vadmin.auth)).items;
    expect(vendorEvents.some((e) => e.dealId === privateDeal.id)).toBe(false);
    const vendorIds = new Set(vendorEvents.map((e) => e.id));
    expect(fresh.items.some((e) => vendorIds.has(e.id))).toBe(false);
    const litEvents = (await all(world.users.litware.auth)).items;
    expect(litEvents.filter((e) => fresh.items.some((f) => f.id === e.id)).map((e) => e.type)).toEqual([
      'deal.created',
      'deal.received',
    ]);
    // A referrals-user sees only the events of deals whose team they are on.
    const userEvents = (await all(world.users.userTw.auth)).items;
    expect(userEvents.some((e) => e.dealId === privateDeal.id)).toBe(false);

    for (const bad of ['nonsense', Buffer.from('{"s":-1}').toString('base64url')]) {
      const res = await call('GET', `/api/v1/events?after=${bad}`, world.users.radmin.auth);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid-cursor', path: 'after' });
    }
    expect((await call('GET', '/api/v1/events?limit=1000', world.users.radmin.auth)).statusCode).toBe(400);
  });
});
