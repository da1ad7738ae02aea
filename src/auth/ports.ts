// Ports of card + PIN authentication: what src/auth needs from the CA library
// (certificate verification), the registry (card and certificate status) and
// the key store (the result-signing key). The composition root hands in the
// adapters in ./adapters (pki, SQL registry, key store); unit tests use fakes.
import type { KeyObject } from 'node:crypto';
import type { EkycAttribute } from '../rp/ids.js';
import type { PublicJwk } from '../../pki/index.js';

/** A card certificate whose chain, purpose, policy and validity were checked. */
export interface VerifiedCard {
  readonly certSerialHex: string;
  /** hex SHA-256 of the certificate DER */
  readonly certSha256: string;
  readonly subject: {
    readonly country: string | undefined;
    readonly surname: string | undefined;
    readonly givenName: string | undefined;
    /** serialNumber attribute, e.g. PNOKH-123456789 */
    readonly serialNumber: string | undefined;
  };
  /** Cached per certificate: ready for crypto.verify. */
  readonly publicKey: KeyObject;
}

/**
 * Verifies an unverified card certificate (DER) at a time: size, structure,
 * chain to the national issuing CA, purpose (clientAuth), policy (key on card,
 * PIN always), validity. Throws AuthFailure (./codes.ts) on refusal, with the
 * internal reason; revocation is the job of CardStatusLookup.
 */
export interface CardCertificateVerifier {
  verify(unverifiedDer: Uint8Array, at: Date): Promise<VerifiedCard>;
}

export interface CitizenAttributes {
  readonly citizenId: string;
  readonly nationalId: string;
  readonly surname: string;
  readonly givenName: string;
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly country: string;
}

/** What the registry says about a certificate and its card. */
export interface CardStatusRecord {
  readonly certStatus: 'good' | 'hold' | 'revoked';
  /** cards.status: active, hold, pending_activation, revoked, superseded, expired, wiped */
  readonly cardStatus: string;
  readonly cardSerial: number;
  /** The key's on-card generation was proven by attestation at issuance. */
  readonly attested: boolean;
  readonly citizen: CitizenAttributes;
}

/**
 * Card and certificate status by certificate serial (lower-case hex).
 * Resolves undefined for a certificate the registry does not know; THROWS
 * when the registry cannot answer (the caller fails closed with 503).
 */
export interface CardStatusLookup {
  byCertificateSerial(certSerialHex: string): Promise<CardStatusRecord | undefined>;
}

/**
 * A fresh OCSP response (RFC 6960, DER) from the service's own responder for
 * a card certificate, with `nonce` in it: the evidence a relying party keeps
 * to show, without trusting cardauth, that the certificate was good when
 * this transaction was authenticated. THROWS when the responder cannot
 * answer with a signed response (the caller fails closed with 503).
 */
export interface EvidenceOcsp {
  responseFor(certSerialHex: string, nonce: Buffer): Promise<Buffer>;
}

/** An outcome stored for a consumed challenge, as the RP's webhooks report it. */
export type StoredOutcomeEvent = {
  readonly rpId: string;
  readonly challengeId: string;
  readonly terminalId: string;
  readonly at: Date;
} & (
  | { readonly status: 'completed'; readonly result: string; readonly cardSerial: string | null; readonly subject: string }
  | { readonly status: 'failed'; readonly code: string }
);

/**
 * Durable news of stored outcomes for the RP's webhooks (src/webhooks): the
 * event is written before the outcome is answered, once per challenge
 * however often it is written. THROWS when it cannot be written (the caller
 * answers 503; a resend writes it then).
 */
export interface OutcomeEvents {
  outcomeStored(event: StoredOutcomeEvent): Promise<void>;
}

/** An ES256 public key as published at /.well-known/jwks.json (RFC 7517/7518): the CA's one definition. */
export type ResultPublicJwk = PublicJwk;

/** The key that signs authentication results (JWS ES256). */
export interface ResultSigner {
  readonly kid: string;
  readonly alg: 'ES256';
  /** ECDSA P-256 with SHA-256 over `data`, IEEE P1363 (r || s, 64 bytes) as JWS wants. */
  sign(data: Uint8Array): Promise<Buffer>;
  readonly publicJwk: ResultPublicJwk;
}

/**
 * The current signer and every key still published (current first, then
 * previous ones). Both may change between two reads when the key set is
 * rotated (adapters/result-keys.ts watchResultKeys): read them per use.
 */
export interface ResultKeys {
  readonly current: ResultSigner;
  readonly published: readonly ResultPublicJwk[];
}


export type { EkycAttribute };
