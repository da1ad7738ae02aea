// Manufacturing a blank card: what a card vendor does before shipping
// (Yubico: factory PIN 123456, PUK 12345678, 3DES management key
// 010203…08, 3 tries each, and an F9 attestation key with a certificate from
// the manufacturer's PIV attestation CA in object 5FFF01).
// The F9 certificate is an intermediate CA certificate (basicConstraints
// cA=TRUE, pathLen 0, keyCertSign) so that chain builders — openssl verify,
// Go's x509, pkijs — accept it as the issuer of the attestation certificates.

import { randomBytes } from 'node:crypto';
import { concat, tlv } from '../tlv/ber.js';
import type { CardState } from '../card/state.js';
import { createCardFile } from '../card/store.js';
import { OID, encodeName, keyIdentifier, randomSerial, signCertificate, validity } from '../der/certificate.js';
import { der } from '../der/encode.js';
import { ALG, DEFAULT_MGM_KEY, DEFAULT_PIN, DEFAULT_PUK, DEFAULT_TRIES, PIN_POLICY, TOUCH_POLICY } from '../piv/constants.js';
import { generateKey, subjectPublicKeyInfo } from '../piv/keys.js';
import { DEFAULT_DISCOVERY } from '../piv/objects.js';
import { makeReference, padValue } from '../piv/reference-data.js';
import { KU, authorityKeyId, basicConstraints, keyUsage, openFactory } from './root.js';

export class ManufactureError extends Error {
  override readonly name = 'ManufactureError';
}

/** Subject of a card's F9 certificate (the issuer of its attestations). */
export function attestationIssuerName(serial: number): Uint8Array {
  return encodeName([['O', 'cardauth firmware-sim'], ['CN', 'firmware-sim PIV Attestation'], ['serialNumber', String(serial)]]);
}

/** PIV certificate container content (SP 800-73-4 Part 1 Table 10): 70 cert, 71 CertInfo 00, FE LRC. */
export function certificateContainer(certDer: Uint8Array): Uint8Array {
  return concat(tlv(0x70, certDer), tlv(0x71, Uint8Array.of(0)), tlv(0xfe));
}

export async function buildBlankCard(opts: { serial: number; factoryDir?: string; now?: Date }): Promise<CardState> {
  const { serial } = opts;
  if (!Number.isInteger(serial) || serial < 1 || serial > 0xffffffff) {
    throw new ManufactureError('serial must be an integer from 1 to 4294967295');
  }
  const root = await openFactory(opts.factoryDir);
  const now = opts.now ?? new Date();
  const f9 = await generateKey(ALG.ECCP256);
  const spki = subjectPublicKeyInfo(f9);
  const notBefore = new Date(now.getTime() - 60_000);
  const f9Cert = signCertificate({
    serial: randomSerial((n) => new Uint8Array(randomBytes(n))),
    issuer: root.subject,
    subject: attestationIssuerName(serial),
    validity: validity(notBefore, root.notAfter),
    spki,
    extensions: [
      { oid: OID.basicConstraints, critical: true, value: basicConstraints(true, 0) },
      { oid: OID.keyUsage, critical: true, value: keyUsage([KU.keyCertSign]) },
      { oid: OID.subjectKeyIdentifier, value: der(0x04, keyIdentifier(spki)) },
      { oid: OID.authorityKeyIdentifier, value: authorityKeyId(keyIdentifier(root.spki)) },
    ],
  }, root.key);
  return {
    serial,
    lifecycle: { manufacturedAt: now.toISOString(), resetCount: 0 },
    pin: makeReference(padValue(DEFAULT_PIN), DEFAULT_TRIES, true),
    puk: makeReference(padValue(DEFAULT_PUK), DEFAULT_TRIES, true),
    mgm: { algorithm: ALG.TDES, key: DEFAULT_MGM_KEY.slice(), touchPolicy: TOUCH_POLICY.NEVER, isDefault: true },
    keys: {
      f9: { algorithm: ALG.ECCP256, pinPolicy: PIN_POLICY.NEVER, touchPolicy: TOUCH_POLICY.NEVER, origin: 'generated', material: f9 },
    },
    objects: {
      '7e': DEFAULT_DISCOVERY.slice(),
      '5fff01': certificateContainer(f9Cert),
    },
  };
}

/** Manufacture a blank card into a new file (never overwrites an existing card). */
export async function manufactureCard(opts: { serial: number; out: string; factoryDir?: string }): Promise<void> {
  const state = await buildBlankCard(opts);
  try {
    await createCardFile(opts.out, state);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ManufactureError(`${opts.out} already exists`);
    throw e;
  }
}
