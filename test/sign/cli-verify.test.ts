// `cardauth sign verify` in-process: a signed PDF and a detached signature,
// checked against the national root with the signer's status from the CA's
// real OCSP responder (served on loopback), a revocation after the
// time-stamp (still valid) and before it (not), a changed document, and an
// unreachable responder (fail closed).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { run } from '../../src/cli/commands/sign.js';
import { signDetached } from '../../src/sign/cades/sign-detached.js';
import { signPdf } from '../../src/sign/pdf/sign-pdf.js';
import { cliIo } from '../support/cli-io.js';
import { makePdf } from './pdf-fixture.js';
import { cardSigner, freePort, publishedCa, signingCard, tempDir, writeTemp, type SigningCard } from './support.js';

describe('cardauth sign verify', function () {
  this.timeout(60_000);
  let p: Awaited<ReturnType<typeof publishedCa>>;
  let tmp: ReturnType<typeof tempDir>;
  let card: SigningCard;
  let root: string;
  const doc = Buffer.from('Pension application, form P-12\n');

  before(async () => {
    p = await publishedCa();
    tmp = tempDir('cardauth-sign-cli-');
    card = await signingCard(p.t.ca, tmp.dir);
    p.setStatus(card.sign.serialHex, { status: 'good' });
    root = writeTemp(tmp.dir, 'root.pem', p.t.ca.root.pem);
  });
  after(async () => {
    tmp?.cleanup();
    await p?.close();
  });

  const verify = async (args: string[]) => {
    const io = cliIo({});
    const code = await run(['verify', ...args], io);
    return { code, out: io.out(), err: io.err() };
  };

  async function detached(timestamp: boolean): Promise<string> {
    const signer = await cardSigner(card);
    try {
      const { cms } = await signDetached({
        documentDigest: createHash('sha256').update(doc).digest(),
        signerCertificate: card.sign.der,
        chain: [p.t.ca.issuing.der],
        signer,
        signingTime: new Date(),
        ...(timestamp ? { timestamper: p.t.ca.tsa } : {}),
      });
      return writeTemp(tmp.dir, `sig-${Date.now()}-${timestamp}.p7s`, cms);
    } finally {
      await signer.close();
    }
  }

  it('a signed PDF: valid, PAdES B-T, the signer and the status from OCSP', async () => {
    const signer = await cardSigner(card);
    let pdf: Buffer;
    try {
      ({ pdf } = await signPdf({ pdf: makePdf(), title: 'Pension application', signingTime: new Date(), signerCertificate: card.sign.der, chain: [p.t.ca.issuing.der], signer, timestamper: p.t.ca.tsa }));
    } finally {
      await signer.close();
    }
    const r = await verify([writeTemp(tmp.dir, 'signed.pdf', pdf), '--root', root]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /signature VALID \(CAdES B-T, PAdES\)/);
    assert.match(r.out, new RegExp(`PNOKH-${card.nationalId}`));
    assert.match(r.out, /certificate status: good/);
  });

  it('a detached signature: valid offline (status not checked), JSON on request; a changed document: not valid, exit 1 with the code', async () => {
    const sig = await detached(true);
    const docFile = writeTemp(tmp.dir, 'doc.txt', doc);
    const r = await verify([docFile, '--detached', sig, '--root', root, '--offline', '--json']);
    assert.equal(r.code, 0, r.out + r.err);
    const j = JSON.parse(r.out) as { valid: boolean; level: string; status: { status: string } };
    assert.equal(j.valid, true);
    assert.equal(j.level, 'B-T');
    assert.equal(j.status.status, 'not-checked');
    const changed = writeTemp(tmp.dir, 'changed.txt', Buffer.concat([doc, Buffer.from('and one more line\n')]));
    const bad = await verify([changed, '--detached', sig, '--root', root, '--offline']);
    assert.equal(bad.code, 1);
    assert.match(bad.out, /signature NOT VALID/);
    assert.equal(bad.err, 'error: signature_document_mismatch\n');
  });

  it('revoked after the time-stamp: still valid, and says so; a B-B signature of the revoked card: not valid', async () => {
    const bt = await detached(true);
    const bb = await detached(false);
    const docFile = writeTemp(tmp.dir, 'doc2.txt', doc);
    await new Promise((r) => setTimeout(r, 1100)); // the revocation time (whole seconds) after the time-stamp's
    p.setStatus(card.sign.serialHex, { status: 'revoked', reason: 'keyCompromise', at: new Date() });
    try {
      const r = await verify([docFile, '--detached', bt, '--root', root]);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /revoked on .* after the signature was made: the signature stays valid/);
      const r2 = await verify([docFile, '--detached', bb, '--root', root]);
      assert.equal(r2.code, 1);
      assert.equal(r2.err, 'error: signature_certificate_revoked\n');
    } finally {
      p.setStatus(card.sign.serialHex, { status: 'good' });
    }
  });

  it('no OCSP answer: fail closed with status_unavailable; usage errors exit 2', async () => {
    const sig = await detached(true);
    const docFile = writeTemp(tmp.dir, 'doc3.txt', doc);
    const dead = `http://127.0.0.1:${await freePort()}/pki/ocsp`;
    const r = await verify([docFile, '--detached', sig, '--root', root, '--ocsp', dead]);
    assert.equal(r.code, 1);
    assert.equal(r.err, 'error: status_unavailable\n');
    await assert.rejects(verify([docFile, '--root', root, '--offline']), (e: Error & { exitCode?: number }) => e.exitCode === 2);
    await assert.rejects(verify([docFile, '--detached', sig, '--root', join(tmp.dir, 'missing.pem')]), (e: Error & { exitCode?: number }) => e.exitCode === 2);
  });
});
