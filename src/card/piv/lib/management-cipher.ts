// The block cipher of the card management key (SP 800-73-4 Part 2 §3.2.4 and
// Appendix A.1 "mutual authentication": single-block ECB encryption of
// witness and challenge; SP 800-78-4 Table 6-2 for 3DES and AES-128/192/256).
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { managementKeyAlgorithms, type ManagementKeyAlgorithm } from '../constants.js';

function run(decrypt: boolean, algorithm: ManagementKeyAlgorithm, key: Uint8Array, block: Uint8Array): Uint8Array {
  const { cipher } = managementKeyAlgorithms[algorithm];
  const c = decrypt ? createDecipheriv(cipher, key, null) : createCipheriv(cipher, key, null);
  c.setAutoPadding(false);
  const first = c.update(block);
  const last = c.final();
  const out = new Uint8Array(first.length + last.length);
  out.set(first);
  out.set(last, first.length);
  first.fill(0);
  return out;
}

export function encryptBlock(algorithm: ManagementKeyAlgorithm, key: Uint8Array, block: Uint8Array): Uint8Array {
  return run(false, algorithm, key, block);
}

export function decryptBlock(algorithm: ManagementKeyAlgorithm, key: Uint8Array, block: Uint8Array): Uint8Array {
  return run(true, algorithm, key, block);
}
