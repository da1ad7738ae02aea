// PIV data objects (SP 800-73-4 Part 1 §3.1 Table 3) and YubiKey vendor objects,
// with their read access rules. Containers are stored without the `53` wrapper;
// the discovery object `7E` and the BIT group template `7F61` are stored whole
// because they are returned without it (Part 1 §3.3.2, §3.3.3).

export const DISCOVERY = 0x7e;
export const BIT_GROUP = 0x7f61;

/** Objects whose GET DATA needs the PIN (Part 1 Table 3 access rule "PIN"). */
const PIN_PROTECTED = new Set([0x5fc103, 0x5fc108, 0x5fc109, 0x5fc121]);

export function isKnownObject(tag: number): boolean {
  return tag === DISCOVERY || tag === BIT_GROUP
    || (tag >= 0x5fc101 && tag <= 0x5fc123 && tag !== 0x5fc104)
    || tag === 0x5fff00 || tag === 0x5fff01;
}

export function needsPin(tag: number): boolean {
  return PIN_PROTECTED.has(tag);
}

/** The object tag named by a `5C` tag list entry (1 to 3 bytes). */
export function tagFromList(bytes: Uint8Array): number {
  let t = 0;
  for (const b of bytes) t = t * 256 + b;
  return t;
}

export const CERT_OBJECT_BY_SLOT: Readonly<Record<number, number>> = (() => {
  const m: Record<number, number> = { 0x9a: 0x5fc105, 0x9c: 0x5fc10a, 0x9d: 0x5fc10b, 0x9e: 0x5fc101, 0xf9: 0x5fff01 };
  for (let s = 0x82; s <= 0x95; s++) m[s] = 0x5fc10d + (s - 0x82);
  return m;
})();

/** Default discovery object: PIV AID, PIN usage policy 40 00 (PIV PIN only). */
export const DEFAULT_DISCOVERY = Uint8Array.from(
  Buffer.from('7E124F0BA0000003080000100001005F2F024000', 'hex'),
);
