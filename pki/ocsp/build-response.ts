// Builds OCSP responses (RFC 6960 §4.2.1): an error response (status only),
// or a successful id-pkix-ocsp-basic response signed by the delegated
// responder (§4.2.2.2), responderID byKey, one SingleResponse per request
// with certStatus good [0] / revoked [1] (time, reason) / unknown [2], and
// the request nonce echoed (§4.4.1).
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CaCertificate } from '../ca/ca-certificate.js';
import type { Signer } from '../keystore/key-store.js';
import { ecdsaAlgorithm } from '../lib/algorithms.js';
import { oid } from '../lib/oids.js';
import { subjectPublicKeyBits } from '../lib/spki.js';
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
  readonly certId: pkijs.CertID;
  readonly answer: SingleStatus;
}

export function buildErrorResponse(status: Exclude<OcspResponseStatus, 'successful'>): Buffer {
  const res = new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: ocspResponseStatus[status] }) });
  return Buffer.from(res.toSchema().toBER());
}

function certStatusOf(a: SingleStatus): asn1js.AsnType {
  if (a.status === 'good') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
  if (a.status === 'unknown') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
  const value: asn1js.AsnType[] = [new asn1js.GeneralizedTime({ valueDate: wholeSeconds(a.at) })];
  const code = revocationReasons[a.reason];
  value.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: code })] }));
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value });
}

export interface BasicResponseInput {
  readonly responder: CaCertificate;
  readonly signer: Signer;
  readonly answers: readonly SingleAnswer[];
  readonly producedAt: Date;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly nonce: Buffer | undefined;
}

export async function buildBasicResponse(input: BasicResponseInput): Promise<Buffer> {
  const keyHash = createHash('sha1').update(subjectPublicKeyBits(input.responder.x509.publicKey)).digest();
  const tbs = new pkijs.ResponseData({
    responderID: new asn1js.OctetString({ valueHex: keyHash }),
    producedAt: wholeSeconds(input.producedAt),
    responses: input.answers.map(
      (a) =>
        new pkijs.SingleResponse({
          certID: a.certId,
          certStatus: certStatusOf(a.answer),
          thisUpdate: wholeSeconds(input.thisUpdate),
          nextUpdate: wholeSeconds(input.nextUpdate),
        }),
    ),
  });
  if (input.nonce) {
    tbs.responseExtensions = [new pkijs.Extension({ extnID: oid.ocspNonce, critical: false, extnValue: new Uint8Array(input.nonce).buffer })];
  }
  tbs.tbsView = new Uint8Array(tbs.toSchema(true).toBER());
  const signature = await input.signer.sign(tbs.tbsView, 'der');
  const basic = new pkijs.BasicOCSPResponse({
    tbsResponseData: tbs,
    signatureAlgorithm: ecdsaAlgorithm(input.signer.curve),
    signature: new asn1js.BitString({ valueHex: signature }),
    certs: [pkijs.Certificate.fromBER(input.responder.der)],
  });
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: ocspResponseStatus.successful }),
    responseBytes: new pkijs.ResponseBytes({
      responseType: oid.ocspBasic,
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER() }),
    }),
  });
  return Buffer.from(response.toSchema().toBER());
}
