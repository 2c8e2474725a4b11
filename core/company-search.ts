/**
 * The customer directory's suggestion contract (SPEC §3, docs/DIRECTORY.md), as pure rules shared by the
 * write path (which keys a company is found by) and the read path (which key ranges a query probes, and in
 * which order the matches rank).
 *
 * Ranking, best first:
 *   1. tier: the name starts with the query  >  a later word of the name starts with it  >  a typo match
 *      (the query is one edit — a letter missing, extra, wrong or two swapped — from such a start);
 *   2. exactness: the whole name (or the rest of it from that word) equals the query  >  the query ends at the
 *      end of a word  >  the query ends inside a word;
 *   3. size: the larger company first (by its employee band);
 *   4. then the normalized text of the matched key, then the id (only so that the order is stable).
 *
 * Every company is found by a few *search keys*: its normalized name, and the rest of the name from each later
 * word start (from every character, in CJK text, which has no spaces). A stored key is
 * `<tier><band><text>`, so that "the best ten of one tier and size band that start with q" is one range of one
 * B-tree index, read in order and cut after ten rows, however many companies match: this is what keeps the
 * least selective queries (two common letters) as fast as the most selective.
 */
import { normalizeForSearch } from './text.ts';

/** Tiers as stored in the first character of a key. */
export const NAME_START = 'a';
export const WORD_START = 'b';
export type KeyTier = typeof NAME_START | typeof WORD_START;

/** Size bands, largest first: the order in which a tier's bands are read. */
export const SIZE_BANDS_LARGEST_FIRST = [4, 3, 2, 1, 0] as const;
export type SizeBand = (typeof SIZE_BANDS_LARGEST_FIRST)[number];

/** Exactness levels, best first. */
export const EXACT = 0;
export const WHOLE_WORDS = 1;
export const PARTIAL = 2;
export type Exactness = typeof EXACT | typeof WHOLE_WORDS | typeof PARTIAL;

/** Longest text a key keeps: a query is never longer, so nothing is lost for prefix matching. */
export const MAX_KEY_TEXT = 80;
/** Later word starts a name is found by (the first few words are what people type). */
const MAX_WORD_STARTS = 6;
/** Queries this long (without spaces) and longer also get typo-tolerant matches. */
export const TYPO_MIN_LENGTH = 4;
/** Queries longer than this get no typo matches: the variants grow with the length and add little. */
export const TYPO_MAX_LENGTH = 24;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

export function containsCjk(text: string): boolean {
  return CJK.test(text);
}

/**
 * The employee band of a directory entry's free-text `size` (`1-49`, `50-249`, `250-999`, `1000+`, or any
 * text that starts with a head count): 4 for 1,000 and more, 3 from 250, 2 from 50, 1 below, 0 when unknown.
 */
export function sizeBand(size: string | null | undefined): SizeBand {
  const match = size ? /^\s*(\d[\d\s,.]*)/.exec(size) : null;
  if (!match?.[1]) return 0;
  const employees = Number(match[1].replace(/[\s,.]/g, ''));
  if (!Number.isFinite(employees) || employees < 1) return 0;
  if (employees >= 1000) return 4;
  if (employees >= 250) return 3;
  if (employees >= 50) return 2;
  return 1;
}

/**
 * Legal forms and filler words: a name is not found by a later word that is one of these (every Swedish
 * company would otherwise match "ab"), though the words still count inside a longer query ("hamn ab").
 */
const NOT_A_WORD_START = new Set([
  'a',
  'ab',
  'ag',
  'as',
  'asa',
  'bv',
  'co',
  'corp',
  'corporation',
  'gmbh',
  'hb',
  'inc',
  'kb',
  'kg',
  'llc',
  'llp',
  'lp',
  'ltd',
  'nv',
  'oy',
  'oyj',
  'plc',
  'pty',
  'sa',
  'sarl',
  'sas',
  'spa',
  'srl',
  'the',
  'and',
  'of',
  '&',
  '-',
  'ао',
  'зао',
  'ип',
  'оао',
  'ооо',
  'пао',
]);

/** Any character at U+1100 or above, where every CJK script lies (and every surrogate of an astral one). */
const FROM_U1100 = /[\u1100-\uffff]/;

/** The texts a company is found by: the normalized name first, then the rest of it from each later word start. */
export function searchTexts(nameSearch: string): { tier: KeyTier; text: string }[] {
  const name = nameSearch.slice(0, MAX_KEY_TEXT * 4);
  if (FROM_U1100.test(name)) return searchTextsByCharacter(name);
  const texts: { tier: KeyTier; text: string }[] = [];
  if (name.length === 0) return texts;
  const first = name.slice(0, MAX_KEY_TEXT);
  texts.push({ tier: NAME_START, text: first });
  // Without CJK a word starts only after a space: the spaces are found, not every character looked at (the
  // same texts as searchTextsByCharacter; a test holds the two together).
  let seen: Set<string> | null = null;
  let starts = 0;
  for (
    let space = name.indexOf(' ');
    space !== -1 && starts < MAX_WORD_STARTS;
    space = name.indexOf(' ', space + 1)
  ) {
    const offset = space + 1;
    if (offset >= name.length || name[offset] === ' ') continue;
    const next = name.indexOf(' ', offset);
    const word = next === -1 ? name.slice(offset) : name.slice(offset, next);
    if (NOT_A_WORD_START.has(word)) continue;
    const text = name.slice(offset, offset + MAX_KEY_TEXT);
    seen ??= new Set([first]);
    if (!seen.has(text)) {
      seen.add(text);
      texts.push({ tier: WORD_START, text });
      starts++;
    }
  }
  return texts;
}

/**
 * searchTexts character by character, for a name that may hold CJK text (a word starts after a space and at
 * every CJK character). Exported for the test that holds searchTexts to it.
 */
export function searchTextsByCharacter(nameSearch: string): { tier: KeyTier; text: string }[] {
  const name = nameSearch.slice(0, MAX_KEY_TEXT * 4);
  const texts: { tier: KeyTier; text: string }[] = [];
  if (name.length === 0) return texts;
  const first = name.slice(0, MAX_KEY_TEXT);
  texts.push({ tier: NAME_START, text: first });
  let seen: Set<string> | null = null;
  let starts = 0;
  let previous = '';
  // By code point (offset in UTF-16 units, for slicing); every CJK character is at U+1100 or above.
  for (let offset = 0; offset < name.length && starts < MAX_WORD_STARTS; ) {
    const code = name.codePointAt(offset) as number;
    const ch = code > 0xffff ? name.slice(offset, offset + 2) : (name[offset] as string);
    // A word starts after a space, and at every CJK character (CJK text has no spaces between words).
    const isStart = offset > 0 && ch !== ' ' && (previous === ' ' || (code >= 0x1100 && CJK.test(ch)));
    if (isStart) {
      const space = name.indexOf(' ', offset);
      const word = space === -1 ? name.slice(offset) : name.slice(offset, space);
      if (!NOT_A_WORD_START.has(word)) {
        const text = name.slice(offset, offset + MAX_KEY_TEXT);
        seen ??= new Set([first]);
        if (!seen.has(text)) {
          seen.add(text);
          texts.push({ tier: WORD_START, text });
          starts++;
        }
      }
    }
    previous = ch;
    offset += ch.length;
  }
  return texts;
}

/** A stored key: tier, size band, text. */
export function searchKey(tier: KeyTier, band: SizeBand, text: string): string {
  return `${tier}${band}${text}`;
}

/** The text of a stored key (without its tier and band). */
export function keyText(key: string): string {
  return key.slice(2);
}

/** Every key of one directory entry. */
export function companySearchKeys(
  nameSearch: string,
  size: string | null | undefined,
): { key: string; text: string }[] {
  const band = sizeBand(size);
  return searchTexts(nameSearch).map(({ tier, text }) => ({ key: searchKey(tier, band, text), text }));
}

/** The stored keys of one directory entry, as companySearchKeys but the keys alone (the import's, per row). */
export function companySearchKeyStrings(nameSearch: string, size: string | null | undefined): string[] {
  const band = sizeBand(size);
  return searchTexts(nameSearch).map(({ tier, text }) => searchKey(tier, band, text));
}

/**
 * The least string greater than every string that starts with `prefix` (in code-point order, which is byte
 * order in UTF-8 and so the order of SQLite's BINARY and PostgreSQL's "C" collation): `[prefix, upper)` is then
 * exactly the strings that start with `prefix`.
 */
export function prefixUpperBound(prefix: string): string {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = (points.pop() as string).codePointAt(0) as number;
    let next = last + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000; // surrogates are not characters
    if (next <= 0x10ffff) return points.join('') + String.fromCodePoint(next);
  }
  // Only U+10FFFF…: every string is below this.
  return '\u{10FFFF}\u{10FFFF}';
}

/** A half-open key range `[from, to)`. */
export interface KeyRange {
  from: string;
  to: string;
}

/** The query as the search sees it, or null when it says too little (under 2 characters; 1 in CJK). */
export function searchQuery(raw: string): string | null {
  const query = normalizeForSearch(raw).slice(0, MAX_KEY_TEXT);
  const minimum = containsCjk(query) ? 1 : 2;
  return Array.from(query).length >= minimum ? query : null;
}

/** The three exactness ranges of one tier and band, best first. Each later range includes the earlier ones. */
export function exactnessRanges(
  tier: KeyTier,
  band: SizeBand,
  query: string,
): [KeyRange, KeyRange, KeyRange] {
  const exact = searchKey(tier, band, query);
  const words = `${exact} `;
  return [
    { from: exact, to: `${exact}\u0000` },
    { from: words, to: prefixUpperBound(words) },
    { from: exact, to: prefixUpperBound(exact) },
  ];
}

/** How exactly a key's text matches a query it starts with. */
export function exactnessOf(text: string, matched: string): Exactness {
  if (text.length === matched.length) return EXACT;
  return text[matched.length] === ' ' ? WHOLE_WORDS : PARTIAL;
}

const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const CYRILLIC = 'абвгдежзиклмнопрстуфхцчшщъыьэюя';

/**
 * The prefixes a typo-tolerant match may start with: every string one edit from the query (a letter left
 * out, one too many, a wrong one, two neighbours swapped), where the letters that may be missing or wrong
 * come from the alphabet of the query's own script (Latin or Cyrillic, after normalization: no accents).
 * A key starts with one of them exactly when one edit turns a prefix of the key into the query. Empty for
 * CJK (a wrong ideograph is another word, not a typo), for queries shorter than TYPO_MIN_LENGTH and for
 * very long ones. Variants shorter than 3 characters are left out: they would match a good part of the
 * directory and say nothing.
 */
export function typoPrefixes(query: string): string[] {
  const letters = query.replace(/ /g, '');
  if (containsCjk(query) || letters.length < TYPO_MIN_LENGTH || query.length > TYPO_MAX_LENGTH) return [];
  const alphabet = /[а-я]/.test(query) ? CYRILLIC : /[a-z]/.test(query) ? LATIN : '';
  const variants = new Set<string>();
  const n = query.length;
  for (let i = 0; i < n; i++) {
    // Deleted: the user typed a letter too many.
    variants.add(query.slice(0, i) + query.slice(i + 1));
    // Swapped with the next.
    if (i + 1 < n && query[i] !== query[i + 1]) {
      variants.add(query.slice(0, i) + query[i + 1] + query[i] + query.slice(i + 2));
    }
    for (const letter of alphabet) {
      // Wrong letter (at the last position the deletion above already covers it: the key goes on anyhow).
      if (i < n - 1 && letter !== query[i]) variants.add(query.slice(0, i) + letter + query.slice(i + 1));
      // Missing letter before position i (a letter missing at the end is just a longer prefix).
      variants.add(query.slice(0, i) + letter + query.slice(i));
    }
  }
  variants.delete(query);
  return [...variants].filter((v) => v.trim().length >= 3 && !v.startsWith(' ') && !v.includes('  '));
}

/** A match found by one of the tiers, before ranking. */
export interface SearchHit {
  companyId: string;
  /** 0 = name start, 1 = later word start, 2 = typo. */
  tier: 0 | 1 | 2;
  exactness: Exactness;
  band: SizeBand;
  text: string;
}

export function compareHits(a: SearchHit, b: SearchHit): number {
  return (
    a.tier - b.tier ||
    a.exactness - b.exactness ||
    b.band - a.band ||
    (a.text < b.text ? -1 : a.text > b.text ? 1 : 0) ||
    (a.companyId < b.companyId ? -1 : a.companyId > b.companyId ? 1 : 0)
  );
}

/** The best hit per company, ranked, at most `limit`. */
export function rankHits(hits: readonly SearchHit[], limit: number): SearchHit[] {
  const best = new Map<string, SearchHit>();
  for (const hit of hits) {
    const known = best.get(hit.companyId);
    if (!known || compareHits(hit, known) < 0) best.set(hit.companyId, hit);
  }
  return [...best.values()].sort(compareHits).slice(0, limit);
}
