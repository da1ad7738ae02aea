// A CA certificate loaded once: DER, PEM, node:crypto's parsed form, the DER
// of its subject Name (reused byte-for-byte as the issuer name of everything
// it signs), its key identifier and the hash inputs OCSP needs.
import { X509Certificate } from 'node:crypto';
import { PkiError } from '../errors.js';
import { children, expect, isContext, readOne, TAG } from '../lib/der-reader.js';
import { derToPem, pemToDer } from '../lib/pem.js';
import { keyIdentifier, subjectPublicKeyBits } from '../lib/spki.js';

export interface CaCertificate {
  readonly der: Buffer;
  readonly pem: string;
  readonly x509: X509Certificate;
  /** DER of the subject Name. */
  readonly subjectDer: Buffer;
  /** subjectPublicKey BIT STRING contents (RFC 6960 issuerKeyHash input). */
  readonly publicKeyBits: Buffer;
  readonly keyId: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function subjectNameDer(der: Buffer): Buffer {
  const tbs = children(expect(children(readOne(der))[0], TAG.sequence, 'TBSCertificate'));
  const i = isContext(tbs[0], 0) ? 1 : 0;
  return Buffer.from(expect(tbs[i + 4], TAG.sequence, 'subject').der);
}

export function loadCaCertificate(pemOrDer: string | Uint8Array, what: string): CaCertificate {
  try {
    const der = typeof pemOrDer === 'string' ? pemToDer(pemOrDer, 'CERTIFICATE', 'ca_state_corrupt') : Buffer.from(pemOrDer);
    const x509 = new X509Certificate(der);
    return {
      der,
      pem: derToPem(der, 'CERTIFICATE'),
      x509,
      subjectDer: subjectNameDer(der),
      publicKeyBits: subjectPublicKeyBits(x509.publicKey),
      keyId: keyIdentifier(x509.publicKey),
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
    };
  } catch (err) {
    if (err instanceof PkiError) throw err;
    throw new PkiError('ca_state_corrupt', `the ${what} certificate cannot be read`, { cause: err });
  }
}
