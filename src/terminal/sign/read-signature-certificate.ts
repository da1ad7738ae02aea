// Read the card's signature certificate (PIV slot 9C, container 5FC10A) and
// check the terminal can use it: X.509 with a P-256 key. A card issued
// without the signature key has none: it cannot sign documents.
import { X509Certificate, type KeyObject } from 'node:crypto';
import type { PivClient } from '../../card/piv/client.js';
import { pivKeySlots } from '../../card/piv/constants.js';
import { terminalError } from '../codes.js';

export async function readSignatureCertificate(piv: PivClient): Promise<{ readonly der: Uint8Array; readonly publicKey: KeyObject }> {
  const r = await piv.readCertificate(pivKeySlots.SIGNATURE);
  if (!r.ok) throw terminalError('card_not_supported', 'The card has no signature certificate (slot 9C): it was issued without a signature key.');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(r.der);
  } catch (cause) {
    throw terminalError('card_not_supported', 'The signature certificate on the card is not a valid X.509 certificate.', { cause });
  }
  const key = cert.publicKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw terminalError('card_not_supported', 'The card\'s signature key is not ECDSA P-256.');
  }
  return { der: r.der, publicKey: key };
}
