// Card Holder Unique Identifier (SP 800-73-4 Part 1 §3.1.2 Table 9).
//
// - 30 FASC-N: the TIG SCEPACS encoding of agency 9999, system 9999,
//   credential 999999 (the non-federal value yubico-piv-tool also writes).
//   Agency code 9999 tells OpenSC (pkcs15-piv.c) to take the token serial
//   from the GUID instead of the FASC-N (docs/piv-wire.md), so the PKCS#11
//   token serial is our card UUID.
// - 34 GUID: the card UUID, 16 bytes (RFC 4122 binary form).
// - 35 expiration date: "YYYYMMDD" (ASCII), the card's expiry.
// - 3E issuer asymmetric signature: empty. A signed CHUID needs a content
//   signing certificate in the PIV sense (SP 800-73-4 Part 1 §3.1.2 NOTE);
//   our trust in the card comes from the 9A certificate and the attestation,
//   so we do not pretend to one.
// - FE error detection code: empty.
import type { CardUuid } from '../types.js';

const FASCN_9999 = Buffer.from('D4E739DA739CED39CE739D836858210842108421C84210C3EB', 'hex');

function tlv(tag: number, value: Uint8Array): Uint8Array {
  if (value.length > 0xff) throw new Error('CHUID field too long');
  const len = value.length < 0x80 ? [value.length] : [0x81, value.length];
  return Uint8Array.from([tag, ...len, ...value]);
}

export function uuidBytes(uuid: CardUuid): Uint8Array {
  return Uint8Array.from(Buffer.from(uuid.replace(/-/g, ''), 'hex'));
}

export function buildChuid(uuid: CardUuid, expiresAt: Date): Uint8Array {
  const y = expiresAt.getUTCFullYear().toString().padStart(4, '0');
  const m = (expiresAt.getUTCMonth() + 1).toString().padStart(2, '0');
  const d = expiresAt.getUTCDate().toString().padStart(2, '0');
  return Uint8Array.from(
    Buffer.concat([
      tlv(0x30, FASCN_9999),
      tlv(0x34, uuidBytes(uuid)),
      tlv(0x35, Buffer.from(`${y}${m}${d}`, 'ascii')),
      tlv(0x3e, new Uint8Array(0)),
      tlv(0xfe, new Uint8Array(0)),
    ]),
  );
}
