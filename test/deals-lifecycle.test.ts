import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../server/clock.ts';
import { contact, dealBody, invitation, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

describe.each(DIALECTS)('deal lifecycle through HTTP on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
  });
  afterAll(async () => env.close());

  const call = (...args: Parameters<TestEnv['call']>) => env.call(...args);

  it('creates a private deal that starts accepted at stage created, with ETag and abilities', async () => {
    const res = await call(
      'POST',
      '/api/v1/deals',
      world.users.radmin.auth,
      dealBody(world, { crmId: 'OPP-1' }),
    );
    expect(res.statusCode).toBe(201);
    const deal = res.json();
    expect(res.headers.etag).toBe(`"${deal.version}"`);
    expect(deal).toMatchObject({
      type: 'private',
      status: 'accepted',
      salesStage: 'created',
      direction: 'outbound',
      crmId: 'OPP-1',
      value: { amount: '125000.00', currency: 'USD' },
      customer: { name: 'Volvo Cars AB', duns: '123456789', verified: true },
    });
    expect(deal.participants).toHaveLength(1);
    expect(deal.abilities).toMatchObject({
      accept: false,
      decline: false,
      edit: true,
      setStage: true,
      win: true,
      inviteVendor: true,
    });
    // The vendor never sees a private deal in any form.
    const asVendor = await call('GET', `/api/v1/deals/${deal.id}`, world.users.vadmin.auth);
    expect(asVendor.statusCode).toBe(404);
    const vendorList = await call('GET', '/api/v1/deals?view=inbound', world.users.vadmin.auth);
    expect(vendorList.json().items.map((d: { engagementId: string }) => d.engagementId)).not.toContain(
      deal.engagementId,
    );
  });

  it('co-sell: a help request lands in the vendor inbound as received; the vendor accepts', async () => {
    const created = await call(
      'POST',
      '/api/v1/deals',
      world.users.radmin.auth,
      dealBody(world, {
        vendorHelp: 'proof-of-concept-or-demo',
        customerContact: contact,
        consent: { shareContactWithVendor: true },
        notes: 'Need a PoC in Q3',
      }),
    );
    expect(created.statusCode).toBe(201);
    const deal = created.json();
    expect(deal.type).toBe('co-sell');
    const vendorCard = deal.participants.find(
      (p: { organization: { kind: string } }) => p.organization.kind === 'vendor',
    );
    expect(vendorCard).toMatchObject({
      status: 'received',
      direction: 'inbound',
      help: 'proof-of-concept-or-demo',
    });

    const inbound = await call('GET', '/api/v1/deals?view=inbound', world.users.vadmin.auth);
    const vendorRecord = inbound
      .json()
      .items.find((d: { engagementId: string }) => d.engagementId === deal.engagementId);
    expect(vendorRecord).toMatchObject({ status: 'received', direction: 'inbound' });
    expect(Date.parse(vendorRecord.expiresAt) - env.ctx.clock.now().getTime()).toBe(14 * DAY_MS);

    // The seller is not on the vendor's team yet: 404.
    expect((await call('GET', `/api/v1/deals/${vendorRecord.id}`, world.users.seller.auth)).statusCode).toBe(
      404,
    );
    const full = (await call('GET', `/api/v1/deals/${vendorRecord.id}`, world.users.vadmin.auth)).json();
    expect(full.crmId).toBeNull();
    expect(full.invitedBy).toMatchObject({
      organization: { name: 'Contoso' },
      help: 'proof-of-concept-or-demo',
    });
    // The vendor-admin puts the seller on the vendor's team while received.
    const patched = await call(
      'PATCH',
      `/api/v1/deals/${vendorRecord.id}`,
      world.users.vadmin.auth,
      { team: [world.users.seller.member] },
      { 'if-match': `"${full.version}"` },
    );
    expect(patched.statusCode).toBe(200);
    const asSeller = await call('GET', `/api/v1/deals/${vendorRecord.id}`, world.users.seller.auth);
    expect(asSeller.statusCode).toBe(200);
    expect(asSeller.json().abilities.accept).toBe(true);
    const accepted = await call(
      'POST',
      `/api/v1/deals/${vendorRecord.id}/accept`,
      world.users.seller.auth,
      { crmId: 'MSX-9', team: [world.users.seller.member] },
      { 'if-match': asSeller.headers.etag as string },
    );
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      status: 'accepted',
      salesStage: 'accepted',
      expiresAt: null,
      crmId: 'MSX-9',
    });

    // The partner sees the vendor's status, never the vendor's CRM ID.
    const partnerView = (await call('GET', `/api/v1/deals/${deal.id}`, world.users.radmin.auth)).json();
    expect(
      partnerView.participants.find(
        (p: { organization: { kind: string } }) => p.organization.kind === 'vendor',
      ).status,
    ).toBe('accepted');
    expect(JSON.stringify(partnerView)).not.toContain('MSX-9');
  });

  it('P2P with per-invitee terms; the invitee declines with a reason; the inviter stays active', async () => {
    const created = await call(
      'POST',
      '/api/v1/deals',
      world.users.radmin.auth,
      dealBody(world, { invitations: [invitation(world)] as never }),
    );
    expect(created.statusCode).toBe(201);
    const deal = created.json();
    expect(deal.type).toBe('partner-to-partner');
    const inbound = (await call('GET', '/api/v1/deals?view=inbound', world.users.litware.auth)).json().items;
    const litwareRecord = inbound.find((d: { engagementId: string }) => d.engagementId === deal.engagementId);
    expect(litwareRecord).toMatchObject({
      status: 'received',
      value: { amount: '40000.00', currency: 'EUR' },
      closeDate: '2026-11-30',
    });
    expect(litwareRecord.location.name).toBe('Litware Shanghai');
    const declined = await call(
      'POST',
      `/api/v1/deals/${litwareRecord.id}/decline`,
      world.users.litware.auth,
      { reason: 'no-budget', notes: 'Not this year' },
      { 'if-match': `"${litwareRecord.version}"` },
    );
    expect(declined.statusCode).toBe(200);
    expect(declined.json()).toMatchObject({ status: 'declined', reason: 'no-budget' });
    const mine = (await call('GET', `/api/v1/deals/${deal.id}`, world.users.radmin.auth)).json();
    expect(mine.status).toBe('accepted');
    expect(
      mine.participants.find((p: { organization: { name: string } }) => p.organization.name === 'Litware')
        .status,
    ).toBe('declined');
  });

  it('an invitee accepting with its team keeps the inviter’s people: both see the combined team', async () => {
    const created = await call(
      'POST',
      '/api/v1/deals',
      world.users.radmin.auth,
      dealBody(world, { invitations: [invitation(world)] as never }),
    );
    const deal = created.json();
    const litwareRecord = (await call('GET', '/api/v1/deals?view=inbound', world.users.litware.auth))
      .json()
      .items.find((d: { engagementId: string }) => d.engagementId === deal.engagementId);
    const accepted = await call(
      'POST',
      `/api/v1/deals/${litwareRecord.id}/accept`,
      world.users.litware.auth,
      { team: [world.users.litware.member] },
      { 'if-match': `"${litwareRecord.version}"` },
    );
    expect(accepted.statusCode).toBe(200);
    const team = accepted
      .json()
      .team.map(
        (m: { email: string; organization: { name: string } }) => `${m.organization.name}:${m.email}`,
      );
    expect(team.sort()).toEqual(['Contoso:radmin@contoso.example', 'Litware:radmin@litware.example']);
    const creatorView = (await call('GET', `/api/v1/deals/${deal.id}`, world.users.radmin.auth)).json();
    const litwareCard = creatorView.participants.find(
      (p: { organization: { name: string } }) => p.organization.name === 'Litware',
    );
    expect(litwareCard.team.map((m: { email: string }) => m.email).sort()).toEqual([
      'radmin@contoso.example',
      'radmin@litware.example',
    ]);
  });

  it('solution assessment: stages in order, won only when all are done', async () => {
    const created = await call('POST', '/api/v1/deals', world.users.fabrikam.auth, {
      ...dealBody(world, { solutionIds: [world.solutions.assessment], team: [world.users.fabrikam.member] }),
      locationId: world.fabrikam.locations[0]?.id,
    });
    expect(created.statusCode).toBe(201);
    let deal = created.json();
    expect(deal.type).toBe('solution-assessment');
    expect(deal.abilities.win).toBe(false);
    const win = await call(
      'POST',
      `/api/v1/deals/${deal.id}/win`,
      world.users.fabrikam.auth,
      {},
      { 'if-match': `"${deal.version}"` },
    );
    expect(win.statusCode).toBe(409);
    expect(win.json().error.code).toBe('stages-incomplete');
    const skip = await call(
      'POST',
      `/api/v1/deals/${deal.id}/stage`,
      world.users.fabrikam.auth,
      { stage: 'collect-data' },
      { 'if-match': `"${deal.version}"` },
    );
    expect(skip.statusCode).toBe(400);
    for (const stage of [
      'secure-customer-loe',
      'collect-data',
      'prepare-assessment-report',
      'present-to-customer',
    ]) {
      const res = await call(
        'POST',
        `/api/v1/deals/${deal.id}/stage`,
        world.users.fabrikam.auth,
        { stage },
        { 'if-match': `"${deal.version}"` },
      );
      expect(res.statusCode).toBe(200);
      deal = res.json();
    }
    expect(deal.abilities.win).toBe(true);
    const won = await call(
      'POST',
      `/api/v1/deals/${deal.id}/win`,
      world.users.fabrikam.auth,
      {},
      { 'if-match': `"${deal.version}"` },
    );
    expect(won.statusCode).toBe(200);
    expect(won.json()).toMatchObject({ status: 'won', salesStage: 'won' });
    expect(Object.values(won.json().abilities).every((v) => v === false)).toBe(true);
  });
});
