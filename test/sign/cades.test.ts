// Detached CAdES signatures made with the card's 9C key (in-process
// firmware-sim card, PIN policy ALWAYS), checked by tools nobody here wrote:
// `openssl cms -verify` against the national root, `openssl ts -verify` for
// the signature time-stamp, and pkijs's SignedData.verify.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { oid } from '../../pki/index.js';
import { buildSignedAttributes } from '../../src/sign/cades/signed-attributes.js';
import { signDetached } from '../../src/sign/cades/sign-detached.js';
import { isSignError } from '../../src/sign/codes.js';
import { assembleSignedData } from '../../src/sign/cades/assemble-signed-data.js';
import { verifySignature, type SignatureTrust } from '../../src/sign/verify/verify-signature.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import { PivClient } from '../../src/card/piv/client.js';
import { pivKeySlots } from '../../src/card/piv/constants.js';
import { isAppError } from '../../src/errors/app-error.js';
import { CITIZEN_PIN } from './support.js';
import { makeCa, type TestCa } from '../auth/support/fixture.js';
import { cardSigner, signingCard, tempDir, tool, writeTemp, type SigningCard } from './support.js';

const DOCUMENT = Buffer.from('Loan agreement no. 2026-0042\nThe borrower agrees to repay 25,000,000.00 KHR.\n');

describe('sign: detached CAdES with the card (openssl, pkijs)', () => {
  let t: TestCa;
  let tmp: ReturnType<typeof tempDir>;
  let card: SigningCard;
  let rootPem: string;
  let issuingPem: string;
  before(async () => {
    t = await makeCa();
    tmp = tempDir('cardauth-cades-');
    card = await signingCard(t.ca, tmp.dir);
    rootPem = writeTemp(tmp.dir, 'root.pem', t.ca.root.pem);
    issuingPem = writeTemp(tmp.dir, 'issuing.pem', t.ca.issuing.pem);
  });
  after(async () => {
    tmp.cleanup();
    await t.cleanup();
  });

  async function sign(opts: { timestamp?: boolean } = {}) {
    const signer = await cardSigner(card);
    try {
      return await signDetached({
        documentDigest: createHash('sha256').update(DOCUMENT).digest(),
        signerCertificate: card.sign.der,
        chain: [t.ca.issuing.der],
        signer,
        signingTime: new Date(),
        title: 'Loan agreement no. 2026-0042',
        ...(opts.timestamp ? { timestamper: t.ca.tsa } : {}),
      });
    } finally {
      await signer.close();
    }
  }

  it('openssl cms -verify accepts the detached signature against the national root (B-B)', async () => {
    const { cms } = await sign();
    const sig = writeTemp(tmp.dir, 'bb.p7s', cms);
    const doc = writeTemp(tmp.dir, 'doc.txt', DOCUMENT);
    const v = await tool('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', doc, '-CAfile', rootPem, '-out', join(tmp.dir, 'out.txt')]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stderr, /Verification successful/);
    const printed = await tool('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sig]);
    assert.match(printed.stdout, /id-smime-aa-signingCertificateV2/);
    assert.match(printed.stdout, /signingTime/);
    assert.match(printed.stdout, /id-smime-aa-contentHint/);
  });

  it('openssl cms -verify refuses it for a document changed after signing', async () => {
    const { cms } = await sign();
    const sig = writeTemp(tmp.dir, 'changed.p7s', cms);
    const doc = writeTemp(tmp.dir, 'changed.txt', Buffer.concat([DOCUMENT, Buffer.from(' ')]));
    const v = await tool('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', doc, '-CAfile', rootPem, '-purpose', 'any', '-out', '/dev/null']);
    assert.notEqual(v.code, 0);
    assert.match(v.stderr, /content verify error/);
  });

  it('B-T: the signature time-stamp verifies with openssl ts -verify over the signature value, and the container still with cms -verify', async () => {
    const { cms, signature, timestampedAt } = await sign({ timestamp: true });
    assert.ok(timestampedAt);
    const sig = writeTemp(tmp.dir, 'bt.p7s', cms);
    const doc = writeTemp(tmp.dir, 'doc.txt', DOCUMENT);
    const v = await tool('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', doc, '-CAfile', rootPem, '-purpose', 'any', '-out', '/dev/null']);
    assert.equal(v.code, 0, v.stderr);
    // The token, taken out of the unsigned attribute, as a TimeStampResp for openssl ts.
    const signed = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cms).content });
    const attr = signed.signerInfos[0]!.unsignedAttrs!.attributes.find((a) => a.type === oid.signatureTimeStampToken)!;
    const token = Buffer.from(attr.values[0].toBER());
    const resp = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Integer({ value: 0 })] }), asn1js.fromBER(token).result] });
    const tsr = writeTemp(tmp.dir, 'bt.tsr', Buffer.from(resp.toBER()));
    const sigValue = writeTemp(tmp.dir, 'sigvalue.bin', signature);
    const ts = await tool('openssl', ['ts', '-verify', '-data', sigValue, '-in', tsr, '-CAfile', rootPem, '-untrusted', issuingPem]);
    assert.equal(ts.code, 0, ts.stderr);
    assert.match(ts.stdout, /Verification: OK/);
  });

  it('pkijs verifies the signature with the document and the chain to the root', async () => {
    const { cms } = await sign({ timestamp: true });
    const signed = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cms).content });
    const r = await signed.verify({
      signer: 0,
      data: new Uint8Array(DOCUMENT).buffer,
      trustedCerts: [pkijs.Certificate.fromBER(t.ca.root.der)],
      checkChain: true,
      extendedMode: true,
    });
    assert.equal(r.signatureVerified, true);
    assert.equal(r.signerCertificateVerified, true);
    const bad = await signed.verify({ signer: 0, data: new TextEncoder().encode('another document').buffer, trustedCerts: [pkijs.Certificate.fromBER(t.ca.root.der)], checkChain: true, extendedMode: true }).catch((e: { signatureVerified?: boolean }) => e);
    assert.notEqual(bad.signatureVerified, true);
  });

  it('a digest of the wrong length is refused with sign_digest_invalid, before the card is asked', async () => {
    for (const n of [0, 20, 31, 33, 48, 64]) {
      assert.throws(() => buildSignedAttributes({ documentDigest: Buffer.alloc(n), signerCertificate: card.sign.der }), (e) => isSignError(e, 'sign_digest_invalid'));
    }
    const signer = await cardSigner(card);
    try {
      await assert.rejects(signer.signDigest(Buffer.alloc(20)), (e) => isSignError(e, 'sign_digest_invalid'));
    } finally {
      await signer.close();
    }
  });

  describe('the project\'s own verifier (verifySignature)', () => {
    const trust = (extra: Partial<SignatureTrust> = {}): SignatureTrust => ({ root: t.ca.root.der, ...extra });
    const good = async () => ({ status: 'good' as const });

    it('accepts B-B and B-T signatures: signer, title, time-stamp, status', async () => {
      const bb = await verifySignature((await sign()).cms, { data: DOCUMENT }, trust({ status: good }));
      assert.equal(bb.level, 'B-B');
      assert.equal(bb.signer.certSerialHex, card.sign.serialHex);
      assert.equal(bb.signer.serialNumber, `PNOKH-${card.nationalId}`);
      assert.equal(bb.title, 'Loan agreement no. 2026-0042');
      assert.deepEqual(bb.status, { status: 'good' });
      const signed = await sign({ timestamp: true });
      const bt = await verifySignature(signed.cms, { digest: createHash('sha256').update(DOCUMENT).digest() }, trust());
      assert.equal(bt.level, 'B-T');
      assert.equal(bt.validatedAt.getTime(), signed.timestampedAt!.getTime());
      assert.match(bt.timestamp!.tsa, /Time-Stamping Authority/);
      assert.deepEqual(bt.status, { status: 'not-checked' });
    });

    it('a document changed after signing: signature_document_mismatch', async () => {
      const { cms } = await sign({ timestamp: true });
      const changed = Buffer.from(DOCUMENT);
      changed[10] = changed[10]! ^ 1;
      await assert.rejects(verifySignature(cms, { data: changed }, trust()), (e) => isSignError(e, 'signature_document_mismatch'));
    });

    it('another root: signature_certificate_untrusted', async () => {
      const other = await makeCa();
      try {
        await assert.rejects(verifySignature((await sign()).cms, { data: DOCUMENT }, trust({ root: other.ca.root.der })), (e) => isSignError(e, 'signature_certificate_untrusted'));
      } finally {
        await other.cleanup();
      }
    });

    it('a changed signature value or signed attribute: signature_invalid; garbage: malformed; too large: too_large', async () => {
      const { cms } = await sign();
      const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cms).content });
      const sigBytes = Buffer.from(sd.signerInfos[0]!.signature.valueBlock.valueHexView);
      const at = cms.indexOf(sigBytes);
      const flipped = Buffer.from(cms);
      flipped[at + sigBytes.length - 1] = flipped[at + sigBytes.length - 1]! ^ 1;
      await assert.rejects(verifySignature(flipped, { data: DOCUMENT }, trust()), (e) => isSignError(e, 'signature_invalid'));
      await assert.rejects(verifySignature(Buffer.from('not a signature'), { data: DOCUMENT }, trust()), (e) => isSignError(e, 'signature_container_malformed'));
      await assert.rejects(verifySignature(cms.subarray(0, cms.length - 5), { data: DOCUMENT }, trust()), (e) => isSignError(e, 'signature_container_malformed'));
      await assert.rejects(verifySignature(Buffer.alloc(70_000, 0x30), { data: DOCUMENT }, trust()), (e) => isSignError(e, 'signature_container_too_large'));
    });

    it('a signature made with the authentication key (9A, clientAuth) is refused: signature_certificate_wrong_purpose', async () => {
      // The 9A key signs attributes naming the 9A certificate, exactly as the 9C key would.
      const attrs = buildSignedAttributes({ documentDigest: createHash('sha256').update(DOCUMENT).digest(), signerCertificate: card.auth.der });
      const channel = await openInProcessChannel(card.card);
      let signature: Uint8Array;
      try {
        const opened = await PivClient.open(channel);
        assert.ok(opened.ok);
        const r = await opened.client.verifyPinAndSign(Buffer.from(CITIZEN_PIN), pivKeySlots.AUTHENTICATION, 'ECCP256', attrs.digest);
        assert.ok(r.ok);
        signature = r.signature;
      } finally {
        await channel.close({ disposition: 'reset' });
      }
      const cms = assembleSignedData({ signedAttributes: attrs, signature, signerCertificate: card.auth.der, chain: [t.ca.issuing.der] });
      await assert.rejects(verifySignature(cms, { data: DOCUMENT }, trust()), (e) => isSignError(e, 'signature_certificate_wrong_purpose'));
    });

    it('status at the signing time: revoked after the time-stamp → valid, revoked before → refused; B-B revoked → refused; unknown → refused; no answer → 503', async () => {
      const signed = await sign({ timestamp: true });
      const ts = signed.timestampedAt!.getTime();
      const revokedAt = (ms: number) => async () => ({ status: 'revoked' as const, reason: 'keyCompromise' as const, at: new Date(ms) });
      const after = await verifySignature(signed.cms, { data: DOCUMENT }, trust({ status: revokedAt(ts + 60_000) }));
      assert.equal(after.revokedAfterSigning, true);
      await assert.rejects(verifySignature(signed.cms, { data: DOCUMENT }, trust({ status: revokedAt(ts - 1000) })), (e) => isSignError(e, 'signature_certificate_revoked'));
      const onHold = async () => ({ status: 'hold' as const, since: new Date(ts - 1000) });
      await assert.rejects(verifySignature(signed.cms, { data: DOCUMENT }, trust({ status: onHold })), (e) => isSignError(e, 'signature_certificate_revoked'));
      // Without a time-stamp nothing proves the signature came before the revocation.
      await assert.rejects(verifySignature((await sign()).cms, { data: DOCUMENT }, trust({ status: revokedAt(Date.now() - 1000) })), (e) => isSignError(e, 'signature_certificate_revoked'));
      await assert.rejects(verifySignature(signed.cms, { data: DOCUMENT }, trust({ status: async () => ({ status: 'unknown' as const }) })), (e) => isSignError(e, 'signature_certificate_status_unknown'));
      await assert.rejects(
        verifySignature(signed.cms, { data: DOCUMENT }, trust({ status: async () => Promise.reject(new Error('registry down')) })),
        (e) => isAppError(e) && e.code === 'status_unavailable' && e.status === 503,
      );
    });

    it('validated later than the certificate\'s life: B-T still valid at its time-stamp, B-B refused as expired', async () => {
      const later = () => new Date(Date.now() + 3 * 365 * 86_400_000);
      const bt = await sign({ timestamp: true });
      assert.equal((await verifySignature(bt.cms, { data: DOCUMENT }, trust({ now: later }))).level, 'B-T');
      await assert.rejects(verifySignature((await sign()).cms, { data: DOCUMENT }, trust({ now: later })), (e) => isSignError(e, 'signature_certificate_expired'));
    });

    it('a time-stamp over another signature value is refused: signature_timestamp_invalid', async () => {
      const a = await sign({ timestamp: true });
      const b = await sign();
      const sdA = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(a.cms).content });
      const token = Buffer.from(sdA.signerInfos[0]!.unsignedAttrs!.attributes[0]!.values[0].toBER());
      const swapped = assembleSignedData({ signedAttributes: b.signedAttributes, signature: b.signature, signerCertificate: card.sign.der, chain: [t.ca.issuing.der], timestampToken: token });
      await assert.rejects(verifySignature(swapped, { data: DOCUMENT }, trust()), (e) => isSignError(e, 'signature_timestamp_invalid'));
    });
  });
});
