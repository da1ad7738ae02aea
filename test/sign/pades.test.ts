// PAdES signatures made with the card's 9C key, checked by Debian's pdfsig
// (poppler + NSS, with an NSS database trusting only the national root, and
// the CA's OCSP responder published on loopback so NSS can ask for the
// signer's status) and by the project's verifier; bad input refused with
// its code before anything is signed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { isSignError } from '../../src/sign/codes.js';
import { MAX_PDF_BYTES } from '../../src/sign/pdf/limits.js';
import { preparePdf } from '../../src/sign/pdf/prepare-pdf.js';
import { readPdfSignature } from '../../src/sign/pdf/read-pdf-signature.js';
import { signPdf } from '../../src/sign/pdf/sign-pdf.js';
import { verifyPdf } from '../../src/sign/verify/verify-pdf.js';
import type { TestCa } from '../pki/helpers.js';
import { makePdf } from './pdf-fixture.js';
import { cardSigner, nssTrusting, publishedCa, signingCard, tempDir, tool, writeTemp, type SigningCard } from './support.js';

describe('sign: PAdES with the card (pdfsig, pkijs, own verifier)', function () {
  this.timeout(120_000);
  let published: Awaited<ReturnType<typeof publishedCa>>;
  let t: TestCa;
  let tmp: ReturnType<typeof tempDir>;
  let card: SigningCard;
  let nss: string;

  before(async () => {
    published = await publishedCa();
    t = published.t;
    tmp = tempDir('cardauth-pades-');
    card = await signingCard(t.ca, tmp.dir);
    published.setStatus(card.sign.serialHex, { status: 'good' });
    nss = await nssTrusting(join(tmp.dir, 'nss'), t.ca.root.pem);
  });
  after(async () => {
    tmp?.cleanup();
    await published?.close();
  });

  async function sign(pdf: Buffer, opts: { timestamp?: boolean } = { timestamp: true }) {
    const signer = await cardSigner(card);
    try {
      return await signPdf({
        pdf,
        title: 'Loan agreement no. 2026-0042',
        signingTime: new Date(),
        signerCertificate: card.sign.der,
        chain: [t.ca.issuing.der],
        signer,
        ...(opts.timestamp ? { timestamper: t.ca.tsa } : {}),
      });
    } finally {
      await signer.close();
    }
  }

  it('pdfsig: the signature is valid, ETSI.CAdES.detached, the total document signed, the certificate trusted', async () => {
    const { pdf } = await sign(makePdf());
    const file = writeTemp(tmp.dir, 'signed.pdf', pdf);
    const r = await tool('pdfsig', ['-nssdir', nss, file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Signature Type: ETSI\.CAdES\.detached/);
    assert.match(r.stdout, /Total document signed/);
    assert.match(r.stdout, /Signature Validation: Signature is Valid\./);
    assert.match(r.stdout, /Certificate Validation: Certificate is Trusted\./);
    assert.match(r.stdout, new RegExp(`PNOKH-${card.nationalId}`));
    // The document is still the document (poppler reads the text through the incremental update).
    const text = await tool('pdftotext', [file, '-']);
    assert.match(text.stdout, /Loan agreement no\. 2026-0042/);
  });

  it('the project\'s verifier agrees (B-T), and pkijs verifies the CMS over the signed byte ranges', async () => {
    const { pdf, timestampedAt } = await sign(makePdf());
    const v = await verifyPdf(pdf, { root: t.ca.root.der, status: async () => ({ status: 'good' }) });
    assert.equal(v.level, 'B-T');
    assert.equal(v.validatedAt.getTime(), timestampedAt!.getTime());
    assert.equal(v.signer.certSerialHex, card.sign.serialHex);
    const sig = readPdfSignature(pdf);
    assert.equal(sig.coversWholeFile, true);
    const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(sig.cms).content });
    const r = await sd.verify({ signer: 0, data: new Uint8Array(sig.signedContent).buffer, trustedCerts: [pkijs.Certificate.fromBER(t.ca.root.der)], checkChain: true, extendedMode: true });
    assert.equal(r.signatureVerified, true);
    assert.equal(r.signerCertificateVerified, true);
  });

  it('a PDF changed after signing fails: pdfsig reports the digest mismatch, the verifier signature_document_mismatch', async () => {
    const { pdf } = await sign(makePdf());
    const changed = Buffer.from(pdf);
    const at = changed.indexOf('2026-0042');
    changed.write('2026-0043', at, 'latin1');
    const file = writeTemp(tmp.dir, 'changed.pdf', changed);
    const r = await tool('pdfsig', ['-nssdir', nss, file]);
    assert.match(r.stdout, /Signature Validation: Digest Mismatch\./);
    await assert.rejects(verifyPdf(changed, { root: t.ca.root.der }), (e) => isSignError(e, 'signature_document_mismatch'));
  });

  it('bytes appended after the signature (an incremental update) are not covered: pdfsig says so, the verifier refuses', async () => {
    const { pdf } = await sign(makePdf());
    const appended = Buffer.concat([pdf, Buffer.from('\n% appended after signing\n')]);
    const file = writeTemp(tmp.dir, 'appended.pdf', appended);
    const r = await tool('pdfsig', ['-nssdir', nss, file]);
    assert.match(r.stdout, /Not total document signed/);
    await assert.rejects(verifyPdf(appended, { root: t.ca.root.der }), (e) => isSignError(e, 'signature_document_mismatch'));
  });

  it('size limit: a PDF of MAX_PDF_BYTES is signed, one byte more is pdf_too_large', async () => {
    const big = makePdf({ padTo: MAX_PDF_BYTES - 1200 });
    assert.ok(big.length <= MAX_PDF_BYTES);
    const { pdf } = await sign(big, { timestamp: false });
    const r = await tool('pdfsig', ['-nssdir', nss, writeTemp(tmp.dir, 'big.pdf', pdf)]);
    assert.match(r.stdout, /Signature is Valid/);
    const over = Buffer.concat([Buffer.alloc(MAX_PDF_BYTES + 1 - big.length, 0x20), big]);
    assert.equal(over.length, MAX_PDF_BYTES + 1);
    await assert.rejects(preparePdf(over, { signingTime: new Date(), title: 'x' }), (e) => isSignError(e, 'pdf_too_large'));
  });

  it('bad PDFs are refused before the card is asked: malformed, cross-reference stream, encrypted, a form, already signed', async () => {
    const prep = (b: Buffer) => preparePdf(b, { signingTime: new Date(), title: 'x' });
    await assert.rejects(prep(Buffer.from('hello, not a PDF')), (e) => isSignError(e, 'pdf_malformed'));
    await assert.rejects(prep(makePdf().subarray(0, 400)), (e) => isSignError(e, 'pdf_malformed'));
    const badXref = Buffer.from(makePdf().toString('latin1').replace(/startxref\n\d+/, 'startxref\n12'), 'latin1');
    await assert.rejects(prep(badXref), (e) => isSignError(e, 'pdf_malformed'));
    await assert.rejects(prep(makePdf({ xref: 'stream' })), (e) => isSignError(e, 'pdf_unsupported'));
    await assert.rejects(prep(makePdf({ encrypted: true })), (e) => isSignError(e, 'pdf_unsupported'));
    await assert.rejects(prep(makePdf({ acroForm: true })), (e) => isSignError(e, 'pdf_unsupported'));
    const { pdf } = await sign(makePdf(), { timestamp: false });
    await assert.rejects(prep(pdf), (e) => isSignError(e, 'pdf_unsupported'));
  });
});
