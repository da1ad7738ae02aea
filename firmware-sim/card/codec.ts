// The card file format ("firmware-sim/card@1"): the chip's NVM as JSON, binary
// fields in base64. Loading checks every field, so a damaged or hand-edited file
// is refused with a clear message instead of producing a card that misbehaves.

import { ALG, EC_CURVE, MGM_ALGS, RSA_BITS, isKeySlot } from '../piv/constants.js';
import type { AsymAlg, MgmAlg, PinPolicy, TouchPolicy } from '../piv/constants.js';
import type { CardState, KeyMaterial, ReferenceData, SlotKey } from './state.js';
import { keyMaterialIsConsistent } from '../piv/keys.js';

export const CARD_FORMAT = 'firmware-sim/card@1';

const b64 = (u: Uint8Array): string => Buffer.from(u).toString('base64');

export class CardFileError extends Error {
  override readonly name = 'CardFileError';
}

function fail(what: string): never {
  throw new CardFileError(`card file: invalid ${what}`);
}

export function encodeCardState(s: CardState): string {
  const ref = (r: ReferenceData) => ({
    salt: b64(r.salt), hash: b64(r.hash), maxTries: r.maxTries, triesLeft: r.triesLeft, isDefault: r.isDefault,
  });
  const keys: Record<string, unknown> = {};
  for (const [slot, k] of Object.entries(s.keys)) {
    const m = k.material;
    keys[slot] = {
      algorithm: k.algorithm, pinPolicy: k.pinPolicy, touchPolicy: k.touchPolicy, origin: k.origin,
      material: m.kind === 'ec'
        ? { kind: 'ec', curve: m.curve, d: b64(m.d), point: b64(m.point) }
        : { kind: 'rsa', bits: m.bits, pkcs8: b64(m.pkcs8) },
    };
  }
  const objects: Record<string, string> = {};
  for (const [tag, v] of Object.entries(s.objects)) objects[tag] = b64(v);
  return JSON.stringify({
    format: CARD_FORMAT,
    serial: s.serial,
    lifecycle: s.lifecycle,
    pin: ref(s.pin),
    puk: ref(s.puk),
    mgm: { algorithm: s.mgm.algorithm, key: b64(s.mgm.key), touchPolicy: s.mgm.touchPolicy, isDefault: s.mgm.isDefault },
    keys,
    objects,
  }, null, 1);
}

type J = Record<string, unknown>;
const isObj = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);

function bytes(v: unknown, what: string, len?: number): Uint8Array {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) fail(what);
  const u = new Uint8Array(Buffer.from(v, 'base64'));
  if (len !== undefined && u.length !== len) fail(what);
  return u;
}
function int(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(what);
  return v;
}
function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') fail(what);
  return v;
}

function decodeRef(v: unknown, what: string): ReferenceData {
  if (!isObj(v)) fail(what);
  const maxTries = int(v.maxTries, `${what}.maxTries`, 1, 255);
  return {
    salt: bytes(v.salt, `${what}.salt`, 16),
    hash: bytes(v.hash, `${what}.hash`, 32),
    maxTries,
    triesLeft: int(v.triesLeft, `${what}.triesLeft`, 0, maxTries),
    isDefault: bool(v.isDefault, `${what}.isDefault`),
  };
}

function decodeKey(slot: string, v: unknown): SlotKey {
  const what = `key ${slot}`;
  if (!/^[0-9a-f]{2}$/.test(slot) || !isKeySlot(parseInt(slot, 16)) || !isObj(v) || !isObj(v.material)) fail(what);
  const algorithm = int(v.algorithm, `${what} algorithm`, 0, 255);
  const m = v.material;
  let material: KeyMaterial;
  if (m.kind === 'ec') {
    const curve = EC_CURVE[algorithm];
    if (curve === undefined || m.curve !== curve) fail(`${what} curve`);
    const n = curve === 'P-256' ? 32 : 48;
    material = { kind: 'ec', curve, d: bytes(m.d, `${what} scalar`, n), point: bytes(m.point, `${what} point`, 2 * n + 1) };
  } else if (m.kind === 'rsa') {
    const bits = RSA_BITS[algorithm];
    if (bits === undefined || m.bits !== bits) fail(`${what} size`);
    material = { kind: 'rsa', bits, pkcs8: bytes(m.pkcs8, `${what} pkcs8`) };
  } else fail(`${what} kind`);
  if (!keyMaterialIsConsistent(material)) fail(`${what} material`);
  if (v.origin !== 'generated' && v.origin !== 'imported') fail(`${what} origin`);
  return {
    algorithm: algorithm as AsymAlg,
    pinPolicy: int(v.pinPolicy, `${what} pinPolicy`, 1, 3) as PinPolicy,
    touchPolicy: int(v.touchPolicy, `${what} touchPolicy`, 1, 3) as TouchPolicy,
    origin: v.origin,
    material,
  };
}

export function decodeCardState(text: string): CardState {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    fail('JSON');
  }
  if (!isObj(j) || j.format !== CARD_FORMAT) fail('format (expected firmware-sim/card@1)');
  if (!isObj(j.lifecycle) || typeof j.lifecycle.manufacturedAt !== 'string') fail('lifecycle');
  if (!isObj(j.mgm) || !isObj(j.keys) || !isObj(j.objects)) fail('structure');
  const mgmAlg = int(j.mgm.algorithm, 'mgm.algorithm', 0, 255);
  const spec = MGM_ALGS[mgmAlg];
  if (spec === undefined) fail('mgm.algorithm');
  const keys: Record<string, SlotKey> = {};
  for (const [slot, k] of Object.entries(j.keys)) keys[slot] = decodeKey(slot, k);
  const objects: Record<string, Uint8Array> = {};
  for (const [tag, v] of Object.entries(j.objects)) {
    if (!/^(7e|7f61|5fc1[0-9a-f]{2}|5fff[0-9a-f]{2})$/.test(tag)) fail(`object tag ${tag}`);
    objects[tag] = bytes(v, `object ${tag}`);
  }
  return {
    serial: int(j.serial, 'serial', 0, 0xffffffff),
    lifecycle: {
      manufacturedAt: j.lifecycle.manufacturedAt,
      resetCount: int(j.lifecycle.resetCount, 'lifecycle.resetCount', 0, Number.MAX_SAFE_INTEGER),
    },
    pin: decodeRef(j.pin, 'pin'),
    puk: decodeRef(j.puk, 'puk'),
    mgm: {
      algorithm: mgmAlg as MgmAlg,
      key: bytes(j.mgm.key, 'mgm.key', spec.keyLen),
      touchPolicy: int(j.mgm.touchPolicy, 'mgm.touchPolicy', 1, 3) as TouchPolicy,
      isDefault: bool(j.mgm.isDefault, 'mgm.isDefault'),
    },
    keys,
    objects,
  };
}

// Keep the table referenced so a new management algorithm is added in one place.
void ALG;
