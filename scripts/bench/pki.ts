// npm run bench:pki — throughput of the national CA on this machine, one
// process, beside the raw node:crypto P-256 sign/verify ceiling measured in
// the same run (the machine is noisy, ±30% between runs: compare ratios
// within one run only; docs/benchmarks.md).
// Prints a markdown table for the README.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSoftHsmToken } from '../../test/support/softhsm.js';
import {
  createCardCertificateVerifier,
  FileKeyStore,
  Pkcs11KeyStore,
  initCa,
  openCa,
  type CertSerialHex,
  type CertStatus,
} from '../../pki/index.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 2);

async function rate(name: string, op: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < 50; i++) await op(i); // warm-up
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end) {
    for (let k = 0; k < 20; k++) await op(n++);
  }
  const perSecond = n / ((performance.now() - start) / 1000);
  process.stderr.write(`${name}: ${Math.round(perSecond)}/s\n`);
  return perSecond;
}

/** Only successful OCSP answers count: an error response would be measured as "fast". */
async function answered(p: Promise<{ responseStatus: string }>): Promise<void> {
  const a = await p;
  if (a.responseStatus !== 'successful') throw new Error(`OCSP answered ${a.responseStatus}`);
}

const dir = mkdtempSync(join(tmpdir(), 'cardauth-bench-pki-'));
try {
  const ks = FileKeyStore.open(join(dir, 'keys'), 'benchmark passphrase');
  await initCa({
    dataDir: dir,
    keyStore: ks,
    config: { country: 'LU', organization: 'Bench', baseUrl: 'http://127.0.0.1:8080', issuingCurve: 'P-256', maxCardValidityDays: 1826 },
  });
  const ca = await openCa({ dataDir: dir, keyStore: ks });
  const subject = { country: 'LU', surname: 'Müller', givenName: 'Anne-Marie', nationalId: '19900101123' };
  const notAfter = new Date(Date.now() + 3 * 365 * 86_400_000);
  const statuses = new Map<string, CertStatus>();
  const lookup = async (s: CertSerialHex): Promise<CertStatus> => statuses.get(s) ?? { status: 'unknown' };

  // Ceiling: raw node:crypto P-256 with pre-built KeyObjects
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.alloc(32, 7);
  const sig = sign('sha256', data, privateKey);
  const rawSign = await rate('raw P-256 sign', () => sign('sha256', data, privateKey));
  const rawVerify = await rate('raw P-256 verify', () => verify('sha256', data, publicKey, sig));

  // Issuance (profile pipeline + DER encoding (pki/lib/der.ts) + issuing-key signature + self-check)
  const cardKeys = Array.from({ length: 64 }, () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
  const issue = await rate('certificates issued', (i) =>
    ca.issueCardCertificate({ publicKey: cardKeys[i % cardKeys.length]!, profile: 'card-auth', subject, notAfter }),
  );

  // Verification: distinct certificates (uncached) and one certificate again and again (cached)
  const certs: { der: Buffer; pem: string; serialHex: CertSerialHex }[] = [];
  for (let i = 0; i < 256; i++) {
    const c = await ca.issueCardCertificate({ publicKey: cardKeys[i % cardKeys.length]!, profile: 'card-auth', subject, notAfter });
    statuses.set(c.serialHex, { status: 'good' });
    certs.push(c);
  }
  const uncachedVerifier = createCardCertificateVerifier({ issuing: ca.issuing, root: ca.root, status: lookup, cacheEntries: 1 });
  const cachedVerifier = createCardCertificateVerifier({ issuing: ca.issuing, root: ca.root, status: lookup });
  const uncached = await rate('verify uncached', (i) => uncachedVerifier.verify(certs[i % certs.length]!.der));
  const cached = await rate('verify cached', () => cachedVerifier.verify(certs[0]!.der));
  // (verify() throws unless the certificate is good, so these rates count successes only)

  // OCSP: a nonce makes every response fresh (signed now); without one it is served from the cache
  const cardFile = join(dir, 'card.pem');
  writeFileSync(cardFile, certs[0]!.pem);
  const issuingFile = join(dir, 'pki', 'issuing.crt');
  execFileSync('openssl', ['ocsp', '-issuer', issuingFile, '-cert', cardFile, '-reqout', join(dir, 'nonce.req')]);
  execFileSync('openssl', ['ocsp', '-issuer', issuingFile, '-cert', cardFile, '-no_nonce', '-reqout', join(dir, 'plain.req')]);
  const withNonce = readFileSync(join(dir, 'nonce.req'));
  const plain = readFileSync(join(dir, 'plain.req'));
  const responder = ca.createOcspResponder({ status: lookup });
  const ocspFresh = await rate('OCSP fresh', () => answered(responder.respond(withNonce)));
  const ocspCached = await rate('OCSP cached', () => answered(responder.respond(plain)));

  // The same issuance and fresh OCSP with the CA keys in SoftHSM2 (PKCS#11)
  const token = createSoftHsmToken('cardauth-bench');
  const hsm = Pkcs11KeyStore.open({ library: token.library, tokenLabel: token.label, pin: token.pin });
  const hsmDir = join(dir, 'hsm');
  await initCa({
    dataDir: hsmDir,
    keyStore: hsm,
    config: { country: 'LU', organization: 'Bench', baseUrl: 'http://127.0.0.1:8080', issuingCurve: 'P-256', maxCardValidityDays: 1826 },
  });
  const hsmCa = await openCa({ dataDir: hsmDir, keyStore: hsm });
  const hsmIssue = await rate('certificates issued (SoftHSM2)', (i) =>
    hsmCa.issueCardCertificate({ publicKey: cardKeys[i % cardKeys.length]!, profile: 'card-auth', subject, notAfter }),
  );
  const hsmCard = await hsmCa.issueCardCertificate({ publicKey: cardKeys[0]!, profile: 'card-auth', subject, notAfter });
  statuses.set(hsmCard.serialHex, { status: 'good' });
  writeFileSync(join(dir, 'hsm-card.pem'), hsmCard.pem);
  execFileSync('openssl', ['ocsp', '-issuer', join(hsmDir, 'pki', 'issuing.crt'), '-cert', join(dir, 'hsm-card.pem'), '-reqout', join(dir, 'hsm.req')]);
  const hsmRequest = readFileSync(join(dir, 'hsm.req'));
  const hsmResponder = hsmCa.createOcspResponder({ status: lookup });
  const hsmOcsp = await rate('OCSP fresh (SoftHSM2)', () => answered(hsmResponder.respond(hsmRequest)));
  await hsm.close();
  token.cleanup();

  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const rows: [string, number, string][] = [
    ['raw node:crypto P-256 sign (ceiling)', rawSign, '1.00 of sign'],
    ['raw node:crypto P-256 verify (ceiling)', rawVerify, '1.00 of verify'],
    ['card certificates issued (profile pipeline, DER encoding, file key, self-check)', issue, `${(issue / rawSign).toFixed(2)} of sign`],
    ['OCSP responses, fresh (nonce: parsed, looked up, signed)', ocspFresh, `${(ocspFresh / rawSign).toFixed(2)} of sign`],
    ['OCSP responses, cached (no nonce, until nextUpdate)', ocspCached, `${(ocspCached / rawSign).toFixed(2)} of sign`],
    ['card certificates issued, CA key in SoftHSM2 (PKCS#11)', hsmIssue, `${(hsmIssue / rawSign).toFixed(2)} of sign`],
    ['OCSP responses, fresh, responder key in SoftHSM2', hsmOcsp, `${(hsmOcsp / rawSign).toFixed(2)} of sign`],
    ['card certificate verification, uncached (parse + chain + checks)', uncached, `${(uncached / rawVerify).toFixed(2)} of verify`],
    ['card certificate verification, cached (hash + LRU + validity + status)', cached, `${(cached / rawVerify).toFixed(2)} of verify`],
  ];
  process.stdout.write(
    `| pki operation (one process, ${SECONDS}s each) | per second | ratio |\n|---|---:|---:|\n` +
      rows.map(([n, v, r]) => `| ${n} | ${fmt(v)} | ${r} |`).join('\n') +
      '\n',
  );
  await ks.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
