// A CA certificate loaded once: DER, PEM, node:crypto's parsed form and the
// pkijs form (for its subject name, reused byte-for-byte as the issuer name
// of everything it signs).
import { X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { PkiError } from '../errors.js';
import { derToPem, pemToDer } from '../lib/pem.js';
import { keyIdentifier } from '../lib/spki.js';

export interface CaCertificate {
  readonly der: Buffer;
  readonly pem: string;
  readonly x509: X509Certificate;
  readonly subject: pkijs.RelativeDistinguishedNames;
  readonly keyId: Buffer;
  readonly notAfter: Date;
}

export function loadCaCertificate(pemOrDer: string | Uint8Array, what: string): CaCertificate {
  try {
    const der = typeof pemOrDer === 'string' ? pemToDer(pemOrDer, 'CERTIFICATE', 'ca_state_corrupt') : Buffer.from(pemOrDer);
    const x509 = new X509Certificate(der);
    const parsed = pkijs.Certificate.fromBER(der);
    return {
      der,
      pem: derToPem(der, 'CERTIFICATE'),
      x509,
      subject: parsed.subject,
      keyId: keyIdentifier(x509.publicKey),
      notAfter: new Date(x509.validTo),
    };
  } catch (err) {
    if (err instanceof PkiError) throw err;
    throw new PkiError('ca_state_corrupt', `the ${what} certificate cannot be read`, { cause: err });
  }
}
