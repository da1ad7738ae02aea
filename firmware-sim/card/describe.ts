// `firmware-sim show`: the card's state as an operator may see it. Public facts
// only: no PIN, PUK, management key, private key or salted hash ever appears.

import { createHash } from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import type { CardState } from './state.js';
import { loadCardFile } from './store.js';
import { certificateFromContainer } from '../piv/attestation.js';
import { subjectPublicKeyInfo } from '../piv/keys.js';
import { FIRMWARE_VERSION } from '../piv/constants.js';

const ALG_NAMES: Readonly<Record<number, string>> = {
  0x03: '3DES', 0x08: 'AES128', 0x0a: 'AES192', 0x0c: 'AES256',
  0x06: 'RSA1024', 0x07: 'RSA2048', 0x05: 'RSA3072', 0x16: 'RSA4096', 0x11: 'ECCP256', 0x14: 'ECCP384',
};
const PIN_POLICIES = ['default', 'never', 'once', 'always'] as const;
const TOUCH_POLICIES = ['default', 'never', 'always', 'cached'] as const;

export interface CardDescription {
  serial: number;
  version: string;
  lifecycle: { manufacturedAt: string; resetCount: number };
  pin: { triesLeft: number; maxTries: number; isDefault: boolean; blocked: boolean };
  puk: { triesLeft: number; maxTries: number; isDefault: boolean; blocked: boolean };
  managementKey: { algorithm: string; touchPolicy: string; isDefault: boolean };
  keys: Record<string, { algorithm: string; pinPolicy: string; touchPolicy: string; origin: string; publicKeySha256: string }>;
  objects: Record<string, { size: number; certificate?: { subject: string; issuer: string; serialNumber: string } }>;
}

export function describeState(s: Readonly<CardState>): CardDescription {
  const ref = (r: CardState['pin']) => ({ triesLeft: r.triesLeft, maxTries: r.maxTries, isDefault: r.isDefault, blocked: r.triesLeft === 0 });
  const keys: CardDescription['keys'] = {};
  for (const [slot, k] of Object.entries(s.keys)) {
    keys[slot] = {
      algorithm: ALG_NAMES[k.algorithm] ?? String(k.algorithm),
      pinPolicy: PIN_POLICIES[k.pinPolicy] ?? String(k.pinPolicy),
      touchPolicy: TOUCH_POLICIES[k.touchPolicy] ?? String(k.touchPolicy),
      origin: k.origin,
      publicKeySha256: createHash('sha256').update(subjectPublicKeyInfo(k.material)).digest('hex'),
    };
  }
  const objects: CardDescription['objects'] = {};
  for (const [tag, v] of Object.entries(s.objects)) {
    const entry: CardDescription['objects'][string] = { size: v.length };
    const isCertContainer = tag === '5fff01' || /^5fc1(01|05|0a|0b|0d|0e|0f|1[0-9a-f]|20)$/.test(tag);
    const der = isCertContainer ? certificateFromContainer(v) : undefined;
    if (der !== undefined) {
      try {
        const x = new X509Certificate(der);
        entry.certificate = { subject: x.subject, issuer: x.issuer, serialNumber: x.serialNumber };
      } catch {
        // Not a parsable certificate: report the size only.
      }
    }
    objects[tag] = entry;
  }
  return {
    serial: s.serial,
    version: FIRMWARE_VERSION.join('.'),
    lifecycle: { ...s.lifecycle },
    pin: ref(s.pin),
    puk: ref(s.puk),
    managementKey: {
      algorithm: ALG_NAMES[s.mgm.algorithm] ?? String(s.mgm.algorithm),
      touchPolicy: TOUCH_POLICIES[s.mgm.touchPolicy] ?? String(s.mgm.touchPolicy),
      isDefault: s.mgm.isDefault,
    },
    keys,
    objects,
  };
}

export async function describeCard(cardFile: string): Promise<CardDescription> {
  return describeState(await loadCardFile(cardFile));
}
