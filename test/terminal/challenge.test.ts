// The challenge as the terminal receives it: structure check, the amount as
// shown (ISO 4217 minor units), and the signing-input rebuild agreeing with
// the server's own computation (src/auth/create-challenge.ts) on vectors.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { TerminalId } from '../../src/rp/ids.js';
import { checkSigningInput } from '../../src/terminal/check-signing-input.js';
import { formatAmount } from '../../src/terminal/format-amount.js';
import { parseChallenge } from '../../src/terminal/parse-challenge.js';
import { transactionView } from '../../src/terminal/show-transaction.js';
import { fakeServer } from './support.js';

describe('terminal: challenge parsing, display and signing input', () => {
  it('formats amounts with the currency\'s minor units, never rounding', () => {
    const cases: Array<[string, string, string]> = [
      ['25000.00', 'KHR', '25,000.00 KHR'],
      ['25000', 'KHR', '25,000.00 KHR'],
      ['25000.5', 'KHR', '25,000.50 KHR'],
      ['1500', 'JPY', '1,500 JPY'],
      ['12.345', 'BHD', '12.345 BHD'],
      ['1.2', 'BHD', '1.200 BHD'],
      ['999999999999999.99', 'USD', '999,999,999,999,999.99 USD'],
      ['100', 'EUR', '100.00 EUR'],
      // Shown as received when it does not fit: no silent rounding.
      ['100.5', 'JPY', '100.5 JPY'],
      ['1.001', 'KHR', '1.001 KHR'],
      ['10', 'XXX', '10 XXX'],
    ];
    for (const [amount, currency, shown] of cases) assert.equal(formatAmount(amount, currency), shown, `${amount} ${currency}`);
  });

  it('rebuilds the signing input the server computed, for payments, reference-less payments and identification', async () => {
    const server = fakeServer();
    const requests = [
      { terminalId: 'atm-1' as TerminalId, transaction: { amount: '25000.00', currency: 'KHR', payee: 'Phnom Penh Water Supply', reference: 'INV-1' } },
      { terminalId: 'pos:7.b' as TerminalId, transaction: { amount: '3', currency: 'JPY', payee: 'Ünïcödé payee "quoted" \\ back' } },
      { terminalId: 'kiosk-1' as TerminalId },
    ];
    for (const req of requests) {
      const issued = await server.create(req);
      const input = checkSigningInput(parseChallenge(JSON.parse(JSON.stringify(issued))), req.terminalId);
      assert.equal(Buffer.from(input).toString('hex'), issued.signingInput.input);
    }
  });

  it('matches an independent computation of the signing-input formula (no shared code)', () => {
    const h = (b: Buffer | string) => createHash('sha256').update(b).digest();
    const nonce = Buffer.alloc(32, 0x11);
    const tx = '{"amount":"25000.00","currency":"KHR","payee":"Phnom Penh Water Supply"}';
    const expected = h(Buffer.concat([Buffer.from('cardauth/v1'), Buffer.of(0), h('rp_bank0001'), h(nonce), h('atm-1'), h(tx)]));
    const hex = (b: Buffer | string) => h(b).toString('hex');
    const challenge = parseChallenge({
      id: 'ch_AAAAAAAAAAAAAAAAAAAAAA',
      nonce: nonce.toString('base64url'),
      expiresAt: '2026-11-23T22:00:00.000Z',
      rpId: 'rp_bank0001',
      terminalId: 'atm-1',
      transaction: { amount: '25000.00', currency: 'KHR', payee: 'Phnom Penh Water Supply' },
      requestedAttributes: [],
      consentText: null,
      signingInput: {
        algorithm: 'SHA-256',
        domain: 'cardauth/v1',
        transactionCanonical: tx,
        rpIdSha256: hex('rp_bank0001'),
        nonceSha256: hex(nonce),
        terminalIdSha256: hex('atm-1'),
        transactionSha256: hex(tx),
        input: expected.toString('hex'),
      },
    });
    assert.deepEqual(Buffer.from(checkSigningInput(challenge, 'atm-1')), expected);
    assert.equal(transactionView(challenge).amount, '25,000.00 KHR');
  });

  it('refuses malformed challenges with challenge_invalid', async () => {
    const good = JSON.parse(JSON.stringify(await fakeServer().create({ terminalId: 'atm-1' as TerminalId }))) as Record<string, unknown>;
    const bad: unknown[] = [
      null,
      'ch_x',
      { ...good, nonce: 'short' },
      { ...good, id: 'not-a-challenge' },
      { ...good, signingInput: { ...(good.signingInput as object), input: 'zz' } },
      { ...good, transaction: { amount: '1', currency: 'khr', payee: 'x' } },
      { ...good, consentText: 'x'.repeat(1001) },
    ];
    for (const b of bad) assert.throws(() => parseChallenge(b), (e: { code?: string }) => e.code === 'challenge_invalid', JSON.stringify(b)?.slice(0, 80));
  });
});
