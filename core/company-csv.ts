/**
 * The customer directory's CSV format (docs/DIRECTORY.md) and the validation of one record.
 * Pure: the importer (server/services/import-companies.ts) parses the file and calls this per row;
 * the generator writes the same columns.
 */
import { isIsoCountryCode } from './countries.ts';
import { websiteDomain } from './customer-keys.ts';

/** The header, exactly, in this order. */
export const COMPANY_CSV_COLUMNS = [
  'name',
  'duns',
  'addressLine1',
  'city',
  'region',
  'postalCode',
  'country',
  'website',
  'size',
  'industry',
] as const;
export type CompanyCsvColumn = (typeof COMPANY_CSV_COLUMNS)[number];

/** Maximum length of each field in characters (the same limits as a hand-entered customer). */
export const COMPANY_FIELD_LIMITS: Record<CompanyCsvColumn, number> = {
  name: 200,
  duns: 9,
  addressLine1: 200,
  city: 100,
  region: 100,
  postalCode: 20,
  country: 2,
  website: 200,
  size: 40,
  industry: 100,
};

/** One valid row: trimmed, empty optional fields as null, the country upper-case. */
export interface CompanyRecord {
  name: string;
  duns: string | null;
  addressLine1: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
  website: string | null;
  size: string | null;
  industry: string | null;
}

export type CompanyRecordCheck =
  | {
      ok: true;
      record: CompanyRecord;
      /** The website's domain (core/customer-keys.ts), null without one. */
      domain: string | null;
    }
  | { ok: false; reason: string; field?: CompanyCsvColumn };

/** Whether a header row is exactly the expected one. */
export function isCompanyCsvHeader(fields: readonly string[]): boolean {
  return fields.length === COMPANY_CSV_COLUMNS.length && COMPANY_CSV_COLUMNS.every((c, i) => fields[i] === c);
}

// C0 controls other than TAB, LF and CR (which quoted fields may hold), and DEL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// The same, or U+FFFD (what the decoder made of bytes that are not UTF-8): one scan finds a field to look at.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_OR_UNDECODED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/;
const DUNS = /^\d{9}$/;

/** Checks one record (the fields of one CSV row); the first problem found is the reason. */
export function checkCompanyRecord(fields: readonly string[]): CompanyRecordCheck {
  if (fields.length !== COMPANY_CSV_COLUMNS.length) {
    return {
      ok: false,
      reason: `expected ${COMPANY_CSV_COLUMNS.length} fields, found ${fields.length}`,
    };
  }
  const values = {} as Record<CompanyCsvColumn, string | null>;
  for (let i = 0; i < COMPANY_CSV_COLUMNS.length; i++) {
    const column = COMPANY_CSV_COLUMNS[i] as CompanyCsvColumn;
    const value = (fields[i] as string).trim();
    if (CONTROL_OR_UNDECODED.test(value)) {
      // The decoder turns bytes that are not UTF-8 into U+FFFD.
      if (value.includes('\uFFFD')) {
        return { ok: false, reason: `${column} is not valid UTF-8`, field: column };
      }
      if (CONTROL.test(value)) {
        return { ok: false, reason: `${column} contains control characters`, field: column };
      }
    }
    const limit = COMPANY_FIELD_LIMITS[column];
    if (value.length > limit && column !== 'duns' && column !== 'country') {
      return {
        ok: false,
        reason: `${column} is too long (${value.length} characters, at most ${limit})`,
        field: column,
      };
    }
    values[column] = value === '' ? null : value;
  }
  if (values.name === null) return { ok: false, reason: 'name is required', field: 'name' };
  if (values.duns !== null && !DUNS.test(values.duns)) {
    return {
      ok: false,
      reason: `D-U-N-S must be exactly 9 digits (got "${clip(values.duns)}")`,
      field: 'duns',
    };
  }
  if (values.city === null) return { ok: false, reason: 'city is required', field: 'city' };
  if (values.country === null) return { ok: false, reason: 'country is required', field: 'country' };
  const country = values.country.toUpperCase();
  if (!isIsoCountryCode(country)) {
    return {
      ok: false,
      reason: `unknown ISO 3166-1 alpha-2 country code "${clip(values.country)}"`,
      field: 'country',
    };
  }
  const domain = values.website === null ? null : websiteDomain(values.website);
  if (values.website !== null && domain === null) {
    return {
      ok: false,
      reason: `website is not a web address (got "${clip(values.website)}")`,
      field: 'website',
    };
  }
  return {
    ok: true,
    record: {
      name: values.name,
      duns: values.duns,
      addressLine1: values.addressLine1,
      city: values.city,
      region: values.region,
      postalCode: values.postalCode,
      country,
      website: values.website,
      size: values.size,
      industry: values.industry,
    },
    domain,
  };
}

/** A bad value quoted in a reason, shortened. */
function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
