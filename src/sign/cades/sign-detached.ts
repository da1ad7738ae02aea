// Makes a detached CAdES signature over a document digest: signed attributes
// (./signed-attributes.ts), the card's ECDSA signature over their SHA-256,
// that signature checked against the certificate before anything is
// assembled (a card whose key does not match its certificate is caught
// here, not by whoever validates the container later), then — with a
// timestamping authority — the signature time-stamp (CAdES-B-T), and the
// container (./assemble-signed-data.ts).
import { createHash, verify, X509Certificate } from 'node:crypto';
import { oid } from '../../../pki/index.js';
import { signError } from '../codes.js';
import type { DigestSigner, Timestamper } from '../ports.js';
import { assembleSignedData } from './assemble-signed-data.js';
import { buildSignedAttributes, type SignedAttributes, type SignedAttributesInput } from './signed-attributes.js';

export interface SignDetachedInput extends SignedAttributesInput {
  readonly chain: readonly Uint8Array[];
  readonly signer: DigestSigner;
  readonly timestamper?: Timestamper | undefined;
}

export interface DetachedSignature {
  /** ContentInfo(SignedData) DER. */
  readonly cms: Buffer;
  readonly signedAttributes: SignedAttributes;
  /** The card's DER ECDSA signature. */
  readonly signature: Buffer;
  /** genTime of the signature time-stamp (CAdES-B-T), when there is one. */
  readonly timestampedAt?: Date;
}

/** The card's signature over the attributes' digest, checked with the certificate's key (node verifies it as ECDSA-SHA256 over their DER). */
export function signatureMatchesCertificate(signedAttributesDer: Uint8Array, signature: Uint8Array, certificate: Uint8Array): boolean {
  try {
    return verify('sha256', signedAttributesDer, { key: new X509Certificate(certificate).publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/** The signature time-stamp over a signature value (then the unsigned attribute of assembleSignedData). */
export function timestampSignature(timestamper: Timestamper, signature: Uint8Array): ReturnType<Timestamper['stamp']> {
  return timestamper.stamp({ algorithm: oid.sha256, digest: createHash('sha256').update(signature).digest() });
}

export async function signDetached(input: SignDetachedInput): Promise<DetachedSignature> {
  const signedAttributes = buildSignedAttributes(input);
  const signature = Buffer.from(await input.signer.signDigest(signedAttributes.digest));
  if (!signatureMatchesCertificate(signedAttributes.der, signature, input.signerCertificate)) {
    throw signError('signature_invalid', 'The card\'s signature does not verify with its certificate.');
  }
  const stamped = input.timestamper === undefined ? undefined : await timestampSignature(input.timestamper, signature);
  const cms = assembleSignedData({
    signedAttributes,
    signature,
    signerCertificate: input.signerCertificate,
    chain: input.chain,
    timestampToken: stamped?.token,
  });
  return { cms, signedAttributes, signature, ...(stamped ? { timestampedAt: stamped.genTime } : {}) };
}
