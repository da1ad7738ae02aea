// Card management key (key reference 9B) authentication, SP 800-73-4 Part 2
// Appendix A.1 (external authentication) and A.2 (mutual authentication) as a
// YubiKey implements them: ECB encryption of one block with 3DES (8-byte blocks)
// or AES-128/192/256 (16-byte blocks).
//   mutual   1: 7C{80 00}          → 7C{80 E(W)}
//            2: 7C{80 W, 81 C}     → 7C{82 E(C)}   (W wrong → 6982)
//   external 1: 7C{81 00}          → 7C{81 C}
//            2: 7C{82 E(C)}        → 9000          (wrong → 6982)
// A challenge is single-use; a failed authentication clears the security state.

import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';
import { SW, SwError } from '../apdu/sw.js';
import { tlv } from '../tlv/ber.js';
import type { PivContext } from './context.js';
import { MGM_ALGS } from './constants.js';
import { clearSecurityState } from './session.js';

export function blockEncrypt(algorithm: number, key: Uint8Array, block: Uint8Array): Uint8Array {
  const spec = MGM_ALGS[algorithm]!;
  const c = createCipheriv(spec.cipher, key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

export function blockDecrypt(algorithm: number, key: Uint8Array, block: Uint8Array): Uint8Array {
  const spec = MGM_ALGS[algorithm]!;
  const c = createDecipheriv(spec.cipher, key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GENERAL AUTHENTICATE on key reference 9B. `fields` is the decoded 7C template. */
export function managementKeyAuth(algorithm: number, fields: Map<number, Uint8Array>, ctx: PivContext): Uint8Array {
  const mgm = ctx.store.state.mgm;
  // P1 00 means "the current algorithm" (OpenSC draws random numbers that way).
  const alg = algorithm === 0x00 ? mgm.algorithm : algorithm;
  if (alg !== mgm.algorithm) throw new SwError(SW.WRONG_P1P2);
  const block = MGM_ALGS[alg]!.block;
  const s = ctx.session;
  const w = fields.get(0x80);
  const c = fields.get(0x81);
  const r = fields.get(0x82);

  const fail = (): never => {
    clearSecurityState(s);
    throw new SwError(SW.SECURITY_STATUS);
  };

  // Mutual, step 1: the card's witness, encrypted.
  if (w !== undefined && w.length === 0 && c === undefined && r === undefined && fields.size === 1) {
    const witness = ctx.random(block);
    s.mgmChallenge = { kind: 'mutual', algorithm: alg, value: witness };
    return tlv(0x7c, tlv(0x80, blockEncrypt(alg, mgm.key, witness)));
  }
  // Mutual, step 2: the decrypted witness and the host's challenge.
  if (w !== undefined && w.length > 0 && c !== undefined && r === undefined && fields.size === 2) {
    const pending = s.mgmChallenge;
    s.mgmChallenge = undefined;
    if (pending === undefined || pending.kind !== 'mutual' || pending.algorithm !== alg) throw new SwError(SW.CONDITIONS);
    if (w.length !== block || c.length !== block) throw new SwError(SW.WRONG_DATA);
    if (!eq(w, pending.value)) fail();
    s.mgmAuthenticated = true;
    return tlv(0x7c, tlv(0x82, blockEncrypt(alg, mgm.key, c)));
  }
  // External, step 1: a challenge in clear.
  if (c !== undefined && c.length === 0 && w === undefined && r === undefined && fields.size === 1) {
    const challenge = ctx.random(block);
    s.mgmChallenge = { kind: 'external', algorithm: alg, value: challenge };
    return tlv(0x7c, tlv(0x81, challenge));
  }
  // External, step 2: the host's encryption of the challenge.
  if (r !== undefined && r.length > 0 && w === undefined && c === undefined && fields.size === 1) {
    const pending = s.mgmChallenge;
    s.mgmChallenge = undefined;
    if (pending === undefined || pending.kind !== 'external' || pending.algorithm !== alg) throw new SwError(SW.CONDITIONS);
    if (r.length !== block) throw new SwError(SW.WRONG_DATA);
    if (!eq(blockDecrypt(alg, mgm.key, r), pending.value)) fail();
    s.mgmAuthenticated = true;
    return new Uint8Array(0);
  }
  throw new SwError(SW.WRONG_DATA);
}
