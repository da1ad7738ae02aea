// Identifiers from NIST SP 800-73-4 Part 1 (AID §2.2, key references Table 4b,
// algorithm identifiers SP 800-78-4 Table 6-2) and the YubiKey PIV extensions
// (Yubico "PIV Introduction": INS FD F8 F7 F9 FA FB FE FF, PIN/touch policies).

export const PIV_AID = Uint8Array.from([0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00]);
/** Yubico management application; ykpiv selects it to drop the PIN state. */
export const YUBICO_MGMT_AID = Uint8Array.from([0xa0, 0x00, 0x00, 0x05, 0x27, 0x47, 0x11, 0x17]);

/**
 * The YubiKey 5 ATR (T=1, historical bytes "YubiKey"): OpenSC 0.23 identifies
 * a YubiKey by it (and asks GET VERSION). Other ATRs trip OpenSC: ≥ 0.24 takes
 * `3B8x8001…` as contactless, 0.23 disables EC for `3B80800101`
 * (docs/piv-wire.md, "ATR").
 */
export const YUBIKEY5_ATR = Uint8Array.from(
  Buffer.from('3BFD1300008131FE158073C021C057597562694B657940', 'hex'),
);

export const FIRMWARE_VERSION = [5, 4, 3] as const;

export const ALG = {
  TDES: 0x03,
  AES128: 0x08,
  AES192: 0x0a,
  AES256: 0x0c,
  RSA1024: 0x06,
  RSA2048: 0x07,
  RSA3072: 0x05,
  RSA4096: 0x16,
  ECCP256: 0x11,
  ECCP384: 0x14,
} as const;

export type AsymAlg = (typeof ALG)['RSA1024' | 'RSA2048' | 'RSA3072' | 'RSA4096' | 'ECCP256' | 'ECCP384'];
export type MgmAlg = (typeof ALG)['TDES' | 'AES128' | 'AES192' | 'AES256'];

export const RSA_BITS: Readonly<Record<number, number>> = {
  [ALG.RSA1024]: 1024,
  [ALG.RSA2048]: 2048,
  [ALG.RSA3072]: 3072,
  [ALG.RSA4096]: 4096,
};
export const EC_CURVE: Readonly<Record<number, 'P-256' | 'P-384'>> = {
  [ALG.ECCP256]: 'P-256',
  [ALG.ECCP384]: 'P-384',
};
/** Management key algorithm → key length and cipher block size. */
export const MGM_ALGS: Readonly<Record<number, { keyLen: number; block: number; cipher: string }>> = {
  [ALG.TDES]: { keyLen: 24, block: 8, cipher: 'des-ede3' },
  [ALG.AES128]: { keyLen: 16, block: 16, cipher: 'aes-128-ecb' },
  [ALG.AES192]: { keyLen: 24, block: 16, cipher: 'aes-192-ecb' },
  [ALG.AES256]: { keyLen: 32, block: 16, cipher: 'aes-256-ecb' },
};

export function isAsymAlg(a: number): a is AsymAlg {
  return a in RSA_BITS || a in EC_CURVE;
}

export const KEY_REF = {
  PIN: 0x80,
  PUK: 0x81,
  MGM: 0x9b,
  AUTH: 0x9a,
  SIGN: 0x9c,
  KEY_MGMT: 0x9d,
  CARD_AUTH: 0x9e,
  ATTESTATION: 0xf9,
} as const;

/** Asymmetric key slots: 9A 9C 9D 9E, retired 82–95, and Yubico's F9. */
export function isKeySlot(slot: number): boolean {
  return slot === 0x9a || slot === 0x9c || slot === 0x9d || slot === 0x9e || (slot >= 0x82 && slot <= 0x95) || slot === 0xf9;
}

export const PIN_POLICY = { DEFAULT: 0, NEVER: 1, ONCE: 2, ALWAYS: 3 } as const;
export const TOUCH_POLICY = { DEFAULT: 0, NEVER: 1, ALWAYS: 2, CACHED: 3 } as const;
export type PinPolicy = 1 | 2 | 3;
export type TouchPolicy = 1 | 2 | 3;

/** Yubico defaults when the host leaves the policy unspecified. */
export function defaultPinPolicy(slot: number): PinPolicy {
  if (slot === 0x9c) return PIN_POLICY.ALWAYS;
  if (slot === 0x9e || slot === 0xf9) return PIN_POLICY.NEVER;
  return PIN_POLICY.ONCE;
}

export const DEFAULT_PIN = '123456';
export const DEFAULT_PUK = '12345678';
export const DEFAULT_MGM_KEY = Uint8Array.from(Buffer.from('010203040506070801020304050607080102030405060708', 'hex'));
export const DEFAULT_TRIES = 3;

/** Largest object content accepted by PUT DATA (a YubiKey's limit; 6A84 above it). */
export const MAX_OBJECT_SIZE = 3063;
