// The card's non-volatile memory: what a real chip keeps in EEPROM/flash across
// power loss (SP 800-73-4 Part 2 §3: key references, data objects, retry
// counters; the Yubico serial, policies and management key type). Volatile
// security state lives in piv/session.ts and is never part of this.

import type { AsymAlg, MgmAlg, PinPolicy, TouchPolicy } from '../piv/constants.js';

export interface ReferenceData {
  /** Salted SHA-256 of the 8-byte FF-padded value; the value itself is not kept. */
  salt: Uint8Array;
  hash: Uint8Array;
  maxTries: number;
  triesLeft: number;
  isDefault: boolean;
}

export type KeyMaterial =
  | { kind: 'ec'; curve: 'P-256' | 'P-384'; d: Uint8Array; point: Uint8Array }
  | { kind: 'rsa'; bits: number; pkcs8: Uint8Array };

export interface SlotKey {
  algorithm: AsymAlg;
  pinPolicy: PinPolicy;
  touchPolicy: TouchPolicy;
  origin: 'generated' | 'imported';
  material: KeyMaterial;
}

export interface CardState {
  serial: number;
  lifecycle: { manufacturedAt: string; resetCount: number };
  pin: ReferenceData;
  puk: ReferenceData;
  mgm: { algorithm: MgmAlg; key: Uint8Array; touchPolicy: TouchPolicy; isDefault: boolean };
  /** Keys by slot (two hex digits, lower case). */
  keys: Record<string, SlotKey>;
  /** Data objects by tag (hex, lower case, e.g. "5fc102"), content without the 53 wrapper. */
  objects: Record<string, Uint8Array>;
}

export function slotId(slot: number): string {
  return slot.toString(16).padStart(2, '0');
}
export function tagId(tag: number): string {
  return tag.toString(16).padStart(2, '0');
}
