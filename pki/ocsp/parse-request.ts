// Parses an unverified OCSP request (RFC 6960 §4.1.1): size bound first,
// then DER structure (one value, no trailing bytes), then the request list
// (bounded) and the nonce extension (RFC 6960 §4.4.1, length per RFC 8954
// §2.1). A request signature, if any, is ignored: this responder answers
// anyone. Each CertID is kept as its exact DER so the response repeats it.
//   OCSPRequest ::= SEQUENCE { tbsRequest, optionalSignature [0] EXPLICIT OPTIONAL }
//   TBSRequest  ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, requestorName [1]
//                   EXPLICIT OPTIONAL, requestList SEQUENCE OF Request,
//                   requestExtensions [2] EXPLICIT Extensions OPTIONAL }
//   Request     ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] OPTIONAL }
//   CertID      ::= SEQUENCE { hashAlgorithm, issuerNameHash OCTET STRING,
//                   issuerKeyHash OCTET STRING, serialNumber INTEGER }
import * as asn1js from 'asn1js';
import { PkiError } from '../errors.js';
import { oidTextOfDer } from '../lib/oid-text.js';
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

function children(node: asn1js.AsnType | undefined, what: string): asn1js.AsnType[] {
  if (!(node instanceof asn1js.Sequence)) throw malformed(`${what} is not a SEQUENCE`);
  return node.valueBlock.value;
}

function isContext(node: asn1js.AsnType | undefined, n: number): boolean {
  return node !== undefined && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === n;
}

function oidOf(node: asn1js.AsnType | undefined, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw malformed(`${what} is not an OID`);
  try {
    return oidTextOfDer(node.valueBeforeDecodeView);
  } catch (err) {
    throw malformed(`${what} is not a valid OID`, err);
  }
}

function certIdOf(node: asn1js.AsnType | undefined): RequestedCertId {
  const [alg, nameHash, keyHash, serial, ...rest] = children(node, 'CertID');
  if (rest.length > 0 || !(nameHash instanceof asn1js.OctetString) || !(keyHash instanceof asn1js.OctetString) || !(serial instanceof asn1js.Integer)) {
    throw malformed('CertID does not match RFC 6960');
  }
  const serialBytes = Buffer.from(serial.valueBlock.valueHexView);
  if (serialBytes.length === 0 || serialBytes.length > 20) throw malformed('CertID serial number has a bad length');
  return {
    der: Buffer.from((node as asn1js.Sequence).valueBeforeDecodeView),
    hashAlgorithm: oidOf(children(alg, 'hashAlgorithm')[0], 'hashAlgorithm'),
    issuerNameHash: Buffer.from(nameHash.valueBlock.valueHexView),
    issuerKeyHash: Buffer.from(keyHash.valueBlock.valueHexView),
    serial: serialBytes,
  };
}

export function parseOcspRequest(unverifiedDer: Uint8Array): UnverifiedOcspRequest {
  if (unverifiedDer.length > MAX_OCSP_REQUEST_BYTES) {
    throw new PkiError('ocsp_request_too_large', `OCSP request larger than ${MAX_OCSP_REQUEST_BYTES} bytes`);
  }
  if (unverifiedDer.length === 0) throw malformed('empty OCSP request');
  const asn1 = asn1js.fromBER(unverifiedDer);
  if (asn1.offset === -1 || asn1.offset !== unverifiedDer.length) throw malformed('OCSP request is not one DER value');
  const top = children(asn1.result, 'OCSPRequest');
  if (top.length < 1 || top.length > 2 || (top.length === 2 && !isContext(top[1], 0))) throw malformed('OCSPRequest has unexpected parts');
  const tbs = children(top[0], 'TBSRequest');
  let i = 0;
  if (isContext(tbs[i], 0)) i++; // version
  if (isContext(tbs[i], 1)) i++; // requestorName
  const list = children(tbs[i++], 'requestList');
  const extensionsNode = tbs[i];
  if (extensionsNode !== undefined && !isContext(extensionsNode, 2)) throw malformed('TBSRequest has unexpected parts');
  if (tbs.length > i + 1) throw malformed('TBSRequest has unexpected parts');
  if (list.length === 0) throw malformed('OCSP request lists no certificate');
  if (list.length > MAX_OCSP_REQUEST_ENTRIES) throw malformed(`OCSP request lists more than ${MAX_OCSP_REQUEST_ENTRIES} certificates`);
  const certIds = list.map((r) => certIdOf(children(r, 'Request')[0]));
  let nonce: Buffer | undefined;
  if (extensionsNode) {
    const exts = children((extensionsNode as asn1js.Constructed).valueBlock.value[0], 'requestExtensions');
    for (const e of exts) {
      const f = children(e, 'Extension');
      const id = oidOf(f[0], 'extnID');
      const critical = f[1] instanceof asn1js.Boolean && f[1].valueBlock.value;
      const value = f[f.length - 1];
      if (!(value instanceof asn1js.OctetString)) throw malformed('extnValue is not an OCTET STRING');
      if (id === oid.ocspNonce) {
        const v = Buffer.from(value.valueBlock.valueHexView);
        if (v.length === 0 || v.length > MAX_NONCE_EXTN_BYTES) throw malformed('OCSP nonce length out of range (RFC 8954)');
        nonce = v;
      } else if (critical) {
        throw malformed(`unsupported critical OCSP request extension ${id}`);
      }
    }
  }
  return { certIds, nonce };
}
