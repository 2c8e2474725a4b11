import { Combobox, Field, Input, Option } from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';

export const CURRENCIES = [
  'USD',
  'EUR',
  'SEK',
  'TWD',
  'CNY',
  'RUB',
  'GBP',
  'JPY',
  'AUD',
  'CAD',
  'CHF',
  'NOK',
  'DKK',
  'SGD',
  'HKD',
  'INR',
];

/** Estimated value: a decimal amount (kept as text, never a float) and its ISO 4217 currency. */
export function MoneyField({
  label,
  amount,
  currency,
  onChange,
  required,
  amountError,
  currencyError,
}: {
  label: string;
  amount: string;
  currency: string;
  onChange: (value: { amount: string; currency: string }) => void;
  required?: boolean;
  amountError?: string | undefined;
  currencyError?: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <div style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
      <Field
        label={label}
        required={required}
        validationMessage={amountError}
        style={{ flexGrow: 1 }}
        hint={t('A positive amount, e.g. 125000.00')}
      >
        <Input
          inputMode="decimal"
          value={amount}
          onChange={(_e, d) => onChange({ amount: d.value.replace(/[\s,]/g, ''), currency })}
        />
      </Field>
      <Field
        label={t('Currency')}
        required={required}
        validationMessage={currencyError}
        style={{ width: 120 }}
      >
        <Combobox
          freeform
          style={{ minWidth: 0, width: '100%' }}
          input={{ style: { width: '100%' } }}
          value={currency}
          selectedOptions={[currency]}
          onOptionSelect={(_e, d) => onChange({ amount, currency: d.optionValue ?? currency })}
          onChange={(e) => onChange({ amount, currency: e.target.value.toUpperCase().slice(0, 3) })}
        >
          {CURRENCIES.map((c) => (
            <Option key={c} value={c}>
              {c}
            </Option>
          ))}
        </Combobox>
      </Field>
    </div>
  );
}
