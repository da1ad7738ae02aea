// npm run bench:sign — signature containers per second on this machine, one
// process, beside the raw ECDSA P-256 ceiling measured in the same run
// (compare ratios within one run only). The signature value comes from:
//   - a software key over the digest (@noble/curves, what GENERAL
//     AUTHENTICATE does), to measure the container work alone;
//   - a firmware-sim card in this process (VERIFY + GENERAL AUTHENTICATE 9C
//     for every signature), as the embedded default's terminal does.
// Validation with the project's validator is measured too. Prints a
// markdown table for the README. BENCH_SECONDS per row (default 2).
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import { FileKeyStore, initCa, openCa } from '../../pki/index.js';
import { signDetached } from '../../src/sign/cades/sign-detached.js';
import { signPdf } from '../../src/sign/pdf/sign-pdf.js';
import type { DigestSigner } from '../../src/sign/ports.js';
import { verifySignature } from '../../src/sign/verify/verify-signature.js';
import { verifyPdf } from '../../src/sign/verify/verify-pdf.js';
import { cardSigner, signingCard } from '../../test/sign/support.js';
import { makePdf } from '../../test/sign/pdf-fixture.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 2);

async function rate(name: string, op: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < 20; i++) await op(i); // warm-up
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end) {
    for (let k = 0; k < 5; k++) await op(n++);
  }
  const perSecond = n / ((performance.now() - start) / 1000);
  process.stderr.write(`${name}: ${Math.round(perSecond)}/s\n`);
  return perSecond;
}

const dir = mkdtempSync(join(tmpdir(), 'cardauth-bench-sign-'));
try {
  const ks = FileKeyStore.open(join(dir, 'keys'), 'benchmark passphrase');
  await initCa({ dataDir: dir, keyStore: ks, config: { country: 'KH', organization: 'Bench', baseUrl: 'http://127.0.0.1:8080', issuingCurve: 'P-256', maxCardValidityDays: 1826 } });
  const ca = await openCa({ dataDir: dir, keyStore: ks });
  const tsa = ca.tsa!;

  // Ceilings: raw P-256 signing (node:crypto with a KeyObject; @noble/curves over a digest) and verification.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.alloc(32, 7);
  const rawSig = sign('sha256', data, privateKey);
  const d = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const rawSign = await rate('raw P-256 sign (node:crypto)', () => sign('sha256', data, privateKey));
  const rawNoble = await rate('raw P-256 sign over a digest (@noble/curves)', () => p256.sign(data, d, { prehash: false, format: 'der' }));
  const rawVerify = await rate('raw P-256 verify (node:crypto)', () => verify('sha256', data, publicKey, rawSig));

  // A software "card": the same key certified with the card-sign profile.
  const cert = await ca.issueCardCertificate({ publicKey, profile: 'card-sign', subject: { country: 'KH', surname: 'SOK', givenName: 'Dara', nationalId: '123456789' }, notAfter: new Date(Date.now() + 365 * 86_400_000) });
  const software: DigestSigner = { signDigest: async (digest) => p256.sign(digest, d, { prehash: false, format: 'der' }) };
  const doc = createHash('sha256').update('a document').digest();
  const chain = [ca.issuing.der];
  const detached = (signer: DigestSigner, timestamper?: typeof tsa) => signDetached({ documentDigest: doc, signerCertificate: cert.der, chain, signer, signingTime: new Date(), title: 'Bench', ...(timestamper ? { timestamper } : {}) });
  const cadesB = await rate('CAdES-B, software key', () => detached(software));
  const cadesT = await rate('CAdES-B-T, software key + TSA', () => detached(software, tsa));
  const pdf = makePdf();
  const pades = await rate(`PAdES-B-T of a ${pdf.length}-byte PDF, software key + TSA`, () =>
    signPdf({ pdf, title: 'Bench', signingTime: new Date(), signerCertificate: cert.der, chain, signer: software, timestamper: tsa }),
  );

  // The in-process firmware-sim card (VERIFY + GENERAL AUTHENTICATE 9C per signature).
  const card = await signingCard(ca, dir);
  const onCard = await cardSigner(card);
  const cardRaw = await rate('card alone: VERIFY + GENERAL AUTHENTICATE 9C (in-process)', () => onCard.signDigest(doc));
  const cardCades = await rate('CAdES-B-T, in-process card + TSA', () =>
    signDetached({ documentDigest: doc, signerCertificate: card.sign.der, chain, signer: onCard, signingTime: new Date(), timestamper: tsa }),
  );
  await onCard.close();

  // Validation (chain, profile, signature, document, time-stamp; no status port).
  const { cms } = await detached(software, tsa);
  const signedPdf = (await signPdf({ pdf, title: 'Bench', signingTime: new Date(), signerCertificate: cert.der, chain, signer: software, timestamper: tsa })).pdf;
  const vCades = await rate('validate CAdES-B-T', () => verifySignature(cms, { digest: doc }, { root: ca.root.der }));
  const vPades = await rate('validate PAdES-B-T', () => verifyPdf(signedPdf, { root: ca.root.der }));

  const row = (name: string, r: number, ceiling: number, of: string) => `| ${name} | ${Math.round(r).toLocaleString('en-US')} | ${(r / ceiling).toFixed(3)} of ${of} |`;
  const lines = [
    '| operation | per second | ratio |',
    '|---|---:|---:|',
    row('raw node:crypto P-256 sign (ceiling)', rawSign, rawSign, 'sign'),
    row('raw @noble/curves P-256 sign over a digest', rawNoble, rawSign, 'sign'),
    row('raw node:crypto P-256 verify (ceiling)', rawVerify, rawVerify, 'verify'),
    row('CAdES-B container, software key over the digest', cadesB, rawSign, 'sign'),
    row('CAdES-B-T container (+ TSA token)', cadesT, rawSign, 'sign'),
    row(`PAdES-B-T, ${pdf.length}-byte PDF (+ TSA token)`, pades, rawSign, 'sign'),
    row('in-process card: VERIFY + GENERAL AUTHENTICATE 9C', cardRaw, rawSign, 'sign'),
    row('CAdES-B-T with the in-process card', cardCades, rawSign, 'sign'),
    row('validate CAdES-B-T (chain, profile, signature, time-stamp)', vCades, rawVerify, 'verify'),
    row('validate PAdES-B-T', vPades, rawVerify, 'verify'),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await ks.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
