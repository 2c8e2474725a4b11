/**
 * Exact money: integer minor units + ISO 4217 currency inside, decimal strings outside.
 * Never goes through floating point.
 */

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && KNOWN_CURRENCIES.has(code);
}

/**
 * ISO 4217 minor units, fixed here rather than read from Intl: ICU's table differs from ISO for some
 * currencies (HUF, IDR, IQD…) and can change with a Node upgrade, which would silently reinterpret the
 * stored minor units. Every currency not listed has 2.
 */
const ISO_MINOR_DIGITS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** The number of minor digits of a currency (USD 2, JPY 0, KWD 3), per ISO 4217. */
export function minorDigits(currency: string): number {
  return ISO_MINOR_DIGITS[currency] ?? 2;
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
