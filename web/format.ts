/** Numbers, money and dates through Intl in the UI language. Amounts stay decimal strings until display. */
import i18n from './i18n/index.ts';

const locale = () => i18n.language || 'en';

// Building an Intl formatter costs far more than using one (a grid of 100 rows formats 300 values), so each
// is built once per language and options.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: (locale: string) => F,
): F {
  const id = `${locale()}|${key}`;
  let formatter = formatters.get(id) as F | undefined;
  if (!formatter) {
    formatter = make(locale());
    formatters.set(id, formatter);
  }
  return formatter;
}

export function formatMoney(money: { amount: string; currency: string }): string {
  try {
    // Intl accepts a decimal string exactly (no float rounding) in current engines.
    return cached(
      `money:${money.currency}`,
      (l) => new Intl.NumberFormat(l, { style: 'currency', currency: money.currency }),
    ).format(money.amount as unknown as number);
  } catch {
    return `${money.amount} ${money.currency}`;
  }
}

export function formatNumber(value: number): string {
  return cached('number', (l) => new Intl.NumberFormat(l)).format(value);
}

/** A calendar date (YYYY-MM-DD) in the user's locale, without time-zone drift. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '';
  const day = date.length === 10 ? new Date(`${date}T12:00:00Z`) : new Date(date);
  return cached('date', (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeZone: 'UTC' })).format(
    day,
  );
}

export function formatDateTime(instant: string): string {
  return cached(
    'datetime',
    (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' }),
  ).format(new Date(instant));
}

/** Time left until an instant, e.g. "in 5 days", "in 20 hours"; null once it has passed. */
export function timeLeft(until: string | null | undefined, now = Date.now()): string | null {
  if (!until) return null;
  const ms = new Date(until).getTime() - now;
  if (ms <= 0) return null;
  const rtf = cached('relative', (l) => new Intl.RelativeTimeFormat(l, { numeric: 'always' }));
  const hours = ms / 3_600_000;
  if (hours < 1) return rtf.format(Math.max(1, Math.round(ms / 60_000)), 'minute');
  if (hours < 48) return rtf.format(Math.round(hours), 'hour');
  return rtf.format(Math.floor(hours / 24), 'day');
}

/** Days left until an instant (for urgency colours). */
export function daysLeft(until: string | null | undefined, now = Date.now()): number | null {
  if (!until) return null;
  return (new Date(until).getTime() - now) / 86_400_000;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
