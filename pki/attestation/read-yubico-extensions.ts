// Reads the Yubico PIV attestation extensions (developers.yubico.com/PIV/
// Introduction/PIV_attestation.html) from an attestation certificate:
//   .3.3 firmware version, 3 raw bytes (major, minor, patch)
//   .3.7 card serial, a DER INTEGER
//   .3.8 PIN policy then touch policy, 2 raw bytes
//   .3.9 form factor, 1 raw byte (optional: older firmware has none)
import { PkiError } from '../errors.js';
import { integerBytes, readOne } from '../lib/der-reader.js';
import { oid } from '../lib/oids.js';
import type { RawExtension } from '../verify/read-certificate-fields.js';

/** Yubico PIN policy byte values (yubico-piv-tool YKPIV_PINPOLICY_*). */
export const pinPolicies = { 1: 'never', 2: 'once', 3: 'always', 4: 'match-once', 5: 'match-always' } as const;
/** Yubico touch policy byte values (YKPIV_TOUCHPOLICY_*). */
export const touchPolicies = { 1: 'never', 2: 'always', 3: 'cached' } as const;
export type PinPolicy = (typeof pinPolicies)[keyof typeof pinPolicies];
export type TouchPolicy = (typeof touchPolicies)[keyof typeof touchPolicies];

export interface YubicoAttestationFields {
  readonly firmware: string;
  readonly serial: number;
  readonly pinPolicy: PinPolicy;
  readonly touchPolicy: TouchPolicy;
  readonly formFactor: number | undefined;
}

function malformed(message: string): PkiError {
  return new PkiError('attestation_malformed', message);
}

export function readYubicoExtensions(extensions: readonly RawExtension[]): YubicoAttestationFields {
  const get = (id: string): Uint8Array | undefined => extensions.find((e) => e.oid === id)?.value;
  const fw = get(oid.yubicoFirmware);
  const serialDer = get(oid.yubicoSerial);
  const policy = get(oid.yubicoPolicy);
  const formFactor = get(oid.yubicoFormFactor);
  if (!fw || fw.length !== 3) throw malformed('firmware version extension missing or not 3 bytes');
  if (!serialDer) throw malformed('card serial extension missing');
  if (!policy || policy.length !== 2) throw malformed('policy extension missing or not 2 bytes');
  let serialBytes: Uint8Array;
  try {
    serialBytes = integerBytes(readOne(serialDer), 'card serial');
  } catch (err) {
    throw new PkiError('attestation_malformed', 'card serial is not a DER INTEGER', { cause: err });
  }
  if (((serialBytes[0] as number) & 0x80) !== 0 || serialBytes.length > 8) throw malformed('card serial out of range');
  const big = BigInt(`0x${Buffer.from(serialBytes).toString('hex')}`);
  if (big < 0n || big > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed('card serial out of range');
  const pin = pinPolicies[policy[0] as keyof typeof pinPolicies];
  const touch = touchPolicies[policy[1] as keyof typeof touchPolicies];
  if (!pin || !touch) throw malformed('unknown PIN or touch policy value');
  if (formFactor !== undefined && formFactor.length !== 1) throw malformed('form factor is not 1 byte');
  return {
    firmware: `${fw[0]}.${fw[1]}.${fw[2]}`,
    serial: Number(big),
    pinPolicy: pin,
    touchPolicy: touch,
    formFactor: formFactor?.[0],
  };
}
