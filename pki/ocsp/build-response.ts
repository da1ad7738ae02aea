// Builds OCSP responses (RFC 6960 §4.2.1): an error response (status only),
// or a successful id-pkix-ocsp-basic response signed by the delegated
// responder (§4.2.2.2), responderID byKey, one SingleResponse per request
// (the CertID repeated byte-for-byte) with certStatus good [0] / revoked [1]
// (time, reason) / unknown [2], and the request nonce echoed (§4.4.1).
import { createHash } from 'node:crypto';
import type { CaCertificate } from '../ca/ca-certificate.js';
import type { Signer } from '../keystore/key-store.js';
import { ecdsaAlgorithm } from '../lib/algorithms.js';
import {
  bitString,
  enumerated,
  explicit,
  generalizedTime,
  implicit,
  objectIdentifier,
  octetString,
  seq,
  tlv,
} from '../lib/der.js';
import { extension } from '../lib/extensions.js';
import { oid } from '../lib/oids.js';
import { wholeSeconds } from '../lib/time.js';
import { revocationReasons, type RevocationReason } from '../types.js';

/** RFC 6960 §4.2.1 OCSPResponseStatus. */
export const ocspResponseStatus = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;
export type OcspResponseStatus = keyof typeof ocspResponseStatus;

export type SingleStatus =
  | { readonly status: 'good' }
  | { readonly status: 'revoked'; readonly at: Date; readonly reason: RevocationReason | 'certificateHold' }
  | { readonly status: 'unknown' };

export interface SingleAnswer {
  /** The request's CertID DER. */
  readonly certId: Buffer;
  readonly answer: SingleStatus;
}

export function buildErrorResponse(status: Exclude<OcspResponseStatus, 'successful'>): Buffer {
  return seq(enumerated(ocspResponseStatus[status]));
}

function certStatusOf(a: SingleStatus): Buffer {
  if (a.status === 'good') return implicit(0);
  if (a.status === 'unknown') return implicit(2);
  // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
  return tlv(0xa1, generalizedTime(wholeSeconds(a.at)), explicit(0, enumerated(revocationReasons[a.reason])));
}

/** What stays the same for every response of one responder: computed once. */
export interface ResponderIdentity {
  readonly responderId: Buffer;
  readonly certs: Buffer;
}

export function responderIdentity(responder: CaCertificate): ResponderIdentity {
  const keyHash = createHash('sha1').update(responder.publicKeyBits).digest();
  return {
    responderId: explicit(2, octetString(keyHash)), // ResponderID byKey [2] KeyHash
    certs: explicit(0, seq(responder.der)),
  };
}

export interface BasicResponseInput {
  readonly identity: ResponderIdentity;
  readonly signer: Signer;
  readonly answers: readonly SingleAnswer[];
  readonly producedAt: Date;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly nonce: Buffer | undefined;
}

const basicOid = objectIdentifier(oid.ocspBasic);

export async function buildBasicResponse(input: BasicResponseInput): Promise<Buffer> {
  const thisUpdate = generalizedTime(wholeSeconds(input.thisUpdate));
  const nextUpdate = explicit(0, generalizedTime(wholeSeconds(input.nextUpdate)));
  const responses = seq(...input.answers.map((a) => seq(a.certId, certStatusOf(a.answer), thisUpdate, nextUpdate)));
  const parts = [input.identity.responderId, generalizedTime(wholeSeconds(input.producedAt)), responses];
  if (input.nonce) parts.push(explicit(1, seq(extension(oid.ocspNonce, false, input.nonce))));
  const tbs = seq(...parts);
  const signature = await input.signer.sign(tbs, 'der');
  const basic = seq(tbs, ecdsaAlgorithm(input.signer.curve), bitString(signature), input.identity.certs);
  return seq(enumerated(ocspResponseStatus.successful), explicit(0, seq(basicOid, octetString(basic))));
}
