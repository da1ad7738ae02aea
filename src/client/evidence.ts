// Checking a result's evidence (the `evidence` claim) without trusting
// cardauth: with node:crypto and the national issuing CA's certificate alone,
//   1. the certificate is the one the claims name (cert_sha256, cert_serial)
//      and was issued by the issuing CA;
//   2. the preimage is this transaction's: the "cardauth/v1" domain, SHA-256
//      of the RP id (aud), of the terminal (terminal_id) and of the
//      transaction (txn_hash; the empty string without one);
//   3. the card's signature verifies over the preimage (ECDSA P-256 over its
//      SHA-256, the 32-byte input) with the certificate's key;
//   4. the OCSP response (RFC 6960) is signed by a responder the issuing CA
//      certified for OCSP signing, says `good` for this certificate's serial,
//      and its nonce is the input: it was made for this transaction.
// Throws EvidenceError naming the first check that fails.
import { createHash, verify, X509Certificate } from 'node:crypto';
import { children, oidOf, readOne, unsignedHex, type Tlv } from './lib/der.js';
import type { ResultClaims } from './types.js';

const OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const DOMAIN = Buffer.from('cardauth/v1\u0000', 'latin1');

export class EvidenceError extends Error {
  override readonly name = 'EvidenceError';
  constructor(
    readonly check: 'missing' | 'certificate' | 'preimage' | 'signature' | 'ocsp',
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedEvidence {
  /** hex of the 32 bytes the card signed. */
  readonly input: string;
  readonly certificate: X509Certificate;
  /** When the OCSP responder said `good`. */
  readonly ocspProducedAt: Date;
}

const sha256 = (b: Uint8Array | string): Buffer => createHash('sha256').update(b).digest();

function generalizedTime(t: Tlv): Date {
  const s = t.value.toString('ascii');
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
  if (t.tag !== 0x18 || !m) throw new EvidenceError('ocsp', 'producedAt is not a GeneralizedTime');
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function readOcsp(der: Buffer) {
  const [status, bytes] = children(readOne(der));
  if (status?.tag !== 0x0a || status.value[0] !== 0) throw new EvidenceError('ocsp', 'the OCSP response is not successful');
  const [type, octets] = children(children(bytes!)[0]!);
  if (oidOf(type!) !== OCSP_BASIC || octets?.tag !== 0x04) throw new EvidenceError('ocsp', 'not a basic OCSP response');
  const [tbs, sigAlg, signature, certs] = children(readOne(octets.value));
  if (!tbs || !sigAlg || signature?.tag !== 0x03 || certs?.tag !== 0xa0) throw new EvidenceError('ocsp', 'the basic response is not complete (no responder certificate)');
  if (oidOf(children(sigAlg)[0]!) !== ECDSA_SHA256) throw new EvidenceError('ocsp', 'the response is not signed with ECDSA-SHA256');
  const parts = children(tbs).filter((p) => p.tag !== 0xa0); // without the version
  const producedAt = generalizedTime(parts[1]!);
  const single = children(children(parts[2]!)[0]!);
  const certId = children(single[0]!);
  let nonce: Buffer | undefined;
  const exts = parts.find((p) => p.tag === 0xa1);
  for (const e of exts ? children(children(exts)[0]!) : []) {
    const c = children(e);
    if (oidOf(c[0]!) === OCSP_NONCE) nonce = readOne(c[c.length - 1]!.value).value;
  }
  return {
    tbs: tbs.der,
    signature: signature.value.subarray(1),
    responder: new X509Certificate(children(children(certs)[0]!)[0]!.der),
    serialHex: unsignedHex(certId[3]!),
    good: single[1]!.tag === 0x80,
    nonce,
    producedAt,
  };
}

/** `issuingCa`: the national issuing CA's certificate (PEM or DER, e.g. from /pki/issuing.crt, pinned by the RP). */
export function verifyEvidence(claims: ResultClaims, issuingCa: X509Certificate | string | Buffer): VerifiedEvidence {
  const ev = claims.evidence;
  if (ev === undefined) throw new EvidenceError('missing', 'the result carries no evidence (ask for it with evidence: true)');
  const ca = issuingCa instanceof X509Certificate ? issuingCa : new X509Certificate(issuingCa);
  // 1. The certificate.
  const certDer = Buffer.from(ev.cert, 'base64');
  const cert = new X509Certificate(certDer);
  if (sha256(certDer).toString('hex') !== claims.cert_sha256) throw new EvidenceError('certificate', 'the certificate is not the one cert_sha256 names');
  const serial = cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, '');
  if (serial !== claims.cert_serial.toLowerCase().replace(/^(00)+(?=.)/, '')) throw new EvidenceError('certificate', 'the certificate is not the one cert_serial names');
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) throw new EvidenceError('certificate', 'the certificate was not issued by the issuing CA');
  // 2. The preimage.
  const pre = Buffer.from(ev.signing_input_preimage, 'base64');
  if (pre.length !== DOMAIN.length + 4 * 32 || !pre.subarray(0, DOMAIN.length).equals(DOMAIN)) throw new EvidenceError('preimage', 'not a cardauth/v1 signing input');
  const part = (i: number) => pre.subarray(DOMAIN.length + 32 * i, DOMAIN.length + 32 * (i + 1));
  if (!part(0).equals(sha256(claims.aud))) throw new EvidenceError('preimage', 'the preimage is for another relying party');
  if (!part(2).equals(sha256(claims.terminal_id))) throw new EvidenceError('preimage', 'the preimage is for another terminal');
  const txn = claims.txn_hash === null ? sha256('') : Buffer.from(claims.txn_hash, 'hex');
  if (!part(3).equals(txn)) throw new EvidenceError('preimage', 'the preimage is for another transaction');
  const input = sha256(pre);
  // 3. The card's signature.
  if (!verify('sha256', pre, { key: cert.publicKey, dsaEncoding: 'der' }, Buffer.from(ev.sig, 'base64'))) {
    throw new EvidenceError('signature', 'the card signature does not verify');
  }
  // 4. The OCSP response.
  let o;
  try {
    o = readOcsp(Buffer.from(ev.ocsp, 'base64'));
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    throw new EvidenceError('ocsp', `the OCSP response is malformed: ${(err as Error).message}`);
  }
  if (!o.responder.checkIssued(ca) || !o.responder.verify(ca.publicKey)) throw new EvidenceError('ocsp', 'the OCSP responder was not certified by the issuing CA');
  if (!(o.responder.keyUsage ?? []).includes(OCSP_SIGNING)) throw new EvidenceError('ocsp', 'the responder certificate is not for OCSP signing');
  if (!verify('sha256', o.tbs, { key: o.responder.publicKey, dsaEncoding: 'der' }, o.signature)) throw new EvidenceError('ocsp', 'the OCSP response signature does not verify');
  if (o.serialHex !== serial) throw new EvidenceError('ocsp', 'the OCSP response is for another certificate');
  if (!o.good) throw new EvidenceError('ocsp', 'the OCSP response does not say good');
  if (o.nonce === undefined || !o.nonce.equals(input)) throw new EvidenceError('ocsp', 'the OCSP response was not made for this transaction (nonce)');
  return { input: input.toString('hex'), certificate: cert, ocspProducedAt: o.producedAt };
}
