// Parses an unverified OCSP request (RFC 6960 §4.1.1): size bound first,
// then DER structure (no trailing bytes), then the request list (bounded)
// and the nonce extension (RFC 6960 §4.4.1, length per RFC 8954 §2.1).
// A request signature, if any, is ignored: this responder answers anyone.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PkiError } from '../errors.js';
import { oid } from '../lib/oids.js';

export const MAX_OCSP_REQUEST_BYTES = 8 * 1024;
export const MAX_OCSP_REQUEST_ENTRIES = 16;
/** Nonce extnValue: 1..32 octets of nonce inside an OCTET STRING (2 header octets). */
const MAX_NONCE_EXTN_BYTES = 34;

export interface UnverifiedOcspRequest {
  readonly certIds: readonly pkijs.CertID[];
  /** The nonce extension value exactly as sent, to echo back. */
  readonly nonce: Buffer | undefined;
}

function malformed(message: string, cause?: unknown): PkiError {
  return new PkiError('ocsp_request_malformed', message, { cause });
}

export function parseOcspRequest(unverifiedDer: Uint8Array): UnverifiedOcspRequest {
  if (unverifiedDer.length > MAX_OCSP_REQUEST_BYTES) {
    throw new PkiError('ocsp_request_too_large', `OCSP request larger than ${MAX_OCSP_REQUEST_BYTES} bytes`);
  }
  if (unverifiedDer.length === 0) throw malformed('empty OCSP request');
  const asn1 = asn1js.fromBER(unverifiedDer);
  if (asn1.offset === -1 || asn1.offset !== unverifiedDer.length) throw malformed('OCSP request is not one DER value');
  let request: pkijs.OCSPRequest;
  try {
    request = new pkijs.OCSPRequest({ schema: asn1.result });
  } catch (err) {
    throw malformed('OCSP request does not match the RFC 6960 schema', err);
  }
  const list = request.tbsRequest.requestList;
  if (list.length === 0) throw malformed('OCSP request lists no certificate');
  if (list.length > MAX_OCSP_REQUEST_ENTRIES) throw malformed(`OCSP request lists more than ${MAX_OCSP_REQUEST_ENTRIES} certificates`);
  let nonce: Buffer | undefined;
  for (const ext of request.tbsRequest.requestExtensions ?? []) {
    if (ext.extnID === oid.ocspNonce) {
      const value = Buffer.from(ext.extnValue.valueBlock.valueHexView);
      if (value.length === 0 || value.length > MAX_NONCE_EXTN_BYTES) throw malformed('OCSP nonce length out of range (RFC 8954)');
      nonce = value;
    } else if (ext.critical) {
      throw malformed(`unsupported critical OCSP request extension ${ext.extnID}`);
    }
  }
  return { certIds: list.map((r) => r.reqCert), nonce };
}
