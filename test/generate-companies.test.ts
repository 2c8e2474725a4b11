/**
 * The synthetic directory generator (docs/DIRECTORY.md): deterministic from its seed, the import's exact
 * header, rows the importer accepts, unique 9-digit D-U-N-S numbers, every script, branches.
 */
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPANY_CSV_COLUMNS, checkCompanyRecord } from '../core/company-csv.ts';
import { createRng, dunsPermutation } from '../server/services/demo-data.ts';
import { writeCompaniesCsv } from '../server/services/generate-companies.ts';

async function generate(count: number, seed?: number): Promise<string> {
  const parts: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      done();
    },
  });
  await writeCompaniesCsv(out, { count, ...(seed === undefined ? {} : { seed }) });
  return Buffer.concat(parts).toString('utf8');
}

describe('generate-companies', () => {
  it('is deterministic for a seed and differs between seeds', async () => {
    const a = await generate(2000, 7);
    expect(await generate(2000, 7)).toBe(a);
    expect(await generate(2000, 8)).not.toBe(a);
  });

  it('writes the exact header and exactly the asked number of rows', async () => {
    const csv = await generate(1234);
    expect(csv.split('\n')[0]).toBe(COMPANY_CSV_COLUMNS.join(','));
    const records = parse(csv, { from_line: 2 }) as string[][];
    expect(records).toHaveLength(1234);
    expect(await generate(0)).toBe(`${COMPANY_CSV_COLUMNS.join(',')}\n`);
  });

  describe('50,000 rows', () => {
    let records: string[][] = [];
    beforeAll(async () => {
      records = parse(await generate(50_000, 42), { from_line: 2 }) as string[][];
    });
    const column = (name: (typeof COMPANY_CSV_COLUMNS)[number]) => COMPANY_CSV_COLUMNS.indexOf(name);

    it('passes the importer’s validation row by row', () => {
      const bad = records.map((r) => checkCompanyRecord(r)).filter((c) => !c.ok);
      expect(bad).toEqual([]);
    });

    it('has unique 9-digit D-U-N-S numbers', () => {
      const duns = records.map((r) => r[column('duns')] as string);
      expect(duns.every((d) => /^\d{9}$/.test(d))).toBe(true);
      expect(new Set(duns).size).toBe(duns.length);
    });

    it('has names in Latin, Swedish diacritics, Cyrillic, Traditional and Simplified Chinese', () => {
      const names = (country: string) =>
        records.filter((r) => r[column('country')] === country).map((r) => r[column('name')] as string);
      expect(names('US').some((n) => /^[A-Za-z][A-Za-z ,.&-]+$/.test(n))).toBe(true);
      expect(names('SE').some((n) => /[åäöÅÄÖ]/.test(n))).toBe(true);
      expect(names('RU').every((n) => /\p{Script=Cyrillic}/u.test(n))).toBe(true);
      // Characters that exist only in the traditional or only in the simplified script.
      expect(names('TW').some((n) => /[國華東遠聯鴻豐廣寶萬億興達體]/.test(n))).toBe(true);
      expect(names('TW').some((n) => /[国华东远联鸿丰广宝万亿兴达体]/.test(n))).toBe(false);
      expect(names('CN').some((n) => /[国华东远联鸿丰广宝万亿兴达]/.test(n))).toBe(true);
      expect(names('CN').some((n) => /[國華東遠聯鴻豐廣寶萬億興達]/.test(n))).toBe(false);
    });

    it('has branches: entities sharing a name in one city, each with its own D-U-N-S and address', () => {
      const groups = new Map<string, string[][]>();
      for (const r of records) {
        const key = `${r[column('name')]}|${r[column('city')]}|${r[column('country')]}`;
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
      const shared = [...groups.values()].filter((g) => g.length > 1);
      // Roughly one base entity in twelve has branches; chains of 4 or more exist too.
      expect(shared.length).toBeGreaterThan(1000);
      expect(shared.some((g) => g.length >= 4)).toBe(true);
      // Within a group every entity has its own address and D-U-N-S.
      const distinct = shared.filter(
        (g) =>
          new Set(g.map((r) => r[column('addressLine1')])).size === g.length &&
          new Set(g.map((r) => r[column('duns')])).size === g.length,
      );
      expect(distinct.length).toBeGreaterThan(shared.length * 0.97);
      // And most names are rare: the directory is not a handful of names repeated.
      expect(groups.size).toBeGreaterThan(records.length * 0.6);
    });

    it('has plausible addresses per country', () => {
      const row = (country: string) => records.find((r) => r[column('country')] === country) as string[];
      expect(row('SE')[column('postalCode')]).toMatch(/^\d{3} \d{2}$/);
      expect(row('US')[column('postalCode')]).toMatch(/^\d{5}$/);
      expect(row('US')[column('region')]).toMatch(/^[A-Z]{2}$/);
      expect(row('CN')[column('addressLine1')]).toMatch(/号/);
      expect(row('TW')[column('addressLine1')]).toMatch(/號/);
      expect(row('RU')[column('addressLine1')]).toMatch(/д\. \d+/);
      expect(row('GB')[column('postalCode')]).toMatch(/^[A-Z]{1,2}\d[A-Z]? \d[A-Z]{2}$/);
    });
  });

  it('numbers D-U-N-S by a permutation: no collisions over a large range', () => {
    const duns = dunsPermutation(createRng(1));
    const seen = new Set<string>();
    for (let i = 0; i < 300_000; i++) seen.add(duns(i));
    expect(seen.size).toBe(300_000);
    // The far end of the range maps into it too.
    expect(duns(999_999_999)).toMatch(/^\d{9}$/);
    expect(() => duns(1_000_000_000)).toThrow(RangeError);
  });
});
