// The timestamping authority (RFC 3161): answers DER TimeStampReq with a
// TimeStampResp, and stamps a message imprint directly for the service's own
// signatures (CAdES-T: the signature value's hash, ETSI EN 319 122-1 §5.3).
// Time comes from the injected clock; serial numbers are 127 random bits, so
// they are unique without shared state between service processes (§2.4.2:
// "unique for each TimeStampToken issued by a given TSA").
import type { CaCertificate } from '../ca/ca-certificate.js';
import { isPkiError, type PkiErrorCode } from '../errors.js';
import type { Signer } from '../keystore/key-store.js';
import { POLICY_TSA } from '../lib/oids.js';
import { randomSerial } from '../lib/serial.js';
import { grantedResponse, rejectionResponse, type TimestampFailure } from './build-timestamp-response.js';
import { buildTimestampToken } from './build-timestamp-token.js';
import { parseTimestampRequest, type MessageImprint } from './parse-timestamp-request.js';

export interface TimestampAnswer {
  readonly der: Buffer;
  readonly status: 'granted' | 'rejection';
  readonly failure?: TimestampFailure;
  /** Why a request was refused, for logs. */
  readonly code?: PkiErrorCode;
}

export interface TimestampAuthority {
  readonly certificate: CaCertificate;
  readonly policy: string;
  /** An unverified DER TimeStampReq → DER TimeStampResp (a malformed request gets a rejection, not an exception). */
  respond(unverifiedRequest: Uint8Array): Promise<TimestampAnswer>;
  /** A TimeStampToken (ContentInfo DER) over `imprint`, the TSA certificate included. */
  stamp(imprint: MessageImprint): Promise<{ readonly token: Buffer; readonly genTime: Date }>;
}

export interface TimestampAuthorityOptions {
  readonly certificate: CaCertificate;
  readonly signer: Signer;
  readonly now: () => Date;
}

export function createTimestampAuthority(options: TimestampAuthorityOptions): TimestampAuthority {
  const token = async (imprint: MessageImprint, nonce: Buffer | undefined, includeCertificate: boolean) => {
    const genTime = options.now();
    const der = await buildTimestampToken({
      imprint,
      nonce,
      includeCertificate,
      genTime,
      serial: randomSerial(),
      policy: POLICY_TSA,
      tsa: options.certificate,
      signer: options.signer,
    });
    return { token: der, genTime: new Date(Math.floor(genTime.getTime() / 1000) * 1000) };
  };
  return {
    certificate: options.certificate,
    policy: POLICY_TSA,
    async respond(unverifiedRequest) {
      let req;
      try {
        req = parseTimestampRequest(unverifiedRequest);
      } catch (err) {
        if (!isPkiError(err)) throw err;
        return { der: rejectionResponse('badDataFormat', 'the request is not a DER TimeStampReq'), status: 'rejection', failure: 'badDataFormat', code: err.code };
      }
      if (req.problem === 'badAlg') return { der: rejectionResponse('badAlg', 'hash algorithm not supported (SHA-256, SHA-384, SHA-512)'), status: 'rejection', failure: 'badAlg' };
      if (req.problem === 'unacceptedExtension') return { der: rejectionResponse('unacceptedExtension', 'no request extension is supported'), status: 'rejection', failure: 'unacceptedExtension' };
      if (req.policy !== undefined && req.policy !== POLICY_TSA) {
        return { der: rejectionResponse('unacceptedPolicy', `this TSA's policy is ${POLICY_TSA}`), status: 'rejection', failure: 'unacceptedPolicy' };
      }
      try {
        const t = await token(req.imprint, req.nonce, req.certReq);
        return { der: grantedResponse(t.token), status: 'granted' };
      } catch (err) {
        if (!isPkiError(err)) throw err;
        return { der: rejectionResponse('systemFailure', 'the timestamp could not be signed'), status: 'rejection', failure: 'systemFailure', code: err.code };
      }
    },
    stamp: (imprint) => token(imprint, undefined, true),
  };
}
