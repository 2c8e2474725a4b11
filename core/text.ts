// normalizeForSearch's fast path.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const SPACE_RUN = / {2,}/g;

/**
 * Search normalization shared by every text search: Unicode-aware lower case, accents removed
 * (Göteborg → goteborg), compatibility forms folded (full-width → ASCII), whitespace collapsed.
 * CJK and Cyrillic characters pass through (lower-cased where the script has case).
 */
export function normalizeForSearch(value: string): string {
  // Printable ASCII (most names and cities of a directory) is its own NFKD form and has no marks: only its
  // case and its runs of spaces change. The same result as below, without the Unicode passes.
  if (PRINTABLE_ASCII.test(value)) return value.toLowerCase().replace(SPACE_RUN, ' ').trim();
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
