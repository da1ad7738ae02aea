// Parses an unverified OCSP request (RFC 6960 §4.1.1): size bound first,
// then strict DER structure (one value, no trailing bytes, no DEFAULT written
// out), then the request list (bounded) and the extensions of both levels.
// Extensions (RFC 6960 §4.4, RFC 5280 §4.2 semantics): a list is never empty
// (SIZE (1..MAX)) and names each extension once; a critical extension this
// responder does not act on — any singleRequestExtension, any requestExtension
// but the nonce — makes the request malformed rather than answered as if it
// were absent; non-critical ones are ignored. The nonce (§4.4.1) is an OCTET
// STRING of 1 to 32 octets (RFC 8954 §2.1) inside extnValue, checked before it
// is echoed. A request signature, if any, is ignored: this responder answers
// anyone. Each CertID is kept as its exact DER so the response repeats it.
//   OCSPRequest ::= SEQUENCE { tbsRequest, optionalSignature [0] EXPLICIT OPTIONAL }
//   TBSRequest  ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, requestorName [1]
//                   EXPLICIT OPTIONAL, requestList SEQUENCE OF Request,
//                   requestExtensions [2] EXPLICIT Extensions OPTIONAL }
//   Request     ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
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
/** RFC 8954 §2.1: Nonce ::= OCTET STRING (SIZE(1..32)). */
const MIN_NONCE_OCTETS = 1;
const MAX_NONCE_OCTETS = 32;

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
  /** The nonce extension's extnValue exactly as sent (a DER OCTET STRING of 1..32 octets), to echo back. */
  readonly nonce: Buffer | undefined;
}

function malformed(message: string, cause?: unknown): PkiError {
  return new PkiError('ocsp_request_malformed', message, { cause });
}

function seqOf(t: Tlv | undefined, what: string): Tlv[] {
  return children(expect(t, TAG.sequence, what));
}

interface RequestExtension {
  readonly id: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, inside an [n] EXPLICIT tag. */
function extensionsOf(tagged: Tlv, what: string): RequestExtension[] {
  const [list, ...rest] = children(tagged);
  if (rest.length > 0) throw new DerError(`${what}: unexpected content`);
  const items = seqOf(list, what);
  if (items.length === 0) throw new DerError(`${what}: empty extension list`);
  const out: RequestExtension[] = [];
  for (const e of items) {
    const f = seqOf(e, 'Extension');
    const id = oidOf(f[0], 'extnID');
    const critical = f[1]?.tag === TAG.boolean && booleanDefaultFalseOf(f[1], `extension ${id} critical`);
    if (f.length !== (critical ? 3 : 2)) throw new DerError(`extension ${id}: unexpected content`);
    const value = expect(f[f.length - 1], TAG.octetString, 'extnValue').value;
    if (out.some((x) => x.id === id)) throw new DerError(`${what}: extension ${id} appears twice`);
    out.push({ id, critical, value });
  }
  return out;
}

/** The nonce's extnValue, checked to hold exactly one OCTET STRING of 1..32 octets. */
function nonceOf(extnValue: Uint8Array): Buffer {
  const inner = expect(readOne(extnValue), TAG.octetString, 'OCSP nonce');
  if (inner.value.length < MIN_NONCE_OCTETS || inner.value.length > MAX_NONCE_OCTETS) {
    throw new DerError(`OCSP nonce must be ${MIN_NONCE_OCTETS} to ${MAX_NONCE_OCTETS} octets (RFC 8954)`);
  }
  return Buffer.from(extnValue);
}

function requestOf(t: Tlv): RequestedCertId {
  const [reqCert, extensions, ...rest] = seqOf(t, 'Request');
  if (rest.length > 0 || (extensions !== undefined && !isContext(extensions, 0))) throw new DerError('Request has unexpected parts');
  if (extensions) {
    // singleRequestExtensions: none is acted on here (the service locator of §4.4.6 is for
    // responders that forward), so a critical one cannot be honoured.
    const critical = extensionsOf(extensions, 'singleRequestExtensions').find((e) => e.critical);
    if (critical) throw new DerError(`unsupported critical singleRequestExtension ${critical.id}`);
  }
  return certIdOf(reqCert);
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
  const certIds = list.map(requestOf);
  let nonce: Buffer | undefined;
  if (extensionsNode) {
    for (const e of extensionsOf(extensionsNode, 'requestExtensions')) {
      if (e.id === oid.ocspNonce) nonce = nonceOf(e.value);
      else if (e.critical) throw new DerError(`unsupported critical requestExtension ${e.id}`);
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
