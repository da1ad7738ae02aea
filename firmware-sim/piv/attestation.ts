// PIV attestation certificates in the Yubico format (Yubico developer docs
// "PIV Attestation"; the format yubico-piv-tool, yubikey-manager, piv-go and
// other verifiers parse):
// - signed by the card's F9 attestation key; issuer = the subject of the F9
//   certificate held in object 5FFF01; validity copied from that certificate;
// - subject `CN=YubiKey PIV Attestation <slot, two hex digits>`;
// - subject public key = the attested key;
// - extensions under 1.3.6.1.4.1.41482.3 (not critical, value bytes raw inside
//   the extnValue OCTET STRING): .3 firmware version (3 bytes), .7 serial (a DER
//   INTEGER), .8 PIN policy and touch policy (2 bytes), .9 form factor (1 byte).

import { SW, SwError } from '../apdu/sw.js';
import { slotId } from '../card/state.js';
import type { CardState } from '../card/state.js';
import { OID, encodeName, randomSerial, signCertificate } from '../der/certificate.js';
import { int } from '../der/encode.js';
import { certificateParts } from '../der/read.js';
import { decodeTlvs } from '../tlv/ber.js';
import { FIRMWARE_VERSION } from './constants.js';
import { privateKeyObject, subjectPublicKeyInfo } from './keys.js';

/** Form factor byte: 0x01 = USB-A keychain (yubikit FORM_FACTOR.USB_A_KEYCHAIN). */
export const FORM_FACTOR = 0x01;

/** The DER certificate inside a PIV certificate container (`70 cert 71 info FE lrc`). */
export function certificateFromContainer(content: Uint8Array): Uint8Array | undefined {
  try {
    return decodeTlvs(content).find((t) => t.tag === 0x70)?.value;
  } catch {
    return undefined;
  }
}

export function buildAttestation(state: Readonly<CardState>, slot: number, random: (n: number) => Uint8Array): Uint8Array {
  const key = state.keys[slotId(slot)];
  if (key === undefined) throw new SwError(SW.REF_NOT_FOUND);
  // Only keys born on the card can be vouched for.
  if (key.origin !== 'generated') throw new SwError(SW.WRONG_DATA);
  const f9 = state.keys['f9'];
  const f9Container = state.objects['5fff01'];
  const f9Cert = f9Container === undefined ? undefined : certificateFromContainer(f9Container);
  if (f9 === undefined || f9Cert === undefined) throw new SwError(SW.REF_NOT_FOUND);
  let issuer: { subject: Uint8Array; validity: Uint8Array };
  try {
    issuer = certificateParts(f9Cert);
  } catch {
    throw new SwError(SW.REF_NOT_FOUND);
  }
  return signCertificate({
    serial: randomSerial(random),
    issuer: issuer.subject,
    subject: encodeName([['CN', `YubiKey PIV Attestation ${slotId(slot)}`]]),
    validity: issuer.validity,
    spki: subjectPublicKeyInfo(key.material),
    extensions: [
      { oid: OID.yubicoFirmware, value: Uint8Array.from(FIRMWARE_VERSION) },
      { oid: OID.yubicoSerial, value: int(state.serial) },
      { oid: OID.yubicoPolicy, value: Uint8Array.of(key.pinPolicy, key.touchPolicy) },
      { oid: OID.yubicoFormFactor, value: Uint8Array.of(FORM_FACTOR) },
    ],
  }, privateKeyObject(f9.material));
}
