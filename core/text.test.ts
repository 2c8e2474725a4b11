/**
 * Search normalization (SPEC §3: accent- and case-insensitive, CJK and Cyrillic names included)
 * and LIKE escaping.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeLike, normalizeForSearch as norm } from './text.ts';

describe('normalizeForSearch', () => {
  describe('diacritics are removed', () => {
    it.each([
      ['Göteborg', 'goteborg'],
      ['Malmö', 'malmo'],
      ['Jönköping', 'jonkoping'],
      ['Västerås', 'vasteras'],
      ['Zürich', 'zurich'],
      ['Crème Brûlée', 'creme brulee'],
      ['São Paulo', 'sao paulo'],
      ['Ñandú', 'nandu'],
      ['Čeština', 'cestina'],
      ['İstanbul', 'istanbul'],
      ['Ångström', 'angstrom'],
    ])('%s → %s', (input, output) => {
      expect(norm(input)).toBe(output);
    });

    it('precomposed (NFC) and decomposed (NFD) input give the same result', () => {
      for (const s of ['Göteborg', 'Malmö', 'Ålesund', 'Đà Nẵng', 'Ελλάδα']) {
        expect(norm(s.normalize('NFC'))).toBe(norm(s.normalize('NFD')));
      }
    });

    it('letters that are not base letter + accent in Unicode stay (NFKD does not split them), lower-cased', () => {
      // Æ, Ø, Ł, ß and Đ have no canonical decomposition: they are kept as letters of their own.
      expect(norm('Ærø')).toBe('ærø');
      expect(norm('ÆRØ')).toBe('ærø');
      expect(norm('Łódź')).toBe('łodz');
      expect(norm('Straße')).toBe('straße');
      expect(norm('ẞ')).toBe('ß');
      // …but case still folds, so the same place matches whatever its case.
      expect(norm('ÆRØ')).toBe(norm('ærø'));
    });
  });

  describe('case', () => {
    it.each([
      ['VOLVO', 'volvo'],
      ['VoLvO Cars AB', 'volvo cars ab'],
      ['ΑΘΗΝΑ', 'αθηνα'],
    ])('%s → %s', (input, output) => {
      expect(norm(input)).toBe(output);
    });

    it('property: ASCII text is case-insensitive', () => {
      fc.assert(
        fc.property(
          fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
          (s) => {
            expect(norm(s.toUpperCase())).toBe(norm(s.toLowerCase()));
          },
        ),
      );
    });

    it('property: printable ASCII (read without the Unicode passes) comes out as through them', () => {
      const unicodePath = (v: string) =>
        v
          .normalize('NFKD')
          .replace(/\p{M}+/gu, '')
          .toLowerCase()
          .replace(/\s+/g, ' ')
          .trim();
      const ascii = fc.oneof(
        fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        fc.constant(' '),
      );
      fc.assert(
        fc.property(fc.string({ unit: ascii }), (s) => {
          expect(norm(s)).toBe(unicodePath(s));
        }),
      );
      // Just outside it: a tab, a non-breaking space, an accent.
      expect(norm(' A\tB\u00a0 Cé ')).toBe('a b ce');
    });

    it('property: Cyrillic text is case-insensitive', () => {
      const cyrillic = fc.integer({ min: 0x0410, max: 0x044f }).map((c) => String.fromCharCode(c));
      fc.assert(
        fc.property(fc.string({ unit: cyrillic }), (s) => {
          expect(norm(s.toUpperCase())).toBe(norm(s.toLowerCase()));
        }),
      );
    });
  });

  describe('compatibility forms fold (full-width → ASCII)', () => {
    it.each([
      ['ＡＢＣ１２３', 'abc123'],
      ['ＶＯＬＶＯ', 'volvo'],
      ['Ａ　Ｂ', 'a b'], // ideographic space
      ['ﬁnance', 'finance'], // ligature
      ['①', '1'],
      ['™', 'tm'],
      ['ｶﾞｽ', 'カス'], // half-width katakana → full-width, voicing mark removed like any other mark
    ])('%s → %s', (input, output) => {
      expect(norm(input)).toBe(output);
    });

    it('property: full-width printable ASCII equals its ASCII form', () => {
      const printable = fc.integer({ min: 0x21, max: 0x7e });
      fc.assert(
        fc.property(fc.array(printable), (codes) => {
          const ascii = String.fromCharCode(...codes);
          const wide = String.fromCharCode(...codes.map((c) => c + 0xfee0));
          expect(norm(wide)).toBe(norm(ascii));
        }),
      );
    });
  });

  describe('CJK and Cyrillic are kept', () => {
    it.each([
      ['東京都', '東京都'],
      ['北京市海淀区', '北京市海淀区'],
      ['台灣積體電路', '台灣積體電路'],
      ['微软（中国）有限公司', '微软(中国)有限公司'], // full-width brackets fold to ASCII
      ['トヨタ自動車', 'トヨタ自動車'],
      ['Москва', 'москва'],
      ['ООО «Ромашка»', 'ооо «ромашка»'],
      ['Санкт-Петербург', 'санкт-петербург'],
    ])('%s → %s', (input, output) => {
      expect(norm(input)).toBe(output);
    });

    it('Cyrillic letters with diacritics fold like Latin ones (ё → е, й → и), on both sides of a search', () => {
      expect(norm('Ёлка')).toBe('елка');
      expect(norm('Йошкар-Ола')).toBe('иошкар-ола');
      expect(norm('Ёлка')).toBe(norm('Елка'));
    });

    it('Hangul is decomposed into jamo consistently (a syllable prefix stays a prefix)', () => {
      const seoul = norm('서울특별시');
      expect(seoul).toBe('서울특별시'.normalize('NFKD'));
      expect(seoul.startsWith(norm('서울'))).toBe(true);
      expect(norm(seoul)).toBe(seoul);
    });

    it('property: CJK unified ideographs pass through unchanged', () => {
      const han = fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCharCode(c));
      fc.assert(
        fc.property(fc.string({ unit: han, minLength: 1 }), (s) => {
          expect(norm(s)).toBe(s);
        }),
      );
    });
  });

  describe('whitespace', () => {
    it.each([
      ['  Volvo   Cars  ', 'volvo cars'],
      ['\tVolvo\nCars\r\n', 'volvo cars'],
      ['Volvo\u00a0Cars', 'volvo cars'], // no-break space
      ['Volvo\u3000Cars', 'volvo cars'], // ideographic space
      ['Volvo\u2003\u2009Cars', 'volvo cars'], // em space + thin space
      ['', ''],
      ['   ', ''],
      ['\u00a0\u3000\t', ''],
    ])('%j → %j', (input, output) => {
      expect(norm(input)).toBe(output);
    });
  });

  describe('properties', () => {
    const inputs = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'grapheme-composite' }),
      fc.string({
        unit: fc.constantFrom(...'GöteborgMALMÖÆrø ＡＢＣ\u3000\u00a0\t東京Москва서울ガ\u0301İ'.split('')),
      }),
    );

    it('is idempotent', () => {
      fc.assert(
        fc.property(inputs, (s) => {
          expect(norm(norm(s))).toBe(norm(s));
        }),
        { numRuns: 3000 },
      );
    });

    it('output has no combining marks, no upper case, no edge or repeated whitespace', () => {
      fc.assert(
        fc.property(inputs, (s) => {
          const out = norm(s);
          expect(out).not.toMatch(/\p{M}/u);
          expect(out.toLowerCase()).toBe(out);
          expect(out).toBe(out.trim());
          expect(out).not.toMatch(/\s\s/);
          expect(out).not.toMatch(/[^\S ]/); // the only whitespace left is a plain space
        }),
        { numRuns: 3000 },
      );
    });

    it('adding accents to ASCII letters changes nothing', () => {
      const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''));
      const mark = fc.integer({ min: 0x0300, max: 0x036f }).map((c) => String.fromCharCode(c));
      fc.assert(
        fc.property(fc.array(fc.tuple(letter, fc.array(mark, { maxLength: 2 }))), (parts) => {
          const plain = parts.map(([l]) => l).join('');
          const accented = parts
            .map(([l, marks]) => l + marks.join(''))
            .join('')
            .normalize('NFC');
          expect(norm(accented)).toBe(norm(plain));
        }),
      );
    });

    it('a normalized substring of a name is found in the normalized name (ASCII)', () => {
      fc.assert(
        fc.property(fc.string(), fc.nat(), fc.nat(), (s, a, b) => {
          const sub = s.slice(Math.min(a, b) % (s.length + 1), Math.max(a, b) % (s.length + 1));
          const n = norm(sub);
          expect(norm(s).includes(n.trim())).toBe(true);
        }),
      );
    });
  });
});

describe('escapeLike', () => {
  it.each([
    ['100%', '100\\%'],
    ['a_b', 'a\\_b'],
    ['c:\\dir', 'c:\\\\dir'],
    ['%_\\', '\\%\\_\\\\'],
    ['\\%', '\\\\\\%'],
    ['plain text', 'plain text'],
    ['', ''],
    ["O'Brien [x] *?", "O'Brien [x] *?"], // not LIKE wildcards: unchanged (quotes are the driver's business)
    ['東京%', '東京\\%'],
  ])('%j → %j', (input, output) => {
    expect(escapeLike(input)).toBe(output);
  });

  /** A LIKE pattern with `ESCAPE '\'`, as a regular expression (what the database does). */
  function likeToRegExp(pattern: string): RegExp {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i]!;
      if (ch === '\\' && i + 1 < pattern.length) {
        source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      } else if (ch === '%') source += '[\\s\\S]*';
      else if (ch === '_') source += '[\\s\\S]';
      else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    return new RegExp(`^${source}$`, 'u');
  }

  const wildcardy = fc.string({ unit: fc.constantFrom('%', '_', '\\', 'a', 'b', ' ', 'ö') });

  it('property: %escaped% matches exactly the strings containing the text', () => {
    fc.assert(
      fc.property(wildcardy, wildcardy, (needle, haystack) => {
        const re = likeToRegExp(`%${escapeLike(needle)}%`);
        expect(re.test(haystack)).toBe(haystack.includes(needle));
        expect(re.test(`x${needle}y`)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: escaped% matches exactly the strings starting with the text', () => {
    fc.assert(
      fc.property(wildcardy, wildcardy, (prefix, s) => {
        expect(likeToRegExp(`${escapeLike(prefix)}%`).test(s)).toBe(s.startsWith(prefix));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: only %, _ and \\ are escaped, and unescaping gives the input back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const escaped = escapeLike(s);
        expect(escaped).toMatch(/^(?:[^\\%_]|\\[\\%_])*$/su);
        expect(escaped.replace(/\\([\\%_])/g, '$1')).toBe(s);
        expect(escaped.length - s.length).toBe((s.match(/[\\%_]/g) ?? []).length);
      }),
    );
  });
});
