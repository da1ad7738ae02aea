// The signed result's lifetime: `exp` (RFC 7519 §4.1.4) is iat + 5 minutes by
// default, so a bank that keeps checking it refuses a result presented later
// (a replayed or stolen JWS), while the challenge id (`jti`) stays its
// single-use handle. Verified with npm `jose`, an independent JOSE library,
// with the clock frozen either side of `exp`.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { signerFromPrivateKey } from '../../src/auth/adapters/result-keys.js';
import { buildClaims, RESULT_LIFETIME_SECONDS } from '../../src/auth/result/build-claims.js';
import { signJws } from '../../src/auth/result/sign-jws.js';
import type { ChallengeId } from '../../src/auth/wire.js';
import type { ChallengeRecord } from '../../src/auth/types.js';
import type { RpId, TerminalId } from '../../src/rp/ids.js';

const now = new Date('2026-12-06T10:00:00.250Z');
const iat = Math.floor(now.getTime() / 1000);

function claimsAt(lifetimeSeconds?: number) {
  const challenge: ChallengeRecord = {
    v: 1,
    id: 'ch_test' as ChallengeId,
    rpId: 'rp_test' as RpId,
    terminalId: 'atm-1' as TerminalId,
    nonce: Buffer.alloc(32, 1).toString('base64url'),
    transaction: null,
    requestedAttributes: [],
    consentText: null,
    createdAt: now.getTime() - 10_000,
    expiresAt: now.getTime() + 110_000,
  };
  return buildClaims({
    issuer: 'https://id.example',
    subjectPepper: Buffer.alloc(32, 7),
    challenge,
    preimage: Buffer.concat([Buffer.from('cardauth/v1\0'), createHash('sha256').update('x').digest(), Buffer.alloc(96)]),
    card: { certSerialHex: '01', certSha256: '00'.repeat(32), subject: { country: 'KH', surname: 'A', givenName: 'B', serialNumber: 'PNOKH-1' }, publicKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey },
    status: { certStatus: 'good', cardStatus: 'active', cardSerial: 1, attested: true, citizen: { citizenId: 'c1', givenName: 'B', surname: 'A', birthDate: '1990-01-01', nationalId: '1', country: 'KH' } },
    allowedAttributes: [],
    triesLeft: undefined,
    now,
    ...(lifetimeSeconds === undefined ? {} : { lifetimeSeconds }),
  });
}

describe('auth result lifetime (exp)', () => {
  it('is iat + 300 s by default, iat and auth_time in whole seconds', () => {
    assert.equal(RESULT_LIFETIME_SECONDS, 300);
    const c = claimsAt();
    assert.equal(c.iat, iat);
    assert.equal(c.auth_time, iat);
    assert.equal(c.exp, iat + 300);
  });

  it('takes another lifetime when asked (whole seconds, 1 s to 1 hour)', () => {
    assert.equal(claimsAt(60).exp, iat + 60);
    for (const bad of [0, -1, 1.5, 3601, Number.NaN]) assert.throws(() => claimsAt(bad), RangeError, String(bad));
  });

  it('jose accepts the result until exp and refuses it after (ERR_JWT_EXPIRED)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signer = signerFromPrivateKey(privateKey, publicKey);
    const jws = await signJws(signer, claimsAt());
    const keys = createLocalJWKSet({ keys: [signer.publicJwk as never] });
    const options = { issuer: 'https://id.example', audience: 'rp_test', algorithms: ['ES256'] };
    const { payload } = await jwtVerify(jws, keys, { ...options, currentDate: new Date((iat + 299) * 1000) });
    assert.equal(payload.exp, iat + 300);
    await assert.rejects(jwtVerify(jws, keys, { ...options, currentDate: new Date((iat + 301) * 1000) }), (e: unknown) => (e as { code?: string }).code === 'ERR_JWT_EXPIRED');
  });
});
