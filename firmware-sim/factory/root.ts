// The simulated manufacturer's CA: a self-signed P-384 root (RFC 5280 §4.2.1.9
// basicConstraints cA, §4.2.1.3 keyCertSign/cRLSign) that signs each card's F9
// attestation certificate, as Yubico's PIV attestation root does for real keys.
//
// Factory directory layout (mode 0700):
//   <dir>/root/key.pem   the root private key, PKCS#8 PEM, mode 0600
//   <dir>/root/cert.pem  the root certificate, PEM, mode 0644
// The directory is created on first use: both files are written into a fresh
// temporary directory which is then renamed into place, so two processes
// racing to create it end up sharing one root, never half of two.

import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile, chmod } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OID, encodeName, keyIdentifier, randomSerial, signCertificate, toPem, validity } from '../der/certificate.js';
import { bool, der, int, seq } from '../der/encode.js';

export interface FactoryRoot {
  readonly key: KeyObject;
  readonly certDer: Uint8Array;
  readonly certPem: string;
  readonly subject: Uint8Array;
  readonly spki: Uint8Array;
  readonly notAfter: Date;
}

export const ROOT_SUBJECT = [['O', 'cardauth firmware-sim'], ['CN', 'firmware-sim PIV Root CA']] as const;

export function resolveFactoryDir(factoryDir?: string): string {
  return resolve(factoryDir ?? process.env.FIRMWARE_SIM_FACTORY_DIR ?? join(process.cwd(), '.data', 'factory'));
}

/** keyUsage BIT STRING (RFC 5280 §4.2.1.3) from the named bits. */
export function keyUsage(bits: readonly number[]): Uint8Array {
  let v = 0;
  for (const b of bits) v |= 0x80 >> b;
  let unused = 0;
  while (unused < 7 && ((v >> unused) & 1) === 0) unused++;
  return der(0x03, Uint8Array.of(unused, v));
}
export const KU = { keyCertSign: 5, cRLSign: 6 } as const;

export function basicConstraints(ca: boolean, pathLen?: number): Uint8Array {
  return seq(...(ca ? [bool(true)] : []), ...(pathLen === undefined ? [] : [int(pathLen)]));
}

export function authorityKeyId(id: Uint8Array): Uint8Array {
  return seq(der(0x80, id));
}

function newRoot(): { keyPem: string; certPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const name = encodeName(ROOT_SUBJECT);
  const now = new Date();
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime());
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 30);
  const cert = signCertificate({
    serial: randomSerial((n) => new Uint8Array(randomBytes(n))),
    issuer: name,
    subject: name,
    validity: validity(notBefore, notAfter),
    spki,
    extensions: [
      { oid: OID.basicConstraints, critical: true, value: basicConstraints(true) },
      { oid: OID.keyUsage, critical: true, value: keyUsage([KU.keyCertSign, KU.cRLSign]) },
      { oid: OID.subjectKeyIdentifier, value: der(0x04, keyIdentifier(spki)) },
    ],
  }, privateKey);
  return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certPem: toPem('CERTIFICATE', cert) };
}

async function readRoot(rootDir: string): Promise<FactoryRoot> {
  const keyPem = await readFile(join(rootDir, 'key.pem'), 'utf8');
  const certPem = await readFile(join(rootDir, 'cert.pem'), 'utf8');
  const key = createPrivateKey(keyPem);
  const b64 = certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const certDer = new Uint8Array(Buffer.from(b64, 'base64'));
  const { X509Certificate } = await import('node:crypto');
  const x = new X509Certificate(certDer);
  if (!x.checkPrivateKey(key)) throw new Error(`factory: ${rootDir}/key.pem does not match cert.pem`);
  const spki = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  return { key, certDer, certPem, subject: encodeName(ROOT_SUBJECT), spki, notAfter: new Date(x.validTo) };
}

/** Open the factory's root, creating it on first use. */
export async function openFactory(factoryDir?: string): Promise<FactoryRoot> {
  const dir = resolveFactoryDir(factoryDir);
  const rootDir = join(dir, 'root');
  try {
    return await readRoot(rootDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const tmp = join(dir, `.root-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp, { mode: 0o700 });
  try {
    const { keyPem, certPem } = newRoot();
    await writeFile(join(tmp, 'key.pem'), keyPem, { mode: 0o600, flag: 'wx' });
    await writeFile(join(tmp, 'cert.pem'), certPem, { mode: 0o644, flag: 'wx' });
    await rename(tmp, rootDir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    await rm(tmp, { recursive: true, force: true });
    // Another process created the root first: use theirs.
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
  }
  return readRoot(rootDir);
}
