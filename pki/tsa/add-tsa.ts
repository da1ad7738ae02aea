// Gives an existing CA its timestamping authority (a CA made before the TSA
// existed; `initCa` makes one with the rest of the hierarchy): a P-256 key
// `tsa` in the key store and `<data-dir>/pki/tsa.crt` from the issuing CA.
// Idempotent: with tsa.crt present it changes nothing. A key left by an
// interrupted run is certified rather than replaced; the certificate is
// written to a temporary file and renamed (a reader sees no certificate or
// a whole one). Two processes racing both certify the same key, and either
// certificate is valid for it.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCaCertificate } from '../ca/ca-certificate.js';
import { pkiDir, pkiFiles } from '../ca/files.js';
import { PkiError, isPkiError } from '../errors.js';
import { keyNames, type KeyStore, type Signer } from '../keystore/key-store.js';
import { derToPem } from '../lib/pem.js';
import { spkiDer } from '../lib/spki.js';
import { certifyTsa } from './certify-tsa.js';
import { tsaSubjectName } from './tsa-name.js';

export async function addTsa(options: { dataDir: string; keyStore: KeyStore; now?: Date }): Promise<{ readonly pem: string; readonly created: boolean }> {
  const dir = pkiDir(options.dataDir);
  const file = join(dir, pkiFiles.tsa);
  if (existsSync(file)) return { pem: readFileSync(file, 'utf8'), created: false };
  const issuingPath = join(dir, pkiFiles.issuing);
  if (!existsSync(issuingPath)) throw new PkiError('ca_not_initialised', `no CA in ${dir}; run 'cardauth ca init'`);
  const issuing = loadCaCertificate(readFileSync(issuingPath, 'utf8'), 'issuing');
  const config = JSON.parse(readFileSync(join(dir, pkiFiles.config), 'utf8')) as { country: string; organization: string };
  const issuer = await options.keyStore.getSigner(keyNames.issuing);
  let tsa: Signer;
  try {
    tsa = await options.keyStore.generate(keyNames.tsa, 'P-256');
  } catch (err) {
    if (!isPkiError(err, 'key_exists')) throw err;
    tsa = await options.keyStore.getSigner(keyNames.tsa);
  }
  const der = await certifyTsa({
    issuerName: issuing.subjectDer,
    issuerKeyId: issuing.keyId,
    issuerNotAfter: issuing.notAfter,
    subjectName: tsaSubjectName(config),
    tsa,
    issuer,
    now: options.now ?? new Date(),
  });
  const fresh = loadCaCertificate(der, 'TSA');
  if (!spkiDer(fresh.x509.publicKey).equals(spkiDer(tsa.publicKey))) throw new PkiError('ca_state_corrupt', 'the TSA certificate does not carry the TSA key');
  const pem = derToPem(der, 'CERTIFICATE');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, pem, { mode: 0o644 });
  renameSync(tmp, file);
  return { pem, created: true };
}
