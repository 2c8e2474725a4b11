/**
 * The customer directory import (docs/DIRECTORY.md) on both engines: good and bad rows with exact line
 * numbers, RFC 4180 quoting, every script, upsert by D-U-N-S, batches, the worker-thread reader and the initial
 * load's deferred indexes (command line), and the admin endpoint (vendor-admin only, dry run, CSV only).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type Kysely, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPANY_CSV_COLUMNS } from '../core/company-csv.ts';
import { normalizeForSearch } from '../core/text.ts';
import {
  type CompanyTuple,
  companyBatchWriter,
  deferIndexes,
  keysOfTuple,
} from '../server/db/company-bulk.ts';
import { migrateToLatest, openDatabase, sqliteHandleOf } from '../server/db/database.ts';
import { companySearchTextPartial } from '../server/db/migrations/0012-company-search-text-partial.ts';
import { migrations } from '../server/db/migrations/index.ts';
import { DomainError } from '../server/errors.ts';
import { readCompanyCsv, readCompanyCsvFileInWorker } from '../server/services/company-csv-reader.ts';
import { writeCompaniesCsv } from '../server/services/generate-companies.ts';
import { importCompanies, importCompanyChunks } from '../server/services/import-companies.ts';
import { dealBody, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

const HEADER = COMPANY_CSV_COLUMNS.join(',');
const byDunsIn = (db: TestEnv['ctx']['db'], duns: string) =>
  db.selectFrom('companies').selectAll().where('duns', '=', duns).execute();
const csv = (...lines: string[]) => `${[HEADER, ...lines].join('\n')}\n`;

async function generated(count: number, seed: number): Promise<string> {
  const parts: Buffer[] = [];
  await writeCompaniesCsv(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        parts.push(chunk);
        done();
      },
    }),
    { count, seed },
  );
  return Buffer.concat(parts).toString('utf8');
}

describe.each(DIALECTS)('customer directory import on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  const byDuns = (duns: string) =>
    env.ctx.db.selectFrom('companies').selectAll().where('duns', '=', duns).execute();
  const byName = (name: string) =>
    env.ctx.db.selectFrom('companies').selectAll().where('name', '=', name).execute();

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
  });
  afterAll(async () => {
    await env.close();
  });

  it('imports the good rows and reports every bad row with its exact line, without stopping', async () => {
    const longName = 'N'.repeat(201);
    const file = csv(
      /* 2 */ 'Göteborgs Energi AB,556000001,Rullagergatan 2,Göteborg,Västra Götalands län,415 26,SE,https://www.goteborgenergi.se,1000+,Energy & utilities',
      /* 3 */ 'Short Duns AB,12345,Storgatan 1,Malmö,,211 22,SE,,1-49,Retail',
      /* 4 */ '"Acme ""Nordic"", Filial",556000002,"Box 123',
      /* 5 */ 'Skeppsbron 2, 3 tr",Stockholm,,111 30,se,acme.example,50-249,Retail',
      /* 6 */ 'Nowhere Ltd,556000003,1 Road,Atlantis,,,XX,,,',
      /* 7 */ '',
      /* 8 */ ',556000004,1 Road,Uppsala,,,SE,,,',
      /* 9 */ 'Too Few Columns AB,556000005,Uppsala',
      /* 10 */ 'ООО «Яндекс»,556000006,"ул. Льва Толстого, д. 16",Москва,,119021,RU,https://yandex.example,1000+,Software & IT services',
      /* 11 */ '台灣積體電路製造股份有限公司,556000007,新竹科學園區力行六路8號,新竹市,,300,TW,,1000+,Electronics',
      /* 12 */ '华为技术有限公司,556000008,坂田华为基地,深圳市,广东省,518129,CN,,1000+,Electronics',
      /* 13 */ `${longName},556000009,1 Road,Uppsala,,,SE,,,`,
      /* 14 */ 'No City AB,556000010,1 Road,,,,SE,,,',
      /* 15 */ 'Bad Site AB,556000011,1 Road,Lund,,,SE,not a web address,,',
      /* 16 */ 'Kafé Ångström,,Storgatan 9,Lund,,222 21,SE,,1-49,Food & beverage',
      /* 17 */ 'Kafé Ångström,,Storgatan 12,Lund,,222 21,SE,,1-49,Food & beverage',
    );
    const result = await importCompanies(env.ctx, [file], { batchSize: 3 });
    expect(result.bad).toEqual([
      { line: 3, field: 'duns', reason: 'D-U-N-S must be exactly 9 digits (got "12345")' },
      { line: 6, field: 'country', reason: 'unknown ISO 3166-1 alpha-2 country code "XX"' },
      { line: 8, field: 'name', reason: 'name is required' },
      { line: 9, reason: 'expected 10 fields, found 3' },
      { line: 13, field: 'name', reason: 'name is too long (201 characters, at most 200)' },
      { line: 14, field: 'city', reason: 'city is required' },
      { line: 15, field: 'website', reason: 'website is not a web address (got "not a web address")' },
    ]);
    expect(result).toMatchObject({ read: 14, inserted: 7, updated: 0, badCount: 7, dryRun: false });

    const [energi] = await byDuns('556000001');
    expect(energi).toMatchObject({
      name: 'Göteborgs Energi AB',
      name_search: 'goteborgs energi ab',
      city_search: 'goteborg',
      region: 'Västra Götalands län',
      domain: 'goteborgenergi.se',
      size: '1000+',
    });
    // Quoted fields keep their commas, doubled quotes and line breaks; the country is upper-cased.
    const [acme] = await byDuns('556000002');
    expect(acme).toMatchObject({
      name: 'Acme "Nordic", Filial',
      address_line1: 'Box 123\nSkeppsbron 2, 3 tr',
      city: 'Stockholm',
      country: 'SE',
      region: null,
      domain: 'acme.example',
    });
    expect((await byDuns('556000006'))[0]).toMatchObject({ name: 'ООО «Яндекс»', city_search: 'москва' });
    expect((await byDuns('556000007'))[0]?.name).toBe('台灣積體電路製造股份有限公司');
    expect((await byDuns('556000008'))[0]).toMatchObject({ name: '华为技术有限公司', region: '广东省' });
    // Rows without a D-U-N-S are new entities, even with the same name and city.
    const branches = await byName('Kafé Ångström');
    expect(branches.map((b) => b.address_line1).sort()).toEqual(['Storgatan 12', 'Storgatan 9']);
    expect(branches.every((b) => b.duns === null && b.name_search === 'kafe angstrom')).toBe(true);
    for (const duns of ['12345', '556000003', '556000004', '556000005', '556000009', '556000010']) {
      expect(await byDuns(duns)).toEqual([]);
    }
  });

  it('upserts by D-U-N-S: a known one updates its entity (same id), a repeat in the file updates the first', async () => {
    const before = await byDuns('123456789');
    expect(before.map((c) => c.id)).toEqual([world.company]);
    const result = await importCompanies(env.ctx, [
      csv(
        'Volvo Car Corporation,123456789,Assar Gabrielssons väg,Göteborg,,405 31,SE,https://www.volvocars.com,1000+,Automotive',
        'Twice AB,556100001,First Street 1,Lund,,,SE,,,',
        'Twice AB (renamed),556100001,Second Street 2,Lund,,,SE,,,',
      ),
    ]);
    expect(result).toMatchObject({ read: 3, inserted: 1, updated: 2, badCount: 0 });
    const after = await byDuns('123456789');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      id: world.company,
      name: 'Volvo Car Corporation',
      name_search: 'volvo car corporation',
      address_line1: 'Assar Gabrielssons väg',
      domain: 'volvocars.com',
    });
    const twice = await byDuns('556100001');
    expect(twice).toHaveLength(1);
    expect(twice[0]).toMatchObject({ name: 'Twice AB (renamed)', address_line1: 'Second Street 2' });

    // Importing the same file again changes nothing but the counts.
    const again = await importCompanies(env.ctx, [
      csv('Twice AB (renamed),556100001,Second Street 2,Lund,,,SE,,,'),
    ]);
    expect(again).toMatchObject({ inserted: 0, updated: 1 });
    expect(await byDuns('556100001')).toHaveLength(1);
  });

  it('counts exactly across batches of every size, repeats included', async () => {
    const lines = [];
    for (let i = 0; i < 12; i++)
      lines.push(`Batch ${i} AB,5562000${String(i % 8).padStart(2, '0')},Road ${i},Lund,,,SE,,,`);
    for (const batchSize of [1, 2, 5, 1000]) {
      const gone = env.ctx.db.selectFrom('companies').select('id').where('duns', 'like', '5562000%');
      await env.ctx.db.deleteFrom('company_search_keys').where('company_id', 'in', gone).execute();
      await env.ctx.db.deleteFrom('companies').where('duns', 'like', '5562000%').execute();
      const result = await importCompanies(env.ctx, [csv(...lines)], { batchSize });
      expect(result, `batch size ${batchSize}`).toMatchObject({ read: 12, inserted: 8, updated: 4 });
      const rows = await env.ctx.db
        .selectFrom('companies')
        .select(['duns', 'name'])
        .where('duns', 'like', '5562000%')
        .orderBy('duns')
        .execute();
      expect(rows).toHaveLength(8);
      // The later row of a D-U-N-S wins.
      expect(rows[0]).toEqual({ duns: '556200000', name: 'Batch 8 AB' });
      expect(rows[7]).toEqual({ duns: '556200007', name: 'Batch 7 AB' });
    }
  });

  it('reads CRLF files with a byte order mark, counting lines exactly after multi-line fields', async () => {
    const file = `\uFEFF${[
      HEADER,
      /* 2–5 */ '"Multi\r\nLine\r\nÅngström AB",556300001,"Road 1\r\nBox 2",Lund,,,SE,,,',
      /* 6 */ 'Bad One AB,55630000X,Road,Lund,,,SE,,,',
      /* 7 */ '',
      /* 8 */ 'Bad Two AB,556300002,Road,Lund,,,ZZ,,,',
    ].join('\r\n')}\r\n`;
    // Split within the byte order mark, a two-byte character and a CRLF: chunk boundaries must not matter.
    const bytes = Buffer.from(file, 'utf8');
    const a = bytes.indexOf(Buffer.from('Å')) + 1;
    const crlf = bytes.indexOf('\r\n', a) + 1;
    const chunks = [0, 2, a, crlf, bytes.length]
      .slice(1)
      .map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end));
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    const result = await importCompanies(env.ctx, chunks);
    expect(result.bad.map((b) => [b.line, b.field])).toEqual([
      [6, 'duns'],
      [8, 'country'],
    ]);
    expect((await byDuns('556300001'))[0]).toMatchObject({
      name: 'Multi\r\nLine\r\nÅngström AB',
      address_line1: 'Road 1\r\nBox 2',
    });
  });

  it('reports bytes that are not UTF-8 and control characters on their row', async () => {
    const good = Buffer.from(`${HEADER}\nGood AB,556400001,Road,Lund,,,SE,,,\n`);
    const latin1 = Buffer.from('G\xf6teborg AB,556400002,Road,Lund,,,SE,,,\n', 'latin1');
    const control = Buffer.from('Bell\u0007 AB,556400003,Road,Lund,,,SE,,,\n');
    const result = await importCompanies(env.ctx, [Buffer.concat([good, latin1, control])]);
    expect(result.bad).toEqual([
      { line: 3, field: 'name', reason: 'name is not valid UTF-8' },
      { line: 4, field: 'name', reason: 'name contains control characters' },
    ]);
    expect(result.inserted).toBe(1);
  });

  it('refuses a file without the exact header, and reads nothing', async () => {
    for (const file of ['', 'name,duns,city\nX,1,Y\n', `${HEADER.toUpperCase()}\n`, `${HEADER},extra\n`]) {
      const error = await importCompanies(env.ctx, [file]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'invalid-input', path: 'header' });
    }
    // A header alone is an empty import.
    expect(await importCompanies(env.ctx, [`${HEADER}\n`])).toMatchObject({ read: 0, inserted: 0 });
  });

  it('reports an unclosed quote at the line it opens and keeps the rows before it', async () => {
    const result = await importCompanies(env.ctx, [
      csv(
        'Before AB,556500001,Road,Lund,,,SE,,,',
        '"Unclosed AB,556500002,Road,Lund,,,SE,,,',
        'After AB,556500003,Road,Lund,,,SE,,,',
      ),
    ]);
    expect(result.bad).toEqual([
      { line: 3, reason: 'a quoted field is not closed; the rest of the file was not read' },
    ]);
    expect(result).toMatchObject({ read: 2, inserted: 1 });
    expect(await byDuns('556500001')).toHaveLength(1);
  });

  it('imports what the generator writes without a bad row, in a worker thread as the command line does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosell-import-'));
    try {
      const path = join(dir, 'companies.csv');
      writeFileSync(path, await generated(3000, 99));
      const inThread: unknown[] = [];
      for await (const chunk of readCompanyCsv([await generated(3000, 99)], 500)) {
        inThread.push(
          chunk.rows.map((r) => r.slice(1)),
          chunk.keys,
          chunk.bad,
        );
      }
      const inWorker: unknown[] = [];
      for await (const chunk of readCompanyCsvFileInWorker(path, 500)) {
        inWorker.push(
          chunk.rows.map((r) => r.slice(1)),
          chunk.keys,
          chunk.bad,
        );
      }
      // The same rows (ids aside) and search keys either way (the worker's cross packed into strings).
      expect(inWorker).toEqual(inThread);

      const result = await importCompanyChunks(env.ctx, readCompanyCsvFileInWorker(path), {
        initialLoad: true,
      });
      expect(result).toMatchObject({ read: 3000, inserted: 3000, updated: 0, badCount: 0 });
      // The directory was not empty: nothing was deferred, and its indexes are all there.
      expect(result.deferredIndexes).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds the indexes once at the end of an initial load into an empty directory', async () => {
    const empty = await createTestEnv(dialect);
    try {
      const sqlite = sqliteHandleOf(empty.ctx.db);
      const indexes = async () =>
        sqlite
          ? (
              sqlite
                .prepare(
                  "select name from sqlite_master where type = 'index' and tbl_name in ('companies', 'company_search_keys')",
                )
                .pluck()
                .all() as string[]
            ).sort()
          : (
              await sql<{ name: string }>`
                select indexname as name from pg_indexes
                where tablename in ('companies', 'company_search_keys') and schemaname = current_schema()
                order by indexname`.execute(empty.ctx.db)
            ).rows.map((r) => r.name);
      const before = await indexes();
      let building: string[] = [];
      const result = await importCompanies(empty.ctx, [await generated(2000, 5)], {
        initialLoad: true,
        onBuildingIndexes: (names) => {
          building = names;
        },
      });
      expect(result).toMatchObject({ read: 2000, inserted: 2000, badCount: 0 });
      expect(await indexes()).toEqual(before);
      expect(result.deferredIndexes).toContain('companies_domain');
      expect(result.deferredIndexes).toContain('company_search_keys_country_key');
      expect(result.deferredIndexes).toContain('company_search_keys_text');
      // SQLite defers the unique D-U-N-S index of an empty directory too (the load inserts, and merges repeats at
      // the end); PostgreSQL keeps its constraint. Kept on both: an update removes the entity's keys by its id.
      if (dialect === 'sqlite') expect(result.deferredIndexes).toContain('companies_duns');
      else expect(result.deferredIndexes).not.toContain('companies_duns_key');
      expect(result.deferredIndexes).not.toContain('company_search_keys_company');
      expect(building.sort()).toEqual(result.deferredIndexes);
      // A second load is not initial any more: it maintains the indexes row by row.
      const second = await importCompanies(empty.ctx, [await generated(10, 6)], { initialLoad: true });
      expect(second.deferredIndexes).toEqual([]);
      // Into a directory that holds rows, even when told to defer its indexes, the D-U-N-S index stays.
      const refresh = await importCompanies(empty.ctx, [await generated(10, 7)], {
        initialLoad: true,
        deferIndexes: true,
      });
      expect(refresh.deferredIndexes).toContain('company_search_keys_key');
      expect(refresh.deferredIndexes).not.toContain('companies_duns');
      expect(await indexes()).toEqual(before);
    } finally {
      await empty.close();
    }
  });

  it('merges a D-U-N-S repeated in an initial load into its first entity: the last values and keys, counted as updates', async () => {
    const empty = await createTestEnv(dialect);
    try {
      const result = await importCompanies(
        empty.ctx,
        [
          csv(
            'Alpha One AB,556800001,First Road 1,Lund,,,SE,,50-249,',
            'Beta AB,556800002,Road,Lund,,,SE,,,',
            'Alpha Renamed AB,556800001,Second Road 2,Malmö,,,SE,,,',
            'Nameless Twin AB,,Road,Lund,,,SE,,,',
            'Nameless Twin AB,,Road,Lund,,,SE,,,',
            'Alpha Final AB,556800001,Third Road 3,Göteborg,,,SE,https://alpha.example,1000+,Retail',
          ),
        ],
        { initialLoad: true, batchSize: 2 },
      );
      expect(result).toMatchObject({ read: 6, inserted: 4, updated: 2, badCount: 0 });
      const alpha = await empty.ctx.db
        .selectFrom('companies')
        .selectAll()
        .where('duns', '=', '556800001')
        .execute();
      expect(alpha).toHaveLength(1);
      expect(alpha[0]).toMatchObject({
        name: 'Alpha Final AB',
        address_line1: 'Third Road 3',
        city: 'Göteborg',
        city_search: 'goteborg',
        domain: 'alpha.example',
        size: '1000+',
        industry: 'Retail',
      });
      expect(await empty.ctx.db.selectFrom('companies').select('id').execute()).toHaveLength(4);
      // Found by its last name only, and every key belongs to an entity.
      const suggest = async (q: string) =>
        (
          await empty.ctx.db
            .selectFrom('company_search_keys')
            .select('company_id')
            .where('key', 'like', `%${q}%`)
            .execute()
        ).map((k) => k.company_id);
      expect(await suggest('alpha final')).toEqual([alpha[0]?.id]);
      expect(await suggest('alpha one')).toEqual([]);
      expect(await suggest('alpha renamed')).toEqual([]);
      const orphans = await sql<{ n: number }>`
        select count(*) as n from company_search_keys k
        where not exists (select 1 from companies c where c.id = k.company_id)`.execute(empty.ctx.db);
      expect(Number(orphans.rows[0]?.n)).toBe(0);
      // Unique again.
      await expect(
        empty.ctx.db
          .insertInto('companies')
          .values({ ...alpha[0], id: '00000000-0000-7000-8000-000000000001' } as never)
          .execute(),
      ).rejects.toThrow(/unique|duplicate/i);
    } finally {
      await empty.close();
    }
  });

  it('after a load stopped with its D-U-N-S index deferred: the admin import waits, the next import merges (deals moved)', async () => {
    if (dialect !== 'sqlite') return;
    const empty = await createTestEnv(dialect);
    try {
      const db = empty.ctx.db;
      const deferred = await deferIndexes(db, dialect, true);
      expect(deferred).toContain('companies_duns');
      const tuple = (id: string, name: string, city: string): CompanyTuple => [
        id,
        name,
        normalizeForSearch(name),
        '556900001',
        null,
        city,
        normalizeForSearch(city),
        null,
        null,
        'SE',
        null,
        null,
        null,
        null,
      ];
      const first = '01900000-0000-7000-8000-000000000001';
      const second = '01900000-0000-7000-8000-000000000002';
      const third = '01900000-0000-7000-8000-000000000003';
      const writer = companyBatchWriter(db, dialect, true);
      expect(await writer.write([tuple(first, 'Gamma First AB', 'Lund')])).toEqual({
        inserted: 1,
        updated: 0,
      });
      expect(await writer.write([tuple(second, 'Gamma Second AB', 'Malmö')])).toEqual({
        inserted: 1,
        updated: 0,
      });
      expect(await writer.write([tuple(third, 'Gamma Third AB', 'Umeå')])).toEqual({
        inserted: 1,
        updated: 0,
      });
      await writer.finish(true);
      // The process stopped here. A user picked the second entity meanwhile and created a deal for it.
      const world = await standardWorld(empty);
      const created = await empty.app.inject({
        method: 'POST',
        url: '/api/v1/deals',
        headers: world.users.radmin.auth,
        payload: dealBody(world, { customer: { companyId: second } }),
      });
      expect(created.statusCode).toBe(201);
      const dealId = created.json().id as string;

      // The admin API's upsert cannot run without the index: refused, nothing written.
      const refused = await empty.app.inject({
        method: 'POST',
        url: '/api/v1/admin/companies/import',
        headers: { ...world.users.vadmin.auth, 'content-type': 'text/csv' },
        payload: csv('Delta AB,556900002,Road,Lund,,,SE,,,'),
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('directory-loading');
      expect(await byDunsIn(db, '556900002')).toHaveLength(0);

      // The next import builds what the stopped one deferred, merging its repeats first.
      const next = await importCompanies(empty.ctx, [csv('Delta AB,556900002,Road,Lund,,,SE,,,')], {
        initialLoad: true,
      });
      expect(next).toMatchObject({ inserted: 1, updated: 0 });
      const gamma = await byDunsIn(db, '556900001');
      expect(gamma).toEqual([expect.objectContaining({ id: first, name: 'Gamma Third AB', city: 'Umeå' })]);
      const keys = await db.selectFrom('company_search_keys').select(['company_id', 'key']).execute();
      expect(keys.filter((k) => k.company_id === second || k.company_id === third)).toEqual([]);
      expect(keys.filter((k) => k.company_id === first).map((k) => k.key)).toEqual(
        keysOfTuple(tuple(first, 'Gamma Third AB', 'Umeå')),
      );
      const deal = await empty.app.inject({
        method: 'GET',
        url: `/api/v1/deals/${dealId}`,
        headers: world.users.radmin.auth,
      });
      expect(deal.json().customer.companyId).toBe(first);
      const sqlite = sqliteHandleOf(db);
      expect(sqlite?.pragma('foreign_key_check')).toEqual([]);
      expect(
        sqlite
          ?.prepare("select count(*) from sqlite_master where name = 'cosell_deferred_indexes'")
          .pluck()
          .get(),
      ).toBe(0);
      // A load still running when another import built its index upserts from its next transaction on.
      expect(
        await writer.write([tuple('01900000-0000-7000-8000-000000000004', 'Gamma Fourth AB', 'Kiruna')]),
      ).toEqual({
        inserted: 0,
        updated: 1,
      });
      await writer.finish(true);
      expect(await byDunsIn(db, '556900001')).toEqual([
        expect.objectContaining({ id: first, name: 'Gamma Fourth AB' }),
      ]);
      // The admin import works again.
      const accepted = await empty.app.inject({
        method: 'POST',
        url: '/api/v1/admin/companies/import',
        headers: { ...world.users.vadmin.auth, 'content-type': 'text/csv' },
        payload: csv('Gamma Renamed AB,556900001,Road,Lund,,,SE,,,'),
      });
      expect(accepted.json()).toMatchObject({ inserted: 0, updated: 1 });
      expect(await byDunsIn(db, '556900001')).toEqual([
        expect.objectContaining({ id: first, name: 'Gamma Renamed AB' }),
      ]);
    } finally {
      await empty.close();
    }
  });

  it('builds the deferred indexes even when the load fails, and repairs an interrupted one', async () => {
    if (dialect !== 'sqlite') return;
    const empty = await createTestEnv(dialect);
    try {
      const sqlite = sqliteHandleOf(empty.ctx.db);
      const count = () =>
        sqlite
          ?.prepare(
            "select count(*) from sqlite_master where type = 'index' and tbl_name in ('companies', 'company_search_keys')",
          )
          .pluck()
          .get();
      const full = count();
      const failing = (async function* () {
        yield* readCompanyCsv([csv('One AB,556600001,Road,Lund,,,SE,,,')]);
        throw new Error('disk gone');
      })();
      await expect(importCompanyChunks(empty.ctx, failing, { initialLoad: true })).rejects.toThrow(
        'disk gone',
      );
      expect(count()).toBe(full);

      // An interrupted load (the process killed) left its definitions behind: the next import builds them.
      await empty.ctx.db.deleteFrom('companies').execute();
      sqlite?.exec(
        `create table cosell_deferred_indexes (name text primary key, sql text not null);
         insert into cosell_deferred_indexes select name, sql from sqlite_master where name = 'companies_domain';
         drop index companies_domain;`,
      );
      expect(count()).toBe((full as number) - 1);
      await importCompanies(empty.ctx, [csv('Two AB,556600002,Road,Lund,,,SE,,,')], { initialLoad: true });
      expect(count()).toBe(full);
    } finally {
      await empty.close();
    }
  });

  it('gives an interrupted load the partial text index (migration 0012) instead of the full one it dropped', async () => {
    const empty = await createTestEnv(dialect);
    try {
      const db = empty.ctx.db;
      const definition = async () =>
        dialect === 'sqlite'
          ? (
              await sql<{ def: string }>`select sql as def from sqlite_master
                                        where name = 'company_search_keys_text'`.execute(db)
            ).rows[0]?.def
          : (
              await sql<{ def: string }>`select indexdef as def from pg_indexes
                                        where indexname = 'company_search_keys_text'`.execute(db)
            ).rows[0]?.def;
      // As a load interrupted before the migration left it: the index dropped, its full definition saved.
      await sql`drop index company_search_keys_text`.execute(db);
      await sql`create table cosell_deferred_indexes (name text primary key, sql text not null)`.execute(db);
      await sql`insert into cosell_deferred_indexes (name, sql)
                values ('company_search_keys_text', 'create index company_search_keys_text on company_search_keys (text)')`.execute(
        db,
      );
      await companySearchTextPartial(db as unknown as Kysely<unknown>, dialect);
      expect(await definition()).toBeUndefined();
      await importCompanies(empty.ctx, [csv('Three AB,556600003,Road,Lund,,,SE,,,')], { initialLoad: true });
      expect((await definition())?.toLowerCase()).toMatch(/where \(?text < '\u1100'/);
    } finally {
      await empty.close();
    }
  });

  describe('POST /api/v1/admin/companies/import', () => {
    const url = '/api/v1/admin/companies/import';
    const post = (
      auth: { authorization: string } | Record<string, never>,
      body: string,
      query = '',
      type = 'text/csv',
    ) =>
      env.app.inject({
        method: 'POST',
        url: `${url}${query}`,
        headers: { ...auth, 'content-type': type },
        payload: body,
      });

    it('is for the vendor-admin only', async () => {
      const body = csv('Denied AB,556700001,Road,Lund,,,SE,,,');
      for (const user of [world.users.seller, world.users.contosoAdmin, world.users.radmin]) {
        const response = await post(user.auth, body);
        expect(response.statusCode).toBe(403);
        expect(response.json().error.code).toBe('forbidden');
      }
      expect((await post({}, body)).statusCode).toBe(401);
      expect(await byDuns('556700001')).toEqual([]);
    });

    it('imports and answers with the counts and the bad rows', async () => {
      const response = await post(
        world.users.vadmin.auth,
        csv(
          'Api One AB,556700002,Road,Lund,,,SE,,,',
          'Api Bad AB,1,Road,Lund,,,SE,,,',
          'Api Two AB,,Road,Lund,,,SE,,,',
        ),
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        read: 3,
        inserted: 2,
        updated: 0,
        bad: [{ line: 3, field: 'duns', reason: 'D-U-N-S must be exactly 9 digits (got "1")' }],
        badCount: 1,
        dryRun: false,
      });
      expect(await byDuns('556700002')).toHaveLength(1);
    });

    it('writes nothing on a dry run but reports what would happen', async () => {
      const response = await post(
        world.users.vadmin.auth,
        csv(
          'Dry Run AB,556700003,Road,Lund,,,SE,,,',
          'Volvo Cars AB,123456789,Road,Göteborg,,,SE,,,',
          'Dry Run AB,556700003,Road 2,Lund,,,SE,,,',
          'Dry Bad AB,556700004,Road,Lund,,,QQ,,,',
        ),
        '?dryRun=true',
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ read: 4, inserted: 1, updated: 2, badCount: 1, dryRun: true });
      expect(await byDuns('556700003')).toEqual([]);
      expect((await byDuns('123456789'))[0]?.address_line1).not.toBe('Road');
    });

    it('lists at most 1000 bad rows and counts them all', async () => {
      const lines = Array.from({ length: 1005 }, (_, i) => `Bad ${i},${i},Road,Lund,,,SE,,,`);
      const response = await post(world.users.vadmin.auth, csv(...lines), '?dryRun=true');
      const body = response.json();
      expect(body.bad).toHaveLength(1000);
      expect(body.badCount).toBe(1005);
      expect(body.bad[999].line).toBe(1001);
    });

    it('takes CSV only (415), and a header that is wrong is a 400 on the header', async () => {
      const json = await post(world.users.vadmin.auth, JSON.stringify({ name: 'x' }), '', 'application/json');
      expect(json.statusCode).toBe(415);
      expect(json.json().error).toMatchObject({ code: 'unsupported-media-type' });
      expect(json.json().error.message).toMatch(/text\/csv/);
      expect((await post(world.users.vadmin.auth, 'a,b\n', '', 'text/plain')).statusCode).toBe(415);
      expect(
        (
          await post(
            world.users.vadmin.auth,
            csv('Charset AB,556700005,Road,Lund,,,SE,,,'),
            '',
            'text/csv; charset=utf-8',
          )
        ).statusCode,
      ).toBe(200);
      const header = await post(world.users.vadmin.auth, 'name,duns\nX,1\n');
      expect(header.statusCode).toBe(400);
      expect(header.json().error).toMatchObject({ code: 'invalid-input', path: 'header' });
    });

    it('refuses a body over 10 MB with 413', async () => {
      const big = csv(`Big AB,556700006,${'x'.repeat(10 * 1024 * 1024)},Lund,,,SE,,,`);
      const response = await post(world.users.vadmin.auth, big);
      expect(response.statusCode).toBe(413);
      expect(response.json().error.message).toMatch(/import-companies/);
    });

    it('is in the OpenAPI document with a text/csv body', async () => {
      const doc = (await env.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      const operation = doc.paths['/api/v1/admin/companies/import'].post;
      expect(Object.keys(operation.requestBody.content)).toEqual(['text/csv']);
      expect(operation.parameters.map((p: { name: string }) => p.name)).toContain('dryRun');
      expect(operation.responses['200']).toBeDefined();
    });
  });
});

describe('migration 0013 on SQLite: the D-U-N-S uniqueness as an index of its own', () => {
  it('rebuilds the companies table with every row, its row number and the references to it', async () => {
    const file = join(tmpdir(), `cosell-0013-${process.pid}-${Date.now()}.db`);
    const handle = openDatabase(`sqlite:${file}`);
    try {
      const migrator = new Migrator({
        db: handle.db,
        provider: { getMigrations: async () => migrations('sqlite') },
      });
      const before = await migrator.migrateTo('0012_company_search_text_partial');
      expect(before.error).toBeUndefined();
      const sqlite = sqliteHandleOf(handle.db) as NonNullable<ReturnType<typeof sqliteHandleOf>>;
      sqlite.exec(`
        insert into companies (rowid, id, name, name_search, duns, city, city_search, country, domain)
        values (7, 'c-one', 'One AB', 'one ab', '556000001', 'Lund', 'lund', 'SE', 'one.example'),
               (9, 'c-two', 'Two AB', 'two ab', null, 'Lund', 'lund', 'SE', null);
        insert into company_search_keys (company_id, key, text, country, city_search)
        values ('c-one', 'a0one ab', 'one ab', 'SE', 'lund');`);
      const unique = () =>
        sqlite
          .prepare(
            'select name, origin from pragma_index_list(\'companies\') where "unique" = 1 order by name',
          )
          .all();
      expect(unique()).toEqual([
        { name: 'sqlite_autoindex_companies_1', origin: 'pk' },
        { name: 'sqlite_autoindex_companies_2', origin: 'u' },
      ]);
      const rows = sqlite.prepare('select rowid, * from companies order by rowid').all();

      await migrateToLatest(handle);
      expect(unique()).toEqual([
        { name: 'companies_duns', origin: 'c' },
        { name: 'sqlite_autoindex_companies_1', origin: 'pk' },
      ]);
      expect(sqlite.prepare('select rowid, * from companies order by rowid').all()).toEqual(rows);
      expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(sqlite.pragma('foreign_key_check')).toEqual([]);
      // The search key still references the table: its company cannot go, and a D-U-N-S cannot repeat.
      expect(() => sqlite.exec("delete from companies where id = 'c-one'")).toThrow(/FOREIGN KEY/);
      expect(() =>
        sqlite.exec(`insert into companies (id, name, name_search, duns, city, city_search, country)
                     values ('c-three', 'Three AB', 'three ab', '556000001', 'Lund', 'lund', 'SE')`),
      ).toThrow(/UNIQUE/);
      expect(
        sqlite.prepare("select count(*) from sqlite_master where name = 'companies_domain'").pluck().get(),
      ).toBe(1);
    } finally {
      await handle.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    }
  });
});
