// Signing input v2 ("cardauth/v2"): one canonical structure over everything
// the terminal shows, for authentication and signing; never confusable with
// v1 ("cardauth/v1"); rebuilt by the terminal, refused on any difference.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { challengeSigningInputV2, type ChallengeFields } from '../../src/auth/challenge-signing-input-v2.js';
import { signingInput, signingInputPreimage } from '../../src/auth/signing-input.js';
import { signingInputV2Text } from '../../src/auth/signing-input-v2.js';
import { isAppError } from '../../src/errors/app-error.js';
import { requestSigningInput } from '../../src/sign/flow/request-signing-input.js';
import { checkSigningInputV2 } from '../../src/terminal/check-signing-input-v2.js';

const nonce = Buffer.alloc(32, 9).toString('base64url');
const fields: ChallengeFields = {
  rpId: 'rp_demobank01',
  rpName: 'Demo Bank',
  nonce,
  terminalId: 'atm-1',
  transaction: { amount: '25000.00', currency: 'KHR', payee: 'Electricité du Cambodge', reference: 'EDC-1' },
  consentText: 'Share my name with Demo Bank',
  requestedAttributes: ['givenName', 'surname'],
};

describe('signing input v2', () => {
  it('is RFC 8785 JSON after "cardauth/v2" 0x00, over every shown field', () => {
    const v = challengeSigningInputV2(fields);
    assert.equal(v.preimage.subarray(0, 12).toString('latin1'), 'cardauth/v2\u0000');
    assert.equal(v.canonical, signingInputV2Text({ purpose: 'authenticate', rp: { id: fields.rpId, name: fields.rpName }, nonce, terminalId: 'atm-1', transaction: fields.transaction, consentText: fields.consentText, requestedAttributes: fields.requestedAttributes, document: null }));
    assert.match(v.canonical, /^\{"consentText":"Share my name with Demo Bank","document":null,"nonce":/);
    // Each shown field changes the input: v1 ignored the consent text, the attributes and the RP's name.
    for (const change of [{ consentText: 'Share everything' }, { requestedAttributes: ['givenName'] }, { rpName: 'Other Bank' }, { requestedAttributes: ['surname', 'givenName'] }]) {
      assert.notDeepEqual(challengeSigningInputV2({ ...fields, ...change }).input, v.input, JSON.stringify(change));
    }
  });

  it('a v1 signature is never a v2 signature (and the reverse): distinct domains, distinct preimages', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const v1Preimage = signingInputPreimage({ rpId: fields.rpId, nonce: Buffer.from(nonce, 'base64url'), terminalId: 'atm-1', transaction: fields.transaction });
    const v2 = challengeSigningInputV2(fields);
    assert.notDeepEqual(signingInput({ rpId: fields.rpId, nonce: Buffer.from(nonce, 'base64url'), terminalId: 'atm-1', transaction: fields.transaction }), v2.input);
    const v1Sig = sign('sha256', v1Preimage, privateKey);
    assert.equal(verify('sha256', v2.preimage, publicKey, v1Sig), false);
    const v2Sig = sign('sha256', v2.preimage, privateKey);
    assert.equal(verify('sha256', v1Preimage, publicKey, v2Sig), false);
    assert.equal(verify('sha256', v2.preimage, publicKey, v2Sig), true);
  });

  it('authentication and signing views never collide (purpose, document)', () => {
    const sign = requestSigningInput({ rpId: fields.rpId, rpName: fields.rpName, nonce, terminalId: 'atm-1', title: 'T', summary: 'S', documentSha256: 'ab'.repeat(32) });
    assert.match(sign.canonical, /"purpose":"sign"/);
    assert.notDeepEqual(sign.input, challengeSigningInputV2(fields).input);
  });

  it('the terminal rebuilds it from what it shows and refuses any difference', () => {
    const v = challengeSigningInputV2(fields);
    const presented = { ...fields, signingInput: { domain: v.domain, canonical: v.canonical, input: v.input.toString('hex') } };
    assert.deepEqual(checkSigningInputV2(presented, 'atm-1'), v.input);
    const refused = (c: typeof presented, terminal = 'atm-1') => assert.throws(() => checkSigningInputV2(c, terminal), (e) => isAppError(e) && e.code === 'signing_input_mismatch');
    refused({ ...presented, consentText: 'Share my name' }); // shown text differs from what the server hashed
    refused({ ...presented, signingInput: { ...presented.signingInput, domain: 'cardauth/v1' } });
    refused({ ...presented, signingInput: { ...presented.signingInput, input: '00'.repeat(32) } });
    refused(presented, 'atm-2');
  });
});
