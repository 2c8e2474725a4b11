/**
 * The translation keys of the web app: every literal passed to t('…') or msg('…') in web/. English
 * sentences are the keys (i18next falls back to the key, so English needs entries only for plurals).
 *
 *   npx tsx scripts/i18n-keys.ts            list the keys missing from each locale
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const LOCALES_DIR = join(root, 'web', 'i18n', 'locales');
export const LOCALES = ['zh-TW', 'zh-CN', 'ru', 'sv'] as const;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' || entry.name === 'locales' ? [] : sources(path);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Keys used in the code, with whether they are used with a count (plural forms needed). */
export function extractKeys(): Map<string, { plural: boolean }> {
  const keys = new Map<string, { plural: boolean }>();
  const call = /\b(?:t|msg)\(\s*(['"])((?:\\.|(?!\1).)*)\1\s*(,\s*\{[^}]*\bcount\b)?/g;
  for (const file of sources(join(root, 'web'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(call)) {
      const key = (match[2] ?? '').replace(/\\(['"\\])/g, '$1');
      const plural = Boolean(match[3]) || (keys.get(key)?.plural ?? false);
      keys.set(key, { plural });
    }
  }
  return keys;
}

/** The plural suffixes i18next looks up for a language (Intl.PluralRules categories). */
export function pluralSuffixes(language: string): string[] {
  return new Intl.PluralRules(language).resolvedOptions().pluralCategories.map((c) => `_${c}`);
}

export function readLocale(language: string): Record<string, string> {
  return JSON.parse(readFileSync(join(LOCALES_DIR, `${language}.json`), 'utf8'));
}

/** For each locale, the keys (with plural suffix where needed) that have no non-empty translation. */
export function missingTranslations(): Record<string, string[]> {
  const keys = extractKeys();
  const result: Record<string, string[]> = {};
  for (const language of ['en', ...LOCALES]) {
    const dictionary = readLocale(language);
    const missing: string[] = [];
    for (const [key, { plural }] of keys) {
      const wanted = plural
        ? pluralSuffixes(language).map((s) => `${key}${s}`)
        : language === 'en'
          ? []
          : [key];
      for (const k of wanted) if (!dictionary[k]?.trim()) missing.push(k);
    }
    result[language] = missing;
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--keys')) {
    for (const [key, { plural }] of extractKeys())
      process.stdout.write(`${plural ? '[plural] ' : ''}${key}\n`);
  } else {
    for (const [language, missing] of Object.entries(missingTranslations())) {
      process.stdout.write(`${language}: ${missing.length} missing\n`);
      for (const key of missing) process.stdout.write(`  ${key}\n`);
    }
  }
}
