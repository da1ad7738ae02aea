// Ports of document signing: who makes the signature value (the card, over a
// 32-byte digest) and who dates it (the timestamping authority). The
// composition root and the terminal hand in the real ones; the TSA of
// pki/ (`ca.tsa`) is a Timestamper as it is.
import type { MessageImprint } from '../../pki/index.js';

/** Signs a 32-byte SHA-256 digest as the ECDSA hash value (GENERAL AUTHENTICATE); returns a DER ECDSA-Sig-Value. */
export interface DigestSigner {
  signDigest(digest: Uint8Array): Promise<Uint8Array>;
}

/** RFC 3161: a TimeStampToken (ContentInfo DER) over a message imprint, and the time it states. */
export interface Timestamper {
  stamp(imprint: MessageImprint): Promise<{ readonly token: Buffer; readonly genTime: Date }>;
}
