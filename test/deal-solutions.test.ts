/**
 * Changing an accepted deal's solutions through PATCH /deals/{id} (the deal page's "Change solutions"): the new
 * set replaces the old, the change is in the activity, and the rules of the wizard's solutions step hold —
 * no assessment, no other partner's solution that is not co-sell ready, at least one, nothing while received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealBody, invitation, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

describe.each(DIALECTS)('changing a deal’s solutions through HTTP on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
  });
  afterAll(async () => env.close());

  const call = (...args: Parameters<TestEnv['call']>) => env.call(...args);
  const names = (deal: { solutions: { name: string }[] }) => deal.solutions.map((s) => s.name).sort();

  it('replaces the solutions of an accepted deal and records the change', async () => {
    const created = await call('POST', '/api/v1/deals', world.users.radmin.auth, dealBody(world));
    expect(created.statusCode).toBe(201);
    const deal = created.json();
    expect(names(deal)).toEqual(['Contoso Analytics']);

    const changed = await call(
      'PATCH',
      `/api/v1/deals/${deal.id}`,
      world.users.radmin.auth,
      { solutionIds: [world.solutions.vendor, world.solutions.litware] },
      { 'if-match': `"${deal.version}"` },
    );
    expect(changed.statusCode).toBe(200);
    expect(names(changed.json())).toEqual(['Litware Insight', 'Northwind Data Platform']);
    expect(changed.json().version).toBeGreaterThan(deal.version);
    const read = await call('GET', `/api/v1/deals/${deal.id}`, world.users.radmin.auth);
    expect(names(read.json())).toEqual(['Litware Insight', 'Northwind Data Platform']);
    const activity = (await call('GET', `/api/v1/deals/${deal.id}/activity`, world.users.radmin.auth)).json();
    expect(JSON.stringify(activity.items)).toContain('solutions');

    // The old version is stale now.
    const stale = await call(
      'PATCH',
      `/api/v1/deals/${deal.id}`,
      world.users.radmin.auth,
      { solutionIds: [world.solutions.contoso] },
      { 'if-match': `"${deal.version}"` },
    );
    expect(stale.statusCode).toBe(412);
  });

  it('refuses an assessment, a partner solution that is not co-sell ready, an empty set, and any change while received', async () => {
    const created = await call(
      'POST',
      '/api/v1/deals',
      world.users.radmin.auth,
      dealBody(world, {
        invitations: [
          invitation(world, { partnerId: world.fabrikam.id, solutionIds: [world.solutions.fabrikam] }),
        ] as never,
      }),
    );
    expect(created.statusCode).toBe(201);
    const deal = created.json();
    const patch = (solutionIds: string[]) =>
      call(
        'PATCH',
        `/api/v1/deals/${deal.id}`,
        world.users.radmin.auth,
        { solutionIds },
        { 'if-match': `"${deal.version}"` },
      );
    for (const ids of [[world.solutions.assessment], [world.solutions.litwareDraft], []]) {
      const refused = await patch(ids);
      expect(refused.statusCode, JSON.stringify(ids)).toBe(400);
      expect(refused.json().error.path).toMatch(/^solutionIds/);
    }
    expect(names((await call('GET', `/api/v1/deals/${deal.id}`, world.users.radmin.auth)).json())).toEqual([
      'Contoso Analytics',
    ]);

    // The invited partner's record is received: its solutions wait until it accepts.
    const inbound = (await call('GET', '/api/v1/deals?view=inbound&limit=100', world.users.fabrikam.auth))
      .json()
      .items.find((d: { engagementId: string }) => d.engagementId === deal.engagementId);
    expect(inbound).toBeDefined();
    const received = await call('GET', `/api/v1/deals/${inbound.id}`, world.users.fabrikam.auth);
    const early = await call(
      'PATCH',
      `/api/v1/deals/${inbound.id}`,
      world.users.fabrikam.auth,
      { solutionIds: [world.solutions.fabrikam] },
      { 'if-match': received.headers.etag as string },
    );
    expect(early.statusCode).toBe(409);
  });
});
