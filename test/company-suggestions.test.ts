/**
 * The customer directory's suggestion contract (issue: directory at scale; docs/DIRECTORY.md), the same on both
 * engines: name-prefix matches, then later-word-prefix matches, then typo matches; within each, exact before
 * whole words before partial, then the larger company first; accents, case, CJK and Cyrillic.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rangeProbe } from '../server/db/repositories/company-search.ts';
import { makeCompany, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

describe.each(DIALECTS)('company suggestions ranking on %s', (dialect) => {
  let env: TestEnv;
  let world: World;

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    const add = (name: string, size: string | null, city = 'Göteborg', country = 'SE') =>
      makeCompany(env.ctx, { name, city, country, size });
    // One name, many sizes; whole words and partial words; a later word; a typo.
    await add('Volvofinans Bank AB', null);
    await add('Volvokoncernen AB', '1000+');
    await add('Volvo Lastvagnar AB', '250-999');
    await add('Volvo', '1-49');
    await add('Volvo Cars AB', '1000+');
    await add('AB Volvo Penta', '1000+');
    await add('Bilia Volvo Service', '50-249');
    await add('Volov Trading', '1000+');
    await add('Ericsson AB', '1000+', 'Stockholm');
    await add('Eriksson Bygg AB', '1-49', 'Stockholm');
    // Branches of one name in one city, and the same name elsewhere.
    await add('Nordic Data AB', '1-49', 'Stockholm');
    await add('Nordic Data AB', '1000+', 'Stockholm');
    await add('Nordic Data AB', '250-999', 'Stockholm');
    await add('Nordic Data AB', '50-249', 'Malmö');
    await add('Siemens AG', '1000+', 'München', 'DE');
    await add('台灣積體電路', '1000+', '新竹', 'TW');
    await add('台達電子', '250-999', 'Taipei', 'TW');
    await add('中華台灣電信', '1000+', 'Taipei', 'TW');
    await add('Яндекс', '1000+', 'Москва', 'RU');
    await add('ООО Ямал СПГ', '250-999', 'Москва', 'RU');
    // Twelve companies whose name repeats one word: each is found twice (name start and later word).
    for (let i = 0; i < 12; i++) await add('Delta Delta', '1-49', 'Lund');
    await add('Delta Force', '1000+', 'Lund');
    // One city name in two countries.
    await add('Paris Trading SA', '1000+', 'Paris', 'FR');
    await add('Paris Bakery', '50-249', 'Paris', 'US');
    await add('Paris Bakery', '1-49', 'Paris', 'FR');
    // A script that is neither CJK nor in the text index (whose texts start below U+1100).
    await add('ሰላምታ ንግድ', '1-49', 'Addis Ababa', 'ET');
  });
  afterAll(async () => env.close());

  const suggest = async (query: string) => {
    const res = await env.call('GET', `/api/v1/companies?${query}`, world.users.radmin.auth);
    expect(res.statusCode, res.body).toBe(200);
    const items = (
      res.json() as { items: { name: string; size: string | null; address: { city: string } }[] }
    ).items;
    return items.map((c) => `${c.name} (${c.size ?? '?'})`);
  };

  it('ranks name prefix > later word > typo; exact > whole words > partial; then larger first', async () => {
    expect(await suggest('q=volvo&country=SE')).toEqual([
      'Volvo (1-49)', // the exact name wins over larger companies
      'Volvo Cars AB (1000+)', // whole word, largest first
      'Volvo Cars AB (250-999)', // (the standard world's)
      'Volvo Lastvagnar AB (250-999)',
      'Volvokoncernen AB (1000+)', // inside a word
      'Volvofinans Bank AB (?)', // unknown size last
      'AB Volvo Penta (1000+)', // a later word
      'Bilia Volvo Service (50-249)',
      'Volov Trading (1000+)', // one swap away: after every real match, however large
    ]);
  });

  it('ranks branches of one name by size', async () => {
    expect(await suggest('q=nordic+data&country=SE&city=Stockholm')).toEqual([
      'Nordic Data AB (1000+)',
      'Nordic Data AB (250-999)',
      'Nordic Data AB (1-49)',
    ]);
    expect(await suggest('q=nordic&country=SE')).toEqual([
      'Nordic Data AB (1000+)',
      'Nordic Data AB (250-999)',
      'Nordic Data AB (50-249)',
      'Nordic Data AB (1-49)',
    ]);
  });

  it('reads a city given without a country in every country that has a city of that name', async () => {
    expect(await suggest('q=paris&city=paris')).toEqual([
      'Paris Trading SA (1000+)',
      'Paris Bakery (50-249)',
      'Paris Bakery (1-49)',
    ]);
    expect(await suggest('q=paris&city=Paris&limit=2')).toEqual([
      'Paris Trading SA (1000+)',
      'Paris Bakery (50-249)',
    ]);
    expect(await suggest('q=parsi&city=Paris')).toEqual([
      'Paris Trading SA (1000+)',
      'Paris Bakery (50-249)',
      'Paris Bakery (1-49)',
    ]);
    expect(await suggest('q=paris&city=Paris&country=US')).toEqual(['Paris Bakery (50-249)']);
    expect(await suggest('q=paris&city=Lyon')).toEqual([]);
  });

  it('finds by a later word, not by a legal form or from inside a word', async () => {
    expect(await suggest('q=lastvag')).toEqual(['Volvo Lastvagnar AB (250-999)']);
    expect(await suggest('q=penta')).toEqual(['AB Volvo Penta (1000+)']);
    expect(await suggest('q=koncernen')).toEqual([]);
    // "AB" is a legal form: it is not a word start, but a name that starts with it is found.
    expect(await suggest('q=ab&country=SE')).toEqual(['AB Volvo Penta (1000+)']);
    expect(await suggest('q=volvo+pen')).toEqual(['AB Volvo Penta (1000+)']);
  });

  it('tolerates one typo: a letter missing, extra, wrong or swapped', async () => {
    expect(await suggest('q=ericson')).toEqual(['Ericsson AB (1000+)']); // missing
    expect(await suggest('q=ericssson')).toEqual(['Ericsson AB (1000+)']); // extra
    expect(await suggest('q=siemans')).toEqual(['Siemens AG (1000+)']); // wrong
    expect(await suggest('q=sieemns')).toEqual(['Siemens AG (1000+)']); // swapped
    expect(await suggest(`q=${encodeURIComponent('яднекс')}`)).toEqual(['Яндекс (1000+)']); // swapped
    // Two edits away is no match, and short queries get no typo matches.
    expect(await suggest('q=ercson')).toEqual([]);
    expect(await suggest('q=sie&country=SE')).toEqual([]);
  });

  it('tolerates a typo in a script whose texts the text index leaves out (probed by key)', async () => {
    expect(await suggest(`q=${encodeURIComponent('ሰምላታ')}`)).toEqual(['ሰላምታ ንግድ (1-49)']); // swapped
    expect(await suggest(`q=${encodeURIComponent('ሰላምታን')}`)).toEqual(['ሰላምታ ንግድ (1-49)']); // extra
    expect(await suggest(`q=${encodeURIComponent('ሰምታን')}`)).toEqual([]); // two edits
  });

  it('probes the typo variants in the text index, which holds no CJK texts', async () => {
    const ranges = [{ from: 'volv', to: 'volw' }];
    const plan =
      dialect === 'sqlite'
        ? (
            await sql<{ detail: string }>`explain query plan ${rangeProbe(dialect, 'text', ranges)}`.execute(
              env.ctx.db,
            )
          ).rows.map((r) => r.detail)
        : await env.ctx.db.transaction().execute(async (trx) => {
            // A table this small is read whole: forbid that, so that only a usable index is chosen.
            await sql`set local enable_seqscan = off`.execute(trx);
            return (
              await sql<{ 'QUERY PLAN': string }>`explain ${rangeProbe(dialect, 'text', ranges)}`.execute(trx)
            ).rows.map((r) => r['QUERY PLAN']);
          });
    expect(plan.join('\n')).toContain('company_search_keys_text');
    // Partial: only texts below U+1100, the first code point of any CJK script.
    const definition =
      dialect === 'sqlite'
        ? await sql<{ def: string }>`select sql as def from sqlite_master
                                     where name = 'company_search_keys_text'`.execute(env.ctx.db)
        : await sql<{ def: string }>`select indexdef as def from pg_indexes
                                     where indexname = 'company_search_keys_text'`.execute(env.ctx.db);
    expect(definition.rows[0]?.def.toLowerCase()).toMatch(/where \(?text < '\u1100'/);
  });

  it('finds CJK names from any character, name starts first', async () => {
    expect(await suggest(`q=${encodeURIComponent('台')}`)).toEqual([
      '台灣積體電路 (1000+)',
      '台達電子 (250-999)',
      '中華台灣電信 (1000+)',
    ]);
    expect(await suggest(`q=${encodeURIComponent('積體')}`)).toEqual(['台灣積體電路 (1000+)']);
    expect(await suggest(`q=${encodeURIComponent('台灣')}`)).toEqual([
      '台灣積體電路 (1000+)',
      '中華台灣電信 (1000+)',
    ]);
  });

  it('finds Cyrillic names by any word, in any case', async () => {
    expect(await suggest(`q=${encodeURIComponent('ЯМАЛ')}`)).toEqual(['ООО Ямал СПГ (250-999)']);
    expect(await suggest(`q=${encodeURIComponent('ооо я')}`)).toEqual(['ООО Ямал СПГ (250-999)']);
    expect(await suggest(`q=${encodeURIComponent('я')}`)).toEqual([]);
  });

  it('keeps each company once, at its best match, and honours the limit', async () => {
    const delta = await suggest('q=delta&country=SE&limit=10');
    expect(delta).toHaveLength(10);
    expect(delta[0]).toBe('Delta Force (1000+)');
    expect(delta.slice(1)).toEqual(Array(9).fill('Delta Delta (1-49)'));
    const all = await suggest('q=delta&limit=50');
    expect(all).toHaveLength(13);
    const res = await env.call('GET', '/api/v1/companies?q=delta&limit=50', world.users.radmin.auth);
    const ids = (res.json() as { items: { id: string }[] }).items.map((c) => c.id);
    expect(new Set(ids).size).toBe(13);
  });

  it('follows a company whose name or size changes (keys rewritten with the entry)', async () => {
    const csv = [
      'name,duns,addressLine1,city,region,postalCode,country,website,size,industry',
      'Quokka Analytics AB,987654321,Storgatan 1,Uppsala,,75310,SE,,1-49,Software',
    ].join('\n');
    const importCsv = async (body: string) => {
      const res = await env.app.inject({
        method: 'POST',
        url: '/api/v1/admin/companies/import',
        headers: { ...world.users.vadmin.auth, 'content-type': 'text/csv' },
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    await importCsv(csv);
    expect(await suggest('q=quokka')).toEqual(['Quokka Analytics AB (1-49)']);
    await importCsv(csv.replace('Quokka Analytics AB', 'Wombat Insights AB').replace('1-49', '1000+'));
    expect(await suggest('q=quokka')).toEqual([]);
    expect(await suggest('q=wombat')).toEqual(['Wombat Insights AB (1000+)']);
    expect(await suggest('q=insights&country=SE')).toEqual(['Wombat Insights AB (1000+)']);
  });
});
