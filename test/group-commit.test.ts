/**
 * inTransaction as callers see it, whatever batching happens beneath (db/group-commit.ts on SQLite): each work is
 * atomic on its own, a failed work undoes only its own writes, and on SQLite works that arrive together share one
 * COMMIT, and a COMMIT that fails reaches every work of its batch.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupCommitStats } from '../server/db/group-commit.ts';
import { inTransaction } from '../server/services/context.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

const organization = (id: string) => ({
  id,
  kind: 'partner' as const,
  name: `Org ${id}`,
  partner_id: null,
  co_sell_ready: 0 as const,
  assessment_approved: 0 as const,
  created_at: '2026-06-01T09:00:00.000Z',
});

async function namesOf(env: TestEnv, prefix: string): Promise<string[]> {
  const rows = await env.ctx.db
    .selectFrom('organizations')
    .select('id')
    .where('id', 'like', `${prefix}%`)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

describe.each(DIALECTS)('transactions on %s', (dialect) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(dialect);
  });
  afterAll(async () => {
    await env.close();
  });

  it('concurrent works: each is atomic, a failing one undoes only its own writes and gets its own error', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        inTransaction(env.ctx, async (trx) => {
          const id = `a-${String(i).padStart(2, '0')}`;
          await trx
            .insertInto('organizations')
            .values(organization(`${id}-1`))
            .execute();
          await trx
            .insertInto('organizations')
            .values(organization(`${id}-2`))
            .execute();
          if (i % 5 === 3) throw new Error(`work ${i} refuses`);
          return i;
        }),
      ),
    );
    for (const [i, result] of results.entries()) {
      if (i % 5 === 3)
        expect(result).toMatchObject({ status: 'rejected', reason: { message: `work ${i} refuses` } });
      else expect(result).toEqual({ status: 'fulfilled', value: i });
    }
    const expected = Array.from({ length: 20 }, (_, i) => i)
      .filter((i) => i % 5 !== 3)
      .flatMap((i) => [`a-${String(i).padStart(2, '0')}-1`, `a-${String(i).padStart(2, '0')}-2`]);
    expect(await namesOf(env, 'a-')).toEqual(expected);
  });
});

// SQLite only: the group commit itself (PostgreSQL runs concurrent transactions side by side on its pool).
describe('group commit on sqlite', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('sqlite');
  });
  afterAll(async () => {
    await env.close();
  });

  it('a work sees the writes of the works queued before it', async () => {
    await inTransaction(env.ctx, async (trx) => {
      await trx.insertInto('organizations').values(organization('b-first')).execute();
    });
    const [, seen] = await Promise.all([
      inTransaction(env.ctx, async (trx) => {
        await trx.insertInto('organizations').values(organization('b-second')).execute();
      }),
      inTransaction(
        env.ctx,
        async (trx) =>
          (await trx.selectFrom('organizations').select('id').where('id', 'like', 'b-%').execute()).length,
      ),
    ]);
    expect(seen).toBe(2);
  });

  it('works that arrive together share one COMMIT', async () => {
    const before = groupCommitStats(env.ctx.db);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        inTransaction(env.ctx, async (trx) => {
          await trx
            .insertInto('organizations')
            .values(organization(`c-${String(i).padStart(2, '0')}`))
            .execute();
        }),
      ),
    );
    const after = groupCommitStats(env.ctx.db);
    expect(after.works - before.works).toBe(30);
    // Queued in the same turn of the event loop: one COMMIT for all (at most two if a batch was already running).
    expect(after.batches - before.batches).toBeLessThanOrEqual(2);
    expect(await namesOf(env, 'c-')).toHaveLength(30);
  });

  it('a COMMIT that fails reaches every work of its batch, and none of their writes exist', async () => {
    // Hold the connection with one work so the next three queue into one batch; one of them makes the
    // COMMIT fail (a foreign key checked only at COMMIT).
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holder = inTransaction(env.ctx, async (trx) => {
      await trx.insertInto('organizations').values(organization('d-holder')).execute();
      await gate;
    });
    // Works queued in the same turn of the event loop share a batch: let the holder's batch start first.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const batch = [0, 1, 2].map((i) =>
      inTransaction(env.ctx, async (trx) => {
        if (i === 1) {
          await sql`pragma defer_foreign_keys = on`.execute(trx);
          await trx
            .insertInto('locations')
            .values({
              id: 'd-dangling',
              organization_id: 'no-such-organization',
              name: 'x',
              country: 'SE',
              city: 'Lund',
              created_at: '2026-06-01T09:00:00.000Z',
            })
            .execute();
        }
        await trx
          .insertInto('organizations')
          .values(organization(`d-${i}`))
          .execute();
        return i;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await holder;
    const results = await Promise.allSettled(batch);
    for (const result of results) {
      expect(result).toMatchObject({
        status: 'rejected',
        reason: { message: expect.stringMatching(/FOREIGN KEY/i) },
      });
    }
    expect(await namesOf(env, 'd-')).toEqual(['d-holder']);
    const dangling = await env.ctx.db
      .selectFrom('locations')
      .select('id')
      .where('id', '=', 'd-dangling')
      .execute();
    expect(dangling).toEqual([]);
    // The next work is not affected.
    await inTransaction(env.ctx, async (trx) => {
      await trx.insertInto('organizations').values(organization('d-after')).execute();
    });
    expect(await namesOf(env, 'd-')).toEqual(['d-after', 'd-holder']);
  });
});
