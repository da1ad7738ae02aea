// Re-certifies the OCSP responder key now, whatever is left of its
// certificate (`cardauth ca renew-ocsp`; the service renews by itself, see
// maintain-ocsp-responder.ts): a new ocsp.crt for the same key, signed by the
// issuing CA, recorded by the caller's audit sink when it has one, then
// renamed over the old file. Running services take it up within their next
// maintenance round.
import type { KeyStore } from '../keystore/key-store.js';
import type { OcspRenewalAudit } from './maintain-ocsp-responder.js';
import { openCa } from './open-ca.js';

export async function renewOcspResponder(options: {
  dataDir: string;
  keyStore: KeyStore;
  now?: Date;
  audit?: OcspRenewalAudit;
}): Promise<string> {
  const ca = await openCa({ dataDir: options.dataDir, keyStore: options.keyStore });
  const renewed = await ca.renewOcspResponder({ now: options.now, audit: options.audit });
  return renewed.pem;
}
