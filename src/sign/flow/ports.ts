// Ports of the sign-request flow.
import type { KeyObject } from 'node:crypto';

/** A card signature certificate (slot 9C) whose chain, profile and validity were checked. */
export interface VerifiedSigner {
  readonly certSerialHex: string;
  readonly certSha256: string;
  readonly subject: string;
  readonly serialNumber: string | undefined;
  readonly publicKey: KeyObject;
}

/**
 * Verifies an unverified signer certificate (DER) at a time: size,
 * structure, chain to the national issuing CA, the card-sign profile
 * (digitalSignature and nonRepudiation, no extended key usage, policy "key
 * on card, PIN always"), validity. Throws SigningFailure (../codes.ts) with
 * the internal reason; status is the job of the registry lookup.
 */
export interface SignerCertificateVerifier {
  verify(unverifiedDer: Uint8Array, at: Date): Promise<VerifiedSigner>;
}
