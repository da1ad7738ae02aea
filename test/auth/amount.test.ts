// One spelling per amount (src/auth/amount.ts): for every ISO 4217 currency
// exactly the form with its minor-unit digits is accepted — by the function,
// by createChallenge for callers that do not come through HTTP, by the route
// schema (which answers `amount_format`), and as stated in the OpenAPI
// document — so one payment has one transaction hash.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { amountPattern, amountProblem, amountSchemaRules, ANY_AMOUNT_PATTERN } from '../../src/auth/amount.js';
import { authCodes } from '../../src/auth/codes.js';
import { createChallenge } from '../../src/auth/create-challenge.js';
import { currencyMinorUnits, type CurrencyCode } from '../../src/auth/currencies.js';
import type { AuthDeps } from '../../src/auth/deps.js';
import type { RpId, TerminalId } from '../../src/rp/ids.js';
import { errorRegistry } from '../../src/composition/error-registry.js';
import { buildOpenApi } from '../../src/http/openapi.js';
import { authRoutes } from '../../src/http/routes/auth.js';
import { validate } from '../../src/http/validate.js';
import { MemoryStore } from '../../src/store/memory.js';
import { FixedClock } from '../../src/util/clock.js';

const currencies = Object.keys(currencyMinorUnits) as CurrencyCode[];

/** The spellings of the value `whole` with 0 to 4 decimal zeros: "25000", "25000.0", … "25000.0000". */
const spellings = (whole: string) => [whole, ...[1, 2, 3, 4].map((n) => `${whole}.${'0'.repeat(n)}`)];

describe('amount: one spelling per currency (src/auth/amount.ts)', () => {
  it('KHR 25000: only "25000.00"; JPY 25000: only "25000"; KWD: only "25000.000"', () => {
    const accepted = (c: CurrencyCode) => spellings('25000').filter((a) => amountProblem(a, c) === undefined);
    assert.deepEqual(accepted('KHR'), ['25000.00']);
    assert.deepEqual(accepted('JPY'), ['25000']);
    assert.deepEqual(accepted('KWD'), ['25000.000']);
    assert.equal(amountProblem('25000', 'KHR')?.code, 'amount_format');
    assert.match(amountProblem('25000.0', 'KHR')!.message, /KHR amount is written with exactly 2 decimal digits, as in "25000\.00"/);
    assert.match(amountProblem('25000.00', 'JPY')!.message, /JPY amount is written with no decimal point/);
  });

  it('for every currency and every positive value, exactly one of its spellings is accepted, with the minor-unit digits', () => {
    fc.assert(
      fc.property(fc.constantFrom(...currencies), fc.bigInt({ min: 1n, max: 999_999_999_999_999n }), (currency, whole) => {
        const ok = spellings(String(whole)).filter((a) => amountProblem(a, currency) === undefined);
        assert.equal(ok.length, 1, `${currency} ${whole}: ${ok.join(', ')}`);
        const minor = currencyMinorUnits[currency];
        assert.equal(ok[0]!.split('.')[1]?.length ?? 0, minor);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses signs, exponents, grouping, spaces, leading zeros and more than 15 integer digits as amount_format; zero as invalid_request', () => {
    for (const a of ['-1.00', '+1.00', '1e3', '1,000.00', ' 1.00', '1.00 ', '01.00', '.50', '1.', '1000000000000000.00', '１.00', '']) {
      assert.equal(amountProblem(a, 'KHR')?.code, 'amount_format', JSON.stringify(a));
    }
    assert.equal(amountProblem('999999999999999.99', 'KHR'), undefined);
    assert.equal(amountProblem('0.00', 'KHR')?.code, 'invalid_request');
    assert.equal(amountProblem('0', 'JPY')?.code, 'invalid_request');
    assert.equal(amountProblem('0.01', 'USD'), undefined);
  });

  it('amount_format is a registered 400 code', () => {
    assert.equal(authCodes.amount_format.status, 400);
  });
});

describe('createChallenge refuses the other spellings for callers that do not come through HTTP', () => {
  const caller = { rpId: 'rp_amounttest' as RpId, ekycAttributes: [], hasEkycScope: false };
  const deps = { store: new MemoryStore(), clock: new FixedClock(new Date()), challengeTtlSeconds: 120 } as unknown as AuthDeps;
  const create = (amount: string, currency: string) =>
    createChallenge(deps, caller, { terminalId: 'atm-1' as TerminalId, transaction: { amount, currency, payee: 'Commune Hall Fees' } });

  it('"25000" and "25000.0" KHR: amount_format (400) naming the field; "25000.00" KHR and "25000" JPY are created', async () => {
    for (const [amount, currency] of [['25000', 'KHR'], ['25000.0', 'KHR'], ['25000.00', 'JPY']] as const) {
      await assert.rejects(create(amount, currency), (e: { code?: string; status?: number; detail?: Record<string, unknown> }) =>
        e.code === 'amount_format' && e.status === 400 && e.detail?.['field'] === 'transaction.amount',
      );
    }
    assert.equal((await create('25000.00', 'KHR')).transaction?.amount, '25000.00');
    assert.equal((await create('25000', 'JPY')).transaction?.amount, '25000');
  });
});

describe('the createChallenge route schema and its OpenAPI document', () => {
  const routes = authRoutes({} as never);
  const route = routes.find((r) => r.operationId === 'createChallenge')!;
  const body = (amount: string, currency: string) => ({ terminalId: 'atm-1', transaction: { amount, currency, payee: 'Commune Hall Fees' } });

  it('validation answers amount_format for another spelling, with the issue on transaction.amount', () => {
    assert.throws(
      () => validate(route.body!, body('25000', 'KHR'), 'body', errorRegistry),
      (e: { code?: string; status?: number; message: string; detail?: { issues?: Array<{ path: string; code?: string }> } }) =>
        e.code === 'amount_format' && e.status === 400 && /body\.transaction\.amount: a KHR amount/.test(e.message) && e.detail?.issues?.[0]?.path === 'transaction.amount',
    );
    assert.doesNotThrow(() => validate(route.body!, body('25000.00', 'KHR'), 'body', errorRegistry));
    // An unknown currency is the currency's issue, not the amount's.
    assert.throws(() => validate(route.body!, body('25000', 'XYZ'), 'body', errorRegistry), (e: { code?: string }) => e.code === 'invalid_request');
  });

  it('/openapi.json states the rule: the pattern of every form, the rule in words, and the pattern per currency group', () => {
    const doc = buildOpenApi(routes, { title: 't', version: '1', errorCodes: authCodes }) as {
      paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>> } }> } }>>;
    };
    const tx = doc.paths['/v1/auth/challenges']!['post']!.requestBody.content['application/json']!.schema.properties['transaction']!;
    const amount = (tx['properties'] as Record<string, Record<string, unknown>>)['amount']!;
    assert.equal(amount['pattern'], ANY_AMOUNT_PATTERN);
    assert.match(String(amount['description']), /exactly the currency's ISO 4217 minor-unit digits/);
    assert.match(String(amount['description']), /amount_format/);
    assert.deepEqual({ if: tx['if'], then: tx['then'], else: tx['else'] }, amountSchemaRules());

    // The document's rule, applied as a JSON Schema validator would, agrees with the server for every currency.
    const patternFor = (currency: string): RegExp => {
      let rule = amountSchemaRules() as { if: { properties: { currency: { enum: string[] } } }; then: { properties: { amount: { pattern: string } } }; else: unknown };
      for (;;) {
        if (rule.if.properties.currency.enum.includes(currency)) return new RegExp(rule.then.properties.amount.pattern);
        const next = rule.else as typeof rule | { properties: { amount: { pattern: string } } };
        if (!('if' in next)) return new RegExp(next.properties.amount.pattern);
        rule = next;
      }
    };
    for (const c of currencies) {
      assert.equal(patternFor(c).source, amountPattern(c).source, c);
      for (const a of spellings('25000')) assert.ok(!patternFor(c).test(a) || new RegExp(ANY_AMOUNT_PATTERN).test(a), `${c} ${a}`);
    }
  });
});
