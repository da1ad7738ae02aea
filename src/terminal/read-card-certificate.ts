// Read the card's authentication certificate (PIV slot 9A, container
// 5FC105; SP 800-73-4 Part 1 Table 3) and check it can carry a cardauth
// signature: an X.509 certificate with a P-256 key (issuance generates the
// 9A key as P-256: docs/architecture.md, flow 1 step 4).
// Trust is the server's decision; the terminal only refuses cards it cannot
// use, before it asks the citizen for the PIN.
import { X509Certificate, type KeyObject } from 'node:crypto';
import type { PivClient } from '../card/piv/client.js';
import { pivKeySlots } from '../card/piv/constants.js';
import { terminalError } from './codes.js';

export interface CardCertificate {
  readonly der: Uint8Array;
  readonly publicKey: KeyObject;
}

export async function readCardCertificate(piv: PivClient): Promise<CardCertificate> {
  const r = await piv.readCertificate(pivKeySlots.AUTHENTICATION);
  if (!r.ok) throw terminalError('card_not_supported', 'The card has no authentication certificate (slot 9A).');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(r.der);
  } catch (cause) {
    throw terminalError('card_not_supported', 'The authentication certificate on the card is not a valid X.509 certificate.', { cause });
  }
  const key = cert.publicKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw terminalError('card_not_supported', 'The card\'s authentication key is not ECDSA P-256.');
  }
  return { der: r.der, publicKey: key };
}
