// The delegated OCSP responder certificate (RFC 6960 §4.2.2.2): issued by
// the issuing CA, id-kp-OCSPSigning, and id-pkix-ocsp-nocheck (§4.2.2.2.1)
// so clients do not ask for its own status — which is why it is short-lived
// (one year) and renewed with `renewOcspResponder`.
import type { Signer } from '../keystore/key-store.js';
import { signCertificate } from '../issue/sign-certificate.js';
import {
  authorityKeyIdentifier,
  basicConstraints,
  extKeyUsage,
  keyUsage,
  ocspNoCheck,
  subjectKeyIdentifier,
} from '../lib/extensions.js';
import { oid } from '../lib/oids.js';
import { randomSerial } from '../lib/serial.js';
import { keyIdentifier } from '../lib/spki.js';
import { wholeSeconds } from '../lib/time.js';

export const OCSP_RESPONDER_VALIDITY_MS = 365 * 86_400_000;

export interface OcspResponderCertInput {
  readonly issuerName: Buffer;
  readonly issuerKeyId: Buffer;
  readonly issuerNotAfter: Date;
  readonly subjectName: Buffer;
  readonly responder: Signer;
  readonly issuer: Signer;
  readonly now: Date;
}

export function certifyOcspResponder(input: OcspResponderCertInput): Promise<Buffer> {
  const now = wholeSeconds(input.now);
  return signCertificate(
    {
      serial: randomSerial(),
      issuer: input.issuerName,
      subject: input.subjectName,
      notBefore: now,
      notAfter: new Date(Math.min(now.getTime() + OCSP_RESPONDER_VALIDITY_MS, input.issuerNotAfter.getTime())),
      publicKey: input.responder.publicKey,
      extensions: [
        basicConstraints(false),
        keyUsage(['digitalSignature']),
        extKeyUsage([oid.kpOcspSigning]),
        ocspNoCheck(),
        subjectKeyIdentifier(keyIdentifier(input.responder.publicKey)),
        authorityKeyIdentifier(input.issuerKeyId),
      ],
    },
    input.issuer,
  );
}
