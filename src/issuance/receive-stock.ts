// A blank card into the stock, from what the card says itself (docs/
// architecture.md, flow 1): its serial (GET SERIAL) and its F9 attestation
// certificate, which the personalisation later compares with the card it is
// given. The card is read in APDUs over whatever channel it is in: a local
// reader, or a thin station's.
import { X509Certificate } from 'node:crypto';
import type { CardChannel } from '../card/channel.js';
import { PivClient } from '../card/piv/client.js';
import { readCertificate } from '../card/piv/read-certificate.js';
import { requirePermission } from '../access/permissions.js';
import type { Clock } from '../util/clock.js';
import { issuanceError } from './codes.js';
import type { Actor, IssuanceRegistry } from './ports/registry.js';
import type { CardSerial } from './types.js';

/** The CN of the attestation certificate's issuer (the manufacturer's attestation CA), if it has one. */
function issuerName(der: Uint8Array): string | undefined {
  try {
    const cn = /^CN=(.+)$/m.exec(new X509Certificate(der).issuer)?.[1];
    return cn?.slice(0, 100);
  } catch {
    return undefined;
  }
}

export interface ReceivedCard {
  readonly serial: CardSerial;
  readonly manufacturer: string;
  readonly attestationRecorded: boolean;
}

export async function receiveStockFromCard(
  deps: { readonly registry: IssuanceRegistry; readonly clock: Clock },
  channel: CardChannel,
  actor: Actor,
  manufacturer?: string,
): Promise<ReceivedCard> {
  requirePermission(actor, 'stock.receive');
  const piv = await PivClient.open(channel);
  if (!piv.ok) throw issuanceError('card_not_blank', 'The card has no PIV application', { detail: { why: 'no PIV application' } });
  const serial = await piv.client.getSerial();
  if (!serial.ok) throw issuanceError('card_not_blank', 'The card does not tell its serial (GET SERIAL), which the stock and the issuance engine need', { detail: { why: 'no serial' } });
  const attestation = await readCertificate(channel, 0xf9);
  const attestationCertDer = attestation.ok ? attestation.der : undefined;
  const name = manufacturer ?? (attestationCertDer && issuerName(attestationCertDer)) ?? 'unknown';
  await deps.registry.receiveStock({ serial: serial.serial, manufacturer: name, attestationCertDer }, actor, deps.clock.now());
  return { serial: serial.serial, manufacturer: name, attestationRecorded: attestationCertDer !== undefined };
}
