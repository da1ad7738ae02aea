import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalJson, CanonicalJsonError } from '../../src/auth/canonical-json.js';
import { signingInput, transactionText } from '../../src/auth/signing-input.js';

describe('RFC 8785 canonical JSON', () => {
  // RFC 8785 §3.2.3 sorting example and §3.2.2.3 number serialisation examples.
  it('sorts members by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    const order = Object.keys(JSON.parse(canonicalJson(input)) as object);
    // JSON.parse reorders integer-like keys, so compare the serialised text instead.
    assert.ok(order.length === 7);
    const text = canonicalJson(input);
    const positions = ['\\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((k) => text.indexOf(`"${k}"`));
    assert.deepEqual([...positions].sort((a, b) => a - b), positions);
  });

  it('serialises numbers as ECMAScript does (RFC 8785 Appendix B samples)', () => {
    assert.equal(canonicalJson([333333333.33333329, 1e30, 4.5, 0.002, 1e-27, -0]), '[333333333.3333333,1e+30,4.5,0.002,1e-27,0]');
  });

  it('has no white space and keeps literals (RFC 8785 §3.2.4 example)', () => {
    const input = { numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001], string: '\u20ac$\u000f\u000aA\'\u0042\u0022\u005c\\"/', literals: [null, true, false] };
    assert.equal(
      canonicalJson(input),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('refuses what is not JSON', () => {
    assert.throws(() => canonicalJson(NaN), CanonicalJsonError);
    assert.throws(() => canonicalJson({ a: () => 1 }), CanonicalJsonError);
    assert.throws(() => canonicalJson('\ud800'), CanonicalJsonError);
  });
});

describe('signing input (docs/architecture.md, "The signing input")', () => {
  const nonce = Buffer.alloc(32, 7);
  const h = (x: string | Buffer) => createHash('sha256').update(x).digest();

  it('is SHA-256 over the domain, a zero byte and the four part hashes', () => {
    const tx = { amount: '25000.00', currency: 'KHR', payee: 'ACLEDA Bank', reference: 'INV-1' };
    const expected = h(Buffer.concat([Buffer.from('cardauth/v1'), Buffer.from([0]), h('rp-1'), h(nonce), h('atm-7'), h('{"amount":"25000.00","currency":"KHR","payee":"ACLEDA Bank","reference":"INV-1"}')]));
    assert.deepEqual(signingInput({ rpId: 'rp-1', nonce, terminalId: 'atm-7', transaction: tx }), expected);
  });

  it('hashes the empty string when there is no transaction', () => {
    assert.equal(transactionText(null), '');
    const expected = h(Buffer.concat([Buffer.from('cardauth/v1\0'), h('rp-1'), h(nonce), h('atm-7'), h('')]));
    assert.deepEqual(signingInput({ rpId: 'rp-1', nonce, terminalId: 'atm-7', transaction: undefined }), expected);
  });

  it('changes with every bound field', () => {
    const base = { rpId: 'rp-1', nonce, terminalId: 'atm-7', transaction: { amount: '1.00', currency: 'USD', payee: 'A' } };
    const a = signingInput(base);
    for (const v of [
      { ...base, rpId: 'rp-2' },
      { ...base, terminalId: 'atm-8' },
      { ...base, nonce: Buffer.alloc(32, 8) },
      { ...base, transaction: { ...base.transaction, amount: '1.01' } },
      { ...base, transaction: { ...base.transaction, payee: 'B' } },
    ]) {
      assert.notDeepEqual(signingInput(v), a);
    }
  });
});
