// Property tests: whatever bytes arrive, the verifier, the OCSP responder
// and the attestation checker answer with a typed PkiError or an RFC 6960
// error response — never an untyped crash, never "valid" for altered input.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as pkijs from 'pkijs';
import { createCardCertificateVerifier, isPkiError, manufacturerRoots, verifyAttestation, YUBICO_PIV_ROOT_CA_SERIAL_263751_PEM } from '../../pki/index.js';
import { cardKey, inYears, makeTestCa, StatusTable, subject, type TestCa } from './helpers.js';

describe('pki fuzz (fast-check)', () => {
  let t: TestCa;
  let good: Buffer;
  let request: Buffer;
  const status = new StatusTable();
  before(async () => {
    t = await makeTestCa();
    const c = await t.ca.issueCardCertificate({ publicKey: cardKey(), profile: 'card-auth', subject, notAfter: inYears(1) });
    status.set(c.serialHex, { status: 'good' });
    good = c.der;
    writeFileSync(join(t.dir, 'c.pem'), c.pem);
    execFileSync('openssl', ['ocsp', '-issuer', join(t.dir, 'pki', 'issuing.crt'), '-cert', join(t.dir, 'c.pem'), '-reqout', join(t.dir, 'r.der')]);
    request = readFileSync(join(t.dir, 'r.der'));
  });
  after(() => t.cleanup());

  /** The valid input with one to three bytes changed, or cut, or extended. */
  const mutation = (base: () => Buffer) =>
    fc.oneof(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }).map((edits) => {
        const b = Buffer.from(base());
        for (const [at, x] of edits) b[at % b.length] = (b[at % b.length]! ^ x) & 0xff;
        return b;
      }),
      fc.nat().map((n) => base().subarray(0, n % base().length)),
      fc.uint8Array({ minLength: 1, maxLength: 8 }).map((tail) => Buffer.concat([base(), tail])),
      fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
    );

  it('the verifier never accepts an altered certificate and only throws PkiError', async () => {
    const verifier = createCardCertificateVerifier({ issuing: t.ca.issuing, root: t.ca.root, status: status.lookup });
    await fc.assert(
      fc.asyncProperty(mutation(() => good), async (bytes) => {
        try {
          await verifier.verify(bytes);
          // Only the same certificate may pass (a flip inside the signature's DER can still be the same value? no: DER is unique).
          assert.ok(bytes.equals(good), 'altered certificate accepted');
        } catch (e) {
          assert.ok(isPkiError(e), `untyped error: ${String(e)}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('the OCSP responder always answers with an OCSPResponse', async () => {
    const responder = t.ca.createOcspResponder({ status: status.lookup });
    await fc.assert(
      fc.asyncProperty(mutation(() => request), async (bytes) => {
        const a = await responder.respond(bytes);
        const parsed = pkijs.OCSPResponse.fromBER(a.der);
        assert.equal(parsed.responseStatus.valueBlock.valueDec, { successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 }[a.responseStatus]);
      }),
      { numRuns: 400 },
    );
  });

  it('the attestation checker only throws PkiError', () => {
    const roots = manufacturerRoots([YUBICO_PIV_ROOT_CA_SERIAL_263751_PEM]);
    fc.assert(
      fc.property(mutation(() => good), mutation(() => t.ca.issuing.der), (a, f9) => {
        try {
          verifyAttestation({ unverifiedAttestation: a, unverifiedF9Certificate: f9, roots });
          assert.fail('accepted');
        } catch (e) {
          assert.ok(isPkiError(e), `untyped error: ${String(e)}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
