// A synthetic card manufacturer for the attestation path tests: a root, CA
// certificates with whatever basicConstraints / keyUsage a test asks for, and
// Yubico-format attestation certificates (developers.yubico.com PIV
// attestation: CN "YubiKey PIV Attestation <slot>", extensions
// 1.3.6.1.4.1.41482.3.{3,7,8,9}) signed by any of them. Each certificate is
// built outside any profile on purpose, so one rule can be broken at a time.
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Signer } from '../../pki/index.js';
import { signCertificate } from '../../pki/issue/sign-certificate.js';
import { bigInteger, seq, tlv } from '../../pki/lib/der.js';
import * as ext from '../../pki/lib/extensions.js';
import type { KeyUsageName } from '../../pki/lib/extensions.js';
import { buildName } from '../../pki/lib/names.js';
import { oid } from '../../pki/lib/oids.js';
import { derToPem } from '../../pki/lib/pem.js';
import { randomSerial } from '../../pki/lib/serial.js';
import { keyIdentifier } from '../../pki/lib/spki.js';

export interface TestCert {
  readonly der: Buffer;
  readonly pem: string;
  readonly subjectDer: Buffer;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

export function keySigner(name: string, privateKey: KeyObject, publicKey: KeyObject): Signer {
  return { name, curve: 'P-256', publicKey, sign: async (data) => sign('sha256', data, privateKey) };
}

const DAY = 86_400_000;

export interface CaCertOptions {
  readonly cn: string;
  /** Issuer; none = self-signed. */
  readonly issuer?: TestCert;
  /**
   * basicConstraints: 'ca' (cA TRUE), 'not-ca' (the extension with cA
   * absent, i.e. FALSE), 'explicit-false' (cA FALSE written out, not DER),
   * 'absent' (no extension at all).
   */
  readonly basic?: 'ca' | 'not-ca' | 'explicit-false' | 'absent';
  readonly pathLen?: number;
  /** keyUsage bits; null = no keyUsage extension. */
  readonly keyUsage?: readonly KeyUsageName[] | null;
  /** Sign with this key instead of the issuer's (a forged signature). */
  readonly signWith?: KeyObject;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export async function makeCaCert(o: CaCertOptions): Promise<TestCert> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const subjectDer = buildName([{ type: oid.organizationName, value: 'cardauth test manufacturer' }, { type: oid.commonName, value: o.cn }]);
  const issuer = o.issuer;
  const basic = o.basic ?? 'ca';
  const extensions: Buffer[] = [];
  if (basic === 'ca') extensions.push(ext.basicConstraints(true, o.pathLen));
  if (basic === 'not-ca') extensions.push(ext.basicConstraints(false));
  if (basic === 'explicit-false') extensions.push(ext.extension(oid.basicConstraints, true, seq(tlv(0x01, Uint8Array.of(0)))));
  const keyUsage = o.keyUsage === undefined ? (['keyCertSign', 'cRLSign'] as const) : o.keyUsage;
  if (keyUsage !== null) extensions.push(ext.keyUsage(keyUsage));
  extensions.push(ext.subjectKeyIdentifier(keyIdentifier(publicKey)));
  if (issuer) extensions.push(ext.authorityKeyIdentifier(keyIdentifier(issuer.publicKey)));
  const signerKey = o.signWith ?? issuer?.privateKey ?? privateKey;
  const der = await signCertificate(
    {
      serial: randomSerial(),
      issuer: issuer?.subjectDer ?? subjectDer,
      subject: subjectDer,
      notBefore: o.notBefore ?? new Date(Date.now() - DAY),
      notAfter: o.notAfter ?? new Date(Date.now() + 3650 * DAY),
      publicKey,
      extensions,
    },
    keySigner('test', signerKey, o.signWith ? createPublicKey(o.signWith) : issuer?.publicKey ?? publicKey),
  );
  return { der, pem: derToPem(der, 'CERTIFICATE'), subjectDer, publicKey, privateKey };
}

export interface AttestationLeafOptions {
  readonly serial: number;
  /** Yubico PIN policy byte (3 = always). */
  readonly pinPolicy?: number;
  readonly slot?: string;
  /** The attested key; a fresh P-256 key by default. */
  readonly key?: KeyObject;
  /** Add an authorityKeyIdentifier (Yubico's own leaves have none; openssl -x509_strict wants one). */
  readonly aki?: boolean;
  /** Sign with this private key instead of the issuer's (a forged signature under the issuer's name and key id). */
  readonly signWith?: KeyObject;
}

/** A Yubico-format attestation certificate signed by `issuer` (the F9 certificate's key). */
export async function makeAttestationLeaf(issuer: TestCert, o: AttestationLeafOptions): Promise<{ der: Buffer; pem: string; key: KeyObject }> {
  const key = o.key ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const extensions = [
    ext.extension(oid.yubicoFirmware, false, Uint8Array.of(5, 4, 3)),
    ext.extension(oid.yubicoSerial, false, bigInteger(BigInt(o.serial))),
    ext.extension(oid.yubicoPolicy, false, Uint8Array.of(o.pinPolicy ?? 3, 1)),
    ext.extension(oid.yubicoFormFactor, false, Uint8Array.of(1)),
  ];
  if (o.aki) extensions.push(ext.authorityKeyIdentifier(keyIdentifier(issuer.publicKey)));
  const der = await signCertificate(
    {
      serial: randomSerial(),
      issuer: issuer.subjectDer,
      subject: buildName([{ type: oid.commonName, value: `YubiKey PIV Attestation ${o.slot ?? '9a'}` }]),
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 3650 * DAY),
      publicKey: key,
      extensions,
    },
    o.signWith ? keySigner('forger', o.signWith, createPublicKey(o.signWith)) : keySigner('f9', issuer.privateKey, issuer.publicKey),
  );
  return { der, pem: derToPem(der, 'CERTIFICATE'), key };
}
