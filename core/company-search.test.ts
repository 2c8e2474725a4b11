import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  companySearchKeyStrings,
  companySearchKeys,
  EXACT,
  exactnessOf,
  PARTIAL,
  prefixUpperBound,
  rankHits,
  type SearchHit,
  searchQuery,
  searchTexts,
  searchTextsByCharacter,
  sizeBand,
  typoPrefixes,
  WHOLE_WORDS,
} from './company-search.ts';
import { normalizeForSearch } from './text.ts';

/** Damerau–Levenshtein distance (optimal string alignment), the reference for the typo rule. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min(
        (up[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (up[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

describe('size bands', () => {
  it('reads the employee band of the free-text size, larger is higher, unknown is 0', () => {
    expect(sizeBand('1000+')).toBe(4);
    expect(sizeBand('5 000+')).toBe(4);
    expect(sizeBand('250-999')).toBe(3);
    expect(sizeBand('50-249')).toBe(2);
    expect(sizeBand('1-49')).toBe(1);
    expect(sizeBand(null)).toBe(0);
    expect(sizeBand('')).toBe(0);
    expect(sizeBand('large')).toBe(0);
    expect(sizeBand('0')).toBe(0);
  });
});

describe('search texts of a name', () => {
  it('is the name, then the rest from each later word, legal forms and fillers left out as starts', () => {
    expect(searchTexts(normalizeForSearch('Göteborgs Hamn AB'))).toEqual([
      { tier: 'a', text: 'goteborgs hamn ab' },
      { tier: 'b', text: 'hamn ab' },
    ]);
    expect(searchTexts('the blue ridge company of texas inc').map((t) => t.text)).toEqual([
      'the blue ridge company of texas inc',
      'blue ridge company of texas inc',
      'ridge company of texas inc',
      'company of texas inc',
      'texas inc',
    ]);
  });

  it('starts a word at every CJK character (no spaces in CJK text)', () => {
    expect(searchTexts('台灣積體電路').map((t) => t.text)).toEqual([
      '台灣積體電路',
      '灣積體電路',
      '積體電路',
      '體電路',
      '電路',
      '路',
    ]);
  });

  it('finds Cyrillic names by each word, case folded', () => {
    expect(searchTexts(normalizeForSearch('ООО Ямал СПГ')).map((t) => t.text)).toEqual([
      'ооо ямал спг',
      'ямал спг',
      'спг',
    ]);
  });

  it('keys carry tier and band so one index range is one tier and band', () => {
    expect(companySearchKeys('volvo cars ab', '1000+').map((k) => k.key)).toEqual([
      'a4volvo cars ab',
      'b4cars ab',
    ]);
    expect(companySearchKeys('', '1000+')).toEqual([]);
    expect(companySearchKeyStrings('volvo cars ab', '1000+')).toEqual(['a4volvo cars ab', 'b4cars ab']);
  });

  it('property: a name without CJK gets the texts of the character-by-character reading, by its spaces', () => {
    const unit = fc.constantFrom(
      'a',
      'b',
      'x',
      ' ',
      ' ',
      'ab',
      'inc',
      'é',
      'я',
      'ооо',
      '-',
      '&',
      '😀',
      'ᄀ',
      '台',
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), fc.integer({ min: 0, max: 400 }), (units, pad) => {
        const name = units.join('') + ' w'.repeat(pad % 7) + 'z'.repeat(pad);
        expect(searchTexts(name)).toEqual(searchTextsByCharacter(name));
      }),
    );
  });
});

describe('queries', () => {
  it('needs 2 characters, or 1 in CJK, after normalization', () => {
    expect(searchQuery('g')).toBeNull();
    expect(searchQuery('  Ö  ')).toBeNull();
    expect(searchQuery('Я')).toBeNull();
    expect(searchQuery('')).toBeNull();
    expect(searchQuery('Gö')).toBe('go');
    expect(searchQuery('台')).toBe('台');
    expect(searchQuery('  GÖTEBORGS   Hamn ')).toBe('goteborgs hamn');
  });

  it('a prefix range holds exactly the strings that start with the prefix (code-point order)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
        fc.string({ unit: 'grapheme', maxLength: 6 }),
        (prefix, other) => {
          const upper = prefixUpperBound(prefix);
          const inRange = (s: string) =>
            Buffer.compare(Buffer.from(s), Buffer.from(prefix)) >= 0 &&
            Buffer.compare(Buffer.from(s), Buffer.from(upper)) < 0;
          expect(inRange(prefix + other)).toBe(true);
          if (!other.startsWith(prefix)) expect(inRange(other)).toBe(false);
        },
      ),
    );
    expect(prefixUpperBound('ab')).toBe('ac');
    expect(prefixUpperBound('a\u{10FFFF}')).toBe('b');
  });

  it('grades exactness: the whole text, whole words, or inside a word', () => {
    expect(exactnessOf('volvo', 'volvo')).toBe(EXACT);
    expect(exactnessOf('volvo cars ab', 'volvo')).toBe(WHOLE_WORDS);
    expect(exactnessOf('volvokoncernen', 'volvo')).toBe(PARTIAL);
  });
});

describe('typo prefixes', () => {
  it('are exactly the strings one edit from the query (letters of its script), three characters or more', () => {
    const variants = new Set(typoPrefixes('volvo'));
    expect(variants.has('vovlo')).toBe(true); // swapped
    expect(variants.has('volo')).toBe(true); // one too many typed
    expect(variants.has('volvoa')).toBe(false); // (a missing letter at the end is just a longer prefix)
    expect(variants.has('vlolvo')).toBe(true); // a missing letter
    expect(variants.has('valvo')).toBe(true); // a wrong letter
    expect(variants.has('volvo')).toBe(false);
    for (const v of variants) {
      // One edit from the query, or from the query without its last letter (a wrong last letter).
      expect(Math.min(editDistance(v, 'volvo'), editDistance(v, 'volv'))).toBeLessThanOrEqual(1);
      expect(v.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('every key one edit from a query starts with a variant or with the query itself', () => {
    const letters = 'abcdeor';
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...letters), minLength: 4, maxLength: 7 }),
        fc.string({ unit: fc.constantFrom(...letters), minLength: 0, maxLength: 3 }),
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'replace', 'swap'),
        (query, rest, at, edit) => {
          // A key whose prefix is one edit from the query.
          const i = at % query.length;
          const ch = letters[at % letters.length] as string;
          const prefix =
            edit === 'insert'
              ? query.slice(0, i) + ch + query.slice(i)
              : edit === 'delete'
                ? query.slice(0, i) + query.slice(i + 1)
                : edit === 'replace'
                  ? query.slice(0, i) + ch + query.slice(i + 1)
                  : i + 1 < query.length
                    ? query.slice(0, i) + query[i + 1] + query[i] + query.slice(i + 2)
                    : query;
          const key = prefix + rest;
          const found = key.startsWith(query) || typoPrefixes(query).some((v) => key.startsWith(v));
          expect(found, `${query} → ${key}`).toBe(true);
        },
      ),
    );
  });

  it('none for short queries, CJK or very long ones; Cyrillic uses its own letters', () => {
    expect(typoPrefixes('vol')).toEqual([]);
    expect(typoPrefixes('台灣積體電路')).toEqual([]);
    expect(typoPrefixes('a'.repeat(30))).toEqual([]);
    const cyrillic = typoPrefixes('яндекс');
    expect(cyrillic).toContain('яндкс');
    expect(cyrillic).toContain('яднекс'); // swapped
    expect(cyrillic.some((v) => /[a-z]/.test(v))).toBe(false);
  });
});

describe('ranking', () => {
  const hit = (
    companyId: string,
    tier: 0 | 1 | 2,
    exactness: 0 | 1 | 2,
    band: 0 | 1 | 2 | 3 | 4,
    text = 'x',
  ): SearchHit => ({
    companyId,
    tier,
    exactness,
    band,
    text,
  });
  it('orders by tier, then exactness, then size, then text; keeps each company once at its best', () => {
    const ranked = rankHits(
      [
        hit('typo-big', 2, 0, 4),
        hit('word-exact', 1, 0, 1),
        hit('prefix-partial-big', 0, 2, 4),
        hit('prefix-exact-small', 0, 0, 1),
        hit('prefix-partial-small', 0, 2, 1),
        hit('word-exact', 0, 2, 2), // the same company also matches better
        hit('prefix-words-b', 0, 1, 3, 'b'),
        hit('prefix-words-a', 0, 1, 3, 'a'),
      ],
      10,
    );
    expect(ranked.map((h) => h.companyId)).toEqual([
      'prefix-exact-small',
      'prefix-words-a',
      'prefix-words-b',
      'prefix-partial-big',
      'word-exact',
      'prefix-partial-small',
      'typo-big',
    ]);
    expect(rankHits([hit('a', 0, 0, 0), hit('b', 0, 0, 0), hit('c', 0, 0, 0)], 2)).toHaveLength(2);
  });
});
