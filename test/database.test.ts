/**
 * The connection layer (server/db/database.ts): statements are prepared once per connection and reused —
 * the SQLite statement cache, PostgreSQL named statements — and a reused statement answers for its new
 * parameters, also after PostgreSQL switches to a generic plan (from the sixth execution).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
