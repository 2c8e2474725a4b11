/**
 * Exact money (SPEC §5: "ISO 4217; value > 0, exact decimal (no float rounding)"; API.md: decimal string,
 * at most the currency's minor digits).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount, isCurrency, MAX_AMOUNT_MAJOR, minorDigits, parseAmount } from './money.ts';

const CURRENCIES = Intl.supportedValuesOf('currency').filter(isCurrency);
const currency = fc.constantFrom(...CURRENCIES);

/** The canonical decimal string of `whole` major units and `fraction` minor units. */
function canonical(whole: bigint, fraction: bigint, digits: number): string {
  return digits === 0 ? `${whole}` : `${whole}.${fraction.toString().padStart(digits, '0')}`;
}

/** A currency with an amount in range, as (string, expected minor units as bigint). */
const amountIn = (cur: string) => {
  const digits = minorDigits(cur);
  return fc
    .tuple(fc.bigInt(0n, MAX_AMOUNT_MAJOR), fc.bigInt(0n, 10n ** BigInt(digits) - 1n))
    .map(([whole, fraction]) => ({
      text: canonical(whole, fraction, digits),
      minor: whole * 10n ** BigInt(digits) + fraction,
    }));
};
const money = currency.chain((cur) => amountIn(cur).map((a) => ({ currency: cur, ...a })));

describe('isCurrency', () => {
  it.each(['USD', 'EUR', 'SEK', 'JPY', 'KWD', 'CNY', 'TWD', 'RUB', 'GBP', 'CHF'])('%s is known', (code) => {
    expect(isCurrency(code)).toBe(true);
  });

  it.each(['usd', 'Usd', 'US', 'USDD', '', ' USD', 'USD ', 'US1', '123', 'ABC', 'QQQ', 'ＵＳＤ', 'EURO'])(
    '%j is not a currency',
    (code) => {
      expect(isCurrency(code)).toBe(false);
    },
  );
});

describe('minorDigits', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['SEK', 2],
    ['GBP', 2],
    ['CNY', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['CLP', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['JOD', 3],
    ['OMR', 3],
    ['TND', 3],
  ])('%s has %i', (code, digits) => {
    expect(minorDigits(code)).toBe(digits);
  });

  it('every known currency has 0 to 4 minor digits and is stable across calls', () => {
    for (const code of CURRENCIES) {
      const d = minorDigits(code);
      expect(Number.isInteger(d) && d >= 0 && d <= 4, code).toBe(true);
      expect(minorDigits(code)).toBe(d);
    }
  });

  it('every known currency keeps its largest amount within exact (safe) integers', () => {
    for (const code of CURRENCIES) {
      const max = (MAX_AMOUNT_MAJOR + 1n) * 10n ** BigInt(minorDigits(code)) - 1n;
      expect(max <= BigInt(Number.MAX_SAFE_INTEGER), code).toBe(true);
    }
  });
});

describe('parseAmount', () => {
  it.each([
    ['125000.00', 'USD', 12_500_000],
    ['125000', 'USD', 12_500_000],
    ['125000.5', 'USD', 12_500_050],
    ['0.01', 'USD', 1],
    ['0.10', 'USD', 10],
    ['0.20', 'USD', 20],
    ['0.30', 'USD', 30],
    ['1.1', 'USD', 110],
    ['007.50', 'USD', 750],
    ['12345678901.99', 'USD', 1_234_567_890_199],
    ['1500', 'JPY', 1500],
    ['0', 'JPY', 0],
    ['1.234', 'KWD', 1234],
    ['1.2', 'KWD', 1200],
    ['0.001', 'KWD', 1],
    ['999999999999', 'USD', 99_999_999_999_900],
    ['999999999999.99', 'USD', 99_999_999_999_999],
    ['999999999999.999', 'KWD', 999_999_999_999_999],
    ['999999999999', 'JPY', 999_999_999_999],
  ])('%s %s → %i minor units', (amount, cur, minor) => {
    expect(parseAmount(amount, cur)).toEqual({ ok: true, minor });
  });

  it('zero parses (positivity is the caller’s rule, SPEC §5 value > 0)', () => {
    expect(parseAmount('0', 'USD')).toEqual({ ok: true, minor: 0 });
    expect(parseAmount('0.00', 'USD')).toEqual({ ok: true, minor: 0 });
  });

  it('is exact where floating point is not: 0.1 + 0.2 = 0.3', () => {
    expect(0.1 + 0.2).not.toBe(0.3); // the trap
    const a = parseAmount('0.1', 'USD');
    const b = parseAmount('0.2', 'USD');
    const c = parseAmount('0.3', 'USD');
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (a.ok && b.ok && c.ok) {
      expect(a.minor + b.minor).toBe(c.minor);
      expect(formatAmount(a.minor + b.minor, 'USD')).toBe('0.30');
    }
  });

  it('"12345678901.99" survives the round trip digit for digit', () => {
    const parsed = parseAmount('12345678901.99', 'USD');
    expect(parsed).toEqual({ ok: true, minor: 1_234_567_890_199 });
    if (parsed.ok) expect(formatAmount(parsed.minor, 'USD')).toBe('12345678901.99');
    // A float would not: parseFloat * 100 is off for values like this one.
    expect(formatAmount(Number(BigInt('1234567890199')), 'USD')).toBe('12345678901.99');
  });

  describe('too many decimals', () => {
    it.each([
      ['1.001', 'USD'],
      ['1.000', 'USD'],
      ['0.005', 'EUR'],
      ['1.5', 'JPY'],
      ['1.0', 'JPY'],
      ['1.2345', 'KWD'],
      ['1.0000', 'KWD'],
      ['1.0000000000', 'USD'],
    ])('%s %s', (amount, cur) => {
      expect(parseAmount(amount, cur)).toEqual({ ok: false, code: 'too-many-decimals' });
    });

    it('property: one decimal more than the currency allows is refused, for every currency', () => {
      fc.assert(
        fc.property(
          currency,
          fc.bigInt(0n, MAX_AMOUNT_MAJOR),
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 1, max: 9 }),
          (cur, whole, extra, lastDigit) => {
            const digits = minorDigits(cur);
            if (digits + extra > 10) return;
            const fraction = `${'0'.repeat(digits + extra - 1)}${lastDigit}`;
            expect(parseAmount(`${whole}.${fraction}`, cur)).toEqual({
              ok: false,
              code: 'too-many-decimals',
            });
          },
        ),
      );
    });
  });

  describe('not a decimal string', () => {
    it.each([
      '',
      ' ',
      ' 1',
      '1 ',
      '1\n',
      '\n1',
      '+1',
      '-1',
      '-0.01',
      '1e3',
      '1E3',
      '1e-2',
      '1,000.00',
      '1.000,00',
      '1 000',
      '1_000',
      '0x10',
      '.5',
      '1.',
      '1..0',
      '1.2.3',
      'NaN',
      'Infinity',
      'abc',
      '١٢٣', // Arabic-Indic digits
      '１２３', // full-width digits
      '12.3４',
      '$100',
      '100 USD',
    ])('%j', (amount) => {
      expect(parseAmount(amount, 'USD')).toEqual({ ok: false, code: 'invalid-amount' });
    });

    it('property: strings that are not digits[.digits] never parse', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (amount) => {
          fc.pre(!/^\d+(\.\d+)?$/.test(amount));
          expect(parseAmount(amount, 'USD').ok).toBe(false);
        }),
      );
    });
  });

  describe('unknown currencies', () => {
    it.each(['usd', 'US', 'USDD', '', 'ABC', 'QQQ', '$', 'ＵＳＤ'])('%j', (cur) => {
      expect(parseAmount('100.00', cur)).toEqual({ ok: false, code: 'invalid-currency' });
    });

    it('an unknown currency is reported before a bad amount', () => {
      expect(parseAmount('abc', 'QQQ')).toEqual({ ok: false, code: 'invalid-currency' });
    });
  });

  describe('beyond MAX_AMOUNT_MAJOR', () => {
    it('MAX_AMOUNT_MAJOR is 999,999,999,999 major units', () => {
      expect(MAX_AMOUNT_MAJOR).toBe(999_999_999_999n);
    });

    it.each([
      ['1000000000000', 'USD'],
      ['1000000000000.00', 'USD'],
      ['1000000000000', 'JPY'],
      ['1000000000000.000', 'KWD'],
      ['999999999999999', 'USD'],
    ])('%s %s is too large', (amount, cur) => {
      expect(parseAmount(amount, cur)).toEqual({ ok: false, code: 'amount-too-large' });
    });

    it('property: every whole amount above the maximum is refused', () => {
      fc.assert(
        fc.property(currency, fc.bigInt(MAX_AMOUNT_MAJOR + 1n, 10n ** 30n), (cur, whole) => {
          expect(parseAmount(`${whole}`, cur).ok).toBe(false);
        }),
      );
    });

    it('the largest amount of every currency is accepted and exact', () => {
      for (const cur of CURRENCIES) {
        const digits = minorDigits(cur);
        const text = canonical(MAX_AMOUNT_MAJOR, 10n ** BigInt(digits) - 1n, digits);
        const parsed = parseAmount(text, cur);
        expect(parsed.ok, `${text} ${cur}`).toBe(true);
        if (parsed.ok) expect(formatAmount(parsed.minor, cur)).toBe(text);
      }
    });
  });

  it('property: minor units are exactly the digits without the point', () => {
    fc.assert(
      fc.property(money, ({ currency: cur, text, minor }) => {
        const parsed = parseAmount(text, cur);
        expect(parsed).toEqual({ ok: true, minor: Number(minor) });
        if (parsed.ok) {
          expect(Number.isSafeInteger(parsed.minor)).toBe(true);
          expect(BigInt(parsed.minor)).toBe(minor);
        }
      }),
    );
  });

  it('property: a shorter fraction means the same as its zero-padded form', () => {
    fc.assert(
      fc.property(money, fc.nat(), ({ currency: cur, text }, cut) => {
        const [whole, fraction] = text.split('.');
        fc.pre(fraction !== undefined);
        const trimmed = fraction!.replace(/0+$/, '');
        const shorter = trimmed.length === 0 ? whole! : `${whole}.${trimmed}`;
        expect(parseAmount(shorter, cur)).toEqual(parseAmount(text, cur));
        // and leading zeros in the whole part change nothing
        expect(parseAmount(`${'0'.repeat(cut % 3)}${text}`, cur)).toEqual(parseAmount(text, cur));
      }),
    );
  });

  it('property: sums of parsed amounts are exact', () => {
    fc.assert(
      fc.property(
        currency.chain((cur) => fc.tuple(fc.constant(cur), amountIn(cur), amountIn(cur))),
        ([cur, a, b]) => {
          const pa = parseAmount(a.text, cur);
          const pb = parseAmount(b.text, cur);
          expect(pa.ok && pb.ok).toBe(true);
          if (pa.ok && pb.ok) expect(BigInt(pa.minor + pb.minor)).toBe(a.minor + b.minor);
        },
      ),
    );
  });
});

describe('formatAmount', () => {
  it.each([
    [0, 'USD', '0.00'],
    [1, 'USD', '0.01'],
    [10, 'USD', '0.10'],
    [5, 'USD', '0.05'],
    [12_500_000, 'USD', '125000.00'],
    [12_500_050, 'USD', '125000.50'],
    [1_234_567_890_199, 'USD', '12345678901.99'],
    [99_999_999_999_999, 'USD', '999999999999.99'],
    [0, 'JPY', '0'],
    [1234, 'JPY', '1234'],
    [1, 'KWD', '0.001'],
    [1234, 'KWD', '1.234'],
    [1200, 'KWD', '1.200'],
    [-5, 'USD', '-0.05'],
    [-12_345, 'USD', '-123.45'],
    [-1234, 'JPY', '-1234'],
  ])('%i %s → %s', (minor, cur, text) => {
    expect(formatAmount(minor, cur)).toBe(text);
  });

  it('refuses non-integer minor units instead of rounding', () => {
    expect(() => formatAmount(1.5, 'USD')).toThrow();
    expect(() => formatAmount(Number.NaN, 'USD')).toThrow();
  });

  it('property: round trip string → minor → string for every currency’s minor digits', () => {
    fc.assert(
      fc.property(money, ({ currency: cur, text }) => {
        const parsed = parseAmount(text, cur);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(formatAmount(parsed.minor, cur)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: round trip minor → string → minor for every currency', () => {
    fc.assert(
      fc.property(currency, fc.nat(), fc.bigInt(0n, MAX_AMOUNT_MAJOR * 1000n + 999n), (cur, small, big) => {
        const digits = minorDigits(cur);
        const limit = (MAX_AMOUNT_MAJOR + 1n) * 10n ** BigInt(digits) - 1n;
        for (const m of [BigInt(small), big]) {
          if (m > limit) continue;
          const text = formatAmount(Number(m), cur);
          // exactly the currency's minor digits
          expect(text.split('.')[1]?.length ?? 0).toBe(digits);
          expect(parseAmount(text, cur)).toEqual({ ok: true, minor: Number(m) });
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('minor digits follow ISO 4217, not the runtime ICU table', () => {
  it('keeps 2 digits for HUF and IDR and 3 for IQD, whatever Intl says', () => {
    expect(minorDigits('HUF')).toBe(2);
    expect(minorDigits('IDR')).toBe(2);
    expect(minorDigits('IQD')).toBe(3);
    expect(parseAmount('100.50', 'HUF')).toEqual({ ok: true, minor: 10050 });
  });
});
