// Parses an unverified timestamp request (RFC 3161 §2.4.1): size bound,
// strict DER, then the fields. Extensions are refused (this TSA supports
// none, §2.4.1: "the server MUST ... reject" critical ones it does not know;
// it supports none at all, so any is refused).
//   TimeStampReq ::= SEQUENCE { version INTEGER { v1(1) }, messageImprint MessageImprint,
//     reqPolicy TSAPolicyId OPTIONAL, nonce INTEGER OPTIONAL,
//     certReq BOOLEAN DEFAULT FALSE, extensions [0] IMPLICIT Extensions OPTIONAL }
//   MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }
import { PkiError } from '../errors.js';
import { booleanOf, children, DerError, expect, integerBytes, isContext, oidOf, readOne, TAG, type Tlv } from '../lib/der-reader.js';
import { oid } from '../lib/oids.js';

export const MAX_TSA_REQUEST_BYTES = 1024;

/** Hash algorithms a message imprint may use, with their digest lengths. */
export const imprintAlgorithms = {
  [oid.sha256]: { name: 'sha256', length: 32 },
  [oid.sha384]: { name: 'sha384', length: 48 },
  [oid.sha512]: { name: 'sha512', length: 64 },
} as const satisfies Record<string, { name: string; length: number }>;

export interface MessageImprint {
  /** OID of the hash algorithm. */
  readonly algorithm: string;
  readonly digest: Buffer;
}

/** A request as parsed: `problem` set when it is well-formed but cannot be granted (RFC 3161 §2.4.2 PKIFailureInfo). */
export interface UnverifiedTimestampRequest {
  readonly imprint: MessageImprint;
  readonly policy: string | undefined;
  /** The nonce INTEGER contents exactly as sent, to echo back. */
  readonly nonce: Buffer | undefined;
  readonly certReq: boolean;
  readonly problem?: 'badAlg' | 'unacceptedExtension';
}

function seqOf(t: Tlv | undefined, what: string): Tlv[] {
  return children(expect(t, TAG.sequence, what));
}

function parse(der: Uint8Array): UnverifiedTimestampRequest {
  const f = seqOf(readOne(der), 'TimeStampReq');
  const version = integerBytes(f[0], 'version');
  if (version.length !== 1 || version[0] !== 1) throw new DerError('TimeStampReq version must be 1');
  const mi = seqOf(f[1], 'messageImprint');
  if (mi.length !== 2) throw new DerError('MessageImprint must have 2 parts');
  const algId = seqOf(mi[0], 'hashAlgorithm');
  const algorithm = oidOf(algId[0], 'hashAlgorithm');
  // parameters absent or NULL (RFC 5754 §2)
  if (algId.length > 2 || (algId.length === 2 && (algId[1]!.tag !== TAG.null || algId[1]!.value.length !== 0))) {
    throw new DerError('hashAlgorithm parameters must be absent or NULL');
  }
  const digest = Buffer.from(expect(mi[1], TAG.octetString, 'hashedMessage').value);
  let i = 2;
  let policy: string | undefined;
  let nonce: Buffer | undefined;
  let certReq = false;
  let extensions = false;
  if (f[i]?.tag === TAG.oid) policy = oidOf(f[i++], 'reqPolicy');
  if (f[i]?.tag === TAG.integer) {
    const n = integerBytes(f[i++], 'nonce');
    if (n.length > 32) throw new DerError('nonce longer than 32 octets');
    nonce = Buffer.from(n);
  }
  if (f[i]?.tag === TAG.boolean) {
    certReq = booleanOf(f[i++]!);
    if (!certReq) throw new DerError('certReq FALSE must be omitted (DER DEFAULT)');
  }
  if (isContext(f[i], 0)) {
    extensions = true;
    i++;
  }
  if (i !== f.length) throw new DerError('TimeStampReq has unexpected parts');
  const known = imprintAlgorithms[algorithm as keyof typeof imprintAlgorithms];
  const imprint = { algorithm, digest };
  if (known === undefined) return { imprint, policy, nonce, certReq, problem: 'badAlg' };
  if (digest.length !== known.length) throw new DerError(`hashedMessage is not ${known.length} bytes`);
  if (extensions) return { imprint, policy, nonce, certReq, problem: 'unacceptedExtension' };
  return { imprint, policy, nonce, certReq };
}

export function parseTimestampRequest(unverified: Uint8Array): UnverifiedTimestampRequest {
  if (unverified.length > MAX_TSA_REQUEST_BYTES) throw new PkiError('tsa_request_too_large', `timestamp request larger than ${MAX_TSA_REQUEST_BYTES} bytes`);
  try {
    return parse(unverified);
  } catch (err) {
    if (err instanceof DerError) throw new PkiError('tsa_request_malformed', err.message, { cause: err });
    throw err;
  }
}
