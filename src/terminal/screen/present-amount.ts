// The amount as the citizen's screen shows it: a large figure with the
// currency's sign where there is one everybody reads ("៛25,000" for riel,
// "$12.50"), and under it the exact amount in the currency's minor units
// with its ISO code, as format-amount.ts writes it ("25,000.00 KHR"). Both
// are the same value: the figure only leaves out a fraction that is all
// zeros (riel are counted in whole notes), never rounds; an amount that
// does not fit its currency is shown as received in both.
import { currencyMinorUnits, isCurrencyCode } from '../../auth/currencies.js';
import { formatAmount } from '../format-amount.js';

/** Signs that are unambiguous where cardauth runs; any other currency shows its code. */
const SIGNS: Readonly<Record<string, string>> = { KHR: '៛', USD: '$', EUR: '€', THB: '฿', VND: '₫', GBP: '£' };

export interface AmountView {
  /** Large: "៛25,000" */
  readonly figure: string;
  /** Exact, with the ISO code: "25,000.00 KHR" */
  readonly exact: string;
}

export function presentAmount(amount: string, currency: string): AmountView {
  const exact = formatAmount(amount, currency);
  const sign = SIGNS[currency];
  const given = /^[0-9]+(?:\.([0-9]+))?$/.exec(amount);
  // An amount that does not fit its currency is shown as received: no figure made from it.
  if (sign === undefined || given === null || !isCurrencyCode(currency) || (given[1]?.length ?? 0) > currencyMinorUnits[currency]) return { figure: exact, exact };
  const m = /^([0-9,]+)(?:\.([0-9]+))? [A-Z]{3}$/.exec(exact);
  if (m === null) return { figure: exact, exact };
  const whole = m[1]!;
  const fraction = m[2];
  return { figure: `${sign}${fraction === undefined || /^0+$/.test(fraction) ? whole : `${whole}.${fraction}`}`, exact };
}
