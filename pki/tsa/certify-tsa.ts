// The timestamping authority's certificate (RFC 3161 §2.3): issued by the
// issuing CA, key usage digitalSignature, and exactly one extended key usage,
// id-kp-timeStamping, marked critical ("The corresponding certificate MUST
// contain only one instance of the extended key usage field extension ...
// with KeyPurposeID having value id-kp-timeStamping. This extension MUST be
// critical."). Tokens must stay verifiable for as long as the signatures they
// date, so the certificate lives five years (capped by the issuing CA); the
// key is only ever used to sign TSTInfo.
import type { Signer } from '../keystore/key-store.js';
import { signCertificate } from '../issue/sign-certificate.js';
import { authorityKeyIdentifier, basicConstraints, extKeyUsage, keyUsage, subjectKeyIdentifier } from '../lib/extensions.js';
import { oid } from '../lib/oids.js';
import { randomSerial } from '../lib/serial.js';
import { keyIdentifier } from '../lib/spki.js';
import { wholeSeconds } from '../lib/time.js';

export const TSA_VALIDITY_MS = 5 * 365 * 86_400_000;

export interface TsaCertInput {
  readonly issuerName: Buffer;
  readonly issuerKeyId: Buffer;
  readonly issuerNotAfter: Date;
  readonly subjectName: Buffer;
  readonly tsa: Signer;
  readonly issuer: Signer;
  readonly now: Date;
}

export function certifyTsa(input: TsaCertInput): Promise<Buffer> {
  const now = wholeSeconds(input.now);
  return signCertificate(
    {
      serial: randomSerial(),
      issuer: input.issuerName,
      subject: input.subjectName,
      notBefore: now,
      notAfter: new Date(Math.min(now.getTime() + TSA_VALIDITY_MS, input.issuerNotAfter.getTime())),
      publicKey: input.tsa.publicKey,
      extensions: [
        basicConstraints(false),
        keyUsage(['digitalSignature']),
        extKeyUsage([oid.kpTimeStamping], true),
        subjectKeyIdentifier(keyIdentifier(input.tsa.publicKey)),
        authorityKeyIdentifier(input.issuerKeyId),
      ],
    },
    input.issuer,
  );
}
