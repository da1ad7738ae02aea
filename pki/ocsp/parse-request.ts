// Parses an unverified OCSP request (RFC 6960 §4.1.1): size bound first,
// then strict DER structure (one value, no trailing bytes), then the request
// list (bounded) and the nonce extension (RFC 6960 §4.4.1, length per RFC
// 8954 §2.1). A request signature, if any, is ignored: this responder answers
// anyone. Each CertID is kept as its exact DER so the response repeats it.
//   OCSPRequest ::= SEQUENCE { tbsRequest, optionalSignature [0] EXPLICIT OPTIONAL }
//   TBSRequest  ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, requestorName [1]
//                   EXPLICIT OPTIONAL, requestList SEQUENCE OF Request,
//                   requestExtensions [2] EXPLICIT Extensions OPTIONAL }
//   Request     ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] OPTIONAL }
//   CertID      ::= SEQUENCE { hashAlgorithm, issuerNameHash OCTET STRING,
//                   issuerKeyHash OCTET STRING, serialNumber INTEGER }
import { PkiError } from '../errors.js';
import {
  booleanDefaultFalseOf,
  children,
  DerError,
  explicitVersionOf,
  expect,
  integerBytes,
  isContext,
  oidOf,
  readOne,
  TAG,
  type Tlv,
} from '../lib/der-reader.js';
import { oid } from '../lib/oids.js';

export const MAX_OCSP_REQUEST_BYTES = 8 * 1024;
export const MAX_OCSP_REQUEST_ENTRIES = 16;
/** Nonce extnValue: 1..32 octets of nonce inside an OCTET STRING (2 header octets). */
const MAX_NONCE_EXTN_BYTES = 34;

export interface RequestedCertId {
  /** The CertID exactly as the client sent it. */
  readonly der: Buffer;
  readonly hashAlgorithm: string;
  readonly issuerNameHash: Buffer;
  readonly issuerKeyHash: Buffer;
  /** INTEGER contents (two's complement, as sent). */
  readonly serial: Buffer;
}

export interface UnverifiedOcspRequest {
  readonly certIds: readonly RequestedCertId[];
  /** The nonce extension value exactly as sent, to echo back. */
  readonly nonce: Buffer | undefined;
}

function malformed(message: string, cause?: unknown): PkiError {
  return new PkiError('ocsp_request_malformed', message, { cause });
}

function seqOf(t: Tlv | undefined, what: string): Tlv[] {
  return children(expect(t, TAG.sequence, what));
}

function certIdOf(t: Tlv | undefined): RequestedCertId {
  const [alg, nameHash, keyHash, serial, ...rest] = seqOf(t, 'CertID');
  if (rest.length > 0) throw new DerError('CertID has extra parts');
  const serialBytes = integerBytes(serial, 'serialNumber');
  if (serialBytes.length > 20) throw new DerError('serialNumber longer than 20 octets');
  return {
    der: Buffer.from((t as Tlv).der),
    hashAlgorithm: oidOf(seqOf(alg, 'hashAlgorithm')[0], 'hashAlgorithm'),
    issuerNameHash: Buffer.from(expect(nameHash, TAG.octetString, 'issuerNameHash').value),
    issuerKeyHash: Buffer.from(expect(keyHash, TAG.octetString, 'issuerKeyHash').value),
    serial: Buffer.from(serialBytes),
  };
}

function parse(der: Uint8Array): UnverifiedOcspRequest {
  const top = seqOf(readOne(der), 'OCSPRequest');
  if (top.length < 1 || top.length > 2 || (top.length === 2 && !isContext(top[1], 0))) throw new DerError('OCSPRequest has unexpected parts');
  const tbs = seqOf(top[0], 'TBSRequest');
  let i = 0;
  if (isContext(tbs[i], 0)) {
    // version [0] EXPLICIT DEFAULT v1: v1 is the only version, and DER leaves a DEFAULT out
    explicitVersionOf(tbs[i] as Tlv, 'version');
    throw new DerError('version: unknown OCSP request version');
  }
  if (isContext(tbs[i], 1)) i++; // requestorName
  const list = seqOf(tbs[i++], 'requestList');
  const extensionsNode = tbs[i];
  if (extensionsNode !== undefined && !isContext(extensionsNode, 2)) throw new DerError('TBSRequest has unexpected parts');
  if (tbs.length > i + 1) throw new DerError('TBSRequest has unexpected parts');
  if (list.length === 0) throw new DerError('OCSP request lists no certificate');
  if (list.length > MAX_OCSP_REQUEST_ENTRIES) throw new DerError(`OCSP request lists more than ${MAX_OCSP_REQUEST_ENTRIES} certificates`);
  const certIds = list.map((r) => certIdOf(seqOf(r, 'Request')[0]));
  let nonce: Buffer | undefined;
  if (extensionsNode) {
    for (const e of seqOf(children(extensionsNode)[0], 'requestExtensions')) {
      const f = seqOf(e, 'Extension');
      const id = oidOf(f[0], 'extnID');
      const critical = f[1]?.tag === TAG.boolean && booleanDefaultFalseOf(f[1], `extension ${id} critical`);
      if (f.length !== (critical ? 3 : 2)) throw new DerError(`extension ${id}: unexpected content`);
      const value = expect(f[f.length - 1], TAG.octetString, 'extnValue').value;
      if (id === oid.ocspNonce) {
        if (value.length === 0 || value.length > MAX_NONCE_EXTN_BYTES) throw new DerError('OCSP nonce length out of range (RFC 8954)');
        nonce = Buffer.from(value);
      } else if (critical) {
        throw new DerError(`unsupported critical OCSP request extension ${id}`);
      }
    }
  }
  return { certIds, nonce };
}

export function parseOcspRequest(unverifiedDer: Uint8Array): UnverifiedOcspRequest {
  if (unverifiedDer.length > MAX_OCSP_REQUEST_BYTES) {
    throw new PkiError('ocsp_request_too_large', `OCSP request larger than ${MAX_OCSP_REQUEST_BYTES} bytes`);
  }
  if (unverifiedDer.length === 0) throw malformed('empty OCSP request');
  try {
    return parse(unverifiedDer);
  } catch (err) {
    if (err instanceof DerError) throw malformed(err.message, err);
    throw err;
  }
}
