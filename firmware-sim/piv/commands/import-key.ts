// IMPORT ASYMMETRIC KEY (Yubico extension, INS FE): `00 FE <alg> <slot> Lc TLVs`.
// Rules implemented (Yubico "PIV Introduction", yubikey-manager piv.put_key):
// 1. Access rule: card management key authenticated → 6982.
// 2. P2 = key slot (9A 9C 9D 9E 82–95 F9) → else 6B00; P1 = algorithm → else 6A80.
// 3. RSA: tags 01 p, 02 q, 03 dp, 04 dq, 05 qinv, each half the modulus size,
//    public exponent 65537; the CRT values must be consistent → else 6A80.
//    EC: tag 06 the private scalar (field size) → else 6A80.
// 4. Optional AA PIN policy and AB touch policy as for GENERATE.
// 5. Stored with origin "imported" (such keys cannot be attested).

import { createPrivateKey } from 'node:crypto';
import { SW, SwError } from '../../apdu/sw.js';
import { tlvMap } from '../../tlv/ber.js';
import { slotId } from '../../card/state.js';
import type { KeyMaterial } from '../../card/state.js';
import type { PivCommand, PivContext } from '../context.js';
import { EC_CURVE, RSA_BITS, isAsymAlg, isKeySlot } from '../constants.js';
import { ecKeyFromScalar } from '../keys.js';
import { readPolicies } from '../policy.js';

const toBig = (u: Uint8Array): bigint => (u.length === 0 ? 0n : BigInt('0x' + Buffer.from(u).toString('hex')));
function toB64u(v: bigint): string {
  let h = v.toString(16);
  if (h.length % 2) h = '0' + h;
  return Buffer.from(h, 'hex').toString('base64url');
}
function modInv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new SwError(SW.WRONG_DATA);
  return ((s0 % m) + m) % m;
}

function rsaFromCrt(bits: number, f: Map<number, Uint8Array>): KeyMaterial {
  const half = bits / 16;
  const parts = [1, 2, 3, 4, 5].map((t) => {
    const v = f.get(t);
    if (v === undefined || v.length === 0 || v.length > half) throw new SwError(SW.WRONG_DATA);
    return toBig(v);
  });
  const [p, q, dp, dq, qi] = parts as [bigint, bigint, bigint, bigint, bigint];
  const e = 65537n;
  if (p < 3n || q < 3n || p === q) throw new SwError(SW.WRONG_DATA);
  const n = p * q;
  if (n.toString(2).length !== bits) throw new SwError(SW.WRONG_DATA);
  const phi = (p - 1n) * (q - 1n);
  const d = modInv(e, phi);
  if (d % (p - 1n) !== dp || d % (q - 1n) !== dq || modInv(q, p) !== qi) throw new SwError(SW.WRONG_DATA);
  let key;
  try {
    key = createPrivateKey({
      key: { kty: 'RSA', n: toB64u(n), e: toB64u(e), d: toB64u(d), p: toB64u(p), q: toB64u(q), dp: toB64u(dp), dq: toB64u(dq), qi: toB64u(qi) },
      format: 'jwk',
    });
  } catch {
    throw new SwError(SW.WRONG_DATA);
  }
  return { kind: 'rsa', bits, pkcs8: new Uint8Array(key.export({ type: 'pkcs8', format: 'der' })) };
}

export async function importKey(cmd: PivCommand, ctx: PivContext): Promise<Uint8Array> {
  if (!ctx.session.mgmAuthenticated) throw new SwError(SW.SECURITY_STATUS);
  if (!isKeySlot(cmd.p2)) throw new SwError(SW.WRONG_SLOT);
  const algorithm = cmd.p1;
  if (!isAsymAlg(algorithm)) throw new SwError(SW.WRONG_DATA);
  const f = tlvMap(cmd.data);
  for (const t of f.keys()) if (!(t >= 1 && t <= 6) && t !== 0xaa && t !== 0xab) throw new SwError(SW.WRONG_DATA);
  const policies = readPolicies(cmd.p2, f.get(0xaa), f.get(0xab));
  let material: KeyMaterial;
  const curve = EC_CURVE[algorithm];
  if (curve !== undefined) {
    const scalar = f.get(0x06);
    if (scalar === undefined || f.has(1)) throw new SwError(SW.WRONG_DATA);
    material = ecKeyFromScalar(curve, scalar);
  } else {
    if (f.has(6)) throw new SwError(SW.WRONG_DATA);
    material = rsaFromCrt(RSA_BITS[algorithm]!, f);
  }
  await ctx.store.update((d) => {
    d.keys[slotId(cmd.p2)] = { algorithm, ...policies, origin: 'imported', material };
  });
  return new Uint8Array(0);
}
