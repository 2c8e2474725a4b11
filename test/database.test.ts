/**
 * The connection layer (server/db/database.ts): statements are prepared once per connection and reused —
 * the SQLite statement cache, PostgreSQL named statements — and a reused statement answers for its new
 * parameters, also after PostgreSQL switches to a generic plan (from the sixth execution).
 */
import { type KyselyPlugin, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedQuery } from '../server/db/prepared.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

describe.each(DIALECTS)('prepared statements on %s', (dialect) => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    const now = new Date().toISOString();
    await env.ctx.db
      .insertInto('organizations')
      .values(
        ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf', 'Hotel'].map((name, i) => ({
          id: `org-${i}`,
          kind: 'partner',
          name,
          partner_id: `p-${i}`,
          co_sell_ready: 1,
          assessment_approved: 0,
          created_at: now,
        })),
      )
      .execute();
  });
  afterAll(async () => env?.close());

  it('a statement run again with other parameters answers for them', async () => {
    const nameOf = (id: string) =>
      env.ctx.db.selectFrom('organizations').select('name').where('id', '=', id).executeTakeFirst();
    const names: (string | undefined)[] = [];
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 8; i++) names.push((await nameOf(`org-${i}`))?.name);
    }
    expect(names).toEqual([
      ...['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf', 'Hotel'],
      ...['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf', 'Hotel'],
    ]);
    expect(await nameOf('org-missing')).toBeUndefined();
  });

  it("a prepared query puts each run's values in its parameters' places and keeps its own constants", async () => {
    const partnersNamed = preparedQuery((db, p: { from: string; to: string; limit: number }) =>
      db
        .selectFrom('organizations')
        .select(['id', 'name'])
        .where('kind', '=', 'partner')
        .where('name', '>=', p.from)
        .where('name', '<=', p.to)
        .orderBy('name')
        .limit(p.limit),
    );
    const names = async (from: string, to: string, limit: number) =>
      (await partnersNamed.all(env.ctx.db, { from, to, limit })).map((r) => r.name);
    expect(await names('B', 'E', 10)).toEqual(['Bravo', 'Charlie', 'Delta']);
    expect(await names('A', 'Z', 2)).toEqual(['Alpha', 'Bravo']);
    expect(await names('Golf', 'Golf', 5)).toEqual(['Golf']);
    // The constant 'partner' of the query: no vendor row is ever matched, whatever the parameters.
    await env.ctx.db
      .insertInto('organizations')
      .values({
        id: 'vendor-1',
        kind: 'vendor',
        name: 'Bravo Vendor',
        partner_id: null,
        co_sell_ready: 1,
        assessment_approved: 0,
        created_at: new Date().toISOString(),
      })
      .execute();
    expect(await names('B', 'C', 10)).toEqual(['Bravo']);
    // Inside a transaction it runs on the transaction's connection and sees its uncommitted rows.
    await env.ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('organizations').set({ name: 'Bravissimo' }).where('id', '=', 'org-1').execute();
      expect((await partnersNamed.first(trx, { from: 'B', to: 'C', limit: 10 }))?.name).toBe('Bravissimo');
    });
    expect(await partnersNamed.first(env.ctx.db, { from: 'Zulu', to: 'Zz', limit: 1 })).toBeUndefined();
  });

  it("a prepared query with a list takes each run's list, of any length, and a parameter used twice", async () => {
    const named = preparedQuery((db, p: { ids: readonly string[]; other: string }) =>
      db
        .selectFrom('organizations')
        .select('name')
        .where((eb) => eb.or([eb('id', 'in', p.ids), eb('id', '=', p.other)]))
        .where('id', '!=', p.other)
        .orderBy('name'),
    );
    const names = async (ids: string[], other = 'org-7') =>
      (await named.all(env.ctx.db, { ids, other })).map((r) => r.name);
    expect(await names(['org-0'])).toEqual(['Alpha']);
    expect(await names(['org-2', 'org-3'])).toEqual(['Charlie', 'Delta']);
    expect(await names(['org-4', 'org-5'])).toEqual(['Echo', 'Foxtrot']);
    expect(await names(['org-6', 'org-7'])).toEqual(['Golf']);
    expect(await names(['org-6', 'org-7'], 'org-6')).toEqual(['Hotel']);
    // Longer than any page: compiled for this run only, and still right.
    const many = Array.from({ length: 150 }, (_, i) => `org-missing-${i}`);
    expect(await names([...many, 'org-3'])).toEqual(['Delta']);
    expect(await names([...many, 'org-5'])).toEqual(['Foxtrot']);
  });

  it('a plugin of the executor sees a prepared query as any other', async () => {
    const seen: string[] = [];
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        seen.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const byId = preparedQuery((db, p: { id: string }) =>
      db.selectFrom('organizations').select('name').where('id', '=', p.id),
    );
    expect((await byId.first(env.ctx.db, { id: 'org-2' }))?.name).toBe('Charlie');
    expect((await byId.first(env.ctx.db.withPlugin(counter), { id: 'org-3' }))?.name).toBe('Delta');
    expect(seen).toEqual(['SelectQueryNode']);
  });

  it('a prepared query whose SQL does not carry a parameter as a value is refused', async () => {
    const misuse = preparedQuery((db, p: { column: string }) =>
      // Branching on a parameter: the shape would follow the placeholder, not the caller's value.
      db.selectFrom('organizations').select(p.column ? ['name'] : ['id']),
    );
    await expect(misuse.all(env.ctx.db, { column: 'name' })).rejects.toThrow(/parameter column/);
  });
});

// PostgreSQL only (SQLite's statement cache is not visible from SQL); runs whenever PostgreSQL does.
describe.each(DIALECTS.filter((d) => d === 'postgres'))('named statements on %s', (dialect) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(dialect);
  });
  afterAll(async () => env?.close());

  it('data statements are prepared on the connection; those with LIMIT or long parameter lists are not', async () => {
    const prepared = await env.ctx.db.connection().execute(async (connection) => {
      await connection.selectFrom('organizations').select('name').where('id', '=', 'org-1').execute();
      const many = Array.from({ length: 65 }, (_, i) => `org-${i}`);
      await connection.selectFrom('organizations').select('kind').where('id', 'in', many).execute();
      // A page: its best plan depends on how many rows the parameters select.
      await connection.selectFrom('organizations').select('created_at').orderBy('name').limit(5).execute();
      const rows = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
        connection,
      );
      return rows.rows.map((r) => r.statement);
    });
    expect(prepared).toContain('select "name" from "organizations" where "id" = $1');
    expect(prepared.some((s) => s.startsWith('select "kind" from "organizations"'))).toBe(false);
    expect(prepared.some((s) => s.startsWith('select "created_at" from "organizations"'))).toBe(false);
  });
});
