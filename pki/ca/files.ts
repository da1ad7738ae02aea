// Layout of the CA in a data directory: <data-dir>/pki/{root,issuing,ocsp,tsa}.crt
// (PEM), ca.json (configuration), crl-number (counter), result-keys.json (the
// result-signing key set after a rotation; absent until the first one).
import { join } from 'node:path';

export function pkiDir(dataDir: string): string {
  return join(dataDir, 'pki');
}

export const pkiFiles = {
  root: 'root.crt',
  issuing: 'issuing.crt',
  ocsp: 'ocsp.crt',
  tsa: 'tsa.crt',
  config: 'ca.json',
  crlNumber: 'crl-number',
  resultKeys: 'result-keys.json',
} as const;
