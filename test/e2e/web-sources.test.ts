/** The web app's generated API types and its translations are complete and current. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateApiTypes, SCHEMA_FILE } from '../../scripts/api-types.ts';
import { extractKeys, LOCALES, missingTranslations, readLocale } from '../../scripts/i18n-keys.ts';

describe('web sources', () => {
  it('web/api/schema.d.ts matches the OpenAPI document of the routes (npm run api:types)', async () => {
    expect(await generateApiTypes()).toBe(readFileSync(SCHEMA_FILE, 'utf8'));
  });

  it('every UI string is translated in en (plurals), zh-TW, zh-CN, ru and sv', () => {
    const keys = extractKeys();
    expect(keys.size).toBeGreaterThan(200);
    expect(missingTranslations()).toEqual({ en: [], 'zh-TW': [], 'zh-CN': [], ru: [], sv: [] });
  });

  it('translations keep the placeholders of their English key and hold no stale keys', () => {
    const keys = extractKeys();
    const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const language of LOCALES) {
      for (const [key, value] of Object.entries(readLocale(language))) {
        const base = key.replace(/_(zero|one|two|few|many|other)$/, '');
        expect(keys.has(base), `${language}: "${key}" is not used in web/`).toBe(true);
        expect(placeholders(value), `${language}: "${key}"`).toEqual(placeholders(base));
      }
    }
  });
});
