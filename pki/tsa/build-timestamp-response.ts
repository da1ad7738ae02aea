// TimeStampResp (RFC 3161 §2.4.2):
//   TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL }
//   PKIStatusInfo ::= SEQUENCE { status PKIStatus, statusString PKIFreeText OPTIONAL,
//                                failInfo PKIFailureInfo OPTIONAL }
// granted (0) with the token, or rejection (2) with one failure bit.
import { bitString, seq, smallInteger, utf8String } from '../lib/der.js';

/** PKIFailureInfo named bits (RFC 3161 §2.4.2). */
export const failureBits = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
} as const;
export type TimestampFailure = keyof typeof failureBits;

/** One named bit as a DER BIT STRING (trailing zero bits dropped, X.690 §11.2.2). */
function oneBit(bit: number): Buffer {
  const bytes = Buffer.alloc((bit >> 3) + 1);
  bytes[bit >> 3] = 0x80 >> (bit & 7);
  return bitString(bytes, 7 - (bit & 7));
}

export function grantedResponse(token: Buffer): Buffer {
  return seq(seq(smallInteger(0)), token);
}

export function rejectionResponse(failure: TimestampFailure, text: string): Buffer {
  return seq(seq(smallInteger(2), seq(utf8String(text)), oneBit(failureBits[failure])));
}
