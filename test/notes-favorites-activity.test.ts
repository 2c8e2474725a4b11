import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contact, dealBody, invitation, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

type Auth = { authorization: string };
interface Deal {
  id: string;
  engagementId: string;
  version: number;
  status: string;
  favorite: boolean;
  abilities: Record<string, boolean>;
}
interface Entry {
  type: string;
  actor: { name: string | null; organization: { id: string; name: string } | null };
  organization: { id: string; name: string };
  changes: Record<string, { from: unknown; to: unknown }>;
  createdAt: string;
}

describe.each(DIALECTS)('notes, favorites and activity through HTTP on %s', (dialect) => {
  let env: TestEnv;
  let world: World;

  const call = (...args: Parameters<TestEnv['call']>) => env.call(...args);
  const get = async (auth: Auth, id: string): Promise<Deal> => {
    const res = await call('GET', `/api/v1/deals/${id}`, auth);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const inboundRecord = async (auth: Auth, engagementId: string): Promise<Deal> => {
    const res = await call('GET', '/api/v1/deals?view=inbound&limit=100', auth);
    const found = res.json().items.find((d: { engagementId: string }) => d.engagementId === engagementId);
    if (!found) throw new Error('no inbound record');
    return get(auth, found.id);
  };
  const postNote = (auth: Auth, deal: { id: string; version: number }, body: string) =>
    call('POST', `/api/v1/deals/${deal.id}/notes`, auth, { body }, { 'if-match': `"${deal.version}"` });
  const notes = async (auth: Auth, id: string) => {
    const res = await call('GET', `/api/v1/deals/${id}/notes`, auth);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as { body: string; author: { name: string; organization: { name: string } } }[];
  };
  const activity = async (auth: Auth, id: string): Promise<Entry[]> => {
    const res = await call('GET', `/api/v1/deals/${id}/activity`, auth);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };
  const favorites = async (auth: Auth) =>
    (await call('GET', '/api/v1/deals?view=favorites&limit=100', auth))
      .json()
      .items.map((d: { id: string }) => d.id);

  /** A co-sell deal: Contoso (creator), the vendor asked for help, Litware invited. */
  let deal: { contoso: Deal; vendor: Deal; litware: Deal };
  const freshDeal = async () => {
    const { radmin, vadmin, litware } = world.users;
    const created = await call(
      'POST',
      '/api/v1/deals',
      radmin.auth,
      dealBody(world, {
        vendorHelp: 'proof-of-concept-or-demo',
        customerContact: contact,
        consent: { shareContactWithVendor: true },
        notes: 'Kick-off note from Contoso',
        invitations: [invitation(world)] as never,
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const contoso = created.json() as Deal;
    return {
      contoso,
      vendor: await inboundRecord(vadmin.auth, contoso.engagementId),
      litware: await inboundRecord(litware.auth, contoso.engagementId),
    };
  };

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
  });
  beforeEach(async () => {
    deal = await freshDeal();
  });
  afterAll(async () => env?.close());

  describe('notes', () => {
    it('needs If-Match: 428 without, 412 when stale; a note does not change the record’s version', async () => {
      const { radmin } = world.users;
      const missing = await call('POST', `/api/v1/deals/${deal.contoso.id}/notes`, radmin.auth, {
        body: 'hello',
      });
      expect(missing.statusCode).toBe(428);
      expect(missing.json().error.code).toBe('precondition-required');
      const stale = await postNote(
        radmin.auth,
        { id: deal.contoso.id, version: deal.contoso.version + 1 },
        'hello',
      );
      expect(stale.statusCode).toBe(412);
      expect(stale.json().error.code).toBe('precondition-failed');
      const garbage = await call(
        'POST',
        `/api/v1/deals/${deal.contoso.id}/notes`,
        radmin.auth,
        { body: 'hello' },
        { 'if-match': 'banana' },
      );
      expect(garbage.statusCode).toBe(412);
      expect((await notes(radmin.auth, deal.contoso.id)).map((n) => n.body)).toEqual([
        'Kick-off note from Contoso',
      ]);

      const ok = await postNote(radmin.auth, deal.contoso, '  Customer wants a demo on Friday  ');
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json()).toMatchObject({
        body: 'Customer wants a demo on Friday',
        author: { name: 'radmin', organization: { id: world.contoso.id, name: 'Contoso' } },
        createdAt: env.ctx.clock.now().toISOString(),
      });
      expect((await get(radmin.auth, deal.contoso.id)).version).toBe(deal.contoso.version);
      // The same ETag works again; after a real change it is stale.
      expect((await postNote(radmin.auth, deal.contoso, 'Second note')).statusCode).toBe(201);
      const patched = await call(
        'PATCH',
        `/api/v1/deals/${deal.contoso.id}`,
        radmin.auth,
        { crmId: 'OPP-5' },
        { 'if-match': `"${deal.contoso.version}"` },
      );
      expect(patched.statusCode).toBe(200);
      const afterChange = await postNote(radmin.auth, deal.contoso, 'Too late');
      expect(afterChange.statusCode).toBe(412);
      expect((await notes(radmin.auth, deal.contoso.id)).map((n) => n.body)).not.toContain('Too late');
      for (const body of [{ body: '' }, { body: '   ' }, {}, { body: 'x', extra: 1 }]) {
        const bad = await call('POST', `/api/v1/deals/${deal.contoso.id}/notes`, radmin.auth, body, {
          'if-match': `"${patched.json().version}"`,
        });
        expect(bad.statusCode).toBe(400);
        expect(bad.json().error.code).toBe('invalid-input');
      }
    });

    it('one shared thread: every participant sees every participant’s notes, in order; outsiders get 404', async () => {
      const { radmin, vadmin, litware, fabrikam, contosoAdmin, userTw } = world.users;
      expect((await postNote(litware.auth, deal.litware, 'Litware can bring a PoC team')).statusCode).toBe(
        201,
      );
      expect((await postNote(vadmin.auth, deal.vendor, 'Northwind will join the PoC')).statusCode).toBe(201);
      const expected = [
        ['Kick-off note from Contoso', 'Contoso'],
        ['Litware can bring a PoC team', 'Litware'],
        ['Northwind will join the PoC', 'Northwind Cloud'],
      ];
      for (const [auth, id] of [
        [radmin.auth, deal.contoso.id],
        [litware.auth, deal.litware.id],
        [vadmin.auth, deal.vendor.id],
      ] as const) {
        expect((await notes(auth, id)).map((n) => [n.body, n.author.organization.name])).toEqual(expected);
      }
      // Not a participant, or not reaching this record: 404 (reading and writing).
      for (const [auth, id] of [
        [fabrikam.auth, deal.contoso.id],
        [contosoAdmin.auth, deal.contoso.id],
        [userTw.auth, deal.contoso.id],
        [radmin.auth, deal.litware.id],
        [world.users.seller.auth, deal.vendor.id],
      ] as const) {
        expect((await call('GET', `/api/v1/deals/${id}/notes`, auth)).statusCode).toBe(404);
        expect((await postNote(auth, { id, version: 1 }, 'sneaky')).statusCode).toBe(404);
      }
      expect((await notes(radmin.auth, deal.contoso.id)).map((n) => n.body)).not.toContain('sneaky');
    });

    it('a terminal record cannot add notes (409); the others still can and the thread stays readable', async () => {
      const { radmin, litware } = world.users;
      const declined = await call(
        'POST',
        `/api/v1/deals/${deal.litware.id}/decline`,
        litware.auth,
        { reason: 'timeline-too-short' },
        { 'if-match': `"${deal.litware.version}"` },
      );
      expect(declined.statusCode).toBe(200);
      expect(declined.json().abilities.addNote).toBe(false);
      const refused = await postNote(litware.auth, declined.json(), 'After declining');
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('invalid-state');
      expect((await postNote(radmin.auth, deal.contoso, 'Litware is out')).statusCode).toBe(201);
      expect((await notes(litware.auth, deal.litware.id)).map((n) => n.body)).toEqual([
        'Kick-off note from Contoso',
        'Litware is out',
      ]);
    });
  });

  describe('favorites', () => {
    it('PUT/DELETE toggle the caller’s own heart; another user of the same organization does not see it', async () => {
      const { radmin, radminSe, litware } = world.users;
      expect(deal.contoso.favorite).toBe(false);
      expect((await call('PUT', `/api/v1/deals/${deal.contoso.id}/favorite`, radmin.auth)).statusCode).toBe(
        204,
      );
      expect((await get(radmin.auth, deal.contoso.id)).favorite).toBe(true);
      expect(await favorites(radmin.auth)).toContain(deal.contoso.id);
      // Twice is the same as once.
      expect((await call('PUT', `/api/v1/deals/${deal.contoso.id}/favorite`, radmin.auth)).statusCode).toBe(
        204,
      );
      expect((await favorites(radmin.auth)).filter((id: string) => id === deal.contoso.id)).toHaveLength(1);
      // Per user: the Stockholm referrals-admin sees the same record without a heart; other organizations see nothing.
      const asOther = await get(radminSe.auth, deal.contoso.id);
      expect(asOther.favorite).toBe(false);
      expect(await favorites(radminSe.auth)).not.toContain(deal.contoso.id);
      expect((await get(litware.auth, deal.litware.id)).favorite).toBe(false);
      expect(await favorites(litware.auth)).toEqual([]);
      // A heart does not change the deal.
      expect((await get(radmin.auth, deal.contoso.id)).version).toBe(deal.contoso.version);

      expect(
        (await call('DELETE', `/api/v1/deals/${deal.contoso.id}/favorite`, radmin.auth)).statusCode,
      ).toBe(204);
      expect((await get(radmin.auth, deal.contoso.id)).favorite).toBe(false);
      expect(await favorites(radmin.auth)).not.toContain(deal.contoso.id);
      expect(
        (await call('DELETE', `/api/v1/deals/${deal.contoso.id}/favorite`, radmin.auth)).statusCode,
      ).toBe(204);
    });

    it('the favorites view holds inbound and closed hearts too', async () => {
      const { litware } = world.users;
      expect((await call('PUT', `/api/v1/deals/${deal.litware.id}/favorite`, litware.auth)).statusCode).toBe(
        204,
      );
      const inbound = (await call('GET', '/api/v1/deals?view=inbound&limit=100', litware.auth)).json().items;
      expect(inbound.find((d: { id: string }) => d.id === deal.litware.id).favorite).toBe(true);
      const declined = await call(
        'POST',
        `/api/v1/deals/${deal.litware.id}/decline`,
        litware.auth,
        { reason: 'no-budget' },
        { 'if-match': `"${deal.litware.version}"` },
      );
      expect(declined.json()).toMatchObject({ status: 'declined', favorite: true });
      expect(await favorites(litware.auth)).toContain(deal.litware.id);
      const closed = (await call('GET', '/api/v1/deals?view=closed&limit=100', litware.auth)).json().items;
      expect(closed.find((d: { id: string }) => d.id === deal.litware.id).favorite).toBe(true);
      await call('DELETE', `/api/v1/deals/${deal.litware.id}/favorite`, litware.auth);
    });

    it('404 on a deal the caller cannot see', async () => {
      const { fabrikam, contosoAdmin, userTw, radmin, vadmin } = world.users;
      for (const method of ['PUT', 'DELETE']) {
        for (const [auth, id] of [
          [fabrikam.auth, deal.contoso.id],
          [contosoAdmin.auth, deal.contoso.id],
          [userTw.auth, deal.contoso.id],
          [radmin.auth, deal.litware.id],
          [vadmin.auth, deal.contoso.id],
          [radmin.auth, 'does-not-exist'],
        ] as const) {
          const res = await call(method, `/api/v1/deals/${id}/favorite`, auth);
          expect(res.statusCode).toBe(404);
          expect(res.json().error.code).toBe('not-found');
        }
      }
      expect(await favorites(fabrikam.auth)).toEqual([]);
      expect((await get(radmin.auth, deal.contoso.id)).favorite).toBe(false);
    });
  });

  describe('activity', () => {
    it('status changes are shared with every participant, with actor and changes', async () => {
      const { radmin, vadmin, litware } = world.users;
      const accepted = await call(
        'POST',
        `/api/v1/deals/${deal.litware.id}/accept`,
        litware.auth,
        {},
        { 'if-match': `"${deal.litware.version}"` },
      );
      expect(accepted.statusCode).toBe(200);
      for (const [auth, id] of [
        [radmin.auth, deal.contoso.id],
        [vadmin.auth, deal.vendor.id],
        [litware.auth, deal.litware.id],
      ] as const) {
        const entries = await activity(auth, id);
        const accept = entries.filter((e) => e.type === 'deal.status-changed');
        expect(accept).toHaveLength(1);
        expect(accept[0]).toMatchObject({
          actor: { name: 'radmin', organization: { id: world.litware.id, name: 'Litware' } },
          organization: { id: world.litware.id, name: 'Litware' },
          changes: { status: { from: 'received', to: 'accepted' } },
          createdAt: env.ctx.clock.now().toISOString(),
        });
        // Creation and the two receipts are shared too.
        expect(entries.filter((e) => e.type === 'deal.created').map((e) => e.organization.name)).toEqual([
          'Contoso',
        ]);
        expect(
          entries
            .filter((e) => e.type === 'deal.received')
            .map((e) => [e.organization.name, e.changes.status?.to]),
        ).toEqual([
          ['Northwind Cloud', 'received'],
          ['Litware', 'received'],
        ]);
      }

      // The vendor declines: every participant sees it.
      const vendorDecline = await call(
        'POST',
        `/api/v1/deals/${deal.vendor.id}/decline`,
        vadmin.auth,
        { reason: 'requirement-not-met' },
        { 'if-match': `"${deal.vendor.version}"` },
      );
      expect(vendorDecline.statusCode).toBe(200);
      const seenByLitware = (await activity(litware.auth, deal.litware.id)).filter(
        (e) => e.type === 'deal.status-changed',
      );
      expect(
        seenByLitware.map((e) => [e.organization.name, e.actor.organization?.name, e.changes.status?.to]),
      ).toEqual([
        ['Litware', 'Litware', 'accepted'],
        ['Northwind Cloud', 'Northwind Cloud', 'declined'],
      ]);
    });

    it('an organization’s own edits (CRM ID, stage) are visible only to that organization', async () => {
      const { radmin, radminSe, vadmin, litware } = world.users;
      const patched = await call(
        'PATCH',
        `/api/v1/deals/${deal.contoso.id}`,
        radmin.auth,
        { crmId: 'OPP-SECRET-77', campaignId: 'CAMP-SECRET' },
        { 'if-match': `"${deal.contoso.version}"` },
      );
      expect(patched.statusCode).toBe(200);
      const staged = await call(
        'POST',
        `/api/v1/deals/${deal.contoso.id}/stage`,
        radmin.auth,
        { stage: 'proposed' },
        { 'if-match': `"${patched.json().version}"` },
      );
      expect(staged.statusCode).toBe(200);

      const own = await activity(radmin.auth, deal.contoso.id);
      const updates = own.filter((e) => e.type === 'deal.updated');
      expect(updates).toHaveLength(2);
      expect(updates[0]).toMatchObject({
        actor: { name: 'radmin', organization: { id: world.contoso.id, name: 'Contoso' } },
        organization: { name: 'Contoso' },
        changes: {
          crmId: { from: null, to: 'OPP-SECRET-77' },
          campaignId: { from: null, to: 'CAMP-SECRET' },
        },
      });
      expect(updates[1]?.changes).toEqual({ salesStage: { from: 'created', to: 'proposed' } });
      // Every Contoso user who sees the record sees the same entries.
      expect((await activity(radminSe.auth, deal.contoso.id)).map((e) => e.type)).toEqual(
        own.map((e) => e.type),
      );

      for (const [auth, id] of [
        [vadmin.auth, deal.vendor.id],
        [litware.auth, deal.litware.id],
      ] as const) {
        const res = await call('GET', `/api/v1/deals/${id}/activity`, auth);
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toContain('OPP-SECRET-77');
        expect(res.body).not.toContain('CAMP-SECRET');
        expect(res.body).not.toContain('proposed');
        expect(res.json().items.filter((e: Entry) => e.type === 'deal.updated')).toEqual([]);
      }
      // Litware's own CRM ID stays Litware's.
      const litwarePatch = await call(
        'POST',
        `/api/v1/deals/${deal.litware.id}/accept`,
        litware.auth,
        { crmId: 'LIT-CRM-1' },
        { 'if-match': `"${deal.litware.version}"` },
      );
      expect(litwarePatch.statusCode).toBe(200);
      const edit = await call(
        'PATCH',
        `/api/v1/deals/${deal.litware.id}`,
        litware.auth,
        { crmId: 'LIT-CRM-2' },
        { 'if-match': `"${litwarePatch.json().version}"` },
      );
      expect(edit.statusCode).toBe(200);
      expect(
        (await activity(litware.auth, deal.litware.id)).find((e) => e.type === 'deal.updated')?.changes,
      ).toEqual({
        crmId: { from: 'LIT-CRM-1', to: 'LIT-CRM-2' },
      });
      const contosoBody = (await call('GET', `/api/v1/deals/${deal.contoso.id}/activity`, radmin.auth)).body;
      expect(contosoBody).not.toContain('LIT-CRM');
    });

    it('invitations and type changes appear for every participant', async () => {
      const { radmin, litware } = world.users;
      const invited = await call(
        'POST',
        `/api/v1/deals/${deal.contoso.id}/invitations`,
        radmin.auth,
        {
          partners: [
            invitation(world, { partnerId: world.fabrikam.id, solutionIds: [world.solutions.fabrikam] }),
          ],
        },
        { 'if-match': `"${deal.contoso.version}"` },
      );
      expect(invited.statusCode, invited.body).toBe(200);
      const received = (await activity(litware.auth, deal.litware.id)).filter(
        (e) => e.type === 'deal.received',
      );
      expect(received.map((e) => [e.organization.name, e.actor.organization?.name])).toEqual([
        ['Northwind Cloud', 'Contoso'],
        ['Litware', 'Contoso'],
        ['Fabrikam', 'Contoso'],
      ]);
    });

    it('404 for a deal the caller cannot see', async () => {
      const { fabrikam, contosoAdmin, userTw, radmin, vadmin, seller } = world.users;
      for (const [auth, id] of [
        [fabrikam.auth, deal.contoso.id],
        [contosoAdmin.auth, deal.contoso.id],
        [userTw.auth, deal.contoso.id],
        [radmin.auth, deal.litware.id],
        [vadmin.auth, deal.contoso.id],
        [seller.auth, deal.vendor.id],
        [radmin.auth, 'nope'],
      ] as const) {
        const res = await call('GET', `/api/v1/deals/${id}/activity`, auth);
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('not-found');
      }
    });
  });
});
