// The card's F9 attestation certificate (Yubico object 5FFF01, a PIV
// certificate container: 70 DER, 71 CertInfo, FE LRC), issuer of every
// attestation the card makes.
import type { PivClient } from '../../card/piv/index.js';
import { pivKeySlots } from '../../card/piv/constants.js';

export async function readAttestationIssuer(piv: PivClient): Promise<Uint8Array | undefined> {
  const r = await piv.readCertificate(pivKeySlots.ATTESTATION);
  return r.ok ? r.der : undefined;
}
