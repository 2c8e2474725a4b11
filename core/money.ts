/**
 * Exact money: integer minor units + ISO 4217 currency inside, decimal strings outside.
 * Never goes through floating point.
 */

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const minorDigitsCache = new Map<string, number>();

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && KNOWN_CURRENCIES.has(code);
}

/** The number of minor digits of a currency (USD 2, JPY 0, KWD 3). */
export function minorDigits(currency: string): number {
  let digits = minorDigitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    minorDigitsCache.set(currency, digits);
  }
  return digits;
}

/** The largest amount accepted, in major units: keeps minor units far below 2^53. */
export const MAX_AMOUNT_MAJOR = 999_999_999_999n;

export type MoneyParse =
  | { ok: true; minor: number }
  | { ok: false; code: 'invalid-currency' | 'invalid-amount' | 'too-many-decimals' | 'amount-too-large' };

/** Parses a decimal string ("125000.00") into minor units of the currency. */
export function parseAmount(amount: string, currency: string): MoneyParse {
  if (!isCurrency(currency)) return { ok: false, code: 'invalid-currency' };
  const match = /^(\d{1,15})(?:\.(\d{1,10}))?$/.exec(amount);
  if (!match) return { ok: false, code: 'invalid-amount' };
  const digits = minorDigits(currency);
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return { ok: false, code: 'too-many-decimals' };
  if (BigInt(whole) > MAX_AMOUNT_MAJOR) return { ok: false, code: 'amount-too-large' };
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  return { ok: true, minor: Number(minor) };
}

/** Formats minor units back into the API's decimal string, with exactly the currency's minor digits. */
export function formatAmount(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const value = BigInt(minor);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(digits);
  const whole = abs / base;
  const fraction = (abs % base).toString().padStart(digits, '0');
  return `${negative ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}`;
}
