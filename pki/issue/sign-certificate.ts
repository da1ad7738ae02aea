// Encodes a TBSCertificate (RFC 5280 §4.1) and signs it with a key-store
// Signer: the private key stays in the store. The result is checked against
// the signer's public key before it is returned, so a faulty signer (an HSM
// returning garbage) cannot produce a certificate that does not verify.
import { verify, type KeyObject } from 'node:crypto';
import { PkiError } from '../errors.js';
import type { Signer } from '../keystore/key-store.js';
import { ecdsaAlgorithm } from '../lib/algorithms.js';
import { curveHash } from '../lib/ecdsa.js';
import { bitString, explicit, seq, smallInteger, unsignedInteger, x509Time } from '../lib/der.js';
import type { ExtensionDer } from '../lib/extensions.js';
import { spkiDer } from '../lib/spki.js';
import { wholeSeconds } from '../lib/time.js';

export interface TbsFields {
  readonly serial: Uint8Array;
  /** DER of the issuer Name, byte-for-byte the issuer certificate's subject. */
  readonly issuer: Uint8Array;
  /** DER of the subject Name. */
  readonly subject: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: KeyObject;
  readonly extensions: readonly ExtensionDer[];
}

export async function signCertificate(fields: TbsFields, signer: Signer): Promise<Buffer> {
  const algorithm = ecdsaAlgorithm(signer.curve);
  const tbs = seq(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(fields.serial),
    algorithm,
    fields.issuer,
    seq(x509Time(wholeSeconds(fields.notBefore)), x509Time(wholeSeconds(fields.notAfter))),
    fields.subject,
    spkiDer(fields.publicKey),
    explicit(3, seq(...fields.extensions)),
  );
  const signature = await signer.sign(tbs, 'der');
  if (!verify(curveHash[signer.curve], tbs, signer.publicKey, signature)) {
    throw new PkiError('key_store_unavailable', `signer '${signer.name}' produced a signature that does not verify`);
  }
  return seq(tbs, algorithm, bitString(signature));
}
