/**
 * A deal's page is read in one statement on PostgreSQL and in nine look-ups on SQLite (server/services/deal-view.ts).
 * Both ways must give the same page to the same caller, and the same 404: here both run on each engine over random
 * worlds (every deal type, role, scope and team of test/world-visibility.ts), with teams, solutions and stage names
 * written in reverse order so that an order the one statement failed to restore would show.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../server/access/actor.ts';
import { newId } from '../server/ids.ts';
import { actorFromApiToken } from '../server/services/auth.ts';
import {
  type DealPage,
  loadDealPageAtOnce,
  loadDealPageByParts,
  presentDeal,
} from '../server/services/deal-view.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';
import { loadWorld, materialize, type World, worldArb } from './world-visibility.ts';

const WORLDS = 12;

/** Rewrites the world's teams, solutions and stage names so that their rows lie in reverse order. */
async function reverseOrders(env: TestEnv, world: World) {
  const db = env.ctx.db;
  for (const rec of world.records) {
    const team = await db
      .selectFrom('team_members')
      .selectAll()
      .where('participant_id', '=', rec.id)
      .orderBy('position', 'desc')
      .execute();
    await db.deleteFrom('team_members').where('participant_id', '=', rec.id).execute();
    for (const member of team) await db.insertInto('team_members').values(member).execute();
    await db.deleteFrom('deal_solutions').where('participant_id', '=', rec.id).execute();
    const solutions = [...new Set([rec.org.solutionId, ...world.orgs.map((o) => o.solutionId)])].slice(0, 3);
    for (const [position, solutionId] of [...solutions.entries()].reverse()) {
      await db
        .insertInto('deal_solutions')
        .values({ participant_id: rec.id, solution_id: solutionId, position })
        .execute();
    }
  }
  for (const org of world.orgs) {
    const names = [
      { name: `Qualify ${org.index}`, stage: 'qualified' },
      { name: `Pitch ${org.index}`, stage: 'proposed' },
      { name: `Shake ${org.index}`, stage: 'committed' },
    ];
    for (const [position, entry] of [...names.entries()].reverse()) {
      await db
        .insertInto('stage_names')
        .values({
          id: newId(),
          organization_id: org.id,
          name: entry.name,
          name_key: entry.name.toLowerCase(),
          stage: entry.stage,
          position,
        })
        .execute();
    }
  }
}

async function outcome(read: Promise<DealPage>) {
  try {
    return { page: await read };
  } catch (error) {
    return { error: (error as { code?: string }).code ?? String(error) };
  }
}

describe.each(DIALECTS)('a deal page read at once or by parts on %s', (dialect) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(dialect);
  });
  afterAll(async () => env?.close());

  it(`${WORLDS} random worlds: the same page, or the same 404, to every user for every record`, async () => {
    let pages = 0;
    let hidden = 0;
    let withSeveralParticipants = 0;
    let favorites = 0;
    for (const spec of fc.sample(worldArb, { numRuns: WORLDS, seed: 20261122 })) {
      const world = materialize(spec);
      await loadWorld(env.ctx, world, world.users);
      await reverseOrders(env, world);
      for (const user of world.users) {
        const actor = (await actorFromApiToken(env.ctx, user.token as string)) as Actor;
        expect(actor).not.toBeNull();
        for (const rec of world.records) {
          const atOnce = await outcome(loadDealPageAtOnce(env.ctx.db, actor, rec.id));
          const byParts = await outcome(loadDealPageByParts(env.ctx.db, actor, rec.id));
          expect(atOnce.error, `${user.email} ${rec.id}`).toEqual(byParts.error);
          if (!atOnce.page || !byParts.page) {
            hidden++;
            continue;
          }
          pages++;
          if (byParts.page.participants.length > 1) withSeveralParticipants++;
          if (byParts.page.favorite) favorites++;
          const { record: recordAtOnce, ...restAtOnce } = atOnce.page;
          const { record: recordByParts, ...restByParts } = byParts.page;
          expect(restAtOnce).toEqual(restByParts);
          expect({ ...recordAtOnce }).toEqual({ ...recordByParts });
          expect(await presentDeal(env.ctx.db, actor, atOnce.page)).toEqual(
            await presentDeal(env.ctx.db, actor, byParts.page),
          );
        }
      }
    }
    // Not vacuous: both outcomes, deals of several organizations and favorites were compared.
    expect(pages).toBeGreaterThan(50);
    expect(hidden).toBeGreaterThan(50);
    expect(withSeveralParticipants).toBeGreaterThan(10);
    expect(favorites).toBeGreaterThan(0);
  }, 300_000);
});
