// An amount as the citizen reads it: ISO 4217 minor units decide the number
// of decimals ("25000" KHR → "25,000.00 KHR", "1500" JPY → "1,500 JPY"). Only
// string arithmetic: the amount signed is the string, never a float. An
// amount that does not fit its currency is shown as received, unformatted,
// so the screen never shows a rounded figure.
import { currencyMinorUnits, isCurrencyCode } from '../auth/currencies.js';

export function formatAmount(amount: string, currency: string): string {
  const m = /^([0-9]+)(?:\.([0-9]+))?$/.exec(amount);
  if (!m || !isCurrencyCode(currency)) return `${amount} ${currency}`;
  const minor = currencyMinorUnits[currency];
  const frac = m[2] ?? '';
  if (frac.length > minor) return `${amount} ${currency}`;
  const whole = m[1]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return minor === 0 ? `${whole} ${currency}` : `${whole}.${frac.padEnd(minor, '0')} ${currency}`;
}
