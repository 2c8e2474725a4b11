/**
 * The directory import's CSV reader (server/services/csv-records.ts) reads what csv-parse read with the options
 * the import used before it (docs/DIRECTORY.md: bom, relax_column_count, relax_quotes, max_record_size,
 * skip_records_with_error, stopping at the first unreadable record): the same records, and the same point
 * where an unreadable record stops the reading, on hand-picked cases and on random text cut into random pieces.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { describe, expect, it } from 'vitest';
import { type CsvItem, csvRecords } from '../server/services/csv-records.ts';

const LIMIT = 64 * 1024;

/** What csv-parse gives: the records up to the first unreadable one, and whether one stopped the reading. */
async function oracle(pieces: Buffer[], limit: number): Promise<{ records: string[][]; stopped: boolean }> {
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    max_record_size: limit,
    skip_records_with_error: true,
  });
  let after: number | null = null;
  parser.on('skip', () => {
    if (after === null) after = parser.info.records;
  });
  Readable.from(pieces).pipe(parser);
  const records: string[][] = [];
  for await (const record of parser as AsyncIterable<string[]>) {
    if (after !== null && records.length >= after) break;
    records.push(record);
  }
  return { records: after === null ? records : records.slice(0, after), stopped: after !== null };
}

async function ours(pieces: Buffer[], limit: number): Promise<{ records: string[][]; stopped: boolean }> {
  const records: string[][] = [];
  let stopped = false;
  for await (const item of csvRecords(pieces, limit) as AsyncIterable<CsvItem>) {
    if (Array.isArray(item)) records.push(...item);
    else {
      stopped = true;
      expect(item.after).toBe(records.length);
    }
  }
  return { records, stopped };
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `bytes` at random places (inside multi-byte characters and line breaks too). */
function cut(bytes: Buffer, random: () => number): Buffer[] {
  const pieces: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = 1 + Math.floor(random() * (random() < 0.5 ? 4 : 64));
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

describe('CSV records as the directory import reads them', () => {
  const cases: [string, string][] = [
    ['plain', 'a,b,c\n1,2,3\n'],
    ['no final line break', 'a,b\n1,2'],
    ['CRLF', 'a,b\r\n1,2\r\n'],
    ['CR only', 'a,b\r1,2\r'],
    ['LF then a stray CR', 'a,b\n1,2\r\n3,4\n'],
    ['CRLF then a stray LF', 'a,b\r\n1\n2,3\r\n'],
    ['quoted with comma, quote and line breaks', 'a,b\n"x, ""y""\r\nz",2\n'],
    ['quote inside an unquoted field', 'a,b\n5" Screens,2\n'],
    ['text after a closing quote', 'a,b\n"x"y,2\n"x" ,3\n"x""y"z,4\n'],
    ['empty lines', 'a,b\n\n1,2\n\n'],
    ['empty fields', 'a,b\n,\n,,\n""\n'],
    ['byte order mark', '\uFEFFa,b\n1,2\n'],
    ['unclosed quote at the end', 'a,b\n1,2\n"3,4\n5,6\n'],
    ['quote closed at the very end', 'a,b\n"1"'],
    ['multi-byte characters', 'namn,ort\nÅngström,Göteborg\n台灣積體電路,新竹\n"Яндекс, ООО",Москва\n'],
    ['first line quoted', '"a\nb",c\n1,2\n'],
  ];
  for (const [name, text] of cases) {
    it(name, async () => {
      const bytes = Buffer.from(text, 'utf8');
      expect(await ours([bytes], LIMIT)).toEqual(await oracle([bytes], LIMIT));
      const random = rng(name.length);
      for (let i = 0; i < 20; i++) {
        const pieces = cut(bytes, random);
        expect(await ours(pieces, LIMIT)).toEqual(await oracle(pieces, LIMIT));
      }
    });
  }

  it('bytes that are not UTF-8, and a UTF-16LE file', async () => {
    const latin1 = Buffer.concat([Buffer.from('a,b\n'), Buffer.from('G\xf6teborg,\xe9\n', 'latin1')]);
    expect(await ours([latin1], LIMIT)).toEqual(await oracle([latin1], LIMIT));
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\r\nÅ,"x,y"\r\n', 'utf16le')]);
    expect(await ours([utf16], LIMIT)).toEqual(await oracle([utf16], LIMIT));
  });

  it('stops at a record over the size limit, as at an unclosed quote', async () => {
    const long = Buffer.from(`a,b\n1,2\n"${'x'.repeat(300)}\n3,4\n`);
    expect(await ours([long], 100)).toEqual({
      records: [
        ['a', 'b'],
        ['1', '2'],
      ],
      stopped: true,
    });
    expect(await oracle([long], 100)).toEqual({
      records: [
        ['a', 'b'],
        ['1', '2'],
      ],
      stopped: true,
    });
  });

  it('reads random text as csv-parse does', async () => {
    const random = rng(20261121);
    const alphabet = ['a', 'b', 'Ö', '台', ' ', ',', ',', '"', '"', '""', '\n', '\n', '\r\n', '\r', '\t'];
    for (let round = 0; round < 400; round++) {
      const lines: string[] = [];
      const count = 1 + Math.floor(random() * 12);
      for (let l = 0; l < count; l++) {
        let line = '';
        const length = Math.floor(random() * 14);
        for (let c = 0; c < length; c++) line += alphabet[Math.floor(random() * alphabet.length)];
        lines.push(line);
      }
      const ending = ['\n', '\r\n', '\r'][Math.floor(random() * 3)] as string;
      const text = (random() < 0.3 ? '\uFEFF' : '') + lines.join(ending) + (random() < 0.5 ? ending : '');
      const bytes = Buffer.from(text, 'utf8');
      const want = await oracle([bytes], LIMIT);
      expect(await ours([bytes], LIMIT), JSON.stringify(text)).toEqual(want);
      expect(await ours(cut(bytes, random), LIMIT), JSON.stringify(text)).toEqual(want);
    }
  });
});
