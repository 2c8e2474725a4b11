/**
 * Keys that tell whether two deals are likely the same opportunity (SPEC §15 duplicate check):
 * the customer's D-U-N-S, its website's domain, and its normalized name + city + country.
 */
import { normalizeForSearch } from './text.ts';

/** Legal-form words dropped from a name before comparing ("Volvo Cars AB" ~ "Volvo Cars"). */
const LEGAL_FORMS = new Set([
  'ab',
  'aktiebolag',
  'ag',
  'gmbh',
  'inc',
  'incorporated',
  'llc',
  'ltd',
  'limited',
  'co',
  'corp',
  'corporation',
  'company',
  'plc',
  'sa',
  'sas',
  'srl',
  'bv',
  'nv',
  'oy',
  'as',
  'asa',
  'kg',
  'oao',
  'ooo',
  'zao',
  'pao',
  'ao',
  'ооо',
  'оао',
  'зао',
  'пао',
  'ао',
  '有限公司',
  '股份有限公司',
  '有限责任公司',
]);

/** The domain of a website ("https://www.Volvo.com/se" → "volvo.com"), or null. */
export function websiteDomain(website: string | null | undefined): string | null {
  if (!website) return null;
  const trimmed = website.trim().toLowerCase();
  if (trimmed === '') return null;
  const host = trimmed.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split(/[/?#:]/)[0] ?? '';
  const domain = host.replace(/^www\d*\./, '').replace(/\.$/, '');
  return /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u.test(domain) ? domain : null;
}

/** Normalized customer name without punctuation and legal forms. */
export function companyNameKey(name: string): string {
  const words = normalizeForSearch(name)
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .split(' ')
    .filter((w) => w !== '');
  const kept = words.filter((w) => !LEGAL_FORMS.has(w));
  let key = (kept.length > 0 ? kept : words).join(' ');
  for (const form of ['股份有限公司', '有限责任公司', '有限公司']) {
    if (key.endsWith(form) && key.length > form.length) key = key.slice(0, -form.length).trim();
  }
  return key;
}

/** Name + city + country: the key of "the same customer in the same place". */
export function customerKey(name: string, city: string, country: string): string {
  return `${companyNameKey(name)}|${normalizeForSearch(city)}|${country.toUpperCase()}`;
}
