/**
 * Search normalization shared by every text search: Unicode-aware lower case, accents removed
 * (Göteborg → goteborg), compatibility forms folded (full-width → ASCII), whitespace collapsed.
 * CJK and Cyrillic characters pass through (lower-cased where the script has case).
 */
export function normalizeForSearch(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escapes LIKE wildcards; use with `ESCAPE '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
