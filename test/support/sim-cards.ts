// Citizen cards for load and fault tests: firmware-sim cards personalised as
// the issuance engine does it (test/terminal/support.ts: 9A key generated on
// the card with PIN policy ALWAYS, certificate from the given CA, the
// citizen's PIN), each kept open on an in-process channel, so a signature is
// what a terminal gets: VERIFY the PIN, then GENERAL AUTHENTICATE over the
// server's signing input — the private key never leaves the card. A card
// signs one request at a time, as a real one does.
import type { CertificateAuthority } from '../../pki/index.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import type { CardChannel } from '../../src/card/channel.js';
import { PivClient } from '../../src/card/piv/client.js';
import { pivKeySlots } from '../../src/card/piv/constants.js';
import { cardFactory, CITIZEN_PIN, type CitizenCard } from '../terminal/support.js';

export interface SimCard {
  /** What the registry keeps: certificate, its serial, card serial, national id. */
  readonly der: Buffer;
  readonly serialHex: string;
  readonly cardSerial: number;
  readonly nationalId: string;
  /** The card's signature (DER) over a 32-byte signing input, after VERIFY with the citizen's PIN. */
  sign(inputHex: string): Promise<Buffer>;
}

export interface SimCardPool {
  readonly cards: readonly SimCard[];
  close(): Promise<void>;
}

export async function simCardPool(ca: CertificateAuthority, count: number): Promise<SimCardPool> {
  const factory = cardFactory(ca);
  const channels: CardChannel[] = [];
  const cards: SimCard[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const c: CitizenCard = await factory.citizenCard();
      const channel = await openInProcessChannel(c.card);
      channels.push(channel);
      const opened = await PivClient.open(channel);
      if (!opened.ok) throw new Error('no PIV application on a personalised card');
      const piv = opened.client;
      cards.push({
        der: Buffer.from(c.certificateDer),
        serialHex: c.serialHex,
        cardSerial: c.serial,
        nationalId: c.nationalId,
        async sign(inputHex) {
          const r = await piv.verifyPinAndSign(new TextEncoder().encode(CITIZEN_PIN), pivKeySlots.AUTHENTICATION, 'ECCP256', Buffer.from(inputHex, 'hex'));
          if (!r.ok) throw new Error(`the card refused to sign: ${r.reason}`);
          return Buffer.from(r.signature);
        },
      });
    }
  } catch (err) {
    for (const ch of channels) await ch.close().catch(() => undefined);
    factory.cleanup();
    throw err;
  }
  return {
    cards,
    async close() {
      for (const ch of channels) await ch.close().catch(() => undefined);
      factory.cleanup();
    },
  };
}
