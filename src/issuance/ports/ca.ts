// What issuance needs from the certificate authority (pki/): issue a card
// certificate and check a key attestation against the manufacturer roots.
// The composition root adapts pki/ to these (see ../adapters/pki.ts).
import type { CardSerial } from '../types.js';

export interface CardCertificateRequest {
  /** SubjectPublicKeyInfo DER of the key the card generated. */
  readonly publicKeySpki: Uint8Array;
  readonly profile: 'card-auth' | 'card-sign';
  readonly subject: {
    readonly country: string;
    readonly surname: string;
    readonly givenName: string;
    /** The name in Latin letters when the citizen has one: the certificate's CN. */
    readonly latin?: { readonly surname: string; readonly givenName: string } | undefined;
    readonly nationalId: string;
  };
  /** The card's expiry: the certificate never outlives it. */
  readonly notAfter: Date;
}

export interface IssuedCardCertificate {
  readonly der: Uint8Array;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface CertificateIssuer {
  issue(request: CardCertificateRequest): Promise<IssuedCardCertificate>;
  /** The issuing CA certificate (DER), for chain checks. */
  readonly issuingCertificateDer: Uint8Array;
}

export interface AttestationExpectation {
  readonly serial: CardSerial;
  readonly slot: number;
  readonly publicKeySpki: Uint8Array;
  readonly pinPolicy: 'always';
}

export type AttestationOutcome =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'untrusted-chain' | 'serial-mismatch' | 'key-mismatch' | 'policy-mismatch' | 'slot-mismatch' | 'malformed' | 'expired';
    };

/** Checks a slot's attestation: chain to a manufacturer root, card serial, attested key, PIN policy. */
export interface AttestationVerifier {
  verify(unverifiedAttestationDer: Uint8Array, unverifiedIssuerDer: Uint8Array, expected: AttestationExpectation, now: Date): Promise<AttestationOutcome>;
}
