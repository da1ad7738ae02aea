// PIV identifiers as tables (NIST SP 800-73-4 Part 1 §3.1 and Part 2 §3,
// SP 800-78-4 Table 6-2, and the Yubico extensions described in
// docs/piv-wire.md). No enums: `as const` tables and the literal
// unions derived from them.
import { cardError } from '../codes.js';

/** PIV card application AID prefix (SP 800-73-4 Part 1 §2.2): the card accepts it as a right-truncated AID. */
export const PIV_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08);

/** Key references of asymmetric key slots (SP 800-73-4 Part 1 Table 4b, Yubico F9). */
export const pivKeySlots = {
  AUTHENTICATION: 0x9a,
  SIGNATURE: 0x9c,
  KEY_MANAGEMENT: 0x9d,
  CARD_AUTHENTICATION: 0x9e,
  RETIRED_1: 0x82,
  RETIRED_2: 0x83,
  RETIRED_3: 0x84,
  RETIRED_4: 0x85,
  RETIRED_5: 0x86,
  RETIRED_6: 0x87,
  RETIRED_7: 0x88,
  RETIRED_8: 0x89,
  RETIRED_9: 0x8a,
  RETIRED_10: 0x8b,
  RETIRED_11: 0x8c,
  RETIRED_12: 0x8d,
  RETIRED_13: 0x8e,
  RETIRED_14: 0x8f,
  RETIRED_15: 0x90,
  RETIRED_16: 0x91,
  RETIRED_17: 0x92,
  RETIRED_18: 0x93,
  RETIRED_19: 0x94,
  RETIRED_20: 0x95,
  ATTESTATION: 0xf9,
} as const;
export type PivKeySlot = (typeof pivKeySlots)[keyof typeof pivKeySlots];

/** Other key references: the card management key and the PIN / PUK. */
export const pivReferences = {
  MANAGEMENT_KEY: 0x9b,
  PIN: 0x80,
  PUK: 0x81,
} as const;

const keySlotValues: ReadonlySet<number> = new Set(Object.values(pivKeySlots));

export function isPivKeySlot(value: number): value is PivKeySlot {
  return keySlotValues.has(value);
}

/** Validate a caller-supplied key slot (throws card_argument_invalid). */
export function assertKeySlot(value: number): asserts value is PivKeySlot {
  if (!isPivKeySlot(value)) throw cardError('card_argument_invalid', `0x${value.toString(16)} is not a PIV key slot`);
}

/** Data object tags (SP 800-73-4 Part 1 Table 3; Yubico 5FFFxx). */
export const pivObjects = {
  DISCOVERY: 0x7e,
  BIOMETRIC_GROUP_TEMPLATE: 0x7f61,
  CARD_AUTHENTICATION_CERT: 0x5fc101,
  CHUID: 0x5fc102,
  FINGERPRINTS: 0x5fc103,
  AUTHENTICATION_CERT: 0x5fc105,
  SECURITY_OBJECT: 0x5fc106,
  CAPABILITY: 0x5fc107,
  FACIAL_IMAGE: 0x5fc108,
  PRINTED_INFORMATION: 0x5fc109,
  SIGNATURE_CERT: 0x5fc10a,
  KEY_MANAGEMENT_CERT: 0x5fc10b,
  KEY_HISTORY: 0x5fc10c,
  IRIS: 0x5fc121,
  YUBICO_ADMIN_DATA: 0x5fff00,
  YUBICO_ATTESTATION_CERT: 0x5fff01,
} as const;
export type PivObjectTag = (typeof pivObjects)[keyof typeof pivObjects];

/** The certificate container of a key slot (SP 800-73-4 Part 1 Table 4b / Table 3). */
export function certificateObjectOf(slot: PivKeySlot): number {
  switch (slot) {
    case pivKeySlots.AUTHENTICATION:
      return pivObjects.AUTHENTICATION_CERT;
    case pivKeySlots.SIGNATURE:
      return pivObjects.SIGNATURE_CERT;
    case pivKeySlots.KEY_MANAGEMENT:
      return pivObjects.KEY_MANAGEMENT_CERT;
    case pivKeySlots.CARD_AUTHENTICATION:
      return pivObjects.CARD_AUTHENTICATION_CERT;
    case pivKeySlots.ATTESTATION:
      return pivObjects.YUBICO_ATTESTATION_CERT;
    default:
      // Retired key management slots 82..95 ↔ containers 5FC10D..5FC120.
      return 0x5fc10d + (slot - pivKeySlots.RETIRED_1);
  }
}

/** Asymmetric algorithm identifiers (SP 800-78-4 Table 6-2; RSA 3072/4096 per Yubico). */
export const keyAlgorithms = {
  RSA1024: 0x06,
  RSA2048: 0x07,
  RSA3072: 0x05,
  RSA4096: 0x16,
  ECCP256: 0x11,
  ECCP384: 0x14,
} as const;
export type KeyAlgorithm = keyof typeof keyAlgorithms;

export const rsaModulusBytes = { RSA1024: 128, RSA2048: 256, RSA3072: 384, RSA4096: 512 } as const satisfies Partial<
  Record<KeyAlgorithm, number>
>;
export type RsaAlgorithm = keyof typeof rsaModulusBytes;
export type EcAlgorithm = Exclude<KeyAlgorithm, RsaAlgorithm>;

export function isRsaAlgorithm(a: KeyAlgorithm): a is RsaAlgorithm {
  return a in rsaModulusBytes;
}

/** Symmetric management key algorithms (SP 800-78-4 Table 6-2; ECB as the card uses them). */
export const managementKeyAlgorithms = {
  TDES: { id: 0x03, keyLength: 24, blockSize: 8, cipher: 'des-ede3-ecb' },
  AES128: { id: 0x08, keyLength: 16, blockSize: 16, cipher: 'aes-128-ecb' },
  AES192: { id: 0x0a, keyLength: 24, blockSize: 16, cipher: 'aes-192-ecb' },
  AES256: { id: 0x0c, keyLength: 32, blockSize: 16, cipher: 'aes-256-ecb' },
} as const;
export type ManagementKeyAlgorithm = keyof typeof managementKeyAlgorithms;

/** Every algorithm identifier by byte, for decoding metadata. */
export const algorithmById: ReadonlyMap<number, KeyAlgorithm | ManagementKeyAlgorithm | 'PIN'> = new Map<
  number,
  KeyAlgorithm | ManagementKeyAlgorithm | 'PIN'
>([
  ...Object.entries(keyAlgorithms).map(([k, v]) => [v, k as KeyAlgorithm] as const),
  ...Object.entries(managementKeyAlgorithms).map(([k, v]) => [v.id, k as ManagementKeyAlgorithm] as const),
  [0xff, 'PIN'],
]);

/** PIN policy of a key (Yubico tag AA). 'default' lets the card pick its per-slot default. */
export const pinPolicies = { default: 0x00, never: 0x01, once: 0x02, always: 0x03 } as const;
export type PinPolicy = keyof typeof pinPolicies;

/** Touch policy of a key (Yubico tag AB). */
export const touchPolicies = { default: 0x00, never: 0x01, always: 0x02, cached: 0x03 } as const;
export type TouchPolicy = keyof typeof touchPolicies;

export function nameOf<T extends Record<string, number>>(table: T, value: number): keyof T | undefined {
  for (const [k, v] of Object.entries(table)) if (v === value) return k as keyof T;
  return undefined;
}

/** Instruction bytes (SP 800-73-4 Part 2 §3; Yubico extensions). */
export const ins = {
  SELECT: 0xa4,
  GET_DATA: 0xcb,
  PUT_DATA: 0xdb,
  VERIFY: 0x20,
  CHANGE_REFERENCE_DATA: 0x24,
  RESET_RETRY_COUNTER: 0x2c,
  GENERAL_AUTHENTICATE: 0x87,
  GENERATE_ASYMMETRIC_KEY_PAIR: 0x47,
  GET_RESPONSE: 0xc0,
  YK_SET_MANAGEMENT_KEY: 0xff,
  YK_IMPORT_KEY: 0xfe,
  YK_GET_VERSION: 0xfd,
  YK_RESET: 0xfb,
  YK_SET_PIN_RETRIES: 0xfa,
  YK_ATTEST: 0xf9,
  YK_GET_SERIAL: 0xf8,
  YK_GET_METADATA: 0xf7,
} as const;

/** The card's serial number (Yubico GET SERIAL, the attestation's serial extension). */
export type CardSerial = number & { readonly __brand: 'CardSerial' };

/** Mint a CardSerial: an unsigned 32-bit integer. */
export function cardSerial(value: number): CardSerial {
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffffffff) {
    throw cardError('card_argument_invalid', 'A card serial is an unsigned 32-bit integer');
  }
  return value as CardSerial;
}

/** Factory values of a blank card (the PIV/YubiKey defaults: public knowledge, so issuance replaces each). */
export const factoryDefaults = {
  pin: '123456',
  puk: '12345678',
  managementKeyAlgorithm: 'TDES',
  /** A fresh copy each time: callers zero their key buffers. */
  managementKey: (): Uint8Array =>
    Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8]),
  pinTries: 3,
  pukTries: 3,
} as const;
