import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../server/clock.ts';
import {
  contact,
  dealBody,
  invitation,
  makeOrg,
  makeSolution,
  standardWorld,
  type World,
} from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

type Auth = { authorization: string };
interface Participant {
  organization: { id: string; name: string; kind: string };
  status: string;
  direction: string;
  help: string;
}

describe.each(DIALECTS)('inviting later through HTTP on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  let sleepy: { id: string };
  let sleepySolution: string;

  const call = (...args: Parameters<TestEnv['call']>) => env.call(...args);

  const create = async (auth: Auth, body: Record<string, unknown>) => {
    const res = await call('POST', '/api/v1/deals', auth, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const get = async (auth: Auth, id: string) => {
    const res = await call('GET', `/api/v1/deals/${id}`, auth);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const invite = (auth: Auth, deal: { id: string; version: number }, body: unknown) =>
    call('POST', `/api/v1/deals/${deal.id}/invitations`, auth, body, { 'if-match': `"${deal.version}"` });
  /** The caller's organization's record of an engagement, from its inbound view. */
  const inboundRecord = async (auth: Auth, engagementId: string) => {
    const res = await call('GET', '/api/v1/deals?view=inbound&limit=100', auth);
    const found = res.json().items.find((d: { engagementId: string }) => d.engagementId === engagementId);
    if (!found) throw new Error('no inbound record');
    return get(auth, found.id);
  };
  const card = (deal: { participants: Participant[] }, name: string) =>
    deal.participants.find((p) => p.organization.name === name);
  const privateDeal = (overrides: Record<string, unknown> = {}) =>
    create(world.users.radmin.auth, dealBody(world, overrides));
  const litwareInvite = (overrides: Record<string, unknown> = {}) => ({
    partners: [invitation(world, overrides)],
  });

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    sleepy = await makeOrg(env.ctx, { name: 'Sleepy Partner', coSellReady: false });
    sleepySolution = await makeSolution(env.ctx, sleepy as never, { name: 'Sleepy Suite' });
  });
  afterAll(async () => env?.close());

  it('needs If-Match (428 without, 412 stale) and changes nothing on refusal', async () => {
    const deal = await privateDeal();
    const missing = await call(
      'POST',
      `/api/v1/deals/${deal.id}/invitations`,
      world.users.radmin.auth,
      litwareInvite(),
    );
    expect(missing.statusCode).toBe(428);
    expect(missing.json().error.code).toBe('precondition-required');
    const stale = await invite(
      world.users.radmin.auth,
      { id: deal.id, version: deal.version + 1 },
      litwareInvite(),
    );
    expect(stale.statusCode).toBe(412);
    expect(stale.json().error.code).toBe('precondition-failed');
    const empty = await invite(world.users.radmin.auth, deal, {});
    expect(empty.statusCode).toBe(400);
    const after = await get(world.users.radmin.auth, deal.id);
    expect(after).toMatchObject({ type: 'private', version: deal.version });
    expect(after.participants).toHaveLength(1);
  });

  it('private → invite the vendor: needs customer contact and consent; then co-sell and a received vendor record', async () => {
    const { radmin, vadmin } = world.users;
    const deal = await privateDeal({ name: 'Private then vendor' });
    expect(deal.abilities).toMatchObject({ inviteVendor: true, invitePartners: true });

    const noContact = await invite(radmin.auth, deal, {
      vendor: { help: 'quotes-or-licensing', notes: 'Need licensing help' },
    });
    expect(noContact.statusCode).toBe(400);
    expect(noContact.json().error).toMatchObject({ code: 'invalid-input', path: 'customerContact' });
    const noConsent = await invite(radmin.auth, deal, {
      vendor: { help: 'quotes-or-licensing' },
      customerContact: contact,
    });
    expect(noConsent.statusCode).toBe(400);
    expect(noConsent.json().error).toMatchObject({
      code: 'invalid-input',
      path: 'consent.shareContactWithVendor',
    });
    const consentFalse = await invite(radmin.auth, deal, {
      vendor: { help: 'quotes-or-licensing' },
      customerContact: contact,
      consent: { shareContactWithVendor: false },
    });
    expect(consentFalse.statusCode).toBe(400);
    expect(consentFalse.json().error.path).toBe('consent.shareContactWithVendor');
    // Nothing changed by the refusals.
    expect((await get(radmin.auth, deal.id)).version).toBe(deal.version);
    expect((await call('GET', '/api/v1/deals?view=inbound', vadmin.auth)).json().items).toEqual([]);

    const ok = await invite(radmin.auth, deal, {
      vendor: { help: 'quotes-or-licensing', notes: 'Need licensing help' },
      customerContact: contact,
      consent: { shareContactWithVendor: true },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const after = ok.json();
    expect(ok.headers.etag).toBe(`"${deal.version + 1}"`);
    expect(after).toMatchObject({
      type: 'co-sell',
      status: 'accepted',
      version: deal.version + 1,
      customerContact: contact,
      consent: { shareContactWithVendor: true },
    });
    expect(card(after, 'Northwind Cloud')).toMatchObject({
      status: 'received',
      direction: 'inbound',
      help: 'quotes-or-licensing',
    });
    expect(after.abilities).toMatchObject({ inviteVendor: false, invitePartners: true });

    const vendorRecord = await inboundRecord(vadmin.auth, deal.engagementId);
    expect(vendorRecord).toMatchObject({
      type: 'co-sell',
      status: 'received',
      direction: 'inbound',
      name: 'Private then vendor',
      value: { amount: '125000.00', currency: 'USD' },
      customerContact: contact,
      invitedBy: {
        organization: { id: world.contoso.id, name: 'Contoso' },
        notes: 'Need licensing help',
        help: 'quotes-or-licensing',
      },
      crmId: null,
    });
    expect(Date.parse(vendorRecord.expiresAt) - env.ctx.clock.now().getTime()).toBe(14 * DAY_MS);
    expect(vendorRecord.abilities).toMatchObject({
      accept: true,
      decline: true,
      invitePartners: false,
      inviteVendor: false,
    });
  });

  it('a contact and consent given at creation suffice to invite the vendor later', async () => {
    const deal = await privateDeal({ customerContact: contact, consent: { shareContactWithVendor: true } });
    const ok = await invite(world.users.radmin.auth, deal, { vendor: { help: 'general-or-other' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().type).toBe('co-sell');
  });

  it('private → invite a partner: partner-to-partner; the invitee gets a received record with its own terms', async () => {
    const { radmin, litware } = world.users;
    const deal = await privateDeal({ name: 'Private then partner' });
    const ok = await invite(
      radmin.auth,
      deal,
      litwareInvite({ value: { amount: '33000.00', currency: 'SEK' }, closeDate: '2026-10-31' }),
    );
    expect(ok.statusCode, ok.body).toBe(200);
    const after = ok.json();
    expect(after).toMatchObject({
      type: 'partner-to-partner',
      status: 'accepted',
      version: deal.version + 1,
    });
    expect(after.participants.map((p: Participant) => [p.organization.name, p.status, p.direction])).toEqual([
      ['Contoso', 'accepted', 'outbound'],
      ['Litware', 'received', 'inbound'],
    ]);
    const litwareRecord = await inboundRecord(litware.auth, deal.engagementId);
    expect(litwareRecord).toMatchObject({
      type: 'partner-to-partner',
      status: 'received',
      value: { amount: '33000.00', currency: 'SEK' },
      closeDate: '2026-10-31',
      location: { name: 'Litware Shanghai' },
      help: 'proof-of-concept-or-demo',
      invitedBy: { organization: { name: 'Contoso' }, notes: 'Bring your insight team' },
    });
    expect(litwareRecord.solutions.map((s: { id: string }) => s.id)).toEqual([world.solutions.litware]);
    // The inviter's people who work with the invitee are on the invitee's record (combined team).
    expect(litwareRecord.team).toEqual([
      expect.objectContaining({
        email: world.users.radmin.email,
        organization: { id: world.contoso.id, name: 'Contoso' },
      }),
    ]);
    // The vendor sees nothing of a partner-to-partner deal without it.
    expect(
      (await call('GET', '/api/v1/deals?view=inbound', world.users.vadmin.auth))
        .json()
        .items.map((d: { engagementId: string }) => d.engagementId),
    ).not.toContain(deal.engagementId);
  });

  it('vendor and partners at once on a private deal: co-sell with both records received', async () => {
    const deal = await privateDeal({ customerContact: contact, consent: { shareContactWithVendor: true } });
    const ok = await invite(world.users.radmin.auth, deal, {
      vendor: { help: 'workload-value-proposition' },
      ...litwareInvite(),
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().type).toBe('co-sell');
    expect(ok.json().participants.map((p: Participant) => [p.organization.name, p.status])).toEqual([
      ['Contoso', 'accepted'],
      ['Northwind Cloud', 'received'],
      ['Litware', 'received'],
    ]);
  });

  it('P2P without the vendor → an invitee invites the vendor → co-sell; then only the creator invites partners', async () => {
    const { radmin, litware, vadmin, fabrikam } = world.users;
    const created = await create(
      radmin.auth,
      dealBody(world, { name: 'P2P grows', invitations: [invitation(world)] as never }),
    );
    expect(created.type).toBe('partner-to-partner');
    let litwareRecord = await inboundRecord(litware.auth, created.engagementId);
    expect(litwareRecord.abilities).toMatchObject({ inviteVendor: true, invitePartners: true });
    const accepted = await call(
      'POST',
      `/api/v1/deals/${litwareRecord.id}/accept`,
      litware.auth,
      {},
      { 'if-match': `"${litwareRecord.version}"` },
    );
    expect(accepted.statusCode).toBe(200);
    litwareRecord = accepted.json();

    const viaInvitee = await invite(litware.auth, litwareRecord, {
      vendor: { help: 'customer-technical-architecture', notes: 'Architecture review please' },
      customerContact: contact,
      consent: { shareContactWithVendor: true },
    });
    expect(viaInvitee.statusCode, viaInvitee.body).toBe(200);
    expect(viaInvitee.json()).toMatchObject({ type: 'co-sell', version: litwareRecord.version + 1 });
    litwareRecord = viaInvitee.json();
    const creatorView = await get(radmin.auth, created.id);
    expect(creatorView.type).toBe('co-sell');
    expect(creatorView.version).toBe(created.version); // the creator's record is not the inviter's
    expect(card(creatorView, 'Northwind Cloud')).toMatchObject({
      status: 'received',
      help: 'customer-technical-architecture',
    });
    const vendorRecord = await inboundRecord(vadmin.auth, created.engagementId);
    expect(vendorRecord.invitedBy).toMatchObject({
      organization: { name: 'Litware' },
      notes: 'Architecture review please',
    });

    // co-sell: the invitee (inbound) may not invite partners, nor may the vendor from its inbound record.
    expect(litwareRecord.abilities.invitePartners).toBe(false);
    const fromInvitee = await invite(litware.auth, litwareRecord, {
      partners: [
        invitation(world, {
          partnerId: world.fabrikam.id,
          solutionIds: [world.solutions.fabrikam],
          team: [litware.member],
        }),
      ],
    });
    expect(fromInvitee.statusCode).toBe(409);
    expect(fromInvitee.json().error.code).toBe('invitation-not-allowed');
    expect(vendorRecord.abilities.invitePartners).toBe(false);
    const fromVendor = await invite(vadmin.auth, vendorRecord, {
      partners: [
        invitation(world, {
          partnerId: world.fabrikam.id,
          solutionIds: [world.solutions.fabrikam],
          team: [vadmin.member],
        }),
      ],
    });
    expect(fromVendor.statusCode).toBe(409);
    expect(fromVendor.json().error.code).toBe('invitation-not-allowed');
    // Nor can anyone invite the vendor again on a co-sell deal.
    const vendorAgain = await invite(radmin.auth, creatorView, { vendor: { help: 'general-or-other' } });
    expect(vendorAgain.statusCode).toBe(409);
    expect(['invitation-not-allowed', 'already-participant']).toContain(vendorAgain.json().error.code);

    // The creator may: Fabrikam joins, the deal stays co-sell.
    expect(creatorView.abilities.invitePartners).toBe(true);
    const fromCreator = await invite(radmin.auth, creatorView, {
      partners: [
        invitation(world, { partnerId: world.fabrikam.id, solutionIds: [world.solutions.fabrikam] }),
      ],
    });
    expect(fromCreator.statusCode, fromCreator.body).toBe(200);
    expect(fromCreator.json()).toMatchObject({ type: 'co-sell', version: creatorView.version + 1 });
    expect(fromCreator.json().participants.map((p: Participant) => [p.organization.name, p.status])).toEqual([
      ['Contoso', 'accepted'],
      ['Litware', 'accepted'],
      ['Northwind Cloud', 'received'],
      ['Fabrikam', 'received'],
    ]);
    expect((await inboundRecord(fabrikam.auth, created.engagementId)).type).toBe('co-sell');
    // Refused invitations changed nothing.
    expect((await get(litware.auth, litwareRecord.id)).version).toBe(litwareRecord.version);
    expect((await get(vadmin.auth, vendorRecord.id)).version).toBe(vendorRecord.version);
  });

  it('a vendor seller’s deal: the vendor invites more partners from its outbound record, never itself', async () => {
    const { seller } = world.users;
    const created = await create(seller.auth, {
      ...dealBody(world, {
        team: [seller.member],
        solutionIds: [world.solutions.vendor],
        invitations: [invitation(world, { team: [seller.member] })] as never,
      }),
      locationId: undefined,
    });
    expect(created).toMatchObject({ type: 'co-sell', direction: 'outbound' });
    expect(created.abilities).toMatchObject({ invitePartners: true, inviteVendor: false });
    const self = await invite(seller.auth, created, {
      vendor: { help: 'general-or-other' },
      customerContact: contact,
      consent: { shareContactWithVendor: true },
    });
    expect([403, 409]).toContain(self.statusCode);
    const more = await invite(seller.auth, created, {
      partners: [
        invitation(world, {
          partnerId: world.contoso.id,
          solutionIds: [world.solutions.contoso],
          team: [seller.member],
        }),
      ],
    });
    expect(more.statusCode, more.body).toBe(200);
    expect(more.json().participants.map((p: Participant) => p.organization.name)).toEqual([
      'Northwind Cloud',
      'Litware',
      'Contoso',
    ]);
  });

  it('solution assessment deals invite nobody: 409', async () => {
    const { fabrikam } = world.users;
    const sa = await create(fabrikam.auth, {
      ...dealBody(world, {
        solutionIds: [world.solutions.assessment],
        team: [fabrikam.member],
        customerContact: contact,
        consent: { shareContactWithVendor: true },
      }),
      locationId: world.fabrikam.locations[0]?.id,
    });
    expect(sa.type).toBe('solution-assessment');
    expect(sa.abilities).toMatchObject({ inviteVendor: false, invitePartners: false });
    for (const body of [
      litwareInvite({ team: [fabrikam.member] }),
      { vendor: { help: 'general-or-other' } },
    ]) {
      const res = await invite(fabrikam.auth, sa, body);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('invitation-not-allowed');
    }
    expect((await get(fabrikam.auth, sa.id)).participants).toHaveLength(1);
  });

  it('an organization already on the deal: 409 already-participant', async () => {
    const { radmin, litware } = world.users;
    const created = await create(radmin.auth, dealBody(world, { invitations: [invitation(world)] as never }));
    const again = await invite(radmin.auth, created, litwareInvite());
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'already-participant', path: 'partners.0.partnerId' });
    // The invitee invites the creator back: already on the deal.
    const litwareRecord = await inboundRecord(litware.auth, created.engagementId);
    const back = await invite(litware.auth, litwareRecord, {
      partners: [
        invitation(world, {
          partnerId: world.contoso.id,
          solutionIds: [world.solutions.contoso],
          team: [litware.member],
        }),
      ],
    });
    expect(back.statusCode).toBe(409);
    expect(back.json().error).toMatchObject({ code: 'already-participant', path: 'partners.0.partnerId' });
    // A second entry already on the deal is named by its index; nothing of the first entry is written.
    const mixed = await invite(radmin.auth, created, {
      partners: [
        invitation(world, { partnerId: world.fabrikam.id, solutionIds: [world.solutions.fabrikam] }),
        invitation(world),
      ],
    });
    expect(mixed.statusCode).toBe(409);
    expect(mixed.json().error.path).toBe('partners.1.partnerId');
    const after = await get(radmin.auth, created.id);
    expect(after.version).toBe(created.version);
    expect(after.participants.map((p: Participant) => p.organization.name)).toEqual(['Contoso', 'Litware']);
  });

  it('invitee checks: not co-sell-ready, self, twice, or someone else’s solutions → 400 with the path', async () => {
    const { radmin } = world.users;
    const deal = await privateDeal();
    const cases: [Record<string, unknown>[], string][] = [
      [[invitation(world, { partnerId: sleepy.id, solutionIds: [sleepySolution] })], 'partners.0.partnerId'],
      [
        [invitation(world, { partnerId: world.contoso.id, solutionIds: [world.solutions.contoso] })],
        'partners.0.partnerId',
      ],
      [
        [invitation(world, { partnerId: world.vendor.id, solutionIds: [world.solutions.vendor] })],
        'partners.0.partnerId',
      ],
      [[invitation(world, { partnerId: 'no-such-org' })], 'partners.0.partnerId'],
      [[invitation(world), invitation(world)], 'partners.1.partnerId'],
      [[invitation(world, { solutionIds: [world.solutions.contoso] })], 'partners.0.solutionIds.0'],
      [
        [invitation(world, { solutionIds: [world.solutions.litware, world.solutions.fabrikam] })],
        'partners.0.solutionIds.1',
      ],
      [
        [invitation(world, { solutionIds: [world.solutions.litware, world.solutions.vendor] })],
        'partners.0.solutionIds.1',
      ],
      [[invitation(world, { closeDate: '2026-01-01' })], 'partners.0.closeDate'],
      [[invitation(world, { team: [] })], 'partners.0.team'],
    ];
    for (const [partners, path] of cases) {
      const res = await invite(radmin.auth, deal, { partners });
      expect(res.statusCode, `${path}: ${res.body}`).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid-input', path });
    }
    const after = await get(radmin.auth, deal.id);
    expect(after).toMatchObject({ type: 'private', version: deal.version });
    expect(after.participants).toHaveLength(1);
  });

  it('a terminal inviter record cannot invite: 409', async () => {
    const { radmin } = world.users;
    const deal = await privateDeal({ customerContact: contact, consent: { shareContactWithVendor: true } });
    const lost = await call(
      'POST',
      `/api/v1/deals/${deal.id}/lose`,
      radmin.auth,
      { reason: 'chose-another-vendor' },
      { 'if-match': `"${deal.version}"` },
    );
    expect(lost.statusCode).toBe(200);
    expect(lost.json().abilities).toMatchObject({ inviteVendor: false, invitePartners: false });
    for (const body of [litwareInvite(), { vendor: { help: 'general-or-other' } }]) {
      const res = await invite(radmin.auth, lost.json(), body);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('invalid-state');
    }
    const after = await get(radmin.auth, deal.id);
    expect(after).toMatchObject({ status: 'lost', type: 'private', version: lost.json().version });
    expect(after.participants).toHaveLength(1);
  });

  it('roles and visibility: partner-admin and outsiders get 404', async () => {
    const deal = await privateDeal();
    for (const user of [world.users.contosoAdmin, world.users.litware, world.users.userTw]) {
      const res = await invite(user.auth, deal, litwareInvite());
      expect(res.statusCode).toBe(404);
    }
    expect((await get(world.users.radmin.auth, deal.id)).participants).toHaveLength(1);
  });
});
