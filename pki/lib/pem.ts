// RFC 7468 textual encoding: PEM <-> DER for certificates and CRLs.
import { PkiError, type PkiErrorCode } from '../errors.js';

export function derToPem(der: Uint8Array, label: 'CERTIFICATE' | 'X509 CRL' | 'PUBLIC KEY'): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** First PEM block with the label, as DER. Throws `code` if there is none. */
export function pemToDer(pem: string, label: string, code: PkiErrorCode = 'cert_malformed'): Buffer {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`);
  const m = re.exec(pem);
  if (!m?.[1]) throw new PkiError(code, `no ${label} PEM block found`);
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

/** All PEM certificate blocks in a text (a bundle), as DER. */
export function pemBundleToDer(pem: string): Buffer[] {
  const out: Buffer[] = [];
  const re = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) out.push(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'));
  return out;
}
