// The signer certificate's status from its issuer's OCSP responder (RFC
// 6960), for validating signatures outside the service: a request with a
// nonce, POSTed to the URL in the certificate's AIA (or the one given), and
// the answer trusted only when it is a successful basic response signed by
// the issuing CA itself or by a responder certificate that CA issued with
// id-kp-OCSPSigning, for this very certificate, echoing the nonce, and
// current. Anything else is an error (the validator then answers
// status_unavailable): an OCSP answer that cannot be trusted is no answer.
import { randomBytes, verify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { oid, type CertStatus, type RevocationReason } from '../../../pki/index.js';
import type { SignerStatusLookup } from '../verify/verify-signature.js';
import { readCertificateProfile } from '../verify/read-certificate-profile.js';

const ID_PKIX_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const reasonNames: readonly (RevocationReason | 'certificateHold' | undefined)[] = [
  'unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', undefined, undefined, 'privilegeWithdrawn', 'aACompromise',
];
const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_ANSWER_BYTES = 64 * 1024;

export interface OcspStatusOptions {
  /** Ask this URL instead of the certificate's AIA OCSP URL. */
  readonly url?: string | undefined;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

function aiaOcspUrl(cert: X509Certificate): string | undefined {
  const m = /OCSP - URI:(\S+)/.exec(cert.infoAccess ?? '');
  return m?.[1];
}

const bytes = (b: ArrayBuffer | Uint8Array): Buffer => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b));

export function ocspStatus(options: OcspStatusOptions = {}): SignerStatusLookup {
  return async ({ der, issuerDer }) => {
    if (issuerDer === undefined) throw new Error('OCSP needs the issuer certificate');
    const cert = pkijs.Certificate.fromBER(der);
    const issuer = pkijs.Certificate.fromBER(issuerDer);
    const issuerX509 = new X509Certificate(issuerDer);
    const url = options.url ?? aiaOcspUrl(new X509Certificate(der));
    if (!url) throw new Error('the certificate names no OCSP responder');
    const req = new pkijs.OCSPRequest();
    await req.createForCertificate(cert, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer });
    const nonce = randomBytes(16);
    req.tbsRequest.requestExtensions = [
      new pkijs.Extension({ extnID: ID_PKIX_OCSP_NONCE, critical: false, extnValue: new asn1js.OctetString({ valueHex: nonce }).toBER() }),
    ];
    const expectedId = req.tbsRequest.requestList[0]!.reqCert;
    const res = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
      body: new Uint8Array(req.toSchema(true).toBER()),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const body = Buffer.from(await res.arrayBuffer());
    if (!res.ok || body.length > MAX_ANSWER_BYTES) throw new Error(`OCSP responder answered HTTP ${res.status}`);
    const answer = pkijs.OCSPResponse.fromBER(body);
    if (answer.responseStatus.valueBlock.valueDec !== 0 || !answer.responseBytes || answer.responseBytes.responseType !== ID_PKIX_OCSP_BASIC) {
      throw new Error(`OCSP responder refused (status ${answer.responseStatus.valueBlock.valueDec})`);
    }
    const basic = pkijs.BasicOCSPResponse.fromBER(answer.responseBytes.response.valueBlock.valueHexView);
    // Who signed: the issuing CA, or a responder it delegated to (RFC 6960 §4.2.2.2).
    const candidates = [issuerX509, ...(basic.certs ?? []).map((c) => new X509Certificate(bytes(c.toSchema().toBER())))];
    const tbs = bytes(basic.tbsResponseData.tbsView);
    const sig = bytes(basic.signature.valueBlock.valueHexView);
    const hash = basic.signatureAlgorithm.algorithmId === oid.ecdsaWithSha384 ? 'sha384' : 'sha256';
    const signer = candidates.find((c) => {
      try {
        return verify(hash, tbs, c.publicKey, sig);
      } catch {
        return false;
      }
    });
    if (!signer) throw new Error('the OCSP answer is not signed by a known responder');
    if (!signer.raw.equals(issuerX509.raw)) {
      if (!signer.checkIssued(issuerX509) || !signer.verify(issuerX509.publicKey)) throw new Error('the OCSP responder was not certified by the issuing CA');
      const profile = readCertificateProfile(pkijs.Certificate.fromBER(signer.raw));
      if (!profile.extKeyUsage?.includes(oid.kpOcspSigning)) throw new Error('the OCSP responder certificate lacks id-kp-OCSPSigning');
    }
    const echoed = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === ID_PKIX_OCSP_NONCE);
    const echoedNonce = echoed ? bytes((asn1js.fromBER(echoed.extnValue.valueBlock.valueHexView).result as asn1js.OctetString).valueBlock.valueHexView) : undefined;
    if (!echoedNonce?.equals(nonce)) throw new Error('the OCSP answer does not echo the nonce');
    const single = basic.tbsResponseData.responses.find((r) => r.certID.isEqual(expectedId));
    if (!single) throw new Error('the OCSP answer is about another certificate');
    const now = (options.now ?? (() => new Date()))().getTime();
    if (single.thisUpdate.getTime() > now + CLOCK_SKEW_MS || (single.nextUpdate !== undefined && single.nextUpdate.getTime() < now - CLOCK_SKEW_MS)) {
      throw new Error('the OCSP answer is not current');
    }
    return certStatusOf(single.certStatus as asn1js.BaseBlock);
  };
}

/** CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT UnknownInfo } */
function certStatusOf(node: asn1js.BaseBlock): CertStatus {
  const tag = node.idBlock.tagNumber;
  if (node.idBlock.tagClass !== 3) throw new Error('malformed certStatus');
  if (tag === 0) return { status: 'good' };
  if (tag === 2) return { status: 'unknown' };
  if (tag !== 1) throw new Error('malformed certStatus');
  // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
  const parts = (node as asn1js.Constructed).valueBlock.value;
  const time = parts[0];
  if (!(time instanceof asn1js.GeneralizedTime)) throw new Error('malformed RevokedInfo');
  const at = time.toDate();
  const reasonNode = parts[1] as asn1js.Constructed | undefined;
  const enumerated = reasonNode?.valueBlock.value[0] as asn1js.Enumerated | undefined;
  const reason = enumerated === undefined ? 'unspecified' : reasonNames[Number(enumerated.toBigInt?.() ?? enumerated.valueBlock.valueDec)];
  if (reason === 'certificateHold') return { status: 'hold', since: at };
  return { status: 'revoked', reason: reason ?? 'unspecified', at };
}
