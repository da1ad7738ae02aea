// The key store seam (docs/architecture.md, "Keys and secrets"): CA keys and
// the result-signing key live behind this interface, in encrypted files or in
// a PKCS#11 token. The CA only ever asks for a Signer; a private key never
// leaves the store's implementation (with PKCS#11 it never enters the
// process at all).
import type { KeyObject } from 'node:crypto';
import { PkiError } from '../errors.js';
import type { CurveName } from '../types.js';

/** Names of the keys the CA uses (one place, so stores and CLI agree). */
export const keyNames = {
  root: 'ca-root',
  issuing: 'ca-issuing',
  ocsp: 'ocsp-responder',
  resultSigning: 'result-signing',
  tsa: 'tsa',
} as const;

export type SignatureEncoding = 'der' | 'ieee-p1363';

export interface Signer {
  readonly name: string;
  readonly curve: CurveName;
  /** The public half, ready for crypto.verify and for SPKI export. */
  readonly publicKey: KeyObject;
  /**
   * ECDSA over `data` with the curve's hash (SHA-256 for P-256, SHA-384 for
   * P-384). `der` for X.509/CRL/OCSP, `ieee-p1363` (r||s) for JWS ES256.
   */
  sign(data: Uint8Array, encoding?: SignatureEncoding): Promise<Buffer>;
}

export interface KeyStore {
  readonly kind: 'file' | 'pkcs11';
  has(name: string): Promise<boolean>;
  /** Creates a new key pair; refuses (key_exists) if the name is taken. */
  generate(name: string, curve: CurveName): Promise<Signer>;
  /** The signer for an existing key; key_not_found if there is none. */
  getSigner(name: string): Promise<Signer>;
  /** Deletes a key; used only to undo a CA initialisation or a result-key rotation that failed half-way. */
  remove(name: string): Promise<void>;
  close(): Promise<void>;
}

const KEY_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function checkKeyName(name: string): void {
  if (!KEY_NAME.test(name)) throw new PkiError('key_not_found', `invalid key name '${name}'`);
}
