// Re-certifies the OCSP responder key before its short-lived certificate
// (id-pkix-ocsp-nocheck, RFC 6960 §4.2.2.2.1) expires: a new ocsp.crt for the
// same key, signed by the issuing CA, written to a temporary file and renamed
// over the old one (a reader sees the old or the new file, never half).
// Running services pick it up when they next open the CA.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PkiError } from '../errors.js';
import { keyNames, type KeyStore } from '../keystore/key-store.js';
import { derToPem } from '../lib/pem.js';
import { spkiDer } from '../lib/spki.js';
import { loadCaCertificate } from './ca-certificate.js';
import { certifyOcspResponder } from './certify-ocsp-responder.js';
import { pkiDir, pkiFiles } from './files.js';
import { openCa } from './open-ca.js';

export async function renewOcspResponder(options: { dataDir: string; keyStore: KeyStore; now?: Date }): Promise<string> {
  const ca = await openCa({ dataDir: options.dataDir, keyStore: options.keyStore });
  const issuer = await options.keyStore.getSigner(keyNames.issuing);
  const responder = await options.keyStore.getSigner(keyNames.ocsp);
  const der = await certifyOcspResponder({
    issuerName: ca.issuing.subjectDer,
    issuerKeyId: ca.issuing.keyId,
    issuerNotAfter: ca.issuing.notAfter,
    subjectName: ca.ocsp.subjectDer,
    responder,
    issuer,
    now: options.now ?? new Date(),
  });
  const fresh = loadCaCertificate(der, 'OCSP responder');
  if (!spkiDer(fresh.x509.publicKey).equals(spkiDer(responder.publicKey))) {
    throw new PkiError('ca_state_corrupt', 'renewed OCSP certificate does not carry the responder key');
  }
  const file = join(pkiDir(options.dataDir), pkiFiles.ocsp);
  const pem = derToPem(der, 'CERTIFICATE');
  writeFileSync(`${file}.tmp`, pem, { mode: 0o644 });
  renameSync(`${file}.tmp`, file);
  return pem;
}
