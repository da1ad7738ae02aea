// The one way to write an amount in its currency: a decimal string in major
// units with exactly the currency's ISO 4217 minor-unit digits after the
// point — KHR, USD 2 ("25000.00"), JPY 0 ("25000", no point), KWD 3
// ("12.345") — no sign, no exponent, no grouping, no leading zero, at most
// 15 integer digits (no float ever touches it).
//
// The card signs the amount as text (the RFC 8785 JSON of the transaction,
// signing-input.ts), and the result carries its hash: "25000", "25000.0" and
// "25000.00" KHR would be three transaction hashes for one payment, so an RP
// reconciling by hash, or a terminal showing "25,000.00", could not tell them
// apart. Exactly one spelling is accepted; any other is refused with
// `amount_format`, never rewritten (the RP would then hold another string
// than the one signed). A well-formed zero is refused as `invalid_request`.
import type { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { authError } from './codes.js';
import { currencyMinorUnits, isCurrencyCode, type CurrencyCode } from './currencies.js';

type MinorUnits = (typeof currencyMinorUnits)[CurrencyCode];

const INTEGER = '(?:0|[1-9][0-9]{0,14})';
const patternSources: Readonly<Record<MinorUnits, string>> = {
  0: `^${INTEGER}$`,
  2: `^${INTEGER}\\.[0-9]{2}$`,
  3: `^${INTEGER}\\.[0-9]{3}$`,
};
const patterns: Readonly<Record<MinorUnits, RegExp>> = {
  0: new RegExp(patternSources[0]),
  2: new RegExp(patternSources[2]),
  3: new RegExp(patternSources[3]),
};

/** The one form of an amount in `currency` (its ISO 4217 minor-unit digits exactly). */
export function amountPattern(currency: CurrencyCode): RegExp {
  return patterns[currencyMinorUnits[currency]];
}

/** An example of the one form, for messages: "25000.00" KHR, "25000" JPY, "25000.000" KWD. */
export function amountExample(currency: CurrencyCode): string {
  const minor = currencyMinorUnits[currency];
  return minor === 0 ? '25000' : `25000.${'0'.repeat(minor)}`;
}

/**
 * Every currency's form together (0, 2 or 3 decimals): the `pattern` a JSON
 * Schema can state for the amount alone. `amountSchemaRules` adds the rule per currency.
 */
export const ANY_AMOUNT_PATTERN = `^${INTEGER}(?:\\.[0-9]{2,3})?$`;

/** The rule in words, for the API reference. */
export const amountRule =
  'A decimal string in major units with exactly the currency\'s ISO 4217 minor-unit digits after the point, and no point when it has none: ' +
  '"25000.00" KHR or USD (2), "25000" JPY (0), "12.345" KWD (3). No sign, exponent, grouping or leading zero; at most 15 integer digits; greater than zero. ' +
  'Any other spelling of the same value ("25000" or "25000.0" KHR) is refused with 400 `amount_format`: the amount is signed as written.';

/**
 * JSON Schema (2020-12, as OpenAPI 3.1 reads it) of the rule per currency,
 * for the transaction object: which currencies have 0 and 3 minor digits,
 * and the amount's pattern for each group (2 for every other currency).
 */
export function amountSchemaRules(): Record<string, unknown> {
  const codes = (minor: MinorUnits) => (Object.keys(currencyMinorUnits) as CurrencyCode[]).filter((c) => currencyMinorUnits[c] === minor);
  const group = (minor: 0 | 3) => ({ properties: { currency: { enum: codes(minor) } }, required: ['currency'] });
  const amount = (minor: MinorUnits) => ({ properties: { amount: { pattern: patternSources[minor] } } });
  return {
    if: group(0),
    then: amount(0),
    else: { if: group(3), then: amount(3), else: amount(2) },
  };
}

export type AmountProblem =
  | { readonly code: 'amount_format'; readonly message: string }
  | { readonly code: 'invalid_request'; readonly message: string };

/** What is wrong with `amount` in `currency`, or undefined for its one form. */
export function amountProblem(amount: string, currency: CurrencyCode): AmountProblem | undefined {
  if (!amountPattern(currency).test(amount)) {
    const minor = currencyMinorUnits[currency];
    const digits = minor === 0 ? 'no decimal point' : `exactly ${minor} decimal digits`;
    return { code: 'amount_format', message: `a ${currency} amount is written with ${digits}, as in "${amountExample(currency)}"` };
  }
  if (/^[0.]+$/.test(amount)) return { code: 'invalid_request', message: 'amount must be greater than zero' };
  return undefined;
}

/** Throws `amount_format` (or `invalid_request` for zero) naming the field; the message quotes the rule, never the amount. */
export function checkAmountFormat(amount: string, currency: CurrencyCode, field = 'transaction.amount'): void {
  const problem = amountProblem(amount, currency);
  if (problem === undefined) return;
  const options = { detail: { field } };
  throw problem.code === 'amount_format' ? authError('amount_format', `${field}: ${problem.message}`, options) : new AppError('invalid_request', `${field}: ${problem.message}`, 400, options);
}

/**
 * The zod side: a transaction whose amount is not its currency's one form gets
 * an issue on `amount` carrying the stable code `amount_format`, which the HTTP
 * validation answers with instead of invalid_request. An unknown currency is
 * the currency's own issue; the amount is not judged.
 */
export function refineAmount(t: { readonly amount: string; readonly currency: string }, ctx: z.RefinementCtx): void {
  if (!isCurrencyCode(t.currency)) return;
  const problem = amountProblem(t.amount, t.currency);
  if (problem === undefined) return;
  ctx.addIssue({ code: 'custom', path: ['amount'], message: problem.message, params: problem.code === 'invalid_request' ? {} : { code: problem.code } });
}
