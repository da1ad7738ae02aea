// The ordered checks of a card response with small fakes (fast, no I/O):
// the order is the documented one (docs/architecture.md, flow 2); a forged
// signature never reaches the registry; a size failure leaves the challenge
// usable; a registry that cannot answer is 503 `unavailable`; results verify
// with jose across a result-key rotation.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { resultKeys, signerFromPrivateKey } from '../../src/auth/adapters/result-keys.js';
import { responseChecks } from '../../src/auth/checks/index.js';
import { AuthFailure } from '../../src/auth/codes.js';
import { createChallenge } from '../../src/auth/create-challenge.js';
import type { AuthDeps } from '../../src/auth/deps.js';
import { getChallengeState } from '../../src/auth/get-challenge-state.js';
import type { CardStatusLookup, CardStatusRecord, ResultKeys, VerifiedCard } from '../../src/auth/ports.js';
import { signingInputPreimage } from '../../src/auth/signing-input.js';
import { pairwiseSubject } from '../../src/auth/result/pairwise-subject.js';
import { submitResponse } from '../../src/auth/submit-response.js';
import type { ChallengeId } from '../../src/auth/wire.js';
import type { ChallengeRecord } from '../../src/auth/types.js';
import type { ResponseCaller } from '../../src/auth/checks/context.js';
import type { EkycAttribute, RpId, TerminalId } from '../../src/rp/ids.js';
import type { RpScope } from '../../src/rp/types.js';
import { challengeKey } from '../../src/auth/lib/store-keys.js';
import { derivePeppers } from '../../src/rp/pepper.js';
import { MemoryStore } from '../../src/store/memory.js';
import { FixedClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/log.js';

const rpId = 'rp_testbank' as RpId;
const terminalId = 'atm-1' as TerminalId;
const certDer = Buffer.alloc(300, 0x30);

function keyPair() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

const good: CardStatusRecord = {
  certStatus: 'good',
  cardStatus: 'active',
  cardSerial: 12345678,
  attested: true,
  citizen: { citizenId: 'c1', nationalId: '123456789', surname: 'SOK', givenName: 'Dara', birthDate: '1990-04-17', country: 'KH' },
};

function setup(opts: { status?: CardStatusLookup; keys?: ResultKeys } = {}) {
  const card = keyPair();
  const clock = new FixedClock(new Date('2026-11-23T10:00:00Z'));
  let statusCalls = 0;
  const verified: VerifiedCard = {
    certSerialHex: '0a1b2c',
    certSha256: createHash('sha256').update(certDer).digest('hex'),
    subject: { country: 'KH', surname: 'SOK', givenName: 'Dara', serialNumber: 'PNOKH-123456789' },
    publicKey: card.publicKey,
  };
  const signer = keyPair();
  const deps: AuthDeps = {
    store: new MemoryStore(clock),
    verifier: { verify: async (der) => (Buffer.compare(Buffer.from(der), certDer) === 0 ? verified : Promise.reject(new AuthFailure('certificate_untrusted', 'not ours'))) },
    status: opts.status ?? {
      byCertificateSerial: async () => {
        statusCalls++;
        return good;
      },
    },
    keys: opts.keys ?? resultKeys(signerFromPrivateKey(signer.privateKey, signer.publicKey)),
    peppers: derivePeppers(Buffer.alloc(32, 1)),
    clock,
    log: silentLogger,
    issuer: 'https://id.example',
    challengeTtlSeconds: 120,
  };
  return { deps, card, clock, statusCalls: () => statusCalls };
}

async function newChallenge(deps: AuthDeps, extra: Partial<Parameters<typeof createChallenge>[2]> = {}) {
  return createChallenge(deps, { rpId, ekycAttributes: ['givenName'], hasEkycScope: true }, { terminalId, ...extra });
}

function respond(privateKey: KeyObject, ch: Awaited<ReturnType<typeof newChallenge>>) {
  const pre = signingInputPreimage({ rpId: ch.rpId, nonce: Buffer.from(ch.nonce, 'base64url'), terminalId: ch.terminalId, transaction: ch.transaction });
  return { certificate: certDer.toString('base64'), signature: sign('sha256', pre, { key: privateKey, dsaEncoding: 'der' }).toString('base64'), terminalId };
}

const codeOf = (e: unknown) => (e as { code?: string }).code;

/** An RP with the auth and ekyc scopes and the test terminal, not rate-limited (in-process caller). */
function caller(ekycAttributes: readonly EkycAttribute[], id: RpId = rpId, scopes: readonly RpScope[] = ['auth', 'ekyc']): ResponseCaller {
  return { rp: { id, scopes, terminals: [terminalId], ekycAttributes, rateLimitPerMinute: 1000, terminalRatePerMinute: 1000 } };
}

describe('auth checks (fakes)', () => {
  it('runs every check in one list, in the documented order (docs/architecture.md, flow 2); only the registry check and the evidence (OCSP) put the challenge back when they cannot answer', () => {
    assert.deepEqual(
      responseChecks.checks.map((c) => c.name),
      ['scope', 'terminal', 'size-bounds', 'consume-challenge', 'binding', 'certificate', 'signature', 'card-status', 'evidence'],
    );
    assert.deepEqual(
      responseChecks.checks.filter((c) => c.whenUnavailable === 'put-back').map((c) => c.name),
      ['card-status', 'evidence'],
    );
  });

  it('the scope and the terminal are checked in memory first: nothing is consumed', async () => {
    const s = setup();
    const ch = await newChallenge(s.deps);
    const ok = respond(s.card.privateKey, ch);
    await assert.rejects(submitResponse(s.deps, caller([], rpId, ['ekyc']), ch.id, ok), (e: unknown) => codeOf(e) === 'scope_not_allowed');
    const elsewhere: ResponseCaller = { ...caller([]), terminal: 'atm-2' as TerminalId };
    await assert.rejects(submitResponse(s.deps, elsewhere, ch.id, ok), (e: unknown) => codeOf(e) === 'terminal_not_allowed');
    await assert.rejects(submitResponse(s.deps, caller([]), ch.id, { ...ok, terminalId: 'atm-9' as TerminalId }), (e: unknown) => codeOf(e) === 'terminal_unknown');
    assert.equal((await getChallengeState(s.deps, rpId, ch.id)).status, 'pending');
    assert.equal((await submitResponse(s.deps, caller([]), ch.id, ok)).claims.jti, ch.id);
  });

  it('a forged signature never reaches the registry and burns the challenge', async () => {
    const s = setup();
    const ch = await newChallenge(s.deps);
    const forged = respond(keyPair().privateKey, ch);
    await assert.rejects(submitResponse(s.deps, caller([]), ch.id, forged), (e: unknown) => e instanceof AuthFailure && e.reason === 'signature_invalid');
    assert.equal(s.statusCalls(), 0);
    assert.deepEqual(await getChallengeState(s.deps, rpId, ch.id), { status: 'failed', code: 'authentication_failed' });
    await assert.rejects(submitResponse(s.deps, caller([]), ch.id, respond(s.card.privateKey, ch)), (e: unknown) => codeOf(e) === 'challenge_used');
  });

  it('the record carries the preimage it was made with; a record without one (older) is rebuilt and verifies', async () => {
    const s = setup();
    const ch = await newChallenge(s.deps, { transaction: { amount: '25000.00', currency: 'KHR', payee: 'EDC' } });
    const key = challengeKey(rpId, ch.id);
    const record = JSON.parse((await s.deps.store.get(key))!) as ChallengeRecord;
    const rebuilt = signingInputPreimage({ rpId: record.rpId, nonce: Buffer.from(record.nonce, 'base64url'), terminalId: record.terminalId, transaction: record.transaction });
    assert.equal(record.preimage, rebuilt.toString('base64'));
    const { preimage: _dropped, ...older } = record;
    await s.deps.store.set(key, JSON.stringify(older), 60_000);
    const r = await submitResponse(s.deps, caller([]), ch.id, respond(s.card.privateKey, ch));
    assert.equal(r.claims.txn_hash, createHash('sha256').update('{"amount":"25000.00","currency":"KHR","payee":"EDC"}').digest('hex'));
  });

  it('a size failure leaves the challenge usable', async () => {
    const s = setup();
    const ch = await newChallenge(s.deps);
    const ok = respond(s.card.privateKey, ch);
    await assert.rejects(submitResponse(s.deps, caller([]), ch.id, { ...ok, signature: 'not base64!' }), (e: unknown) => codeOf(e) === 'invalid_request');
    // Only canonical standard base64: no URL-safe letters, whitespace, missing or non-canonical padding.
    const sig = Buffer.from(ok.signature, 'base64');
    for (const variant of [sig.toString('base64url'), ` ${ok.signature}`, ok.signature.replace(/=+$/, ''), `${ok.signature.slice(0, 4)}\n${ok.signature.slice(4)}`, 'QR==']) {
      if (variant === ok.signature) continue;
      await assert.rejects(submitResponse(s.deps, caller([]), ch.id, { ...ok, signature: variant }), (e: unknown) => codeOf(e) === 'invalid_request', variant);
    }
    await assert.rejects(submitResponse(s.deps, caller([]), ch.id, { ...ok, certificate: Buffer.alloc(5000).toString('base64') }), (e: unknown) => codeOf(e) === 'invalid_request');
    assert.equal((await getChallengeState(s.deps, rpId, ch.id)).status, 'pending');
    const r = await submitResponse(s.deps, caller([]), ch.id, ok);
    assert.equal(r.claims.jti, ch.id);
  });

  it('registry unavailable → 503 unavailable and the challenge back as it was: the same response completes it once the registry answers, once', async () => {
    let registryUp = false;
    const flaky = setup({ status: { byCertificateSerial: async () => (registryUp ? good : Promise.reject(new Error('ECONNREFUSED'))) } });
    const ch = await newChallenge(flaky.deps);
    const stored = await flaky.deps.store.get(challengeKey(rpId, ch.id));
    const response = respond(flaky.card.privateKey, ch);
    await assert.rejects(submitResponse(flaky.deps, caller([]), ch.id, response), (e: unknown) => codeOf(e) === 'unavailable' && (e as { status: number }).status === 503);
    assert.equal(await flaky.deps.store.get(challengeKey(rpId, ch.id)), stored, 'the record is back, byte for byte');
    assert.equal((await getChallengeState(flaky.deps, rpId, ch.id)).status, 'pending');
    flaky.clock.advance(30_000);
    registryUp = true;
    const r = await submitResponse(flaky.deps, caller([]), ch.id, response);
    assert.equal(r.claims.jti, ch.id);
    await assert.rejects(submitResponse(flaky.deps, caller([]), ch.id, response), (e: unknown) => codeOf(e) === 'challenge_used');
    assert.equal((await getChallengeState(flaky.deps, rpId, ch.id)).status, 'completed');
  });

  it('registry unavailable after the challenge expired in the meantime: failed `unavailable`, nothing put back', async () => {
    // The registry fails only after the challenge's lifetime has passed.
    let expiresAt = 0;
    const down: ReturnType<typeof setup> = setup({
      status: {
        byCertificateSerial: async () => {
          down.clock.advance(expiresAt - down.clock.now().getTime() + 1);
          throw new Error('ETIMEDOUT');
        },
      },
    });
    const ch = await newChallenge(down.deps);
    expiresAt = new Date(ch.expiresAt).getTime();
    await assert.rejects(submitResponse(down.deps, caller([]), ch.id, respond(down.card.privateKey, ch)), (e: unknown) => codeOf(e) === 'unavailable');
    assert.equal(await down.deps.store.get(challengeKey(rpId, ch.id)), null);
    assert.deepEqual(await getChallengeState(down.deps, rpId, ch.id), { status: 'failed', code: 'unavailable' });
  });

  it('unknown / not active / unattested → authentication_failed', async () => {
    for (const [answer, reason] of [
      [undefined, 'certificate_unknown'],
      [{ ...good, cardStatus: 'superseded' }, 'card_not_active'],
      [{ ...good, attested: false }, 'attestation_missing'],
    ] as const) {
      const s = setup({ status: { byCertificateSerial: async () => answer } });
      const c = await newChallenge(s.deps);
      await assert.rejects(submitResponse(s.deps, caller([]), c.id, respond(s.card.privateKey, c)), (e: unknown) => e instanceof AuthFailure && e.reason === reason && e.code === 'authentication_failed');
    }
  });

  it('results verify with jose against the JWKS across a result-key rotation', async () => {
    const old = keyPair();
    const oldSigner = signerFromPrivateKey(old.privateKey, old.publicKey);
    const s1 = setup({ keys: resultKeys(oldSigner) });
    const ch1 = await newChallenge(s1.deps);
    const before = await submitResponse(s1.deps, caller([]), ch1.id, respond(s1.card.privateKey, ch1));
    const fresh = keyPair();
    const rotated = resultKeys(signerFromPrivateKey(fresh.privateKey, fresh.publicKey), [oldSigner.publicJwk]);
    const s2 = setup({ keys: rotated });
    const ch2 = await newChallenge(s2.deps);
    const after = await submitResponse(s2.deps, caller([]), ch2.id, respond(s2.card.privateKey, ch2));
    const jwks = createLocalJWKSet({ keys: rotated.published.map((k) => ({ ...k })) });
    for (const r of [before, after]) {
      const { payload } = await jwtVerify(r.result, jwks, { audience: rpId, issuer: 'https://id.example', currentDate: new Date('2026-11-23T10:00:00Z') });
      assert.equal(payload['pinVerified'], 'on-card');
    }
    assert.notEqual(rotated.published[0]!.kid, rotated.published[1]!.kid);
    const withoutOld = createLocalJWKSet({ keys: [{ ...rotated.published[0]! }] });
    await assert.rejects(jwtVerify(before.result, withoutOld, { currentDate: new Date('2026-11-23T10:00:00Z') }));
  });

  it('answers one JSON text whose claims are the JWS payload byte for byte, with the same sub for a returning citizen', async () => {
    const s = setup();
    const a = await newChallenge(s.deps);
    const r = await submitResponse(s.deps, caller([]), a.id, respond(s.card.privateKey, a));
    const parsed = JSON.parse(r.json) as { result: string; claims: unknown };
    assert.equal(parsed.result, r.result);
    assert.deepEqual(parsed.claims, r.claims);
    const payloadText = Buffer.from(r.result.split('.')[1]!, 'base64url').toString('utf8');
    assert.ok(r.json.endsWith(`"claims":${payloadText}}`), 'the answer carries the signed payload text itself');
    const b = await newChallenge(s.deps);
    const again = await submitResponse(s.deps, caller([]), b.id, respond(s.card.privateKey, b));
    assert.equal(again.claims.sub, r.claims.sub);
    assert.equal(r.claims.sub, pairwiseSubject(s.deps.peppers.subject, rpId, '123456789'), 'the remembered sub is the computed one');
  });

  it('attributes need the consent text: none released when the challenge carried none', async () => {
    const s = setup();
    const ch = await newChallenge(s.deps);
    const r = await submitResponse(s.deps, caller(['givenName']), ch.id, respond(s.card.privateKey, ch));
    assert.equal(r.claims.attributes, undefined);
    const ch2 = await newChallenge(s.deps, { requestedAttributes: ['givenName'], consentText: 'Share your given name.' });
    const r2 = await submitResponse(s.deps, caller(['givenName']), ch2.id, respond(s.card.privateKey, ch2));
    assert.deepEqual(r2.claims.attributes, { givenName: 'Dara' });
  });

  it('random responses are refused with a stable code, never a crash or a result (fast-check)', async () => {
    const s = setup();
    const allowed = new Set(['invalid_request', 'authentication_failed', 'challenge_used']);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 600 }), fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('base64'))),
        fc.oneof(fc.string({ maxLength: 120 }), fc.uint8Array({ minLength: 0, maxLength: 80 }).map((b) => Buffer.from(b).toString('base64'))),
        fc.boolean(),
        async (certificate, signature, realCert) => {
          const ch = await newChallenge(s.deps);
          const body = { certificate: realCert ? certDer.toString('base64') : certificate, signature, terminalId };
          const err = await submitResponse(s.deps, caller([]), ch.id, body).then(
            () => undefined,
            (e: unknown) => e,
          );
          assert.ok(err !== undefined, 'a random response authenticated');
          assert.ok(allowed.has(codeOf(err)!), `unexpected ${codeOf(err)}: ${String(err)}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an unknown challenge id is challenge_not_found', async () => {
    const s = setup();
    const ch = await newChallenge(s.deps);
    await assert.rejects(
      submitResponse(s.deps, caller([]), 'ch_BBBBBBBBBBBBBBBBBBBBBB' as ChallengeId, respond(s.card.privateKey, ch)),
      (e: unknown) => codeOf(e) === 'challenge_not_found',
    );
  });

  it("another RP's id is not found and leaves the challenge to its owner; a record under the wrong RP's key is still refused", async () => {
    const s = setup();
    const ch = await newChallenge(s.deps);
    const other = 'rp_otherbank' as RpId;
    const ok = respond(s.card.privateKey, ch);
    await assert.rejects(submitResponse(s.deps, caller([], other), ch.id, ok), (e: unknown) => codeOf(e) === 'challenge_not_found');
    assert.ok((await s.deps.store.get(challengeKey(rpId, ch.id))) !== null, 'the owner\'s record was not consumed');
    assert.equal((await getChallengeState(s.deps, rpId, ch.id)).status, 'pending');
    await assert.rejects(getChallengeState(s.deps, other, ch.id), (e: unknown) => codeOf(e) === 'challenge_not_found');
    // Second line (binding): a record of this RP planted under another RP's key is refused, with the same code.
    await s.deps.store.set(challengeKey(other, ch.id), (await s.deps.store.get(challengeKey(rpId, ch.id)))!, 60_000);
    await assert.rejects(submitResponse(s.deps, caller([], other), ch.id, ok), (e: unknown) => codeOf(e) === 'challenge_not_found');
    const r = await submitResponse(s.deps, caller([]), ch.id, ok);
    assert.equal(r.claims.aud, rpId);
  });
});
